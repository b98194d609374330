"""The cost-aware planner: "M meetings per group between X and Y", packed into adviser-days.

Lock order as everywhere in this app: the plan row, then the advisers' user
rows. Meetings already in the period — confirmed, held, entered by hand or
planned before — count towards the M and are never changed; only the missing
rounds are added, as proposals whose one poll date is the planned one (extra
dates would undo the packing). The result says how many adviser-days the
plan needs and, when the contract has a price per day of network meetings
(``lib.contract_prices``, answered by ``reports``), what they cost.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import User
from lib.audit import audit_log
from lib.contract_prices import network_day_price

from ..models import ACTIVE_MEETING, MeetingOption, NetworkMeeting, NetworkPlan, Slot
from ..packing import Need, PackOutcome, pack
from ..rules import PlanningContext
from .meetings import _last_numbers, _taken_message, option_for, plan_groups_locked

MAX_PER_GROUP = 12


@dataclass(frozen=True)
class PlannedMeeting:
    """One meeting the planner would add, as the preview lists it."""

    group: str
    number: int
    slot: str
    starts_at: dt.time | None
    ends_at: dt.time | None

    @property
    def slot_label(self) -> str:
        return str(Slot(self.slot).label) if self.slot else ""


@dataclass(frozen=True)
class PlannedDay:
    """A day of new meetings: one adviser's (two groups where the contract allows), or the
    groups that meet on their own that day (``adviser`` empty)."""

    date: dt.date
    adviser: str
    meetings: tuple[PlannedMeeting, ...]


@dataclass
class RangePlan:
    created: int = 0
    adviser_days: int = 0  # distinct (adviser, day) of facilitated meetings in the period
    facilitated: int = 0  # facilitated meetings in the period, old and new
    contract_days: int | None = None  # what the contract bills for them
    price: Decimal | None = None  # NOK ex. VAT, as the cost overview's calendar figure
    unplaced: list[str] = field(default_factory=list)
    days: list[PlannedDay] = field(default_factory=list)  # the new meetings, day by day
    per_group: int = 0
    first: dt.date | None = None
    last: dt.date | None = None
    saved: bool = False


def _planned_days(outcome: PackOutcome) -> list[PlannedDay]:
    """The new meetings grouped by adviser and day (one query for the advisers' names)."""
    ids = {p.candidate.facilitator_id for p in outcome.meetings if p.candidate.facilitator_id}
    names = dict(User.objects.filter(pk__in=ids).values_list("pk", "full_name")) if ids else {}
    by_day: dict[tuple[dt.date, str], list[PlannedMeeting]] = {}
    for p in outcome.meetings:
        c = p.candidate
        key = (c.date, names.get(c.facilitator_id, "") if c.facilitator_id else "")
        by_day.setdefault(key, []).append(PlannedMeeting(
            group=p.group.name, number=p.number, slot=c.slot, starts_at=c.starts_at,
            ends_at=c.ends_at))
    return [PlannedDay(date=day, adviser=adviser,
                       meetings=tuple(sorted(rows, key=lambda m: (m.starts_at or dt.time(0),
                                                                  m.group))))
            for (day, adviser), rows in sorted(by_day.items(),
                                               key=lambda kv: (kv[0][0], kv[0][1]))]


def meetings_plan_range(*, plan: NetworkPlan, per_group: int, first: dt.date, last: dt.date,
                        actor: User | None, dry_run: bool = False) -> RangePlan:
    """Give every group ``per_group`` meetings between ``first`` and ``last``.

    Guarantees the planner's rules for every new meeting (period, weekdays,
    holidays, gathering days, the advisers' slots and daily maximum, members'
    other engagements), under the plan's and the advisers' row locks; two
    groups of one adviser share a day wherever the rules allow and the plan
    says an adviser leads two a day; existing meetings are untouched and count
    towards ``per_group``; new ones fall from tomorrow on.
    ``dry_run`` answers the same question and saves nothing.
    """
    if not 1 <= per_group <= MAX_PER_GROUP:
        raise ValidationError(_("Plan between 1 and %(max)d meetings per group.")
                              % {"max": MAX_PER_GROUP}, code="per_group")
    if last < first:
        raise ValidationError(_("The last day cannot be before the first."), code="period")
    programme = plan.programme
    if first < programme.starts_on or last > programme.ends_on:
        raise ValidationError(
            _("Plan within the programme period (%(start)s–%(end)s).") % {
                "start": date_format(programme.starts_on, "SHORT_DATE_FORMAT"),
                "end": date_format(programme.ends_on, "SHORT_DATE_FORMAT")},
            code="outside_period")
    # Meetings already held or planned in the whole period count towards the M; new ones
    # are proposed from tomorrow on (a proposal in the past is no proposal).
    start = max(first, timezone.localdate() + dt.timedelta(days=1))
    if start > last:
        raise ValidationError(_("The period is over; choose days from tomorrow on."),
                              code="period_past")
    with transaction.atomic():
        plan, groups, facilitator_ids, members = plan_groups_locked(plan)
        ctx = PlanningContext.load(plan=plan, leader_ids=[i for m in members.values() for i in m],
                                   facilitator_ids=facilitator_ids, first=first, last=last)
        # What each group already has in the period: before the days the planner may use
        # (held, most often) and within them. The rounds still missing are spread evenly
        # over the days left, after the ones already there.
        before: dict[int, int] = dict.fromkeys((g.pk for g in groups), 0)
        after: dict[int, int] = dict.fromkeys((g.pk for g in groups), 0)
        for group_id, day in (NetworkMeeting.objects.filter(ACTIVE_MEETING, group__plan=plan,
                                                            date__gte=first, date__lte=last)
                              .values_list("group_id", "date")):
            counts = before if day < start else after
            counts[group_id] = counts.get(group_id, 0) + 1
        left = max(1, per_group - min(before.values(), default=0))
        numbers = _last_numbers(plan)
        needs = [Need(group=g, members=members[g.pk], facilitator_id=g.facilitator_id,
                      rounds=list(range(after[g.pk], per_group - before[g.pk])),
                      first_number=numbers.get(g.pk, 0) + 1,
                      facilitated_until=plan.facilitated_meetings)
                 for g in groups]
        outcome = pack(plan=plan, ctx=ctx, needs=needs, per_group=left, first=start,
                       last=last)
        rows = [NetworkMeeting(group_id=p.group.pk, number=p.number, date=p.candidate.date,
                               slot=p.candidate.slot, starts_at=p.candidate.starts_at,
                               ends_at=p.candidate.ends_at, place=plan.default_place,
                               facilitator_id=p.candidate.facilitator_id)
                for p in outcome.meetings]
        old = list(NetworkMeeting.objects.filter(ACTIVE_MEETING, group__plan=plan,
                                                 date__gte=first, date__lte=last,
                                                 facilitator__isnull=False)
                   .values_list("facilitator_id", "date"))
        days = set(old) | {(r.facilitator_id, r.date) for r in rows if r.facilitator_id}
        facilitated = len(old) + sum(1 for r in rows if r.facilitator_id)
        result = RangePlan(created=len(rows), adviser_days=len(days), facilitated=facilitated,
                           days=_planned_days(outcome), per_group=per_group, first=first,
                           last=last, unplaced=[_("No date for «%(group)s» in round %(round)d.")
                                     % {"group": g.name, "round": before[g.pk] + k + 1}
                                     for g, k in outcome.unplaced])
        price = network_day_price(programme.pk)
        if price is not None:
            result.contract_days = price.days_for(facilitated)
            result.price = price.price_for(facilitated)
        if dry_run:
            transaction.set_rollback(True)
            return result
        try:
            with transaction.atomic():
                created = NetworkMeeting.objects.bulk_create(rows)
        except IntegrityError as exc:
            raise ValidationError(_taken_message(), code="slot_taken") from exc
        MeetingOption.objects.bulk_create(
            [option_for(m.pk, p.candidate)
             for m, p in zip(created, outcome.meetings, strict=True)])
        audit_log(organisation=programme.organisation, actor=actor,
                  action="networks.meetings_planned", obj=plan,
                  summary=f"{programme}: {len(created)}",
                  data={"adviser_days": result.adviser_days, "unplaced": len(result.unplaced)})
        result.saved = True
        return result
