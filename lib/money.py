"""Money, written once: NOK as ``Decimal``, rounded half-up to øre, and how it is shown.

Every price in the portal (invoice basis, cost overview, contract terms) goes
through these helpers, so an amount is rounded in one place and the PDF, the
CSV, the spreadsheet and the tests agree to the øre. Rules of thumb:

* an amount is priced once, at the smallest thing that has a price (one
  coaching session, one adviser-day), then only summed — so any grouping of the
  same rows has the same total;
* ``float`` never touches money; quantities that are not whole (hours) are
  ``Decimal`` too;
* VAT is shown beside an amount (ex. and inc.), never folded into it.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
VAT_RATE = Decimal("0.25")  # Norwegian standard rate (merverdiavgift)
# Nothing a municipality's leadership programme buys costs this much per unit or line:
# a larger number is a typing error (an extra zero or two), refused by forms.
MAX_UNIT_PRICE = Decimal("10000000.00")


def money(value: Decimal | int | str) -> Decimal:
    """``value`` rounded half-up to øre."""
    return Decimal(value).quantize(CENT, ROUND_HALF_UP)


def money_sum(values: Iterable[Decimal]) -> Decimal:
    """The sum of amounts that are already rounded (0.00 for none)."""
    return sum(values, ZERO)


def price(quantity: Decimal | int, unit_price: Decimal) -> Decimal:
    """``quantity × unit_price`` rounded once."""
    return money(Decimal(quantity) * unit_price)


def minutes_price(minutes: int, hourly_rate: Decimal) -> Decimal:
    """What ``minutes`` cost at ``hourly_rate``: one session's price, rounded once."""
    return money(Decimal(minutes) * hourly_rate / 60)


def hours(minutes: int) -> Decimal:
    """Minutes as hours with two decimals (90 → 1.50)."""
    return money(Decimal(minutes) / 60)


def vat(amount: Decimal) -> Decimal:
    """The VAT on an amount ex. VAT."""
    return money(amount * VAT_RATE)


def with_vat(amount: Decimal) -> Decimal:
    """The amount inc. VAT: ex. + VAT, each rounded, so the three always add up."""
    return amount + vat(amount)


def csv_amount(value: Decimal | int | None) -> str:
    """For a data file read by Norwegian spreadsheets: decimal comma, no thousands separator."""
    if value is None:
        return ""
    return f"{Decimal(value):.2f}".replace(".", ",")


def _separators() -> tuple[str, str]:
    """The active language's decimal mark and thousands separator (a narrow no-break
    space where the language groups with a space: nb, nn)."""
    from django.utils import formats

    thousands = str(formats.get_format("THOUSAND_SEPARATOR"))
    if thousands.isspace() or thousands in {"\xa0", "\u202f"}:
        thousands = "\u202f"
    return str(formats.get_format("DECIMAL_SEPARATOR")), thousands


def display(value: Decimal | int | None) -> str:
    """For people (PDF, admin), in the active language: "21 875,00" (nb, nn, with a
    narrow no-break space between thousands), "21,875.00" (en)."""
    if value is None:
        return ""
    decimal_mark, thousands = _separators()
    sign = "−" if Decimal(value) < 0 else ""
    whole, _dot, cents = f"{abs(Decimal(value)):.2f}".partition(".")
    groups: list[str] = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return f"{sign}{thousands.join(groups)}{decimal_mark}{cents}"


def display_quantity(value: Decimal | int) -> str:
    """4 → "4", 1.5 → "1,5" (nb, nn) or "1.5" (en), 2.25 → "2,25"."""
    value = Decimal(value)
    if value == value.to_integral_value():
        return str(int(value))
    return f"{value.normalize():f}".replace(".", _separators()[0])

