"""Answers ``lib.contract_prices`` from the contract terms O&F entered (the first "per day
of network meetings" term, as the cost overview prices the calendar)."""

from __future__ import annotations

from lib.contract_prices import NetworkDayPrice, register_network_day_price

from .models import ContractTerm, TermKind


def network_day_price(programme_id: int) -> NetworkDayPrice | None:
    term = (ContractTerm.objects.filter(programme_id=programme_id, kind=TermKind.NETWORK_DAY)
            .order_by("position", "pk").first())
    if term is None or not term.meetings_per_day:
        return None
    return NetworkDayPrice(unit_price=term.unit_price, meetings_per_day=term.meetings_per_day)


def register() -> None:
    register_network_day_price(network_day_price)
