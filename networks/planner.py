"""Propose meeting dates for every group of a programme at once, in memory.

Between each pair of consecutive gatherings each group gets the plan's number
of meetings, aimed at evenly spaced days; around each aim the planner walks
outwards a day at a time and takes the first weekday and slot that keeps every
rule (:mod:`networks.rules`), reserving it so the next group sees it. Two more
free dates nearby become the alternatives members vote on. The first
meetings of a group are facilitated, the later ones the group holds alone.
Nothing random: groups in their order, days and slots in a fixed order.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .models import NetworkGroup, NetworkPlan, Slot
from .rules import Candidate, PlanningContext

ALTERNATIVES = 2  # dates besides the proposed one that members answer
MIN_GAP_DAYS = 10  # keep one group's own meetings this far apart when there is room


@dataclass(frozen=True)
class Interval:
    first: dt.date
    last: dt.date
    after_gathering_id: int | None  # the gathering where the focus is agreed


@dataclass
class PlannedMeeting:
    group: NetworkGroup
    number: int
    candidate: Candidate
    options: list[Candidate]
    focus_gathering_id: int | None


@dataclass
class PlanOutcome:
    meetings: list[PlannedMeeting] = field(default_factory=list)
    unplaced: list[tuple[NetworkGroup, Interval]] = field(default_factory=list)


def intervals(plan: NetworkPlan, gatherings: list[tuple[int, dt.date]]) -> list[Interval]:
    """The stretches between consecutive gatherings (the whole programme if fewer than two)."""
    programme = plan.programme
    days = sorted(gatherings, key=lambda g: (g[1], g[0]))
    if len(days) < 2:
        return [Interval(programme.starts_on, programme.ends_on,
                         days[0][0] if days else None)]
    spans = []
    for (gid, start), (_, end) in zip(days, days[1:], strict=False):
        first = max(start + dt.timedelta(days=1), programme.starts_on)
        last = min(end - dt.timedelta(days=1), programme.ends_on)
        if first <= last:
            spans.append(Interval(first, last, gid))
    return spans


def _search_days(interval: Interval, aim: dt.date) -> list[dt.date]:
    """Days of the interval, nearest to the aim first (later before earlier on a tie)."""
    days = [aim] if interval.first <= aim <= interval.last else []
    span = (interval.last - interval.first).days
    for step in range(1, span + 1):
        for day in (aim + dt.timedelta(days=step), aim - dt.timedelta(days=step)):
            if interval.first <= day <= interval.last:
                days.append(day)
    return days


def plan_meetings(*, plan: NetworkPlan, ctx: PlanningContext, groups: list[NetworkGroup],
                  members: dict[int, tuple[int, ...]], facilitators: dict[int, int | None],
                  existing: dict[tuple[int, int], int], numbers: dict[int, int],
                  gatherings: list[tuple[int, dt.date]]) -> PlanOutcome:
    """Plan the missing meetings of every group.

    ``members``: group id → leader ids; ``facilitators``: group id → facilitator;
    ``existing``: (group id, interval index) → active meetings already there;
    ``numbers``: group id → meetings the group already has (to number new ones).
    """
    outcome = PlanOutcome()
    spans = intervals(plan, gatherings)
    per = plan.meetings_per_interval
    own_days: dict[int, list[dt.date]] = {g.pk: [] for g in groups}
    for index, span in enumerate(spans):
        length = (span.last - span.first).days
        for position, group in enumerate(groups):
            missing = per - existing.get((group.pk, index), 0)
            for k in range(per - missing, per):
                # Evenly spaced aims; neighbouring groups a day apart so they spread.
                aim = span.first + dt.timedelta(
                    days=min(length, round(length * (k + 1) / (per + 1)) + position % 3 - 1))
                aim = max(aim, span.first)
                number = numbers.get(group.pk, 0) + 1
                facilitator = (facilitators.get(group.pk)
                               if number <= plan.facilitated_meetings else None)
                planned = _plan_one(plan, ctx, group, members[group.pk], facilitator, span,
                                    aim, own_days[group.pk], position)
                if planned is None:
                    outcome.unplaced.append((group, span))
                    continue
                chosen, options = planned
                ctx.reserve(chosen, group.name)
                own_days[group.pk].append(chosen.date)
                numbers[group.pk] = number
                outcome.meetings.append(PlannedMeeting(group, number, chosen, options,
                                                       span.after_gathering_id))
    return outcome


def _plan_one(plan: NetworkPlan, ctx: PlanningContext, group: NetworkGroup,
              member_ids: tuple[int, ...], facilitator_id: int | None, span: Interval,
              aim: dt.date, taken_days: list[dt.date],
              position: int) -> tuple[Candidate, list[Candidate]] | None:
    # Alternate which slot a group tries first so mornings and afternoons share the load.
    slots = [Slot.MORNING, Slot.AFTERNOON] if position % 2 == 0 else [Slot.AFTERNOON,
                                                                       Slot.MORNING]
    found: list[Candidate] = []
    relaxed: list[Candidate] = []
    for day in _search_days(span, aim):
        if ctx.calendar_problems(day):
            continue
        close = any(abs((day - other).days) < MIN_GAP_DAYS for other in taken_days)
        if any(other == day for other in taken_days) or (close and relaxed):
            continue
        for slot in slots:
            starts_at, ends_at = plan.slot_times(slot)
            c = Candidate(group_id=group.pk, member_ids=member_ids, date=day, slot=slot,
                          starts_at=starts_at, ends_at=ends_at, facilitator_id=facilitator_id)
            if ctx.problems(c):
                continue
            if close:
                relaxed.append(c)  # only if nothing further from the group's other meetings
                break
            found.append(c)
            break
        if len(found) > ALTERNATIVES:
            break
    if not found and relaxed:
        found = relaxed
    if not found:
        return None
    return found[0], found[: ALTERNATIVES + 1]
