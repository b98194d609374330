"""Money is Decimal to the øre, half-up, including the half-øre ties (issue 24).

A float passes every amount that is not a tie: 45 minutes at 2,000.02 NOK/h is
exactly 1,500.015 NOK, which is 1,500.02 half-up, while in binary floating point
it is 1,500.0149999… and rounds to 1,500.01.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import UnitKind
from coaching.invoices import InvoiceRow, invoice_basis, month_bounds
from coaching.models import BookingStatus

from .factories import AgreementFactory, BookingFactory, CoachFactory, CourseFactory, at

pytestmark = pytest.mark.django_db

MONTH = dt.date(2030, 3, 1)


def _row(minutes: int, rate: str) -> InvoiceRow:
    return InvoiceRow(unit_id=1, unit_name="Enhet", unit_code="", supplier_name="Alfa",
                      agreement_name="Avtale", hourly_rate=Decimal(rate), held=1, no_show=0,
                      late_cancelled=0, minutes=minutes, unmarked=0)


@pytest.mark.parametrize(("minutes", "rate", "amount"), [
    (45, "2000.02", "1500.02"),  # 1500.015 exactly; a float gives 1500.01
    (15, "1000.02", "250.01"),  # 250.005 exactly; a float gives 250.00
    (60, "2187.50", "2187.50"),
])
def test_a_half_ore_rounds_up(minutes, rate, amount):
    assert _row(minutes, rate).amount == Decimal(amount)


def test_the_invoice_basis_rounds_each_row_half_up_and_sums_the_rows(personas):
    org = personas.org_a
    unit = personas.bob_leader.unit
    agreement = AgreementFactory(organisation=org, hourly_rate=Decimal("2000.02"),
                                 session_minutes=45)
    coach = CoachFactory(organisation=org, supplier=agreement.supplier)
    course = CourseFactory(organisation=org, agreement=agreement, coach=coach,
                           leader__unit=unit, ordering_unit=unit)
    BookingFactory(course=course, starts_at=at(MONTH.replace(day=5), 10), minutes=45,
                   status=BookingStatus.HELD)
    result = invoice_basis(organisation_id=org.pk, month=MONTH,
                           now=timezone.make_aware(dt.datetime(2030, 6, 1)))
    (row,) = result.rows
    assert row.minutes == 45 and row.amount == Decimal("1500.02")
    assert result.total_amount == Decimal("1500.02")
    # The basis names its month and the paying level it was added up to (the default).
    assert result.month == MONTH
    assert result.paying_level == UnitKind.ENTERPRISE and not result.show_leader_names


@pytest.mark.parametrize(("day", "first", "following"), [
    (dt.date(2030, 3, 15), dt.date(2030, 3, 1), dt.date(2030, 4, 1)),
    (dt.date(2030, 12, 31), dt.date(2030, 12, 1), dt.date(2031, 1, 1)),
    (dt.date(2028, 2, 29), dt.date(2028, 2, 1), dt.date(2028, 3, 1)),
])
def test_a_month_is_local_midnight_on_the_first_to_the_next_first(day, first, following):
    """Any day of a month names the whole month (a booking at 00:00 on the 1st counts)."""
    assert month_bounds(day) == (at(first, 0), at(following, 0))


def test_an_empty_total_is_zero_kroner_and_zero_ore():
    """A month without billable sessions totals 0.00, not the integer 0 (CSV and PDF print it)."""
    from lib.money import money_sum

    assert str(money_sum([])) == "0.00"
    assert str(money_sum([Decimal("5")])) == "5.00"
