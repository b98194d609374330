"""The development project and reflection notes belong to the leader.

The coach reads them only while the leader shares them; the leader above and
O&F see counts, hours and status — never the content, in the portal, the
admin, exports, emails, the audit trail or the calendar feed.
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import override_settings
from django.urls import reverse

from coaching import services
from coaching.models import DevelopmentProject, ReflectionNote
from lib.models import AuditEntry

from .conftest import SECRET
from .factories import BookingFactory

pytestmark = pytest.mark.django_db

NOTE = "Refleksjon: jeg unngikk den vanskelige samtalen igjen"


@pytest.fixture
def noted(setup, personas):
    services.reflection_add(course=setup.course, actor=personas.bob, body=NOTE)
    BookingFactory(course=setup.course, starts_at=setup.slot(10), status="holdt")
    return setup


def _page(client, user, setup):
    client.force_login(user)
    return client.get(reverse("coaching:course_detail", args=[setup.course.uuid])
                      ).content.decode()


def _share(setup, personas, shared):
    project = setup.course.project
    services.project_update(course=setup.course, actor=personas.bob,
                            answers={n: getattr(project, n) for n in project.ANSWER_FIELDS},
                            shared_with_coach=shared)


def test_the_leader_reads_their_project_and_notes(client, personas, noted):
    text = _page(client, personas.bob, noted)
    assert SECRET in text and NOTE in text


def test_the_coach_reads_them_only_while_the_leader_shares(client, personas, noted):
    text = _page(client, noted.coach.user, noted)
    assert SECRET not in text and NOTE not in text
    assert "Lederen har ikke delt utviklingsprosjektet sitt med deg" in text
    _share(noted, personas, True)
    text = _page(client, noted.coach.user, noted)
    assert SECRET in text and NOTE in text
    _share(noted, personas, False)
    assert SECRET not in _page(client, noted.coach.user, noted)


@pytest.mark.parametrize("who", ["boss", "alice"])
def test_leader_above_and_o_and_f_see_counts_and_status_never_content(client, personas,
                                                                      noted, who):
    _share(noted, personas, True)  # sharing with the coach shares with nobody else
    user = personas.boss_leader.user if who == "boss" else personas.alice
    text = _page(client, user, noted)
    assert SECRET not in text and NOTE not in text
    assert "Tydelig og raus" not in text
    assert "1 av 3" in text and "I gang" in text  # counts and status
    assert "1,00" in text  # hours used


def test_the_decision_page_shows_no_content(client, personas, noted):
    noted.course.status = "sokt"
    noted.course.save()
    client.force_login(personas.boss_leader.user)
    text = client.get(reverse("coaching:course_decide", args=[noted.course.uuid])
                      ).content.decode()
    assert "Bob Leder" in text and SECRET not in text and NOTE not in text


def test_min_side_panels_show_no_content(client, personas, noted):
    noted.course.status = "sokt"
    noted.course.save()
    for user in (personas.boss_leader.user, personas.bob, noted.coach.user):
        client.force_login(user)
        text = client.get(reverse("accounts:min_side")).content.decode()
        assert SECRET not in text and NOTE not in text


def test_the_admin_has_no_door_to_the_content(client, personas, noted):
    assert DevelopmentProject not in admin.site._registry
    assert ReflectionNote not in admin.site._registry
    client.force_login(personas.alice)
    change = client.get(reverse("admin:coaching_coachingcourse_change",
                                args=[noted.course.pk]))
    assert change.status_code == 200
    text = change.content.decode()
    assert "Bob Leder" in text and SECRET not in text and NOTE not in text
    listing = client.get(reverse("admin:coaching_coachingcourse_changelist") + "?q=konflikt")
    assert "Bob Leder" not in listing.content.decode()  # the project is not searchable either
    with override_settings(IMPORT_EXPORT_SKIP_ADMIN_EXPORT_UI=True):
        export = client.get(reverse("admin:coaching_coachingcourse_export"))
    body = export.content.decode("utf-8-sig")
    assert export.status_code == 200 and "Bob Leder" in body
    assert SECRET not in body and NOTE not in body


def test_audit_trail_and_calendar_feed_hold_no_content(client, personas, noted):
    _share(noted, personas, True)
    for entry in AuditEntry.objects.all():
        assert SECRET not in entry.summary + str(entry.data)
        assert NOTE not in entry.summary + str(entry.data)
    for user in (personas.bob, noted.coach.user):
        feed = client.get(reverse("accounts:calendar_feed",
                                  kwargs={"token": user.calendar_token})).content.decode()
        assert "Coaching" in feed and SECRET not in feed and NOTE not in feed
