"""Each retention job removes exactly what is past its municipality's period, and nothing else;
run twice, the second run finds nothing. Real rows on PostgreSQL, two municipalities with
different schedules, dates just inside and just outside each period.
"""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Leader, User
from lib.models import AuditEntry, GeneratedDocument, ReminderStatus, SentReminder
from privacy.models import RetentionPolicy
from privacy.services.retention import (
    documents_purge,
    drafts_purge,
    history_purge,
    leavers_anonymise,
    months_before,
    reminders_scrub,
    retention_policy_get,
    retention_preview,
    years_before,
)
from surveys.models import Draft, Invitation
from surveys.tests.factories import make_round, standard_instruments
from tests.factories import LeaderFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now()
TODAY = timezone.localdate(NOW)


def _policy(organisation, **values) -> RetentionPolicy:
    policy = retention_policy_get(organisation_id=organisation.pk)
    RetentionPolicy.objects.filter(pk=policy.pk).update(**values)
    return policy


def _days_ago(days: int) -> dt.datetime:
    return NOW - dt.timedelta(days=days)


# --- Unsent survey answers -----------------------------------------------------------------

def _draft(organisation, leader, closed_days_ago: int, instrument) -> Draft:
    round = make_round(organisation=organisation, instrument=instrument)
    type(round).objects.filter(pk=round.pk).update(
        opens_on=TODAY - dt.timedelta(days=closed_days_ago + 10),
        closes_on=TODAY - dt.timedelta(days=closed_days_ago))
    invitation = Invitation.objects.create(round=round, leader=leader)
    return Draft.objects.create(invitation=invitation,
                                data={"1": 4, "2": "Halvferdig svar\nmed linjeskift"})


def test_drafts_of_rounds_closed_past_the_period_go_and_no_others(personas):
    needs = standard_instruments()["needs"]
    _policy(personas.org_a, draft_days=3)  # Brattli keeps the default: 0 days
    gone = [_draft(personas.org_a, personas.bob_leader, 5, needs),
            _draft(personas.org_b, personas.dora_leader, 1, needs)]
    kept = [_draft(personas.org_a, personas.boss_leader, 3, needs),  # closed 3 days ago: on
            _draft(personas.org_a, personas.bob_leader, -2, needs),  # still open
            _draft(personas.org_b, personas.dora_leader, 0, needs)]  # closes today
    preview = retention_preview(organisation_id=personas.org_a.pk, now=NOW)
    assert {row.kind.key: row.due_now for row in preview.rows}["drafts"] == 1

    assert drafts_purge(now=NOW) == 2
    assert set(Draft.objects.values_list("pk", flat=True)) == {d.pk for d in kept}
    assert not Draft.objects.filter(pk__in=[d.pk for d in gone]).exists()
    assert Invitation.objects.count() == 5  # the invitation stays: it says who was asked
    assert drafts_purge(now=NOW) == 0


# --- Sent reminders ------------------------------------------------------------------------

def _reminder(organisation, recipient, days: int, status=ReminderStatus.SENT, **content):
    values = {"subject": "Påminnelse: modul «Endringsledelse»", "body": "Hei Bob,\nhusk …",
              "html": "<p>Hei Bob</p>", "ics": "BEGIN:VCALENDAR", **content}
    return SentReminder.objects.create(
        organisation=organisation, occasion=f"programs.session:{days}:{status}",
        recipient=recipient, kind="programs.session", status=status, created_at=_days_ago(days),
        **values)


def test_reminder_texts_past_the_period_are_blanked_rows_stay(personas):
    _policy(personas.org_a, reminder_days=30)  # Brattli: 90
    gone = [_reminder(personas.org_a, personas.bob, 31),
            _reminder(personas.org_a, personas.bob, 45, ReminderStatus.SKIPPED),
            _reminder(personas.org_b, personas.dora_leader.user, 91, ReminderStatus.FAILED,
                      last_error="SMTP 550 mailbox unavailable")]
    kept = [_reminder(personas.org_a, personas.bob, 29),
            _reminder(personas.org_a, personas.bob, 60, ReminderStatus.PENDING),
            _reminder(personas.org_b, personas.dora_leader.user, 89)]

    assert reminders_scrub(now=NOW) == 3
    for row in SentReminder.objects.filter(pk__in=[r.pk for r in gone]):
        assert (row.subject, row.body, row.html, row.ics, row.last_error) == ("",) * 5
        assert row.status != ReminderStatus.PENDING  # the status and the row stay
    for row in SentReminder.objects.filter(pk__in=[r.pk for r in kept]):
        assert row.body.startswith("Hei Bob") and row.subject
    assert SentReminder.objects.count() == 6
    # The once-only guarantee is intact: the same occasion cannot be logged again.
    with pytest.raises(IntegrityError), transaction.atomic():
        _reminder(personas.org_a, personas.bob, 31)
    assert reminders_scrub(now=NOW) == 0


# --- Audit trail and change history ----------------------------------------------------------

def _audit(organisation, when: dt.datetime) -> AuditEntry:
    return AuditEntry.objects.create(organisation=organisation, action="test.done",
                                     summary="Bob Leder", created_at=when)


def test_audit_and_history_past_the_period_go_and_no_others(personas):
    _policy(personas.org_a, history_years=2)  # Brattli: 5
    history = User.history.model  # type: ignore[attr-defined]
    leader_history = Leader.history.model  # type: ignore[attr-defined]
    old_a = [_audit(personas.org_a, years_before(NOW, 2) - dt.timedelta(hours=1))]
    kept = [_audit(personas.org_a, years_before(NOW, 2) + dt.timedelta(hours=1)),
            _audit(personas.org_b, years_before(NOW, 3))]
    bob_rows = history.objects.filter(id=personas.bob.pk)
    assert bob_rows.exists()
    history._base_manager.filter(id=personas.bob.pk).update(
        history_date=years_before(NOW, 3))
    leader_history._base_manager.filter(id=personas.bob_leader.pk).update(
        history_date=years_before(NOW, 3))
    dora = personas.dora_leader
    history._base_manager.filter(id=dora.user_id).update(history_date=years_before(NOW, 3))
    # A system administrator's history has no municipality: the default period (5 years).
    root = UserFactory(organisation=None, is_superuser=True, email="drift@example.no")
    root.full_name = "Drift Endret"
    root.save()
    first, second = history._base_manager.filter(id=root.pk).order_by("history_id")
    history._base_manager.filter(pk=first.pk).update(history_date=years_before(NOW, 6))
    history._base_manager.filter(pk=second.pk).update(history_date=years_before(NOW, 4))
    before = {
        "user": history._base_manager.count(), "leader": leader_history._base_manager.count(),
    }
    bob_user_rows = history._base_manager.filter(id=personas.bob.pk).count()
    bob_leader_rows = leader_history._base_manager.filter(id=personas.bob_leader.pk).count()
    preview = retention_preview(organisation_id=personas.org_a.pk, now=NOW)
    due_a = {row.kind.key: row.due_now for row in preview.rows}["history"]
    assert due_a == len(old_a) + bob_user_rows + bob_leader_rows

    assert history_purge(now=NOW) == due_a + 1  # + the administrator's six-year-old row
    assert not AuditEntry.objects.filter(pk__in=[e.pk for e in old_a]).exists()
    assert set(AuditEntry.objects.values_list("pk", flat=True)) >= {e.pk for e in kept}
    assert history._base_manager.count() == before["user"] - bob_user_rows - 1
    assert leader_history._base_manager.count() == before["leader"] - bob_leader_rows
    assert history._base_manager.filter(id=dora.user_id).exists()  # Brattli keeps 5 years
    assert history._base_manager.filter(pk=second.pk).exists()
    assert User.objects.filter(pk=personas.bob.pk).exists()  # the live rows are untouched
    assert history_purge(now=NOW) == 0


# --- Leaders who have left -----------------------------------------------------------------

def _deactivate(leader: Leader, *, months_ago: int, reactivate_months_ago: int | None = None,
                again_months_ago: int | None = None) -> Leader:
    """Switch the account off (and on, and off) through save(), so the history says when."""
    history = User.history.model._base_manager  # type: ignore[attr-defined]
    user = leader.user
    steps = [(False, months_ago)]
    if reactivate_months_ago is not None:
        steps.append((True, reactivate_months_ago))
    if again_months_ago is not None:
        steps.append((False, again_months_ago))
    # The account was made (active) well before it was first switched off.
    history.filter(id=user.pk).update(history_date=months_before(NOW, months_ago + 12))
    for active, months in steps:
        user.is_active = active
        user.save()
        row = history.filter(id=user.pk).latest("history_id")
        history.filter(pk=row.pk).update(history_date=months_before(NOW, months))
    return leader


def test_leavers_past_the_period_are_anonymised_and_no_others(personas, caplog):
    _policy(personas.org_a, leaver_months=6)  # Brattli: 6 as well, by default
    org_a, org_b = personas.org_a, personas.org_b
    unit = personas.bob_leader.unit
    gone = [_deactivate(personas.bob_leader, months_ago=7),
            _deactivate(LeaderFactory(organisation=org_b, unit=personas.dora_leader.unit,
                                      user__full_name="Åse Ødegård-Ås"), months_ago=9)]
    kept = [
        _deactivate(LeaderFactory(organisation=org_a, unit=unit), months_ago=5),
        # Left ten months ago, came back, left again a month ago: counted from the last time.
        _deactivate(LeaderFactory(organisation=org_a, unit=unit), months_ago=10,
                    reactivate_months_ago=8, again_months_ago=1),
        # Left and came back: active.
        _deactivate(LeaderFactory(organisation=org_a, unit=unit), months_ago=10,
                    reactivate_months_ago=3),
        personas.boss_leader,  # never left
    ]
    # Deactivated with no trace in the history: never anonymised by the job.
    undated = LeaderFactory(organisation=org_a, unit=unit)
    User.objects.filter(pk=undated.user_id).update(is_active=False)
    User.history.model._base_manager.filter(id=undated.user_id).delete()  # type: ignore[attr-defined]
    names = {leader.pk: leader.user.full_name for leader in [*kept, undated]}

    preview = retention_preview(organisation_id=org_a.pk, now=NOW)
    assert {row.kind.key: row.due_now for row in preview.rows}["leavers"] == 1
    assert preview.leavers_undated == 1

    with caplog.at_level(logging.INFO, logger="privacy.retention"):
        assert leavers_anonymise(now=NOW) == 2
    for leader in gone:
        leader.refresh_from_db()
        leader.user.refresh_from_db()
        assert leader.user.email.endswith("@invalid.example") and not leader.user.is_active
        assert leader.birth_year is None
    for leader in [*kept, undated]:
        leader.user.refresh_from_db()
        assert leader.user.full_name == names[leader.pk]
    # Counts in the log, never a name.
    assert "anonymised 2 leaders" in caplog.text
    assert "Bob Leder" not in caplog.text and "Ødegård" not in caplog.text
    assert leavers_anonymise(now=NOW) == 0


# --- Generated files -----------------------------------------------------------------------

def _document(organisation, days: int, expires_in: int) -> GeneratedDocument:
    document = GeneratedDocument.objects.create(
        organisation=organisation, kind="reports.status_pdf", title="Statusrapport",
        status="done", created_at=_days_ago(days),
        expires_at=NOW + dt.timedelta(days=expires_in))
    document.file.save("rapport.pdf", ContentFile(b"%PDF-1.7 test"), save=True)
    return document


def test_generated_files_past_the_period_go_with_their_file(personas):
    _policy(personas.org_a, document_days=7)  # Brattli: 30
    gone = [_document(personas.org_a, 8, 22), _document(personas.org_b, 31, -1)]
    kept = [_document(personas.org_a, 6, 24), _document(personas.org_b, 8, 22)]
    storage = gone[0].file.storage
    paths = [d.file.name for d in gone]
    assert all(storage.exists(p) for p in paths)

    assert documents_purge(now=NOW) == 2
    assert set(GeneratedDocument.objects.values_list("pk", flat=True)) == {d.pk for d in kept}
    assert not any(storage.exists(p) for p in paths)
    assert all(storage.exists(d.file.name) for d in kept)
    assert documents_purge(now=NOW) == 0


# --- The schedule itself -------------------------------------------------------------------

@pytest.mark.parametrize(("field", "value"), [("draft_days", 31), ("reminder_days", 29),
                                              ("history_years", 1), ("leaver_months", 13),
                                              ("document_days", 0)])
def test_the_database_refuses_periods_outside_the_legal_bounds(personas, field, value):
    policy = retention_policy_get(organisation_id=personas.org_a.pk)
    with pytest.raises(IntegrityError):
        RetentionPolicy.objects.filter(pk=policy.pk).update(**{field: value})


def test_month_and_year_arithmetic_keeps_to_real_days():
    moment = dt.datetime(2028, 2, 29, 12, tzinfo=dt.UTC)
    assert years_before(moment, 1) == dt.datetime(2027, 2, 28, 12, tzinfo=dt.UTC)
    assert months_before(dt.datetime(2027, 3, 31, tzinfo=dt.UTC), 1) == \
        dt.datetime(2027, 2, 28, tzinfo=dt.UTC)
    assert months_before(dt.datetime(2027, 1, 15, tzinfo=dt.UTC), 13) == \
        dt.datetime(2025, 12, 15, tzinfo=dt.UTC)


def test_every_job_runs_on_the_demo_world_and_twice_is_a_no_op():
    """Through the Celery tasks beat runs, on the whole demo (both municipalities)."""
    from django.conf import settings

    from demo.world import seed_all
    from privacy import tasks

    seed_all(scale=1)
    names = [entry["task"].rsplit(".", 1)[1] for entry in settings.CELERY_BEAT_SCHEDULE.values()
             if entry["task"].startswith("privacy.tasks.")]
    assert len(names) == 5
    for name in names:
        getattr(tasks, name).apply().get()
    assert [getattr(tasks, name).apply().get() for name in names] == [0] * 5
