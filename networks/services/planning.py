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
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import User
from lib.audit import audit_log
from lib.contract_prices import network_day_price

from ..models import ACTIVE_MEETING, MeetingOption, NetworkMeeting, NetworkPlan
from ..packing import Need, pack
from ..rules import PlanningContext
from .meetings import _last_numbers, _taken_message, option_for, plan_groups_locked

MAX_PER_GROUP = 12


@dataclass
class RangePlan:
    created: int = 0
    adviser_days: int = 0  # distinct (adviser, day) of facilitated meetings in the period
    facilitated: int = 0  # facilitated meetings in the period, old and new
    contract_days: int | None = None  # what the contract bills for them
    price: Decimal | None = None  # NOK ex. VAT, as the cost overview's calendar figure
    unplaced: list[str] = field(default_factory=list)


def meetings_plan_range(*, plan: NetworkPlan, per_group: int, first: dt.date, last: dt.date,
                        actor: User | None, dry_run: bool = False) -> RangePlan:
    """Give every group ``per_group`` meetings between ``first`` and ``last``.

    Guarantees the planner's rules for every new meeting (period, weekdays,
    holidays, gathering days, the advisers' slots and daily maximum, members'
    other engagements), under the plan's and the advisers' row locks; two
    groups of one adviser share a day wherever the rules allow and the plan
    says an adviser leads two a day; existing meetings are untouched.
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
    with transaction.atomic():
        plan, groups, facilitator_ids, members = plan_groups_locked(plan)
        ctx = PlanningContext.load(plan=plan, leader_ids=[i for m in members.values() for i in m],
                                   facilitator_ids=facilitator_ids, first=first, last=last)
        have: dict[int, int] = {}
        for group_id in (NetworkMeeting.objects.filter(ACTIVE_MEETING, group__plan=plan,
                                                       date__gte=first, date__lte=last)
                         .values_list("group_id", flat=True)):
            have[group_id] = have.get(group_id, 0) + 1
        numbers = _last_numbers(plan)
        needs = [Need(group=g, members=members[g.pk], facilitator_id=g.facilitator_id,
                      rounds=list(range(have.get(g.pk, 0), per_group)),
                      first_number=numbers.get(g.pk, 0) + 1,
                      facilitated_until=plan.facilitated_meetings)
                 for g in groups]
        outcome = pack(plan=plan, ctx=ctx, needs=needs, per_group=per_group, first=first,
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
                           unplaced=[_("No date for «%(group)s» in round %(round)d.")
                                     % {"group": g.name, "round": k + 1}
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
        return result
