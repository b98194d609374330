"""O&F's admin pages: make a report, the job list, the beat schedule, the reminder policy."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from lib.models import GeneratedDocument
from programs.tests.factories import ProgrammeFactory
from reports.models import ReminderPolicy

pytestmark = pytest.mark.django_db

MAKE = "admin:reports_reportjob_add"


@pytest.fixture
def programme(personas):
    return ProgrammeFactory(organisation=personas.org_a, name="Askvikleiaren")


def test_oaf_makes_a_report_and_is_sent_to_the_job_page(client, personas, programme,
                                                         django_capture_on_commit_callbacks):
    client.force_login(personas.alice)
    assert client.get(reverse(MAKE)).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse(MAKE), {"kind": "reports.status_pdf",
                                               "programme": programme.pk})
    document = GeneratedDocument.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("lib:document_detail", args=[document.pk])
    document.refresh_from_db()
    assert document.status == "done" and document.requested_by == personas.alice
    download = client.get(reverse("lib:document_download", args=[document.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_leader_without_admin_access_cannot_make_reports(client, personas, programme):
    client.force_login(personas.bob)
    response = client.post(reverse(MAKE), {"kind": "reports.status_pdf",
                                           "programme": programme.pk})
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert not GeneratedDocument.objects.exists()


def test_other_municipality_cannot_pick_the_programme(client, personas, programme):
    client.force_login(personas.charlie)
    response = client.post(reverse(MAKE), {"kind": "reports.status_pdf",
                                           "programme": programme.pk})
    assert response.status_code == 200
    assert "programme" in response.context["form"].errors
    assert not GeneratedDocument.objects.exists()


def test_period_ending_before_it_starts_is_refused(client, personas, programme):
    client.force_login(personas.alice)
    response = client.post(reverse(MAKE), {"kind": "reports.costs_csv",
                                           "programme": programme.pk,
                                           "first": "2030-02-01", "last": "2030-01-01"})
    assert response.status_code == 200
    assert "Perioden må slutte" in response.content.decode()
    assert not GeneratedDocument.objects.exists()


def test_job_list_shows_every_kind_of_generated_file_of_own_municipality(client, personas):
    expires = timezone.now() + dt.timedelta(days=30)
    GeneratedDocument.objects.create(organisation=personas.org_a, kind="groups.poster_pdf",
                                     title="Formålsplakat", expires_at=expires)
    GeneratedDocument.objects.create(organisation=personas.org_a,
                                     kind="coaching.invoice_basis_pdf",
                                     title="Fakturagrunnlag", expires_at=expires)
    GeneratedDocument.objects.create(organisation=personas.org_b, kind="groups.poster_pdf",
                                     title="Brattli plakat", expires_at=expires)
    client.force_login(personas.alice)
    response = client.get(reverse("admin:reports_reportjob_changelist"))
    assert response.context["cl"].result_count == 2
    assert "Formålsplakat" in response.content.decode()
    client.force_login(personas.charlie)
    response = client.get(reverse("admin:reports_reportjob_changelist"))
    assert response.context["cl"].result_count == 1


def test_beat_schedule_is_shown_read_only(client, personas):
    client.force_login(personas.alice)
    response = client.get(reverse("admin:reports_beat_schedule"))
    content = response.content.decode()
    assert response.status_code == 200
    # Each job by what it does, each interval in the unit people use (not "1 440 minutter").
    assert "Send påminnelser" in content and "15 minutter" in content
    assert "1 døgn" in content and "6 timer" in content and "30 sekunder" in content
    assert "lib.tasks" not in content and "1 440" not in content
    client.force_login(personas.bob)
    assert client.get(reverse("admin:reports_beat_schedule")).status_code == 302


def test_policy_is_created_on_demand_and_edited_in_the_admin(client, personas):
    client.force_login(personas.alice)
    response = client.get(reverse("admin:reports_reminderpolicy_changelist"))
    policy = ReminderPolicy.objects.get(organisation=personas.org_a)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:reports_reminderpolicy_change",
                                           args=[policy.pk])
    assert policy.days_before == (7, 1) and policy.survey_interval_days == 3
    url = reverse("admin:reports_reminderpolicy_change", args=[policy.pk])
    data = {"first_reminder_days": 5, "last_reminder_days": 2, "survey_interval_days": 4,
            "approval_interval_days": 2, "digest_weekday": 4, "sessions_on": "on",
            "gatherings_on": "on", "digest_on": "on"}
    assert client.post(url, data).status_code == 302
    policy.refresh_from_db()
    assert policy.days_before == (5, 2) and not policy.bookings_on
    bad = client.post(url, {**data, "last_reminder_days": 5})
    assert bad.status_code == 200
    policy.refresh_from_db()
    assert policy.days_before == (5, 2)
    client.force_login(personas.charlie)
    assert client.get(url).status_code == 404  # not in charlie's rows
    assert client.post(url, {**data, "first_reminder_days": 9}).status_code == 404
    policy.refresh_from_db()
    assert policy.first_reminder_days == 5


