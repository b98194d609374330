"""The demo data: Lia and Fjordvik get network groups and a year of meetings that keep the
rules, and the demo leader has a group with upcoming meetings."""

from __future__ import annotations

from collections import defaultdict

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.demo import DEMO_ACCOUNTS
from accounts.models import Leader

from .. import tasks
from ..models import MeetingNote, MeetingVote, NetworkMeeting, NetworkPlan
from ..selectors import meeting_conflicts

pytestmark = pytest.mark.django_db


def test_demo_networks(client):
    call_command("seed_demo", verbosity=0)
    plans = {p.programme.organisation.slug: p for p in
             NetworkPlan.objects.select_related("programme__organisation")}
    assert set(plans) == {"lia", "fjordvik"}
    assert plans["lia"].groups.count() == 4 and plans["fjordvik"].groups.count() == 6
    assert {"Stjernelaget", "Blåveis"} <= set(plans["lia"].groups.values_list("name", flat=True))
    today = timezone.localdate()
    for plan in plans.values():
        not_set = NetworkMeeting.objects.filter(group__plan=plan, status="ikke_satt")
        assert not_set.count() == plan.groups.count()
        assert not not_set.filter(date__isnull=False).exists()
        meetings = list(NetworkMeeting.objects.filter(group__plan=plan, date__isnull=False))
        assert {m.status for m in meetings} == {"holdt", "bekreftet", "foreslatt"}
        assert not [m for m in meetings if m.is_held and m.date >= today]
        assert (max(m.date for m in meetings) - min(m.date for m in meetings)).days > 180
        members = defaultdict(list)
        for group_id, leader_id in plan.memberships.values_list("group_id", "leader_id"):
            members[group_id].append(leader_id)
        assert meeting_conflicts(plan=plan, meetings=meetings, members=members) == {}
        assert not [m for m in meetings if m.is_proposed and m.date < today]
    assert MeetingVote.objects.exists() and MeetingNote.objects.exists()
    leader = Leader.objects.get(user__email=DEMO_ACCOUNTS["leader"])
    upcoming = NetworkMeeting.objects.filter(group__memberships__leader=leader,
                                             date__gte=today)
    assert upcoming.filter(status="bekreftet").exists()
    assert upcoming.filter(status="foreslatt").exists()
    # The poll invitations for a whole programme go out from the worker.
    assert tasks.poll_invitations_send(plan_id=plans["fjordvik"].pk) == 34
    assert tasks.poll_invitations_send(plan_id=0) == 0
