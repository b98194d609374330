"""The monthly invoice basis: per ordering unit and supplier, what the supplier may invoice.

Held sessions, no-shows and late cancellations are billable. The database
counts them and sums their minutes per (ordering unit, agreement) in one
grouped query; money is then Decimal arithmetic on those exact integers:
``amount = minutes × hourly rate / 60``, rounded half-up to øre per row, and
the total is the sum of the rows — so totals reconcile with the bookings.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.models import Unit
from lib.documents import BuiltFile, DocumentBuilder, register_builder
from lib.exports import csv_bytes
from lib.models import GeneratedDocument
from lib.pdf import render_pdf

from .access import is_oaf_for
from .models import BILLABLE, Booking, BookingStatus

CENT = Decimal("0.01")
PDF_KIND = "coaching.invoice_basis_pdf"


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

    @property
    def billable(self) -> int:
        return self.held + self.no_show + self.late_cancelled

    @property
    def hours(self) -> Decimal:
        return (Decimal(self.minutes) / 60).quantize(CENT, ROUND_HALF_UP)

    @property
    def amount(self) -> Decimal:
        return (Decimal(self.minutes) * self.hourly_rate / 60).quantize(CENT, ROUND_HALF_UP)


@dataclass(frozen=True)
class InvoiceBasisResult:
    month: dt.date
    rows: list[InvoiceRow]

    @property
    def total_amount(self) -> Decimal:
        return sum((row.amount for row in self.rows), Decimal("0.00"))

    @property
    def total_minutes(self) -> int:
        return sum(row.minutes for row in self.rows)

    @property
    def total_hours(self) -> Decimal:
        return (Decimal(self.total_minutes) / 60).quantize(CENT, ROUND_HALF_UP)

    @property
    def total_billable(self) -> int:
        return sum(row.billable for row in self.rows)

    @property
    def total_unmarked(self) -> int:
        return sum(row.unmarked for row in self.rows)

    @property
    def label(self) -> str:
        return formats.date_format(self.month, "YEAR_MONTH_FORMAT")


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


def invoice_basis(*, organisation_id: int, month: dt.date, unit: Any = None,
                  now: dt.datetime | None = None) -> InvoiceBasisResult:
    """The month's billable sessions grouped by ordering unit and agreement (one query).

    With ``unit``, only that unit and the units below it.
    """
    now = now or timezone.now()
    start, end = month_bounds(month)
    qs = Booking.objects.filter(course__organisation_id=organisation_id, starts_at__gte=start,
                                starts_at__lt=end)
    if unit is not None:
        qs = qs.filter(course__ordering_unit__path__startswith=unit.path)
    billable = Q(status__in=BILLABLE)
    grouped = (
        qs.filter(billable | Q(status=BookingStatus.BOOKED, starts_at__lt=now))
        .values("course__ordering_unit_id", "course__ordering_unit__name",
                "course__ordering_unit__code", "course__ordering_unit__path",
                "course__agreement_id", "course__agreement__name",
                "course__agreement__supplier__name", "course__agreement__hourly_rate")
        .annotate(held=Count("pk", filter=Q(status=BookingStatus.HELD)),
                  no_show=Count("pk", filter=Q(status=BookingStatus.NO_SHOW)),
                  late=Count("pk", filter=Q(status=BookingStatus.LATE_CANCELLED)),
                  minutes=Sum("minutes", filter=billable),
                  unmarked=Count("pk", filter=Q(status=BookingStatus.BOOKED)))
        .order_by("course__ordering_unit__path", "course__agreement__supplier__name",
                  "course__agreement_id")
    )
    rows = [InvoiceRow(
        unit_id=row["course__ordering_unit_id"], unit_name=row["course__ordering_unit__name"],
        unit_code=row["course__ordering_unit__code"],
        supplier_name=row["course__agreement__supplier__name"],
        agreement_name=row["course__agreement__name"],
        hourly_rate=Decimal(row["course__agreement__hourly_rate"]).quantize(CENT),
        held=row["held"], no_show=row["no_show"], late_cancelled=row["late"],
        minutes=row["minutes"] or 0, unmarked=row["unmarked"]) for row in grouped]
    return InvoiceBasisResult(month=month.replace(day=1), rows=rows)


def _money(value: Decimal) -> str:
    # Norwegian spreadsheets read a decimal comma; no thousand separators in a data file.
    return f"{value:.2f}".replace(".", ",")


def invoice_csv(result: InvoiceBasisResult) -> bytes:
    """Semicolon-separated, decimal comma, UTF-8 with BOM: opens as-is in Norwegian Excel.

    Unit, supplier and agreement names are typed by people: ``lib.exports`` escapes them.
    """
    rows: list[list[Any]] = [[_("Month"), _("Ordering unit"), _("Unit code"), _("Supplier"),
                              _("Agreement"), _("Held"), _("No-show"), _("Cancelled late"),
                              _("Billable sessions"), _("Hours"), _("Hourly rate (NOK)"),
                              _("Amount (NOK)"), _("Not yet marked")]]
    month = result.month.strftime("%Y-%m")
    rows += [[month, row.unit_name, row.unit_code, row.supplier_name, row.agreement_name,
              row.held, row.no_show, row.late_cancelled, row.billable, _money(row.hours),
              _money(row.hourly_rate), _money(row.amount), row.unmarked]
             for row in result.rows]
    rows.append([month, _("Total"), "", "", "", "", "", "", result.total_billable,
                 _money(result.total_hours), "", _money(result.total_amount),
                 result.total_unmarked])
    return csv_bytes(rows)


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
                              "footer": document.organisation.name})
    return BuiltFile(content=pdf, filename=f"fakturagrunnlag-{month:%Y-%m}.pdf")


def may_view_invoice(user: Any, document: GeneratedDocument) -> bool:
    """O&F of the municipality only: the basis names units and money."""
    return is_oaf_for(user, document.organisation_id)


def register() -> None:
    register_builder(DocumentBuilder(kind=PDF_KIND, build=build_invoice_pdf,
                                     may_view=may_view_invoice))
