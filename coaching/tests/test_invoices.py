"""The invoice basis: database aggregates, exact Decimal money, CSV, PDF and the admin page."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from pypdf import PdfReader

from coaching.invoices import invoice_basis, invoice_csv, month_bounds
from coaching.models import BILLABLE, Booking, BookingStatus
from lib.models import DocumentStatus, GeneratedDocument
from tests.factories import UnitFactory, UserFactory

from .factories import AgreementFactory, BookingFactory, CoachFactory, CourseFactory, at

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("bokmaal")]


MONTH = dt.date(2030, 3, 1)


@pytest.fixture
def month_data(personas):
    """Two units, two suppliers (one with 45-minute sessions), every status, and neighbours."""
    org = personas.org_a
    unit_a = personas.bob_leader.unit
    unit_b = UnitFactory(organisation=org, name="Kvernhuset barnehage")
    agreement_1 = AgreementFactory(organisation=org, supplier__name="Alfa Coaching AS",
                                   hourly_rate=Decimal("2187.50"))
    agreement_2 = AgreementFactory(organisation=org, supplier__name="Beta Veiledning",
                                   hourly_rate=Decimal("1999.99"), session_minutes=45)
    coach_1 = CoachFactory(organisation=org, supplier=agreement_1.supplier)
    coach_2 = CoachFactory(organisation=org, supplier=agreement_2.supplier)
    courses = [
        CourseFactory(organisation=org, agreement=agreement_1, coach=coach_1,
                      leader__unit=unit_a, ordering_unit=unit_a),
        CourseFactory(organisation=org, agreement=agreement_1, coach=coach_1,
                      leader__unit=unit_b, ordering_unit=unit_b),
        CourseFactory(organisation=org, agreement=agreement_2, coach=coach_2,
                      leader__unit=unit_b, ordering_unit=unit_b),
    ]
    statuses = [BookingStatus.HELD, BookingStatus.NO_SHOW, BookingStatus.LATE_CANCELLED,
                BookingStatus.CANCELLED, BookingStatus.HELD, BookingStatus.BOOKED]
    day = 4
    for course in courses:
        minutes = course.agreement.session_minutes
        for status in statuses:
            start = at(MONTH.replace(day=day), 10)
            BookingFactory(course=course, starts_at=start, minutes=minutes, status=status)
            day += 1
    # Neighbours that must not count: the last evening of February and 00:30 on 1 April.
    BookingFactory(course=courses[0], starts_at=at(dt.date(2030, 2, 28), 23, 30),
                   status=BookingStatus.HELD)
    BookingFactory(course=courses[0], starts_at=at(dt.date(2030, 4, 1), 0, 30),
                   status=BookingStatus.HELD)
    # Another municipality's bookings never show.
    CourseFactory(organisation=personas.org_b)
    foreign = CourseFactory(organisation=personas.org_b)
    BookingFactory(course=foreign, starts_at=at(MONTH.replace(day=20), 10),
                   status=BookingStatus.HELD)
    return {"org": org, "unit_a": unit_a, "unit_b": unit_b}


def test_totals_reconcile_exactly_with_the_bookings(month_data):
    now = timezone.make_aware(dt.datetime(2030, 6, 1))
    result = invoice_basis(organisation_id=month_data["org"].pk, month=MONTH, now=now)
    start, end = month_bounds(MONTH)
    billable = list(Booking.objects.filter(course__organisation=month_data["org"],
                                           starts_at__gte=start, starts_at__lt=end,
                                           status__in=BILLABLE)
                    .select_related("course__agreement", "course__ordering_unit"))
    # Independently: per (unit, agreement) sum the minutes, then money with Decimal.
    expected: dict[tuple[int, int], int] = {}
    for booking in billable:
        key = (booking.course.ordering_unit_id, booking.course.agreement_id)
        expected[key] = expected.get(key, 0) + booking.minutes
    rates = {b.course.agreement_id: b.course.agreement.hourly_rate for b in billable}
    expected_total = sum(
        ((Decimal(minutes) * rates[agreement] / 60).quantize(Decimal("0.01"), ROUND_HALF_UP)
         for (_unit, agreement), minutes in expected.items()), Decimal("0.00"))
    assert len(result.rows) == len(expected) == 3
    assert result.total_billable == len(billable) == 12
    assert result.total_minutes == sum(b.minutes for b in billable) == 4 * 60 + 4 * 60 + 4 * 45
    assert result.total_amount == expected_total
    # 4 × 60 min at 2187.50 = 8750.00 twice; 4 × 45 min at 1999.99 = 3 h = 5999.97.
    assert sorted(row.amount for row in result.rows) == [Decimal("5999.97"), Decimal("8750.00"),
                                                         Decimal("8750.00")]
    assert result.total_amount == Decimal("23499.97")
    for row in result.rows:
        assert (row.held, row.no_show, row.late_cancelled) == (2, 1, 1)
        assert row.unmarked == 1  # the past BOOKED one: not billable until marked
    assert result.total_hours == Decimal("11.00")


def test_rows_are_per_unit_and_supplier_and_a_unit_filter_narrows(month_data):
    result = invoice_basis(organisation_id=month_data["org"].pk, month=MONTH)
    keys = [(row.unit_name, row.supplier_name) for row in result.rows]
    assert sorted(keys) == sorted([("Solbakken sykehjem", "Alfa Coaching AS"),
                                   ("Kvernhuset barnehage", "Alfa Coaching AS"),
                                   ("Kvernhuset barnehage", "Beta Veiledning")])
    only_b = invoice_basis(organisation_id=month_data["org"].pk, month=MONTH,
                           unit=month_data["unit_b"])
    assert {row.unit_name for row in only_b.rows} == {"Kvernhuset barnehage"}
    assert invoice_basis(organisation_id=month_data["org"].pk,
                         month=dt.date(2030, 5, 1)).rows == []


def test_csv_has_a_row_per_unit_and_supplier_and_a_total(month_data):
    result = invoice_basis(organisation_id=month_data["org"].pk, month=MONTH)
    text = invoice_csv(result).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    header, body, total = rows[0], rows[1:-1], rows[-1]
    assert header[0] == "Måned" and header[14] == _("Amount ex. VAT (NOK)")
    assert len(body) == 3 and all(row[0] == "2030-03" for row in body)
    amounts = sorted(Decimal(row[14].replace(",", ".")) for row in body)
    assert sum(amounts) == Decimal(total[14].replace(",", ".")) == Decimal("23499.97")
    assert total[16] == "29374,96"  # inc. 25 % VAT: 23 499,97 + 5 874,99


def _admin_get(client, user, **params):
    client.force_login(user)
    return client.get(reverse("admin:coaching_invoicebasis_changelist"), params)


def test_admin_page_for_o_and_f_only_and_only_their_municipality(client, personas, month_data):
    response = _admin_get(client, personas.alice, maned="2030-03")
    text = response.content.decode()
    assert response.status_code == 200
    assert "Kvernhuset barnehage" in text and "23" in text and "499,97" in text
    assert _admin_get(client, personas.bob, maned="2030-03").status_code == 302  # to admin login
    foreign = _admin_get(client, personas.charlie, maned="2030-03")
    assert foreign.status_code == 200 and "Kvernhuset barnehage" not in foreign.content.decode()
    assert _admin_get(client, personas.charlie, maned="2030-03",
                      enhet=month_data["unit_b"].pk).status_code == 404
    assert _admin_get(client, personas.alice, maned="2030-03", enhet="x").status_code == 404
    for odd in ("mars", "9999-12", "2030-13", "0001-01"):  # unreadable: this month
        assert _admin_get(client, personas.alice, maned=odd).status_code == 200
    superuser = UserFactory(organisation=None, is_superuser=True)
    assert _admin_get(client, superuser, maned="2030-03", kommune="x").status_code == 404
    first_by_name = _admin_get(client, superuser, maned="2030-03")  # Askvik before Brattli
    assert "Kvernhuset barnehage" in first_by_name.content.decode()
    other = _admin_get(client, superuser, maned="2030-03", kommune=personas.org_b.pk)
    assert "Kvernhuset barnehage" not in other.content.decode()


def test_the_unit_choice_lists_the_municipalitys_units_indented_and_escaped(
        client, personas, month_data):
    odd = UnitFactory(organisation=personas.org_a, parent=month_data["unit_b"],
                      name='Avd. "Sol" <&> Måne')
    text = _admin_get(client, personas.alice, maned="2030-03",
                      enhet=odd.pk).content.decode()
    select = text[text.index('<select id="id_unit"'):]
    select = select[:select.index("</select>")]
    assert (f'<option value="{odd.pk}" selected>— Avd. &quot;Sol&quot; &lt;&amp;&gt; Måne'
            "</option>") in select
    assert f'<option value="{month_data["unit_b"].pk}">Kvernhuset barnehage</option>' in select
    assert select.count(" selected") == 1
    assert "Brattli skule" not in select  # the other municipality's


def test_csv_download_from_the_admin(client, personas, month_data):
    client.force_login(personas.alice)
    response = client.get(reverse("admin:coaching_invoicebasis_csv"), {"maned": "2030-03"})
    assert response["Content-Disposition"].endswith('fakturagrunnlag-2030-03.csv"')
    assert "Kvernhuset barnehage" in response.content.decode("utf-8-sig")
    client.force_login(personas.bob)
    assert client.get(reverse("admin:coaching_invoicebasis_csv")).status_code == 302


def test_pdf_is_made_by_celery_and_only_o_and_f_may_fetch_it(
        client, personas, month_data, django_capture_on_commit_callbacks):
    client.force_login(personas.alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:coaching_invoicebasis_pdf") + "?maned=2030-03",
                               {"maned": "2030-03", "enhet": ""})
    document = GeneratedDocument.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("lib:document_detail", args=[document.pk])
    assert document.status == DocumentStatus.DONE
    pages = PdfReader(io.BytesIO(document.file.read())).pages
    text = " ".join(" ".join(page.extract_text() for page in pages).split())
    assert "Fakturagrunnlag for coaching, mars 2030" in text
    text = text.replace("\u202f", " ")
    assert "Kvernhuset barnehage" in text
    assert f"{_('Total ex. VAT')} 11,00 23 499,97" in text
    assert client.get(reverse("lib:document_download", args=[document.pk])).status_code == 200
    for user in (personas.bob, personas.charlie):
        client.force_login(user)
        assert client.get(reverse("lib:document_download", args=[document.pk])).status_code \
            == 404
    client.force_login(personas.alice)
    assert client.get(reverse("admin:coaching_invoicebasis_pdf")).status_code == 405
