"""lib.money: one rounding, one way to show an amount, VAT beside it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from lib import money


@pytest.mark.parametrize(("value", "rounded"), [
    ("1500.015", "1500.02"),  # a half-øre tie rounds up (a float would give 1500.01)
    ("250.005", "250.01"),
    ("0.004", "0.00"),
])
def test_money_rounds_half_up_to_ore(value, rounded):
    assert money.money(Decimal(value)) == Decimal(rounded)


def test_session_price_vat_and_inc_vat_add_up():
    assert money.minutes_price(45, Decimal("2000.02")) == Decimal("1500.02")
    assert money.hours(90) == Decimal("1.50")
    amount = Decimal("7499.97")
    assert money.vat(amount) == Decimal("1874.99")
    assert money.with_vat(amount) == amount + money.vat(amount) == Decimal("9374.96")
    assert money.price(8, Decimal("17500.00")) == Decimal("140000.00")
    assert money.money_sum([]) == Decimal("0.00")


def test_amounts_are_shown_for_people_and_for_spreadsheets():
    # In bokmål (lib/tests/test_locale_formats.py has nynorsk and English).
    with translation.override("nb"):
        assert money.display(Decimal("21875")) == "21\u202f875,00"
        assert money.display(Decimal("1234567.5")) == "1\u202f234\u202f567,50"
        assert money.display(Decimal("-12.5")) == "−12,50"
        assert money.display(None) == ""
        assert money.csv_amount(Decimal("21875")) == "21875,00"
        assert money.display_quantity(Decimal("1.50")) == "1,5"

