"""Plan "M meetings per group between X and Y" the way the contract prices them.

An adviser's day is billed whole whether it holds one meeting or two, so the
planner fills each adviser's days before it opens a new one: for each round,
the adviser's groups are taken in pairs and each pair is given one day — one
group before noon, the other after — near the round's evenly spaced aim. Only
when no day in the round's stretch suits both (a holiday, a gathering, a
member's clash, the adviser's other work) are the two placed on days of
their own. Meetings a group holds on its own are placed one by one. Every
candidate is checked with the planner's rules (:mod:`networks.rules`) and
reserved, so later choices see it. Nothing random: groups in their order,
days nearest the aim first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .models import NetworkGroup, NetworkPlan, Slot
from .rules import Candidate, PlanningContext


@dataclass(frozen=True)
class Need:
    group: NetworkGroup
    members: tuple[int, ...]
    facilitator_id: int | None
    rounds: list[int]  # the round indexes (0 … M−1) the group still needs
    first_number: int  # the number its first new meeting gets
    facilitated_until: int  # meeting numbers up to this one are led by the adviser


@dataclass
class Placed:
    group: NetworkGroup
    number: int
    candidate: Candidate


@dataclass
class PackOutcome:
    meetings: list[Placed] = field(default_factory=list)
    unplaced: list[tuple[NetworkGroup, int]] = field(default_factory=list)  # (group, round)

    @property
    def adviser_days(self) -> set[tuple[int, dt.date]]:
        return {(p.candidate.facilitator_id, p.candidate.date) for p in self.meetings
                if p.candidate.facilitator_id}

    @property
    def facilitated(self) -> int:
        return sum(1 for p in self.meetings if p.candidate.facilitator_id)


def _days_near(first: dt.date, last: dt.date, aim: dt.date) -> list[dt.date]:
    days = [aim] if first <= aim <= last else []
    for step in range(1, (last - first).days + 1):
        for day in (aim - dt.timedelta(days=step), aim + dt.timedelta(days=step)):
            if first <= day <= last:
                days.append(day)
    return days


def _candidate(plan: NetworkPlan, need: Need, day: dt.date, slot: str,
               facilitator_id: int | None) -> Candidate:
    starts_at, ends_at = plan.slot_times(slot)
    return Candidate(group_id=need.group.pk, member_ids=need.members, date=day, slot=slot,
                     starts_at=starts_at, ends_at=ends_at, facilitator_id=facilitator_id)


def pack(*, plan: NetworkPlan, ctx: PlanningContext, needs: list[Need], per_group: int,
         first: dt.date, last: dt.date) -> PackOutcome:
    outcome = PackOutcome()
    span = (last - first).days + 1
    numbers = {n.group.pk: n.first_number for n in needs}
    own_days: dict[int, set[dt.date]] = {n.group.pk: set() for n in needs}

    def window(k: int) -> tuple[dt.date, dt.date, dt.date]:
        lo = first + dt.timedelta(days=span * k // per_group)
        hi = first + dt.timedelta(days=max(span * (k + 1) // per_group - 1, 0))
        aim = first + dt.timedelta(days=(span * (2 * k + 1)) // (2 * per_group))
        return lo, min(hi, last), aim

    def place(need: Need, c: Candidate) -> None:
        ctx.reserve(c, need.group.name)
        own_days[need.group.pk].add(c.date)
        outcome.meetings.append(Placed(need.group, numbers[need.group.pk], c))
        numbers[need.group.pk] += 1

    def led(need: Need) -> int | None:
        return need.facilitator_id if numbers[need.group.pk] <= need.facilitated_until else None

    def single(need: Need, k: int) -> bool:
        lo, hi, aim = window(k)
        for stretch in ((lo, hi), (first, last)):
            for day in _days_near(*stretch, aim):
                if day in own_days[need.group.pk] or ctx.calendar_problems(day):
                    continue
                for slot in (Slot.MORNING, Slot.AFTERNOON):
                    c = _candidate(plan, need, day, slot, led(need))
                    if not ctx.problems(c):
                        place(need, c)
                        return True
        return False

    def pair(a: Need, b: Need, k: int) -> bool:
        lo, hi, aim = window(k)
        for day in _days_near(lo, hi, aim):
            if (day in own_days[a.group.pk] or day in own_days[b.group.pk]
                    or ctx.calendar_problems(day)):
                continue
            for x, y in ((a, b), (b, a)):
                cx = _candidate(plan, x, day, Slot.MORNING, led(x))
                if ctx.problems(cx):
                    continue
                cy = _candidate(plan, y, day, Slot.AFTERNOON, led(y))
                ctx.reserve(cx, x.group.name)  # so the second sees the adviser's morning
                problems = ctx.problems(cy)
                ctx.unreserve(cx)
                if not problems:
                    place(x, cx)
                    place(y, cy)
                    return True
        return False

    for k in range(per_group):
        todo = [n for n in needs if k in n.rounds]
        by_adviser: dict[int | None, list[Need]] = {}
        for need in todo:
            by_adviser.setdefault(led(need), []).append(need)
        for adviser, group_needs in sorted(by_adviser.items(), key=lambda kv: kv[0] or 0):
            queue = list(group_needs)
            while queue:
                a = queue.pop(0)
                if adviser is not None and plan.facilitator_daily_max >= 2 and queue:
                    b = queue.pop(0)
                    if pair(a, b, k):
                        continue
                    queue.insert(0, b)
                if not single(a, k):
                    outcome.unplaced.append((a.group, k))
    return outcome
