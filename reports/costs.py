"""The cost overview of a programme: the offer from its contract terms beside the calendar,
what has been delivered and the budget, split by who pays.

Three figures per line, each with its arithmetic spelled out ("4 × 2 × 21 875,00"):

* **offer** — the contract terms' planned quantities × price, whatever the calendar
  shows (a network-meeting term prices the days needed at its meetings per day);
* **calendar** — what the programme's calendar now implies at the same prices
  (gatherings × their advisers, facilitated meetings packed as the contract packs
  them — the calendar's actual adviser-days are shown beside, and flagged when
  there are more — and coaching booked or used under the programme's agreements);
* **delivered** — held gatherings, held meetings, billable coaching (priced by
  the bookings' agreement, so changing a term's rate never rewrites the past) and
  travel entered.

Coaching belongs to a programme through its agreement
(:func:`coaching.invoices.programme_courses`); coaching under general agreements
is shown once, in its own section, and added to no programme. Money is Decimal,
priced once per line with :mod:`lib.money`; every total is the sum of its lines.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from coaching.invoices import invoice_rows, programme_courses
from coaching.models import BILLABLE, Booking, BookingStatus, InvoiceSettings
from lib.money import (
    ZERO,
    display,
    display_quantity,
    hours,
    minutes_price,
    money,
    money_sum,
    vat,
    with_vat,
)
from lib.money import price as priced
from networks.models import MeetingStatus, NetworkMeeting
from programs.models import Gathering, Programme

from .models import ContractTerm, Payer, ProgrammeBudget, TermKind, TravelCost


@dataclass(frozen=True)
class Figure:
    """An amount and how it came about."""

    amount: Decimal
    arithmetic: str


@dataclass
class CostLine:
    section: str
    label: str
    payer: str  # Payer value
    offer: Figure | None = None
    calendar: Figure | None = None
    delivered: Figure | None = None
    notes: list[str] = field(default_factory=list)
    flagged: bool = False  # the calendar costs more than the contract needs

    def amount(self, column: str) -> Decimal:
        figure = getattr(self, column)
        return figure.amount if figure else ZERO


COLUMNS = ("offer", "calendar", "delivered")


@dataclass
class CostOverview:
    programme: Programme
    first: dt.date
    last: dt.date
    as_of: dt.date
    budget: ProgrammeBudget | None
    has_terms: bool = False
    lines: list[CostLine] = field(default_factory=list)
    outside: list[CostLine] = field(default_factory=list)  # general agreements' coaching

    def total(self, column: str, payer: str | None = None) -> Decimal:
        return money_sum(line.amount(column) for line in self.lines
                         if payer is None or line.payer == payer)

    def budget_for(self, payer: str | None = None) -> Decimal | None:
        if self.budget is None:
            return None
        if payer == Payer.OAF:
            return self.budget.oaf_amount
        if payer == Payer.UNIT:
            return self.budget.units_amount
        return self.budget.total

    def summary(self) -> list[dict[str, object]]:
        """Rows of the summary table: per payer and in all, each column ex. VAT."""
        labels = dict(Payer.choices)
        rows = []
        for payer in (Payer.OAF, Payer.UNIT, None):
            rows.append({"label": str(labels[payer]) if payer else _("Total ex. VAT"),
                         "is_total": payer is None,
                         "offer": self.total("offer", payer),
                         "budget": self.budget_for(payer),
                         "calendar": self.total("calendar", payer),
                         "delivered": self.total("delivered", payer)})
        return rows

    def vat_rows(self) -> list[dict[str, object]]:
        totals = {column: self.total(column) for column in COLUMNS}
        budget = self.budget_for()
        return [
            {"label": _("VAT 25 %"), "budget": None,
             **{c: vat(v) for c, v in totals.items()}},
            {"label": _("Total inc. VAT"), "budget": None,
             **{c: with_vat(v) for c, v in totals.items()}},
        ] if budget is not None or any(totals.values()) else []

    @property
    def offer_total(self) -> Decimal:
        return self.total("offer")

    @property
    def calendar_total(self) -> Decimal:
        return self.total("calendar")

    @property
    def delivered_total(self) -> Decimal:
        return self.total("delivered")

    @property
    def outside_total(self) -> Decimal:
        return money_sum(line.amount("delivered") for line in self.outside)

    @property
    def is_empty(self) -> bool:
        return not self.lines


def _x(*parts: Decimal | int | str) -> str:
    """ "4 × 2 × 21 875,00": quantities bare, money with øre."""
    return " × ".join(display(p) if isinstance(p, Decimal) and p.as_tuple().exponent == -2
                      else (display_quantity(p) if not isinstance(p, str) else p)
                      for p in parts)


def _gathering_lines(overview: CostOverview, terms: list[ContractTerm]) -> None:
    rows = list(Gathering.objects.filter(programme=overview.programme, date__gte=overview.first,
                                         date__lte=overview.last)
                .annotate(n=Count("advisers")).values_list("date", "n"))
    calendar_days = sum(n for _d, n in rows)
    held_days = sum(n for day, n in rows if day <= overview.as_of)
    section = _("Gatherings")
    if not terms:
        if rows:
            overview.lines.append(CostLine(
                section=section, label=_("Gatherings without a contract term"), payer=Payer.OAF,
                notes=[_("Adviser-days in the calendar, not priced: %(days)s. Enter the "
                         "contract's price per adviser-day.") % {"days": calendar_days}],
                flagged=True))
        return
    for index, term in enumerate(terms):
        line = CostLine(section=section, label=str(term), payer=Payer.OAF,
                        offer=Figure(priced(term.gatherings * term.advisers, term.unit_price),
                                     _x(term.gatherings, term.advisers, term.unit_price)))
        if index == 0:  # the calendar is priced once, at the first term's price
            line.calendar = Figure(priced(calendar_days, term.unit_price),
                                   _("adviser-days in the calendar: %(d)s × %(p)s") % {
                                       "d": calendar_days, "p": display(term.unit_price)})
            line.delivered = Figure(priced(held_days, term.unit_price),
                                    _x(held_days, term.unit_price))
            if calendar_days > term.gatherings * term.advisers:
                line.flagged = True
                line.notes.append(_("Adviser-days in the calendar beyond the offer: %(n)s.")
                                  % {"n": calendar_days - term.gatherings * term.advisers})
        overview.lines.append(line)


def _network_lines(overview: CostOverview, terms: list[ContractTerm]) -> None:
    meetings = (NetworkMeeting.objects
                .filter(group__plan__programme=overview.programme, date__gte=overview.first,
                        date__lte=overview.last, facilitator__isnull=False)
                .exclude(status=MeetingStatus.CANCELLED))
    per_day = Counter(meetings.values_list("facilitator_id", "date"))
    in_calendar = sum(per_day.values())
    adviser_days = len(per_day)
    held = meetings.filter(status__in=[MeetingStatus.CONFIRMED, MeetingStatus.HELD],
                           date__lte=overview.as_of).count()
    section = _("Network groups")
    if not terms:
        if in_calendar:
            overview.lines.append(CostLine(
                section=section, label=_("Network meetings without a contract term"),
                payer=Payer.OAF, flagged=True,
                notes=[_("Facilitated meetings in the calendar, not priced: %(m)s (adviser-days: "
                         "%(d)s). Enter the contract's price per day.") % {
                             "m": in_calendar, "d": adviser_days}]))
        return
    for index, term in enumerate(terms):
        packing = term.meetings_per_day
        days = math.ceil(term.meetings / packing)
        line = CostLine(section=section, label=str(term), payer=Payer.OAF,
                        offer=Figure(priced(days, term.unit_price),
                                     _("meetings: ⌈%(m)s ÷ %(k)s a day⌉ = %(d)s × %(p)s") % {
                                         "m": term.meetings, "k": packing, "d": days,
                                         "p": display(term.unit_price)}))
        if index == 0:
            needed = math.ceil(in_calendar / packing)
            line.calendar = Figure(priced(needed, term.unit_price),
                                   _("meetings: ⌈%(m)s ÷ %(k)s a day⌉ = %(d)s × %(p)s") % {
                                       "m": in_calendar, "k": packing, "d": needed,
                                       "p": display(term.unit_price)})
            held_days = math.ceil(held / packing)
            line.delivered = Figure(priced(held_days, term.unit_price),
                                    _("held: ⌈%(m)s ÷ %(k)s a day⌉ = %(d)s × %(p)s") % {
                                        "m": held, "k": packing, "d": held_days,
                                        "p": display(term.unit_price)})
            line.notes.append(_("Adviser-days in the calendar: %(n)s.") % {"n": adviser_days})
            if adviser_days > needed:
                line.flagged = True
                line.notes.append(_("Adviser-days beyond the contract's packing: %(n)s. The "
                                    "contract price stays.") % {"n": adviser_days - needed})
        overview.lines.append(line)


def _fixed_lines(overview: CostOverview, terms: list[ContractTerm]) -> None:
    for term in terms:
        amount = money(term.unit_price)
        done = term.delivered_on is not None and term.delivered_on <= overview.as_of
        overview.lines.append(CostLine(
            section=_("Fixed sums"), label=str(term), payer=Payer.OAF,
            offer=Figure(amount, _("fixed sum")), calendar=Figure(amount, _("fixed sum")),
            delivered=Figure(amount if done else ZERO,
                             _("delivered %(day)s") % {"day": f"{term.delivered_on:%d.%m.%Y}"}
                             if done else _("not delivered yet"))))


def _coaching_lines(overview: CostOverview, terms: list[ContractTerm]) -> None:
    programme = overview.programme
    start = timezone.make_aware(dt.datetime.combine(overview.first, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(overview.last + dt.timedelta(days=1),
                                                  dt.time.min))
    now = timezone.make_aware(dt.datetime.combine(overview.as_of + dt.timedelta(days=1),
                                                  dt.time.min))
    settings = (InvoiceSettings.objects.filter(organisation_id=programme.organisation_id).first()
                or InvoiceSettings(organisation_id=programme.organisation_id))
    # Delivered: the invoice basis's own rows (month × paying unit × agreement), so the
    # overview and the invoices agree to the øre.
    delivered = invoice_rows(organisation_id=programme.organisation_id, start=start, end=end,
                             programme_id=programme.pk, paying_level=settings.paying_level,
                             by_month=True, now=now)
    # The calendar: every session booked or used under the programme's agreements.
    booked = (Booking.objects.filter(programme_courses(programme.pk, prefix="course__"),
                                     course__organisation_id=programme.organisation_id,
                                     starts_at__gte=start, starts_at__lt=end)
              .filter(Q(status__in=BILLABLE) | Q(status=BookingStatus.BOOKED))
              .values("course__agreement__hourly_rate")
              .annotate(minutes=Sum("minutes"), n=Count("pk")).order_by())
    calendar_amount = money_sum(minutes_price(row["minutes"], row["course__agreement__hourly_rate"])
                                for row in booked)
    calendar_sessions = sum(row["n"] for row in booked)
    calendar_minutes = sum(row["minutes"] for row in booked)
    delivered_amount = money_sum(row.amount for row in delivered)
    delivered_sessions = sum(row.billable for row in delivered)
    delivered_minutes = sum(row.minutes for row in delivered)
    section = _("Coaching")
    calendar = Figure(calendar_amount, _("sessions: %(n)s, %(h)s h at the agreement's rate") % {
        "n": calendar_sessions, "h": display_quantity(hours(calendar_minutes))})
    done = Figure(delivered_amount, _("billable sessions: %(n)s, %(h)s h at the "
                                      "agreement's rate") % {"n": delivered_sessions,
                                                 "h": display_quantity(hours(delivered_minutes))})
    if not terms and (calendar_sessions or delivered_sessions):
        overview.lines.append(CostLine(
            section=section, label=_("Coaching without a contract term"), payer=Payer.UNIT,
            calendar=calendar, delivered=done, flagged=True,
            notes=[_("No planned coaching is entered for this programme.")]))
    for index, term in enumerate(terms):
        minutes = term.leaders * term.sessions * term.session_minutes
        line = CostLine(section=section, label=str(term), payer=Payer.UNIT,
                        offer=Figure(minutes_price(minutes, term.unit_price),
                                     _x(term.leaders, term.sessions,
                                        _("%(h)s h") % {"h": display_quantity(
                                            hours(term.session_minutes))},
                                        term.unit_price)))
        if index == 0:
            line.calendar, line.delivered = calendar, done
            rates = {row.hourly_rate for row in delivered} | {
                money(row["course__agreement__hourly_rate"]) for row in booked}
            if rates - {money(term.unit_price)}:
                line.notes.append(_("Sessions are priced at their agreement's rate (%(r)s), "
                                    "not the term's.") % {
                                        "r": ", ".join(display(r) for r in sorted(rates))})
        overview.lines.append(line)

    outside = invoice_rows(organisation_id=programme.organisation_id, start=start, end=end,
                           outside_programmes=True, paying_level=settings.paying_level,
                           by_month=True, now=now)
    per_agreement: dict[tuple[str, str], list] = {}
    for row in outside:
        per_agreement.setdefault((row.supplier_name, row.agreement_name), []).append(row)
    for (supplier, agreement), rows in per_agreement.items():
        overview.outside.append(CostLine(
            section=_("Coaching under general agreements"),
            label=f"{agreement} ({supplier})", payer=Payer.UNIT,
            delivered=Figure(money_sum(r.amount for r in rows),
                             _("billable sessions: %(n)s, %(h)s h") % {
                                 "n": sum(r.billable for r in rows),
                                 "h": display_quantity(hours(sum(r.minutes for r in rows)))})))


def _travel_lines(overview: CostOverview) -> None:
    """Travel is an actual cost only: each expense as entered, paid by whom O&F said."""
    for travel in TravelCost.objects.filter(programme=overview.programme,
                                            date__gte=overview.first, date__lte=overview.last):
        amount = money(travel.amount)
        text = _("expense entered %(day)s") % {"day": f"{travel.date:%d.%m.%Y}"}
        overview.lines.append(CostLine(
            section=_("Travel"), label=travel.description, payer=travel.paid_by,
            calendar=Figure(amount, text), delivered=Figure(amount, text)))


def cost_overview(*, programme: Programme, first: dt.date | None = None,
                  last: dt.date | None = None, as_of: dt.date | None = None) -> CostOverview:
    """Price the programme's offer, calendar and deliveries (a fixed number of queries).

    ``first``/``last`` limit the calendar and the deliveries (the offer is the
    whole contract); ``as_of`` (today) decides what counts as held.
    """
    first = first or programme.starts_on
    last = last or programme.ends_on
    terms = list(ContractTerm.objects.filter(programme=programme))
    by_kind: dict[str, list[ContractTerm]] = {kind: [] for kind in TermKind.values}
    for term in terms:
        by_kind[term.kind].append(term)
    overview = CostOverview(programme=programme, first=first, last=last,
                            as_of=as_of or timezone.localdate(),
                            budget=ProgrammeBudget.objects.filter(programme=programme).first(),
                            has_terms=bool(terms))
    _gathering_lines(overview, by_kind[TermKind.ADVISER_DAY])
    _network_lines(overview, by_kind[TermKind.NETWORK_DAY])
    _fixed_lines(overview, by_kind[TermKind.FIXED])
    _coaching_lines(overview, by_kind[TermKind.COACHING])
    _travel_lines(overview)
    return overview
