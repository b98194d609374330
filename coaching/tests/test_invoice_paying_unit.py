"""The invoice basis a finance office can post: rows per paying unit with path, ansvar and
the supplier's reference; names only by setting; CSV, XLSX and PDF; totals to the øre."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import UnitKind
from coaching.invoices import invoice_basis, invoice_csv, invoice_xlsx, month_bounds
from coaching.models import BILLABLE, Booking, BookingStatus, InvoiceSettings
from lib.money import minutes_price, money_sum
from tests.factories import UnitFactory

from .factories import AgreementFactory, BookingFactory, CourseFactory, at

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("bokmaal")]


MONTH = dt.date(2030, 3, 1)
NOW = timezone.make_aware(dt.datetime(2030, 6, 1))


@pytest.fixture
def twin_departments(personas):
    """Two schools, each with a department called «Fagavdeling»; three departments order."""
    org = personas.org_a
    area = UnitFactory(organisation=org, name="Oppvekst", kind=UnitKind.SERVICE_AREA,
                       code="2000")
    north = UnitFactory(organisation=org, name="Nordli skole", parent=area, code="2110")
    south = UnitFactory(organisation=org, name="Sørli skole", parent=area, code="2120")
    north_dept = UnitFactory(organisation=org, name="Fagavdeling", parent=north,
                             kind=UnitKind.DEPARTMENT, code="2111")
    south_dept = UnitFactory(organisation=org, name="Fagavdeling", parent=south,
                             kind=UnitKind.DEPARTMENT, code="2121")
    south_other = UnitFactory(organisation=org, name="Småskoletrinnet", parent=south,
                              kind=UnitKind.DEPARTMENT, code="2122")
    agreement = AgreementFactory(organisation=org, supplier__name="Alfa Veiledning AS",
                                 hourly_rate=Decimal("1999.99"), session_minutes=45,
                                 supplier_reference="RA-77")
    day = 4
    for unit, leader_name, statuses in (
            (north_dept, "Nina Nordmo", [BookingStatus.HELD, BookingStatus.NO_SHOW]),
            (south_dept, "Sverre Sørby", [BookingStatus.HELD, BookingStatus.CANCELLED]),
            (south_other, "Siri Småland", [BookingStatus.LATE_CANCELLED, BookingStatus.HELD])):
        course = CourseFactory(organisation=org, agreement=agreement, ordering_unit=unit,
                               leader__unit=unit, leader__user__full_name=leader_name)
        for status in statuses:
            BookingFactory(course=course, starts_at=at(MONTH.replace(day=day), 10), minutes=45,
                           status=status)
            day += 1
    return {"org": org, "north": north, "south": south, "north_dept": north_dept,
            "south_dept": south_dept}


def _billable(org) -> list[Booking]:
    start, end = month_bounds(MONTH)
    return list(Booking.objects.filter(course__organisation=org, starts_at__gte=start,
                                       starts_at__lt=end, status__in=BILLABLE))


def test_same_named_departments_pay_through_their_own_enterprise(twin_departments):
    org = twin_departments["org"]
    InvoiceSettings.objects.create(organisation=org, paying_level=UnitKind.ENTERPRISE)
    result = invoice_basis(organisation_id=org.pk, month=MONTH, now=NOW)
    rows = {row.unit_code: row for row in result.rows}
    assert set(rows) == {"2110", "2120"}
    north, south = rows["2110"], rows["2120"]
    assert (north.unit_name, north.unit_path) == ("Nordli skole", "Oppvekst › Nordli skole")
    assert south.unit_path == "Oppvekst › Sørli skole"
    assert north.ordering_units == ("Fagavdeling",)
    assert south.ordering_units == ("Fagavdeling", "Småskoletrinnet")
    assert (north.billable, south.billable) == (2, 3)
    assert {row.supplier_reference for row in result.rows} == {"RA-77"}
    assert all(row.leaders == () for row in result.rows)  # names are off by default
    # Totals reconcile with the billable bookings: 5 × 45 min at 1 999,99.
    billable = _billable(org)
    assert result.total_billable == len(billable) == 5
    assert result.total_minutes == sum(b.minutes for b in billable) == 225
    assert result.total_amount == money_sum(row.amount for row in result.rows)
    assert result.total_amount == minutes_price(90, Decimal("1999.99")) + minutes_price(
        135, Decimal("1999.99")) == Decimal("7499.97")
    assert result.total_with_vat == result.total_amount + result.total_vat


def test_at_the_ordering_unit_level_the_two_departments_stay_apart_with_codes(twin_departments):
    org = twin_departments["org"]
    InvoiceSettings.objects.create(organisation=org, paying_level="")
    result = invoice_basis(organisation_id=org.pk, month=MONTH, now=NOW)
    departments = [row for row in result.rows if row.unit_name == "Fagavdeling"]
    assert len(departments) == 2
    assert {(row.unit_code, row.unit_path) for row in departments} == {
        ("2111", "Oppvekst › Nordli skole › Fagavdeling"),
        ("2121", "Oppvekst › Sørli skole › Fagavdeling")}
    assert result.total_billable == len(_billable(org))


def test_names_only_when_the_municipality_says_so(twin_departments):
    org = twin_departments["org"]
    InvoiceSettings.objects.create(organisation=org, show_leader_names=True)
    result = invoice_basis(organisation_id=org.pk, month=MONTH, now=NOW)
    south = next(row for row in result.rows if row.unit_code == "2120")
    assert south.leaders == ("Siri Småland", "Sverre Sørby")
    header, *_rows = list(csv.reader(io.StringIO(invoice_csv(result).decode("utf-8-sig")),
                                     delimiter=";"))
    assert header[-1] == _("Leaders")


def test_csv_and_xlsx_carry_codes_paths_reference_and_totals(twin_departments):
    result = invoice_basis(organisation_id=twin_departments["org"].pk, month=MONTH, now=NOW)
    rows = list(csv.reader(io.StringIO(invoice_csv(result).decode("utf-8-sig")), delimiter=";"))
    header, body, total = rows[0], rows[1:-1], rows[-1]
    assert header[1:4] == [_("Paying unit"), _("Unit code / ansvar"), _("Path")]
    assert [(r[1], r[2], r[3], r[6]) for r in body] == [
        ("Nordli skole", "2110", "Oppvekst › Nordli skole", "RA-77"),
        ("Sørli skole", "2120", "Oppvekst › Sørli skole", "RA-77")]
    assert sum(Decimal(r[14].replace(",", ".")) for r in body) == Decimal("7499.97")
    assert total[14] == "7499,97" and total[16] == "9374,96"
    with zipfile.ZipFile(io.BytesIO(invoice_xlsx(result))) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
        strings = book.read("xl/sharedStrings.xml").decode() \
            if "xl/sharedStrings.xml" in book.namelist() else sheet
    assert "Oppvekst › Sørli skole" in strings and "2120" in strings + sheet
    assert "7499.97" in sheet  # a number Excel can sum, not text


def test_admin_downloads_and_settings_page(client, personas, twin_departments):
    client.force_login(personas.alice)
    response = client.get(reverse("admin:coaching_invoicebasis_xlsx"), {"maned": "2030-03"})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('fakturagrunnlag-2030-03.xlsx"')
    settings_page = client.get(reverse("admin:coaching_invoicesettings_changelist"))
    settings = InvoiceSettings.objects.get(organisation=personas.org_a)
    assert settings_page.status_code == 302
    assert settings_page.url == reverse("admin:coaching_invoicesettings_change",
                                        args=[settings.pk])
    response = client.post(settings_page.url, {"paying_level": UnitKind.SERVICE_AREA,
                                               "show_leader_names": "on"})
    assert response.status_code == 302
    page = client.get(reverse("admin:coaching_invoicebasis_changelist"),
                      {"maned": "2030-03"}).content.decode()
    assert "Oppvekst" in page and "Sverre Sørby" in page
    client.force_login(personas.charlie)
    assert client.get(reverse("admin:coaching_invoicesettings_change",
                              args=[settings.pk])).status_code == 404
