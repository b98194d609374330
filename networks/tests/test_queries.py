"""No N+1: every page and panel runs the same number of queries at 1× and 10× rows."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.urls import reverse
from django.utils import timezone

from lib.testing import assert_queries_stable, count_queries, round_trips
from tests.factories import LeaderFactory

from .. import selectors
from ..models import MeetingOption, MeetingVote, NetworkPlan
from .factories import (
    FacilitatorFactory,
    MeetingFactory,
    MembershipFactory,
    NetworkGroupFactory,
    NetworkPlanFactory,
    ParticipantFactory,
    weekday_after,
)

pytestmark = pytest.mark.django_db
_weeks = itertools.count()


def _day():
    """A new weekday each call (the same weekday, a week later), so no slot is used twice."""
    return weekday_after(timezone.localdate(), 30) + dt.timedelta(weeks=next(_weeks))


def _group_with_meetings(net, *, members=2, meetings=2):
    facilitator = FacilitatorFactory(organisation=net.programme.organisation)
    group = NetworkGroupFactory(plan=net.plan, facilitator=facilitator)
    leaders = []
    for _ in range(members):
        leader = LeaderFactory(organisation=net.programme.organisation)
        ParticipantFactory(programme=net.programme, leader=leader)
        MembershipFactory(group=group, leader=leader)
        leaders.append(leader)
    for _ in range(meetings):
        meeting = MeetingFactory(group=group, date=_day(), facilitator=facilitator)
        option = MeetingOption.objects.create(meeting=meeting, date=meeting.date, slot="FL",
                                              starts_at=dt.time(9), ends_at=dt.time(11, 30))
        MeetingVote.objects.create(option=option, leader=leaders[0], answer="ja")
    return group


def _grow_groups(net):
    return lambda n: [_group_with_meetings(net) for _ in range(n)]


def test_compose_page(client, personas, net):
    NetworkPlan.objects.filter(pk=net.plan.pk).update(status="utkast", confirmed_at=None)
    client.force_login(personas.alice)
    url = reverse("networks:plan_compose", args=[net.plan.uuid])
    # session, user, plan (+programme), groups (+facilitator), memberships (+leader, user,
    # unit), participants, service-area names, facilitators for the group forms, the move
    # form's two choice lists (leaders, groups).
    assert_queries_stable(lambda: client.get(url), grow=_grow_groups(net), expected=10)


def test_meeting_plan_page(client, personas, net):
    client.force_login(personas.alice)
    url = reverse("networks:meeting_plan", args=[net.plan.uuid])
    # session, user, plan; groups with member counts, meetings with answer counts,
    # memberships; the conflict check: member names, holidays, gathering days,
    # participations, their gatherings, seated enrolments (no module, so no session query),
    # network memberships, their meetings, facilitators' names, their meetings, gatherings
    # they advise, sessions they lead; the gatherings list.
    assert_queries_stable(lambda: client.get(url), grow=_grow_groups(net), expected=19)


def _grow_net_group(net):
    def grow(n):
        for _ in range(n):
            leader = LeaderFactory(organisation=net.programme.organisation)
            MembershipFactory(group=net.group, leader=leader)
            meeting = MeetingFactory(group=net.group, date=_day())
            option = MeetingOption.objects.create(meeting=meeting, date=meeting.date, slot="FL",
                                                  starts_at=dt.time(9), ends_at=dt.time(11, 30))
            MeetingVote.objects.create(option=option, leader=leader, answer="nei")
            MeetingVote.objects.create(option=net.options[0], leader=leader, answer="ja")
    return grow


def test_group_page(client, personas, net):
    client.force_login(personas.bob)
    url = reverse("networks:group_detail", args=[net.group.uuid])
    # session, user, group with membership flag, members, meetings, their options (the
    # page does not need bob's own leader profile).
    assert_queries_stable(lambda: client.get(url), grow=_grow_net_group(net), expected=6)


@pytest.mark.parametrize("who", ["alice", "bob"])
def test_meeting_page(client, personas, net, who):
    client.force_login(getattr(personas, who))
    url = reverse("networks:meeting_detail", args=[net.proposed.uuid])
    # session, user, meeting with membership flag and the group's round count ("meeting
    # N of M"), members, options, votes with their leaders; a member adds the note (their
    # leader profile comes with the user).
    expected = {"alice": 6, "bob": 7}[who]
    assert_queries_stable(lambda: client.get(url), grow=_grow_net_group(net),
                          expected=expected)


@pytest.mark.postgres
def test_group_and_meeting_pages_send_their_reads_together(client, personas, net):
    """The group page's members, meetings and dates, and the meeting page's members,
    dates, answers and note each go to PostgreSQL in one round trip."""
    client.force_login(personas.bob)
    for url, pipelined in ((reverse("networks:group_detail", args=[net.group.uuid]), [3]),
                           (reverse("networks:meeting_detail", args=[net.proposed.uuid]), [4])):
        client.get(url)
        trips, sent, response = round_trips(lambda url=url: client.get(url))
        assert response.status_code == 200 and "Kari Lund" in response.content.decode()
        assert sent == pipelined
        assert trips == 2 + 1 + 1  # session, user; the group or meeting; the pipeline


def test_index_for_o_and_f(client, personas, net):
    client.force_login(personas.alice)

    def grow(n):
        for _ in range(n):
            NetworkPlanFactory(programme__organisation=personas.org_a)

    # session, user with leader profile, plans with group counts, programmes without a plan,
    #.
    assert_queries_stable(lambda: client.get(reverse("networks:index")), grow=grow, expected=4)


def test_min_side_panel_and_page(client, personas, net):
    # The panel: groups, members, upcoming meetings, their poll dates.
    grow = _grow_net_group(net)
    assert_queries_stable(lambda: selectors.min_side_panel(personas.bob, personas.bob_leader),
                          grow=grow, expected=4)
    client.force_login(personas.bob)
    assert_queries_stable(lambda: client.get(reverse("accounts:min_side")), grow=grow)


def test_min_side_panel_costs_one_query_without_a_group(personas):
    leader = LeaderFactory(organisation=personas.org_a)
    count, _sql, panel = count_queries(lambda: selectors.min_side_panel(leader.user, leader))
    assert (count, panel) == (1, None)


def test_calendar_feed(client, personas, net):
    url = reverse("accounts:calendar_feed", args=[personas.bob.calendar_token])
    assert_queries_stable(lambda: client.get(url), grow=_grow_net_group(net))


@pytest.mark.parametrize("changelist", ["networkgroup", "networkmeeting", "networkplan"])
def test_admin_changelists(client, personas, net, changelist):
    client.force_login(personas.alice)
    url = reverse(f"admin:networks_{changelist}_changelist")
    assert_queries_stable(lambda: client.get(url), grow=_grow_groups(net))
