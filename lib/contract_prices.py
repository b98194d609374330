"""The contract's price of a day of network meetings, for the apps that plan them.

``reports`` stores the contract terms (``ContractTerm``) and fills this slot
from its ``AppConfig.ready()``; the network planner asks it for the price of
the plan it made without importing ``reports`` (layers point one way, as with
:mod:`lib.reminder_policy`). No provider, or no term: no price, and the page
says so.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from .money import price


@dataclass(frozen=True)
class NetworkDayPrice:
    unit_price: Decimal  # NOK ex. VAT per adviser-day of network meetings
    meetings_per_day: int  # how many meetings one such day covers in the contract

    def days_for(self, meetings: int) -> int:
        """Days the contract bills for this many facilitated meetings (as the cost overview)."""
        return math.ceil(meetings / self.meetings_per_day) if meetings else 0

    def price_for(self, meetings: int) -> Decimal:
        return price(self.days_for(meetings), self.unit_price)


Provider = Callable[[int], NetworkDayPrice | None]  # programme id → price
_provider: Provider | None = None


def register_network_day_price(provider: Provider) -> None:
    global _provider
    _provider = provider


def network_day_price(programme_id: int) -> NetworkDayPrice | None:
    return _provider(programme_id) if _provider is not None else None
