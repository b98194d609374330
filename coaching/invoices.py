"""The monthly invoice basis: per paying unit and supplier, what the supplier may invoice.

Held sessions, no-shows and late cancellations are billable. The database
counts them and sums their minutes per (ordering unit, agreement) in one
grouped query; rows are then added up to the unit that pays (the level O&F
chose for the municipality, e.g. virksomhet) and money is Decimal arithmetic
on those exact integers: ``amount = minutes × hourly rate / 60``, rounded
half-up to øre per row (:mod:`lib.money`), and the total is the sum of the
rows — so totals reconcile with the bookings.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Unit, UnitKind, User
from lib.documents import BuiltFile, DocumentBuilder, register_builder
from lib.exports import csv_bytes, xlsx_bytes
from lib.models import GeneratedDocument
from lib.money import csv_amount, hours, minutes_price, money, money_sum, vat, with_vat
from lib.pdf import render_pdf

from .access import is_oaf_for
from .models import BILLABLE, Booking, BookingStatus, InvoiceSettings

PDF_KIND = "coaching.invoice_basis_pdf"
# Between the path's names in the invoice basis: "Oppvekst › Kvernhuset skole".
PATH_SEPARATOR = " › "


def programme_courses(programme_id: int | None, prefix: str = "") -> Q:
    """The courses whose coaching belongs to a programme: those under its own agreement.

    ``programme_id=None`` gives the courses under the municipality's general
    agreements, which belong to no programme — the cost overview shows them once,
    in their own section, and never adds them to a programme. ``prefix`` is the
    path to the course (``"course__"`` from a booking).
    """
    if programme_id is None:
        return Q(**{f"{prefix}agreement__programme__isnull": True})
    return Q(**{f"{prefix}agreement__programme_id": programme_id})


@dataclass(frozen=True)
class InvoiceRow:
    unit_id: int
    unit_name: str
    unit_code: str
    supplier_name: str
    agreement_name: str
    hourly_rate: Decimal
    held: int
    no_show: int
    late_cancelled: int
    minutes: int
    unmarked: int  # past sessions the coach has not marked yet: not billable until marked
    unit_path: str = ""  # the paying unit's names from the top of the tree
    supplier_reference: str = ""
    agreement_id: int = 0
    month: dt.date | None = None  # only when grouped by month (the cost overview)
    ordering_units: tuple[str, ...] = ()  # the units below that ordered, when not the payer
    leaders: tuple[str, ...] = ()  # only when the municipality shows names

    @property
    def billable(self) -> int:
        return self.held + self.no_show + self.late_cancelled

    @property
    def hours(self) -> Decimal:
        return hours(self.minutes)

    @property
    def amount(self) -> Decimal:
        return minutes_price(self.minutes, self.hourly_rate)


@dataclass(frozen=True)
class InvoiceBasisResult:
    month: dt.date
    rows: list[InvoiceRow]
    paying_level: str = ""
    show_leader_names: bool = False

    @property
    def total_amount(self) -> Decimal:
        return money_sum(row.amount for row in self.rows)

    @property
    def total_vat(self) -> Decimal:
        return vat(self.total_amount)

    @property
    def total_with_vat(self) -> Decimal:
        return with_vat(self.total_amount)

    @property
    def total_minutes(self) -> int:
        return sum(row.minutes for row in self.rows)

    @property
    def total_hours(self) -> Decimal:
        return hours(self.total_minutes)

    @property
    def total_billable(self) -> int:
        return sum(row.billable for row in self.rows)

    @property
    def total_unmarked(self) -> int:
        return sum(row.unmarked for row in self.rows)

    @property
    def label(self) -> str:
        return formats.date_format(self.month, "YEAR_MONTH_FORMAT")

    @property
    def paying_level_label(self) -> str:
        return str(dict(UnitKind.choices).get(self.paying_level, _("ordering unit")))


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Local midnight on the first of ``month`` and of the month after."""
    first = month.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return (timezone.make_aware(dt.datetime.combine(first, dt.time.min)),
            timezone.make_aware(dt.datetime.combine(following, dt.time.min)))


def parse_month(value: str | None, default: dt.date) -> dt.date:
    """``2026-09`` → 1 September 2026; anything else gives ``default``."""
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        if not 2000 <= year <= 2100:
            raise ValueError
        return dt.date(year, month, 1)
    except ValueError:
        return default.replace(day=1)


@transaction.atomic
def invoice_settings_get(*, organisation_id: int) -> InvoiceSettings:
    """The municipality's invoice settings; created with the defaults if it has none."""
    settings, _created = InvoiceSettings.objects.get_or_create(organisation_id=organisation_id)
    return settings


def _paying_units(paths: set[str], organisation_id: int,
                  paying_level: str) -> dict[str, tuple[Unit, str]]:
    """For each ordering unit's path: the unit that pays and its names from the top (one query).

    The payer is the nearest unit of ``paying_level`` at or above the ordering
    unit; without one (a staff unit right under the top, say) the ordering unit
    pays itself.
    """
    steplen = Unit.steplen
    prefixes = {path[:end] for path in paths for end in range(steplen, len(path) + 1, steplen)}
    units = {u.path: u for u in Unit.objects.in_organisation(organisation_id)
             .filter(path__in=prefixes).only("pk", "name", "code", "kind", "path", "depth")}
    result = {}
    for path in paths:
        chain = [units[path[:end]] for end in range(steplen, len(path) + 1, steplen)
                 if path[:end] in units]
        payer_index = len(chain) - 1
        if paying_level:
            payer_index = next((i for i in range(len(chain) - 1, -1, -1)
                                if chain[i].kind == paying_level), payer_index)
        result[path] = (chain[payer_index],
                        PATH_SEPARATOR.join(u.name for u in chain[:payer_index + 1]))
    return result


def invoice_rows(*, organisation_id: int, start: dt.datetime, end: dt.datetime,
                 unit: Unit | None = None, programme_id: int | None = None,
                 outside_programmes: bool = False, paying_level: str = "",
                 with_names: bool = False, by_month: bool = False,
                 now: dt.datetime | None = None) -> list[InvoiceRow]:
    """Billable sessions in [start, end) per paying unit and agreement (and month).

    One grouped query counts the sessions and sums their minutes in the
    database; one more loads the paying units with their paths. Money is then
    Decimal on those exact integers (:func:`lib.money.minutes_price` per row).
    ``programme_id`` narrows to that programme's agreements, ``outside_programmes``
    to the general agreements; ``unit`` to that unit's subtree of ordering units.
    """
    now = now or timezone.now()
    qs = Booking.objects.filter(course__organisation_id=organisation_id, starts_at__gte=start,
                                starts_at__lt=end)
    if unit is not None:
        qs = qs.filter(course__ordering_unit__path__startswith=unit.path)
    if programme_id is not None or outside_programmes:
        qs = qs.filter(programme_courses(programme_id, prefix="course__"))
    billable = Q(status__in=BILLABLE)
    keys = ["course__ordering_unit__path", "course__ordering_unit__name",
            "course__agreement_id", "course__agreement__name",
            "course__agreement__supplier__name", "course__agreement__supplier_reference",
            "course__agreement__hourly_rate"]
    if with_names:
        keys.append("course__leader__user__full_name")
    qs = qs.filter(billable | Q(status=BookingStatus.BOOKED, starts_at__lt=now))
    if by_month:
        qs = qs.annotate(month=TruncMonth("starts_at"))
        keys.append("month")
    grouped = list(
        qs.values(*keys)
        .annotate(held=Count("pk", filter=Q(status=BookingStatus.HELD)),
                  no_show=Count("pk", filter=Q(status=BookingStatus.NO_SHOW)),
                  late=Count("pk", filter=Q(status=BookingStatus.LATE_CANCELLED)),
                  minutes=Sum("minutes", filter=billable),
                  unmarked=Count("pk", filter=Q(status=BookingStatus.BOOKED)))
        .order_by())
    payers = _paying_units({g["course__ordering_unit__path"] for g in grouped},
                           organisation_id, paying_level)
    merged: dict[tuple[Any, ...], dict[str, Any]] = {}
    for group in grouped:
        payer, path = payers[group["course__ordering_unit__path"]]
        month = group["month"].date() if by_month else None
        key = (month, path, payer.pk, group["course__agreement__supplier__name"],
               group["course__agreement_id"])
        row = merged.setdefault(key, {
            "payer": payer, "path": path, "month": month, "group": group, "held": 0,
            "no_show": 0, "late": 0, "minutes": 0, "unmarked": 0, "below": set(),
            "leaders": set()})
        for name in ("held", "no_show", "late", "unmarked"):
            row[name] += group[name]
        row["minutes"] += group["minutes"] or 0
        if group["course__ordering_unit__path"] != payer.path:
            row["below"].add(group["course__ordering_unit__name"])
        leader = group.get("course__leader__user__full_name")
        if leader and (group["held"] or group["no_show"] or group["late"]):
            row["leaders"].add(leader)
    return [InvoiceRow(
        unit_id=row["payer"].pk, unit_name=row["payer"].name, unit_code=row["payer"].code,
        unit_path=row["path"], supplier_name=row["group"]["course__agreement__supplier__name"],
        supplier_reference=row["group"]["course__agreement__supplier_reference"],
        agreement_id=row["group"]["course__agreement_id"],
        agreement_name=row["group"]["course__agreement__name"],
        hourly_rate=money(row["group"]["course__agreement__hourly_rate"]),
        held=row["held"], no_show=row["no_show"], late_cancelled=row["late"],
        minutes=row["minutes"], unmarked=row["unmarked"], month=row["month"],
        ordering_units=tuple(sorted(row["below"])), leaders=tuple(sorted(row["leaders"])))
        for _key, row in sorted(merged.items(), key=lambda item: (
            item[0][0] or dt.date.min, *item[0][1:]))]


def invoice_basis(*, organisation_id: int, month: dt.date, unit: Any = None,
                  now: dt.datetime | None = None) -> InvoiceBasisResult:
    """The month's billable sessions per paying unit and agreement, as O&F set it up.

    The paying level and whether names show come from the municipality's
    :class:`InvoiceSettings`. With ``unit``, only ordering units in its subtree.
    """
    settings = InvoiceSettings.objects.filter(organisation_id=organisation_id).first() \
        or InvoiceSettings(organisation_id=organisation_id)
    start, end = month_bounds(month)
    rows = invoice_rows(organisation_id=organisation_id, start=start, end=end, unit=unit,
                        paying_level=settings.paying_level,
                        with_names=settings.show_leader_names, now=now)
    return InvoiceBasisResult(month=month.replace(day=1), rows=rows,
                              paying_level=settings.paying_level,
                              show_leader_names=settings.show_leader_names)


def invoice_table(result: InvoiceBasisResult) -> tuple[list[str], list[list[Any]]]:
    """Header and rows of the basis for a spreadsheet: numbers as Decimal/int, names as text.

    The last row is the total; CSV and XLSX are both written from this one table.
    """
    header = [_("Month"), _("Paying unit"), _("Unit code / ansvar"), _("Path"),
              _("Ordered by"), _("Supplier"), _("Supplier's reference"), _("Agreement"),
              _("Held"), _("No-show"), _("Cancelled late"), _("Billable sessions"), _("Hours"),
              _("Hourly rate (NOK)"), _("Amount ex. VAT (NOK)"), _("VAT (NOK)"),
              _("Amount inc. VAT (NOK)"), _("Not yet marked")]
    if result.show_leader_names:
        header.append(_("Leaders"))
    month = result.month.strftime("%Y-%m")
    rows: list[list[Any]] = []
    for row in result.rows:
        line = [month, row.unit_name, row.unit_code, row.unit_path, ", ".join(row.ordering_units),
                row.supplier_name, row.supplier_reference, row.agreement_name, row.held,
                row.no_show, row.late_cancelled, row.billable, row.hours, row.hourly_rate,
                row.amount, vat(row.amount), with_vat(row.amount), row.unmarked]
        if result.show_leader_names:
            line.append(", ".join(row.leaders))
        rows.append(line)
    total = [month, _("Total"), "", "", "", "", "", "", "", "", "", result.total_billable,
             result.total_hours, "", result.total_amount, result.total_vat,
             result.total_with_vat, result.total_unmarked]
    if result.show_leader_names:
        total.append("")
    rows.append(total)
    return header, rows


def invoice_csv(result: InvoiceBasisResult) -> bytes:
    """Semicolon-separated, decimal comma, UTF-8 with BOM: opens as-is in Norwegian Excel.

    Unit, supplier and agreement names are typed by people: ``lib.exports`` escapes them.
    """
    header, rows = invoice_table(result)
    return csv_bytes([header, *([csv_amount(v) if isinstance(v, Decimal) else v for v in row]
                                for row in rows)])


def invoice_xlsx(result: InvoiceBasisResult) -> bytes:
    """The same table as the CSV, numbers as numbers (Excel sums them)."""
    header, rows = invoice_table(result)
    return xlsx_bytes(header, rows, sheet=_("Invoice basis %(month)s") % {
        "month": result.month.strftime("%Y-%m")})


# --- PDF through lib.documents (built by Celery) ---------------------------------------------


def build_invoice_pdf(document: GeneratedDocument, progress: Any) -> BuiltFile:
    params = document.params
    month = parse_month(params.get("month"), timezone.localdate())
    unit = None
    if params.get("unit"):
        unit = Unit.objects.filter(pk=params["unit"],
                                   organisation_id=document.organisation_id).first()
    result = invoice_basis(organisation_id=document.organisation_id, month=month, unit=unit)
    progress(50)
    pdf = render_pdf(template="coaching/pdf/invoice_basis.html", language=document.language,
                     context={"title": document.title, "result": result, "unit": unit,
                              "organisation": document.organisation,
                              "orientation": "landscape",
                              "footer": document.organisation.name})
    return BuiltFile(content=pdf, filename=f"fakturagrunnlag-{month:%Y-%m}.pdf")


def may_view_invoice(user: User, document: GeneratedDocument) -> bool:
    """O&F of the municipality only: the basis names units and money."""
    return is_oaf_for(user, document.organisation_id)


def register() -> None:
    register_builder(DocumentBuilder(kind=PDF_KIND, build=build_invoice_pdf,
                                     may_view=may_view_invoice,
                                     label=gettext_lazy("Invoice basis (PDF)")))
