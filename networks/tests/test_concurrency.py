"""The once-only rules under load, on real PostgreSQL connections in threads.

Each thread has its own connection, so the writes really race; the plan's and
the facilitator's row locks and the partial unique constraints keep the rules.
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from tests.factories import LeaderFactory

from .. import services
from ..models import (
    MeetingOption,
    MeetingVote,
    NetworkMeeting,
    NetworkMembership,
    NetworkPlan,
    PlanStatus,
)
from .factories import (
    MeetingFactory,
    MembershipFactory,
    NetworkGroupFactory,
    NetworkPlanFactory,
    ParticipantFactory,
    weekday_after,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(jobs):
    """Run every job in its own thread, released together; return what each raised."""
    barrier = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def run(job):
        try:
            barrier.wait(timeout=30)
            job()
        except BaseException as exc:  # noqa: BLE001 - collected and asserted on below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    return errors


def _competing_meetings(net, count, *, slots):
    """``count`` proposed meetings of different groups with the same facilitator, each with
    an option on the same day (in the given slots)."""
    day = weekday_after(timezone.localdate(), 45)
    options = []
    for i in range(count):
        group = NetworkGroupFactory(plan=net.plan, name=f"Konkurrent {i}")
        MembershipFactory(group=group, leader=LeaderFactory(organisation=net.programme
                                                            .organisation))
        meeting = MeetingFactory(group=group, facilitator=net.facilitator,
                                 date=weekday_after(timezone.localdate(), 60 + 7 * i))
        slot = slots[i % len(slots)]
        start, end = ((dt.time(9), dt.time(11, 30)) if slot == "FL"
                      else (dt.time(12, 30), dt.time(15)))
        options.append(MeetingOption.objects.create(meeting=meeting, date=day, slot=slot,
                                                    starts_at=start, ends_at=end))
    return options


@pytest.mark.parametrize("round_", range(3))
def test_one_facilitator_one_meeting_per_slot(net, round_):
    options = _competing_meetings(net, 8, slots=["FL"])

    def confirm(option):
        return lambda: services.meeting_confirm(meeting=option.meeting, option=option,
                                                actor=None)

    errors = _race([confirm(o) for o in options])
    day = options[0].date
    assert NetworkMeeting.objects.filter(facilitator=net.facilitator, date=day, slot="FL",
                                         status="bekreftet").count() == 1
    assert len(errors) == 7 and all(isinstance(e, ValidationError) for e in errors)


def test_daily_maximum_under_the_facilitators_row_lock(net):
    NetworkPlan.objects.filter(pk=net.plan.pk).update(facilitator_daily_max=1)
    options = _competing_meetings(net, 6, slots=["FL", "EL"])
    errors = _race([lambda o=o: services.meeting_confirm(meeting=o.meeting, option=o,
                                                           actor=None) for o in options])
    day = options[0].date
    assert NetworkMeeting.objects.filter(facilitator=net.facilitator, date=day,
                                         status="bekreftet").count() == 1
    assert len(errors) == 5 and all(isinstance(e, ValidationError) for e in errors)


def test_moves_into_one_group_never_exceed_the_maximum(personas):
    plan = NetworkPlanFactory(programme__organisation=personas.org_a, status=PlanStatus.DRAFT,
                              confirmed_at=None, max_size=6)
    target = NetworkGroupFactory(plan=plan, name="Mål")
    source = NetworkGroupFactory(plan=plan, name="Kilde")
    for _ in range(4):
        leader = LeaderFactory(organisation=personas.org_a)
        ParticipantFactory(programme=plan.programme, leader=leader)
        MembershipFactory(group=target, leader=leader)
    movers = []
    for _ in range(6):
        leader = LeaderFactory(organisation=personas.org_a)
        ParticipantFactory(programme=plan.programme, leader=leader)
        MembershipFactory(group=source, leader=leader)
        movers.append(leader)
    errors = _race([lambda m=m: services.network_member_move(plan=plan, leader=m,
                                                               to_group=target, actor=None)
                    for m in movers])
    assert NetworkMembership.objects.filter(group=target).count() == 6
    assert len(errors) == 4
    # Threads do not inherit the test's language: the messages come in bokmål.
    assert all(isinstance(e, ValidationError) and "har allerede 6 medlemmer" in e.messages[0]
               for e in errors)


def test_one_answer_per_member_and_date(net):
    bob = net.members[0]
    answers = ["ja", "nei", "kanskje", "ja", "nei", "kanskje"]
    errors = _race([lambda a=a: services.meeting_vote(
        meeting=net.proposed, leader=bob, actor=None,
        answers={o.pk: a for o in net.options}) for a in answers])
    assert errors == []
    assert MeetingVote.objects.filter(leader=bob).count() == 2
