"""One facilitator, two plans, one day: the facilitator's row lock keeps the daily maximum.

``test_concurrency.py`` races meetings of one plan, whose row lock serialises them
before the facilitator's lock is reached, so that race cannot tell whether the
facilitator's lock is there. Here the meetings belong to two programmes' plans: the
plan locks do not meet, and only the facilitator's user-row lock keeps the two
confirmations from both passing the daily-maximum check.

Deterministic: each confirmation waits at a barrier just after its rules check.
With the lock the second is still waiting for the lock, so the first times out at
the barrier, commits, and the second then sees it. Without the lock both reach the
barrier, pass it together, and both commit: the test fails every time.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.factories import LeaderFactory

from .. import services
from ..models import MeetingOption, NetworkMeeting, NetworkPlan
from ..services import meetings as meeting_services
from .factories import (
    MeetingFactory,
    MembershipFactory,
    NetworkGroupFactory,
    NetworkPlanFactory,
    ProgrammeFactory,
    weekday_after,
)
from .test_concurrency import _race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

# How long the first confirmation waits for a partner that the lock holds back.
BARRIER_TIMEOUT = 3


def _meeting_with_option(plan, facilitator, day, slot, name, proposed_in):
    group = NetworkGroupFactory(plan=plan, name=name)
    MembershipFactory(group=group, leader=LeaderFactory(
        organisation=plan.programme.organisation))
    meeting = MeetingFactory(group=group, facilitator=facilitator,
                             date=weekday_after(timezone.localdate(), proposed_in))
    start, end = ((dt.time(9), dt.time(11, 30)) if slot == "FL"
                  else (dt.time(12, 30), dt.time(15)))
    return MeetingOption.objects.create(meeting=meeting, date=day, slot=slot, starts_at=start,
                                        ends_at=end)


def test_one_facilitator_confirmed_from_two_plans_at_once_keeps_the_daily_maximum(
        net, monkeypatch):
    other_plan = NetworkPlanFactory(programme=ProgrammeFactory(
        organisation=net.programme.organisation, name="Fjordleiaren"))
    NetworkPlan.objects.filter(pk__in=[net.plan.pk, other_plan.pk]).update(
        facilitator_daily_max=1)
    day = weekday_after(timezone.localdate(), 45)
    options = [_meeting_with_option(net.plan, net.facilitator, day, "FL", "Morgen", 60),
               _meeting_with_option(other_plan, net.facilitator, day, "EL", "Ettermiddag",
                                    67)]

    barrier = threading.Barrier(len(options))
    check = meeting_services._check

    def check_then_wait(*args, **kwargs):
        check(*args, **kwargs)
        # A broken barrier: the other confirmation is held back by the lock: as it should be.
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=BARRIER_TIMEOUT)

    monkeypatch.setattr(meeting_services, "_check", check_then_wait)
    errors = _race([lambda o=o: services.meeting_confirm(meeting=o.meeting, option=o,
                                                           actor=None) for o in options])
    assert NetworkMeeting.objects.filter(facilitator=net.facilitator, date=day,
                                         status="bekreftet").count() == 1
    assert len(errors) == 1 and isinstance(errors[0], ValidationError)
