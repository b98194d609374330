"""``{{ amount|nok }}`` and ``{{ hours|qty }}``: money shown the one way :mod:`lib.money` does."""

from __future__ import annotations

from decimal import Decimal

from django import template

from lib import money

register = template.Library()


@register.filter
def nok(value: Decimal | int | None) -> str:
    """21875 → "21 875,00" (narrow no-break space); None → ""."""
    return money.display(value)


@register.filter
def qty(value: Decimal | int | None) -> str:
    """4 → "4", 1.50 → "1,5"."""
    return "" if value is None else money.display_quantity(value)
