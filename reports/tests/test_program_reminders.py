"""Module sessions, gatherings, waiting approvals and seats from the waiting list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from lib.models import ReminderStatus, SentReminder
from programs import services as program_services
from programs.models import EnrollmentStatus
from programs.reminders import approval_reminders, gathering_reminders, session_reminders
from programs.tests.factories import (
    EnrollmentFactory,
    GatheringFactory,
    ModuleFactory,
    ModuleSessionFactory,
    ProgrammeParticipantFactory,
)
from reports.models import ReminderPolicy
from reports.tests.factories import seated
from tests.factories import LeaderFactory, UserFactory

pytestmark = pytest.mark.django_db


def _session(org, days_ahead=10, **kwargs):
    module = ModuleFactory(programme__organisation=org, topic="Relasjonsledelse")
    return ModuleSessionFactory(module=module, date=timezone.localdate() + dt.timedelta(
        days=days_ahead), starts_at=dt.time(9), ends_at=dt.time(12), **kwargs)


def test_session_reminder_goes_once_seven_and_one_day_before(personas, run_sweep):
    session = _session(personas.org_a, theme="Tillit i teamet")
    seated(session.module, leader=personas.bob_leader)
    seven = session.start - dt.timedelta(days=6, hours=12)
    assert run_sweep(seven) == 1
    assert run_sweep(seven + dt.timedelta(minutes=15)) == 0  # beat fires again
    one = session.start - dt.timedelta(hours=20)
    assert run_sweep(one) == 1
    assert run_sweep(one) == 0
    assert [m.to for m in mail.outbox] == [["bob@askvik.example"]] * 2
    message = mail.outbox[0]
    assert "Relasjonsledelse" in message.subject
    assert "Påminnelse" in message.subject
    assert "Tillit i teamet" in message.alternatives[0][0]
    assert message.attachments[0].mimetype == "text/calendar"
    assert "Relasjonsledelse" in message.attachments[0].content
    assert sorted(SentReminder.objects.values_list("occasion", flat=True)) == [
        f"programs.session:{session.pk}:1d", f"programs.session:{session.pk}:7d"]


def test_nothing_before_the_window_and_nothing_after_the_start(personas, run_sweep):
    session = _session(personas.org_a)
    seated(session.module, leader=personas.bob_leader)
    assert run_sweep(session.start - dt.timedelta(days=8)) == 0
    assert run_sweep(session.start + dt.timedelta(minutes=1)) == 0
    assert mail.outbox == []


def test_nynorsk_reader_gets_nynorsk_and_facilitator_is_reminded(personas, run_sweep):
    personas.bob.language = "nn"
    personas.bob.save(update_fields=["language"])
    ReminderPolicy.objects.create(organisation=personas.org_a, digest_on=False)
    facilitator = UserFactory(organisation=personas.org_a, is_facilitator=True,
                              email="fasilitator@askvik.example")
    session = _session(personas.org_a)
    session.facilitators.add(facilitator)
    seated(session.module, leader=personas.bob_leader)
    assert run_sweep(session.start - dt.timedelta(days=3)) == 2
    by_to = {m.to[0]: m for m in mail.outbox}
    assert "Påminning" in by_to["bob@askvik.example"].subject
    assert "Påminnelse" in by_to["fasilitator@askvik.example"].subject


def test_policy_sets_the_days_and_turns_kinds_off(personas, run_sweep):
    session = _session(personas.org_a)
    seated(session.module, leader=personas.bob_leader)
    ReminderPolicy.objects.create(organisation=personas.org_a, first_reminder_days=3,
                                  last_reminder_days=2)
    assert run_sweep(session.start - dt.timedelta(days=5)) == 0
    assert run_sweep(session.start - dt.timedelta(days=2, hours=12)) == 1
    ReminderPolicy.objects.filter(organisation=personas.org_a).update(sessions_on=False)
    assert run_sweep(session.start - dt.timedelta(days=1, hours=12)) == 0


def test_cancelled_module_and_cancelled_seat_get_no_reminder(personas, run_sweep):
    session = _session(personas.org_a)
    enrollment = seated(session.module, leader=personas.bob_leader)
    enrollment.status = EnrollmentStatus.CANCELLED
    enrollment.cancelled_at = timezone.now()
    enrollment.save()
    other = _session(personas.org_a)
    seated(other.module, leader=personas.bob_leader)
    other.module.status = "avlyst"
    other.module.save()
    assert run_sweep(session.start - dt.timedelta(days=2)) == 0


def test_recipient_without_email_is_logged_and_skipped(personas, run_sweep, caplog):
    session = _session(personas.org_a)
    leader = LeaderFactory(organisation=personas.org_a, user__email="")
    seated(session.module, leader=leader)
    assert run_sweep(session.start - dt.timedelta(days=2)) == 1
    reminder = SentReminder.objects.get()
    assert reminder.status == ReminderStatus.SKIPPED
    assert "no email" in caplog.text
    assert run_sweep(session.start - dt.timedelta(days=2)) == 0  # not retried
    assert mail.outbox == []


@pytest.mark.parametrize("scale", [1, 10])
def test_session_source_is_a_fixed_number_of_queries(personas, scale,
                                                     django_assert_max_num_queries):
    ReminderPolicy.objects.create(organisation=personas.org_a)
    for _ in range(scale):
        session = _session(personas.org_a, days_ahead=3)
        session.facilitators.add(UserFactory(organisation=personas.org_a, is_facilitator=True))
        for _seat in range(3):
            seated(session.module)
    now = timezone.now()
    # organisations in window, policies, sessions, seated enrolments (+users),
    # facilitators, already-sent log
    with django_assert_max_num_queries(6):
        dues = list(session_reminders(now))
    assert len(dues) == 4 * scale


@pytest.mark.parametrize("scale", [1, 10])
def test_gathering_source_is_a_fixed_number_of_queries(personas, scale,
                                                       django_assert_max_num_queries):
    ReminderPolicy.objects.create(organisation=personas.org_a)
    for _ in range(scale):
        gathering = GatheringFactory(programme__organisation=personas.org_a,
                                     date=timezone.localdate() + dt.timedelta(days=3))
        gathering.advisers.add(UserFactory(organisation=personas.org_a, is_facilitator=True))
        ProgrammeParticipantFactory(programme=gathering.programme)
    with django_assert_max_num_queries(6):
        dues = list(gathering_reminders(timezone.now()))
    assert len(dues) == 2 * scale
    assert all(d.ics and b"BEGIN:VEVENT" in d.ics for d in dues)


def test_gathering_reminder_reaches_participants(personas, run_sweep):
    gathering = GatheringFactory(programme__organisation=personas.org_a, theme="Mestring")
    ProgrammeParticipantFactory(programme=gathering.programme, leader=personas.bob_leader)
    assert run_sweep(gathering.start - dt.timedelta(days=6)) == 1
    assert "Mestring" in mail.outbox[0].subject


def test_waiting_approval_reminds_leader_above_every_interval(personas, run_sweep):
    module = ModuleFactory(programme__organisation=personas.org_a, topic="Endringsledelse")
    enrollment = EnrollmentFactory(module=module, leader=personas.bob_leader)
    requested = enrollment.requested_at
    assert run_sweep(requested + dt.timedelta(days=2)) == 0  # the service already asked
    assert run_sweep(requested + dt.timedelta(days=3, hours=1)) == 1
    assert run_sweep(requested + dt.timedelta(days=4)) == 0
    assert run_sweep(requested + dt.timedelta(days=6, hours=1)) == 1
    assert [m.to for m in mail.outbox] == [["berit@askvik.example"]] * 2
    assert "Bob Leder" in mail.outbox[0].body
    enrollment.status = EnrollmentStatus.DECLINED
    enrollment.decided_at = timezone.now()
    enrollment.save()
    assert run_sweep(requested + dt.timedelta(days=9, hours=1)) == 0


def test_waiting_approval_without_leader_above_goes_to_oaf(personas, run_sweep):
    module = ModuleFactory(programme__organisation=personas.org_a)
    enrollment = EnrollmentFactory(module=module, leader=personas.boss_leader)
    assert run_sweep(enrollment.requested_at + dt.timedelta(days=3, hours=1)) == 1
    assert mail.outbox[0].to == ["alice@askvik.example"]


@pytest.mark.parametrize("scale", [1, 10])
def test_approval_source_is_a_fixed_number_of_queries(personas, scale,
                                                      django_assert_max_num_queries):
    ReminderPolicy.objects.create(organisation=personas.org_a)
    for _ in range(scale):
        EnrollmentFactory(module=ModuleFactory(programme__organisation=personas.org_a),
                          leader=LeaderFactory(organisation=personas.org_a,
                                               leader_above=personas.boss_leader))
    now = timezone.now() + dt.timedelta(days=3, hours=1)
    # waiting requests (+leaders, above, module, programme), policies, O&F admins, sent log
    with django_assert_max_num_queries(4):
        dues = list(approval_reminders(now))
    assert len(dues) == scale


def test_seat_from_waiting_list_is_emailed_once_through_the_log(personas,
                                                                 django_capture_on_commit_callbacks):
    module = ModuleFactory(programme__organisation=personas.org_a, capacity=1)
    first = seated(module)
    waiting = EnrollmentFactory(module=module, leader=personas.bob_leader,
                                status=EnrollmentStatus.WAITING, decided_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        program_services.enrollment_cancel(enrollment=first, actor=first.leader.user)
    with django_capture_on_commit_callbacks(execute=True):
        program_services.module_fill_seats(module=module)  # nothing left to give
    seat_mails = [m for m in mail.outbox if m.to == ["bob@askvik.example"]]
    assert len(seat_mails) == 1
    reminder = SentReminder.objects.get(kind="seat_given")
    assert reminder.recipient == personas.bob
    assert reminder.occasion.startswith(f"programs.seat_given:{waiting.pk}:")
    assert reminder.status == ReminderStatus.SENT
