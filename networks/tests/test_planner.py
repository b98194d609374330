"""The planner: dates for every group at once, inside the rules, the same each time."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.utils import timezone

from lib.testing import assert_refused
from tests.factories import LeaderFactory

from .. import services
from ..models import MeetingOption, NetworkMeeting, NetworkPlan, PlanStatus
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


@pytest.fixture
def setup(personas):
    """Six groups of five, two facilitators, four gatherings over a year, a winter break."""
    org = personas.org_a
    today = timezone.localdate()
    programme = ProgrammeFactory(organisation=org, starts_on=today,
                                 ends_on=today + dt.timedelta(days=360))
    gatherings = [GatheringFactory(programme=programme, date=weekday_after(today, d))
                  for d in (5, 95, 185, 275)]
    holiday = HolidayFactory(organisation=org, name="Vinterferie",
                             starts_on=today + dt.timedelta(days=130),
                             ends_on=today + dt.timedelta(days=150))
    plan = NetworkPlanFactory(programme=programme, meetings_per_interval=2,
                              facilitated_meetings=2)
    facilitators = [FacilitatorFactory(organisation=org) for _ in range(2)]
    plan.facilitators.set(facilitators)
    groups = []
    for g in range(6):
        group = NetworkGroupFactory(plan=plan, name=f"Gruppe {g}", position=g)
        for _ in range(5):
            leader = LeaderFactory(organisation=org)
            ParticipantFactory(programme=programme, leader=leader)
            MembershipFactory(group=group, leader=leader)
        groups.append(group)
    return plan, groups, gatherings, holiday, facilitators


def _plan(plan, personas):
    return services.meetings_plan(plan=plan, actor=personas.alice)


def test_every_group_gets_its_meetings_between_the_gatherings(setup, personas):
    plan, groups, gatherings, holiday, facilitators = setup
    result = _plan(plan, personas)
    assert result.created == 6 * 3 * 2  # six groups, three intervals, two each
    assert result.unplaced == []
    for group in groups:
        dates = sorted(group.meetings.values_list("date", flat=True))
        assert len(dates) == 6
        for first, last in zip(gatherings, gatherings[1:], strict=False):
            assert sum(1 for d in dates if first.date < d < last.date) == 2


def test_the_planned_dates_keep_every_rule(setup, personas):
    plan, groups, gatherings, holiday, facilitators = setup
    _plan(plan, personas)
    meetings = list(NetworkMeeting.objects.filter(group__plan=plan))
    gathering_days = {g.date for g in gatherings}
    for m in meetings:
        assert m.date.weekday() < 5
        assert not holiday.starts_on <= m.date <= holiday.ends_on
        assert m.date not in gathering_days
        assert plan.programme.starts_on <= m.date <= plan.programme.ends_on
    led = Counter((m.facilitator_id, m.date, m.slot) for m in meetings if m.facilitator_id)
    assert max(led.values()) == 1
    per_day = Counter((m.facilitator_id, m.date) for m in meetings if m.facilitator_id)
    assert max(per_day.values()) <= 2
    # The first two of each group are facilitated, later ones the group holds alone.
    for group in groups:
        ordered = list(group.meetings.order_by("number"))
        assert [m.facilitator_id is not None for m in ordered] == [True, True] + [False] * 4
        assert group.meetings.values("facilitator").exclude(facilitator=None).distinct() \
            .count() == 1
    # Groups without a facilitator got one each from the pool, shared evenly.
    assert Counter(g.facilitator_id for g in plan.groups.all()) == {
        facilitators[0].pk: 3, facilitators[1].pk: 3}
    # Each meeting has alternatives to vote on, its own date among them.
    for m in meetings:
        options = list(m.options.all())
        assert 2 <= len(options) <= 3
        assert any((o.date, o.slot) == (m.date, m.slot) for o in options)
        assert all(m.focus_gathering_id for m in meetings)


def test_a_facilitator_with_one_meeting_a_day(setup, personas):
    plan, *_ = setup
    NetworkPlan.objects.filter(pk=plan.pk).update(facilitator_daily_max=1)
    _plan(plan, personas)
    per_day = Counter((m.facilitator_id, m.date) for m in NetworkMeeting.objects.filter(
        group__plan=plan, facilitator__isnull=False))
    assert max(per_day.values()) == 1


def test_members_busy_elsewhere_are_avoided(setup, personas):
    plan, groups, gatherings, holiday, facilitators = setup
    # Everyone in group 0 is at another programme's morning gatherings every weekday of
    # the first interval.
    other = ProgrammeFactory(organisation=personas.org_a)
    for membership in groups[0].memberships.all():
        ParticipantFactory(programme=other, leader=membership.leader)
    day = gatherings[0].date + dt.timedelta(days=1)
    while day < gatherings[1].date:
        if day.weekday() < 5:
            GatheringFactory(programme=other, date=day, starts_at=dt.time(8, 0),
                             ends_at=dt.time(12, 0))
        day += dt.timedelta(days=1)
    result = _plan(plan, personas)
    # Mornings are blocked all through the first interval: group 0 meets in the afternoons.
    first = groups[0].meetings.filter(date__lt=gatherings[1].date)
    assert first.count() == 2
    assert set(first.values_list("slot", flat=True)) == {"EL"}
    assert not any("Gruppe 0" in u for u in result.unplaced)


def test_running_again_fills_only_what_is_missing(setup, personas):
    plan, groups, *_ = setup
    _plan(plan, personas)
    first = sorted(NetworkMeeting.objects.filter(group__plan=plan)
                   .values_list("group_id", "date", "slot"))
    again = _plan(plan, personas)
    assert again.created == 0
    victim = groups[2].meetings.order_by("number").last()
    victim.status = "avlyst"
    victim.save()
    third = _plan(plan, personas)
    assert third.created == 1
    assert groups[2].meetings.order_by("number").last().number == victim.number + 1
    assert len(first) == 36


def test_the_same_input_gives_the_same_plan(setup, personas):
    plan, *_ = setup
    _plan(plan, personas)
    first = sorted(NetworkMeeting.objects.filter(group__plan=plan)
                   .values_list("group__name", "number", "date", "slot", "facilitator_id"))
    NetworkMeeting.objects.filter(group__plan=plan).delete()
    _plan(plan, personas)
    again = sorted(NetworkMeeting.objects.filter(group__plan=plan)
                   .values_list("group__name", "number", "date", "slot", "facilitator_id"))
    assert first == again


def test_no_room_is_reported_not_forced(setup, personas):
    plan, groups, gatherings, holiday, facilitators = setup
    # A holiday over the whole first interval.
    HolidayFactory(organisation=personas.org_a, name="Stengt",
                   starts_on=gatherings[0].date, ends_on=gatherings[1].date)
    result = _plan(plan, personas)
    assert result.created == 6 * 2 * 2
    assert len(result.unplaced) == 12
    assert "No free date for «Gruppe 0»" in result.unplaced[0]


def test_planning_needs_confirmed_groups(personas):
    plan = NetworkPlanFactory(programme__organisation=personas.org_a, status=PlanStatus.DRAFT,
                              confirmed_at=None)
    with assert_refused("draft"):
        services.meetings_plan(plan=plan, actor=personas.alice)
    assert not MeetingOption.objects.exists()
