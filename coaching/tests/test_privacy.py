"""The development project and reflection notes belong to the leader.

The coach reads them only while the leader shares them; the leader above and
O&F see counts, hours and status — never the content, in the portal, the
admin, exports, emails, the audit trail or the calendar feed.
"""

from __future__ import annotations

import json

import pytest
from django.contrib import admin
from django.test import override_settings
from django.urls import reverse

from accounts.privacy import leader_anonymise
from coaching import services
from coaching.invoices import invoice_basis
from coaching.models import Booking, CoachingCourse, DevelopmentProject, ReflectionNote
from lib.models import AuditEntry

from .conftest import SECRET
from .factories import BookingFactory, CourseFactory

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


# -- GDPR: the leader's own export and anonymising a leader who left -------------------------


def _my_data(client, user) -> dict:
    client.force_login(user)
    response = client.get(reverse("accounts:my_data"))
    assert response.status_code == 200
    return json.loads(response.content)["coaching"]


def test_own_export_holds_courses_bookings_project_and_notes(client, personas, noted):
    BookingFactory(course=noted.course, starts_at=noted.slot(11), status="avbestilt",
                   cancelled_by=personas.bob)
    other = CourseFactory(organisation=personas.org_a, agreement=noted.agreement,
                          coach=noted.coach, project={"leadership": "Andres ord om ledelse"})
    BookingFactory(course=other, starts_at=noted.slot(13))

    data = _my_data(client, personas.bob)

    [course] = data["courses"]
    assert course["coach"] == "Cora Coach" and course["status"] == "aktiv"
    assert [(b["status"], b["cancelled_by"]) for b in course["bookings"]] == [
        ("holdt", None), ("avbestilt", "Bob Leder")]
    project = course["development_project"]
    assert SECRET in [a["answer"] for a in project["answers"]]
    assert [n["reflection"] for n in project["reflection_notes"]] == [NOTE]
    assert "Andres ord om ledelse" not in str(data)  # another leader's course is not here
    assert "coach_profile" not in data


def test_the_coach_export_holds_no_leader_content(client, personas, noted):
    data = _my_data(client, noted.coach.user)
    assert data["courses"] == [] and "coach_profile" in data
    assert SECRET not in str(data) and NOTE not in str(data)


def test_anonymising_clears_free_text_and_keeps_bookings_and_invoice_basis(personas, noted):
    course = noted.course
    CoachingCourse.objects.filter(pk=course.pk).update(decision_note="Godkjent, Bob trenger det")
    month = noted.slot(10).date().replace(day=1)
    basis_before = invoice_basis(organisation_id=personas.org_a.pk, month=month).rows
    bookings_before = list(Booking.objects.filter(course=course)
                           .values_list("pk", "status", "minutes", "starts_at"))
    history_before = Booking.history.filter(course=course).count()

    leader_anonymise(leader=personas.bob_leader, actor=personas.alice)

    course.refresh_from_db()
    project = DevelopmentProject.objects.get(course=course)
    assert course.decision_note == "" and course.status == "aktiv"
    assert all(getattr(project, name) == "" for name in project.ANSWER_FIELDS)
    assert not project.shared_with_coach
    assert list(ReflectionNote.objects.filter(project=project).values_list("body", flat=True)) \
        == [""]  # the note is kept as a count, without its words
    assert list(Booking.objects.filter(course=course)
                .values_list("pk", "status", "minutes", "starts_at")) == bookings_before
    assert invoice_basis(organisation_id=personas.org_a.pk, month=month).rows == basis_before
    assert basis_before and basis_before[0].held == 1
    assert Booking.history.filter(course=course).count() == history_before


def test_anonymising_leaves_other_leaders_text_alone(personas, noted):
    other = CourseFactory(organisation=personas.org_a, agreement=noted.agreement,
                          coach=noted.coach, project={"leadership": "Andres ord om ledelse"})
    leader_anonymise(leader=personas.bob_leader, actor=personas.alice)
    assert DevelopmentProject.objects.get(course=other).leadership == "Andres ord om ledelse"
