"""The cost-aware planner: M meetings per group between two dates, packed into adviser-days
(issue 17). The price it shows is checked against the cost overview in
``reports/tests/test_network_planner_price.py`` (networks may not import reports)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.utils import timezone

from lib.testing import assert_refused
from tests.factories import LeaderFactory

from ..models import MeetingStatus, NetworkMeeting, Slot
from ..rules import Candidate, PlanningContext
from ..services import MeetingInput, meeting_record
from ..services.planning import meetings_plan_range
from .factories import (
    FacilitatorFactory,
    GatheringFactory,
    HolidayFactory,
    MembershipFactory,
    NetworkGroupFactory,
    NetworkPlanFactory,
    ParticipantFactory,
    ProgrammeFactory,
    weekday_after,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def make_plan(org, *, advisers: int, groups: int = 4, today=None):
    """Four groups of five, ``advisers`` advisers sharing them, a gathering and a winter
    break inside the period, the plan saying two meetings a day per adviser."""
    today = today or timezone.localdate()
    programme = ProgrammeFactory(organisation=org, starts_on=today,
                                 ends_on=today + dt.timedelta(days=300))
    gathering = GatheringFactory(programme=programme, date=weekday_after(today, 40))
    holiday = HolidayFactory(organisation=org, name="Vinterferie",
                             starts_on=today + dt.timedelta(days=60),
                             ends_on=today + dt.timedelta(days=80))
    plan = NetworkPlanFactory(programme=programme, facilitated_meetings=4,
                              facilitator_daily_max=2)
    people = [FacilitatorFactory(organisation=org) for _ in range(advisers)]
    plan.facilitators.set(people)
    made = []
    for g in range(groups):
        group = NetworkGroupFactory(plan=plan, name=f"Gruppe {g}", position=g,
                                    facilitator=people[g % advisers])
        for _ in range(5):
            leader = LeaderFactory(organisation=org)
            ParticipantFactory(programme=programme, leader=leader)
            MembershipFactory(group=group, leader=leader)
        made.append(group)
    return plan, made, gathering, holiday, people


@pytest.mark.parametrize("advisers", [1, 2])
def test_four_groups_four_meetings_two_a_day_need_eight_adviser_days(personas, advisers):
    plan, groups, gathering, holiday, people = make_plan(personas.org_a, advisers=advisers)
    today = timezone.localdate()
    first, last = today + dt.timedelta(days=7), today + dt.timedelta(days=180)
    result = meetings_plan_range(plan=plan, per_group=4, first=first, last=last,
                                 actor=personas.alice)
    assert (result.created, result.unplaced) == (16, [])
    meetings = list(NetworkMeeting.objects.filter(group__plan=plan))
    days = Counter((m.facilitator_id, m.date) for m in meetings)
    assert len(days) == result.adviser_days == 8
    assert set(days.values()) == {2}  # every adviser-day full: one morning, one afternoon
    assert all({m.slot for m in meetings if (m.facilitator_id, m.date) == key}
               == {Slot.MORNING, Slot.AFTERNOON} for key in days)
    assert Counter(m.group_id for m in meetings) == {g.pk: 4 for g in groups}
    assert all(first <= m.date <= last and m.date.weekday() < 5 for m in meetings)
    assert gathering.date not in {m.date for m in meetings}
    assert not [m for m in meetings if holiday.starts_on <= m.date <= holiday.ends_on]
    # Each meeting keeps every rule against the calendar as it now is.
    members = {g.pk: tuple(g.memberships.values_list("leader_id", flat=True)) for g in groups}
    ctx = PlanningContext.load(plan=plan, leader_ids=[i for v in members.values() for i in v],
                               facilitator_ids=[p.pk for p in people], first=first, last=last)
    for m in meetings:
        assert ctx.problems(Candidate(group_id=m.group_id, member_ids=members[m.group_id],
                                      date=m.date, slot=m.slot, starts_at=m.starts_at,
                                      ends_at=m.ends_at, facilitator_id=m.facilitator_id,
                                      meeting_id=m.pk)) == []
    # Each proposal's poll has its own date only; no price without a contract term.
    assert all([(o.date, o.slot) for o in m.options.all()] == [(m.date, m.slot)]
               for m in meetings)
    assert result.price is None


def test_the_planner_never_changes_confirmed_or_hand_made_meetings(personas):
    plan, groups, _gathering, _holiday, people = make_plan(personas.org_a, advisers=2)
    today = timezone.localdate()
    kept = meeting_record(group=groups[0], actor=personas.alice, data=MeetingInput(
        status=MeetingStatus.CONFIRMED, date=weekday_after(today, 20), slot=Slot.MORNING,
        facilitator=people[0], place="Rådhuset"))
    not_set = meeting_record(group=groups[1], actor=personas.alice,
                             data=MeetingInput(status=MeetingStatus.NOT_PROPOSED))
    before = NetworkMeeting.objects.filter(pk__in=[kept.pk, not_set.pk]).values()
    result = meetings_plan_range(plan=plan, per_group=2, first=today + dt.timedelta(days=7),
                                 last=today + dt.timedelta(days=120), actor=personas.alice)
    assert list(NetworkMeeting.objects.filter(pk__in=[kept.pk, not_set.pk]).values()) == list(
        before)
    # Group 0 already has one meeting in the period: it gets one more, the others two.
    counts = Counter(NetworkMeeting.objects.filter(group__plan=plan, date__isnull=False)
                     .values_list("group_id", flat=True))
    assert counts == {g.pk: 2 for g in groups}
    assert result.created == 7
    # New meetings number on after the hand-made ones.
    assert sorted(NetworkMeeting.objects.filter(group=groups[1]).values_list(
        "number", flat=True)) == [1, 2, 3]


def test_a_members_clash_moves_the_pair_to_another_day(personas):
    plan, groups, _gathering, _holiday, people = make_plan(personas.org_a, advisers=1,
                                                           groups=2)
    today = timezone.localdate()
    first, last = today + dt.timedelta(days=7), today + dt.timedelta(days=20)
    # Every day but the last three weekdays of the period, a member of group 1 is away.
    busy_leader = groups[1].memberships.first().leader
    other = ProgrammeFactory(organisation=personas.org_a, starts_on=first, ends_on=last)
    ParticipantFactory(programme=other, leader=busy_leader)
    free = {weekday_after(last, -2)}
    day = first
    while day <= last:
        if day not in free and day.weekday() < 5:
            GatheringFactory(programme=other, date=day, starts_at=dt.time(8, 0),
                             ends_at=dt.time(16, 0))
        day += dt.timedelta(days=1)
    result = meetings_plan_range(plan=plan, per_group=1, first=first, last=last,
                                 actor=personas.alice)
    assert result.unplaced == [] and result.adviser_days == 1
    assert set(NetworkMeeting.objects.filter(group__plan=plan).values_list(
        "date", flat=True)) == free


def test_refusals(personas):
    plan, _groups, _g, _h, _p = make_plan(personas.org_a, advisers=1)
    today = timezone.localdate()
    with assert_refused("per_group"):
        meetings_plan_range(plan=plan, per_group=0, first=today, last=today,
                            actor=personas.alice)
    with assert_refused("period"):
        meetings_plan_range(plan=plan, per_group=2, first=today + dt.timedelta(days=9),
                            last=today, actor=personas.alice)
    with assert_refused("outside_period"):
        meetings_plan_range(plan=plan, per_group=2, first=today - dt.timedelta(days=9),
                            last=today, actor=personas.alice)
    dry = meetings_plan_range(plan=plan, per_group=2, first=today + dt.timedelta(days=7),
                              last=today + dt.timedelta(days=120), actor=personas.alice,
                              dry_run=True)
    assert dry.created == 8 and dry.adviser_days == 4
    assert not NetworkMeeting.objects.filter(group__plan=plan).exists()


def test_a_running_year_counts_what_was_held_and_plans_only_ahead(personas):
    """"Four meetings this year" in a programme that began months ago: the meetings held
    count, the missing ones fall after today (never a proposal in the past)."""
    today = timezone.localdate()
    plan, groups, _gathering, _holiday, people = make_plan(
        personas.org_a, advisers=1, groups=2, today=today - dt.timedelta(days=100))
    for group in groups:
        for offset in (-95, -70):  # clear of the gathering (-60) and the break
            meeting_record(group=group, actor=personas.alice, data=MeetingInput(
                status=MeetingStatus.HELD, date=weekday_after(today, offset),
                slot=Slot.MORNING if group == groups[0] else Slot.AFTERNOON,
                facilitator=people[0]))
    first, last = plan.programme.starts_on, today + dt.timedelta(days=150)
    result = meetings_plan_range(plan=plan, per_group=4, first=first, last=last,
                                 actor=personas.alice)
    assert (result.created, result.unplaced) == (4, [])
    new = NetworkMeeting.objects.filter(group__plan=plan, status=MeetingStatus.PROPOSED)
    assert new.count() == 4 and all(m.date > today for m in new)
    # Spread over the days left: one pair in each half of them, not both at the end.
    middle = today + (last - today) / 2
    assert sorted(m.date < middle for m in new) == [False, False, True, True]
    # Two new adviser-days (a pair per round) beside the two of the past.
    assert result.adviser_days == 4
    with assert_refused("period_past"):
        meetings_plan_range(plan=plan, per_group=4, first=first,
                            last=today - dt.timedelta(days=1), actor=personas.alice)
