"""Network meetings, coaching bookings and applications, unanswered surveys."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from coaching.models import CourseStatus
from coaching.reminders import application_reminders, booking_reminders
from coaching.tests.factories import BookingFactory, CourseFactory
from lib.models import SentReminder
from networks.models import MeetingStatus
from networks.reminders import meeting_reminders
from networks.tests.factories import MeetingFactory, MembershipFactory, NetworkGroupFactory
from programs.tests.factories import ProgrammeFactory
from reports.models import ReminderPolicy
from surveys.models import Invitation
from surveys.reminders import unanswered_reminders
from surveys.tests.factories import make_round, standard_instruments
from tests.factories import LeaderFactory, LeaderGroupFactory, LeaderGroupMembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def quiet_policy(personas):
    """Only the kind under test: no digest on the day the test happens to run."""
    return ReminderPolicy.objects.create(organisation=personas.org_a, digest_on=False)


def _meeting(org, *, members=2, days=10, status=MeetingStatus.CONFIRMED):
    group = NetworkGroupFactory(plan__programme=ProgrammeFactory(organisation=org))
    for _ in range(members):
        MembershipFactory(group=group)
    return MeetingFactory(group=group, date=timezone.localdate() + dt.timedelta(days=days),
                          status=status, facilitator=LeaderFactory(organisation=org).user,
                          confirmed_at=timezone.now() if status == MeetingStatus.CONFIRMED
                          else None)


def test_confirmed_network_meeting_is_reminded_once_with_ics(personas, run_sweep):
    meeting = _meeting(personas.org_a)
    _meeting(personas.org_a, status=MeetingStatus.PROPOSED)
    now = meeting.start - dt.timedelta(days=6)
    assert run_sweep(now) == 3  # two members and the facilitator
    assert run_sweep(now) == 0
    message = mail.outbox[0]
    assert meeting.group.name in message.subject
    assert message.attachments[0].mimetype == "text/calendar"


@pytest.mark.parametrize("scale", [1, 10])
def test_network_source_is_a_fixed_number_of_queries(personas, scale,
                                                     django_assert_max_num_queries):
    for _ in range(scale):
        _meeting(personas.org_a, members=3, days=2)
    # organisations, policies, sent log, meetings (+group, plan, programme, org,
    # facilitator), memberships (+leader, user)
    with django_assert_max_num_queries(5):
        dues = list(meeting_reminders(timezone.now()))
    assert len(dues) == 4 * scale


def _course(org, **kwargs):
    return CourseFactory(organisation=org, leader=LeaderFactory(
        organisation=org, leader_above=kwargs.pop("above", None)), **kwargs)


def test_booking_reminds_leader_and_coach_without_the_project(personas, run_sweep):
    booking = BookingFactory(course=_course(personas.org_a))
    now = booking.starts_at - dt.timedelta(hours=20)
    assert run_sweep(now) == 2
    assert run_sweep(now) == 0
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted([booking.course.leader.user.email, booking.coach.user.email])
    assert all(m.attachments[0].mimetype == "text/calendar" for m in mail.outbox)
    assert SentReminder.objects.filter(occasion=f"coaching.booking:{booking.pk}:1d").count() == 2


@pytest.mark.parametrize("scale", [1, 10])
def test_booking_source_is_a_fixed_number_of_queries(personas, scale,
                                                     django_assert_max_num_queries):
    starts = []
    for _ in range(scale):
        booking = BookingFactory(course=_course(personas.org_a))
        starts.append(booking.starts_at)
    now = min(starts) - dt.timedelta(hours=1)
    # organisations, policies, sent log, bookings (+course, org, leader, user, coach, user)
    with django_assert_max_num_queries(4):
        dues = list(booking_reminders(now))
    assert len(dues) == 2 * len([s for s in starts if s - now <= dt.timedelta(days=7)])


def test_waiting_coaching_application_reminds_leader_above(personas, run_sweep):
    course = _course(personas.org_a, above=personas.boss_leader, status=CourseStatus.SUBMITTED,
                     coach=None)
    assert run_sweep(course.applied_at + dt.timedelta(days=2)) == 0
    assert run_sweep(course.applied_at + dt.timedelta(days=3, hours=1)) == 1
    assert run_sweep(course.applied_at + dt.timedelta(days=3, hours=2)) == 0
    assert mail.outbox[0].to == ["berit@askvik.example"]
    assert course.leader.name in mail.outbox[0].body


@pytest.mark.parametrize("scale", [1, 10])
def test_application_source_is_a_fixed_number_of_queries(personas, scale,
                                                         django_assert_max_num_queries):
    for _ in range(scale):
        _course(personas.org_a, above=personas.boss_leader, status=CourseStatus.SUBMITTED,
                coach=None)
    # waiting applications (+org, leader, user, above, user), policies, O&F, sent log
    with django_assert_max_num_queries(4):
        dues = list(application_reminders(timezone.now() + dt.timedelta(days=3, hours=1)))
    assert len(dues) == scale


def _open_round(org, members: int):
    group = LeaderGroupFactory(organisation=org, head=LeaderFactory(organisation=org))
    LeaderGroupMembershipFactory(group=group, leader=group.head)
    for _ in range(members - 1):
        LeaderGroupMembershipFactory(group=group, leader=LeaderFactory(organisation=org))
    round = make_round(organisation=org, instrument=standard_instruments()["effect"],
                       group=group, phase="before", opens=-1, closes=10)
    from surveys.services import round_open

    round_open(round=round)
    Invitation.objects.filter(round=round).update(emailed_at=timezone.now())
    return round


def test_unanswered_survey_is_nagged_at_most_every_interval_until_close(
        personas, run_sweep, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        round = _open_round(personas.org_a, members=3)
    mail.outbox.clear()
    Invitation.objects.filter(round=round).order_by("pk").filter(
        pk=Invitation.objects.filter(round=round).order_by("pk").first().pk).update(
        submitted=True)
    now = timezone.now()
    assert run_sweep(now + dt.timedelta(days=2)) == 0
    assert run_sweep(now + dt.timedelta(days=3, hours=1)) == 2
    assert run_sweep(now + dt.timedelta(days=4)) == 0
    assert run_sweep(now + dt.timedelta(days=6, hours=1)) == 2
    assert run_sweep(now + dt.timedelta(days=12)) == 0  # closed
    assert len(mail.outbox) == 4
    assert "Påminnelse" in mail.outbox[0].subject


@pytest.mark.parametrize("scale", [1, 10])
def test_survey_source_is_a_fixed_number_of_queries(personas, scale,
                                                    django_assert_max_num_queries):
    for _ in range(scale):
        _open_round(personas.org_a, members=3)
    # invitations (+leader, user, round, org, instrument, group, ...), policies, sent log
    with django_assert_max_num_queries(3):
        dues = list(unanswered_reminders(timezone.now() + dt.timedelta(days=3, hours=1)))
    assert len(dues) == 3 * scale


def test_reports_fills_lib_policy_slot_with_stored_policies(personas, quiet_policy):
    """Track apps read the policy through lib; reports answers with its rows (and creates
    the missing one with the defaults)."""
    from lib.reminder_policy import policies

    found = policies([personas.org_a.pk, personas.org_b.pk])
    assert found[personas.org_a.pk] == quiet_policy
    assert isinstance(found[personas.org_b.pk], ReminderPolicy)
    assert found[personas.org_b.pk].days_before == (7, 1)
