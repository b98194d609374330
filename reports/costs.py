"""The cost overview of a programme: priced tracks against the budget, split by who pays.

Money is Decimal throughout and rounded to øre once per line; every total is
the sum of its lines, so the PDF, the CSV and the tests reconcile exactly.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count
from django.utils.translation import gettext as _

from coaching.invoices import invoice_basis
from networks.models import MeetingStatus, NetworkMeeting
from programs.models import Gathering, Programme

from .models import CostRates, Payer, ProgrammeBudget, TravelCost

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, ROUND_HALF_UP)


@dataclass(frozen=True)
class CostLine:
    track: str
    description: str
    quantity: Decimal
    unit_price: Decimal | None
    amount: Decimal
    payer: str  # Payer value


@dataclass
class CostOverview:
    programme: Programme
    first: dt.date
    last: dt.date
    rates: CostRates
    budget: ProgrammeBudget | None
    lines: list[CostLine] = field(default_factory=list)

    def total_for(self, payer: str) -> Decimal:
        return sum((line.amount for line in self.lines if line.payer == payer), ZERO)

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO)

    @property
    def oaf_total(self) -> Decimal:
        return self.total_for(Payer.OAF)

    @property
    def units_total(self) -> Decimal:
        return self.total_for(Payer.UNIT)

    @property
    def budget_total(self) -> Decimal:
        return self.budget.total if self.budget else ZERO

    @property
    def oaf_left(self) -> Decimal:
        return (self.budget.oaf_amount if self.budget else ZERO) - self.oaf_total

    @property
    def units_left(self) -> Decimal:
        return (self.budget.units_amount if self.budget else ZERO) - self.units_total

    @property
    def left(self) -> Decimal:
        return self.budget_total - self.total

    @property
    def is_empty(self) -> bool:
        return not self.lines

    def by_track(self) -> list[tuple[str, Decimal, Decimal]]:
        """(track, O&F, units) in the order the lines came."""
        order: dict[str, list[Decimal]] = {}
        for line in self.lines:
            sums = order.setdefault(line.track, [ZERO, ZERO])
            sums[0 if line.payer == Payer.OAF else 1] += line.amount
        return [(track, sums[0], sums[1]) for track, sums in order.items()]


def _months(first: dt.date, last: dt.date) -> list[dt.date]:
    months, month = [], first.replace(day=1)
    while month <= last:
        months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return months


def cost_overview(*, programme: Programme, first: dt.date | None = None,
                  last: dt.date | None = None) -> CostOverview:
    """Price the programme's gatherings, network-meeting days, coaching and travel.

    Gatherings and network meetings are O&F's; coaching is the ordering units'
    (the invoice basis, the municipality's whole coaching in those months, as
    the supplier invoices it); travel is whoever O&F entered. A fixed number
    of queries plus one per month for the invoice basis.
    """
    first = first or programme.starts_on
    last = last or programme.ends_on
    rates = CostRates.objects.filter(programme=programme).first() or CostRates(programme=programme)
    budget = ProgrammeBudget.objects.filter(programme=programme).first()
    overview = CostOverview(programme=programme, first=first, last=last, rates=rates,
                            budget=budget)

    gatherings = list(Gathering.objects.filter(programme=programme, date__gte=first,
                                               date__lte=last)
                      .annotate(adviser_count=Count("advisers")).order_by("date"))
    for g in gatherings:
        overview.lines.append(CostLine(
            track=_("Gatherings"), description=f"{g.date:%d.%m.%Y} {g.theme}",
            quantity=Decimal(g.adviser_count), unit_price=rates.gathering_day_per_adviser,
            amount=money(g.adviser_count * rates.gathering_day_per_adviser), payer=Payer.OAF))

    per_day = Counter(NetworkMeeting.objects
                      .filter(group__plan__programme=programme, date__gte=first, date__lte=last,
                              facilitator__isnull=False)
                      .exclude(status=MeetingStatus.CANCELLED)
                      .values_list("facilitator_id", "date"))
    days = sum(math.ceil(count / rates.meetings_per_day) for count in per_day.values())
    if days:
        overview.lines.append(CostLine(
            track=_("Network groups"),
            description=_("%(meetings)d facilitated meetings on %(days)d adviser days") % {
                "meetings": sum(per_day.values()), "days": days},
            quantity=Decimal(days), unit_price=rates.network_meeting_day,
            amount=money(days * rates.network_meeting_day), payer=Payer.OAF))

    for month in _months(first, last):
        result = invoice_basis(organisation_id=programme.organisation_id, month=month)
        for row in result.rows:
            overview.lines.append(CostLine(
                track=_("Coaching"),
                description=f"{month:%Y-%m} {row.unit_name} ({row.supplier_name})",
                quantity=row.hours, unit_price=row.hourly_rate, amount=row.amount,
                payer=Payer.UNIT))

    for travel in TravelCost.objects.filter(programme=programme, date__gte=first,
                                            date__lte=last):
        overview.lines.append(CostLine(
            track=_("Travel"), description=f"{travel.date:%d.%m.%Y} {travel.description}",
            quantity=Decimal(1), unit_price=None, amount=money(travel.amount),
            payer=travel.paid_by))
    return overview
