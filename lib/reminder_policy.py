"""Each municipality's reminder policy as the reminder sources read it, and its arithmetic.

The policy is stored and edited in ``reports`` (``ReminderPolicy``, O&F's
page), which sits above the track apps whose ``reminders.py`` sources need it.
So this module keeps a provider slot that ``reports`` fills from its
``AppConfig.ready`` — the same one-way registry as Min side's panels and the
reminder sources themselves — and the track apps never import ``reports``.

Each source loads its candidate rows in a fixed number of queries, then decides
in memory; these helpers keep that decision the same everywhere.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Protocol

from django.core.exceptions import ImproperlyConfigured


class Policy(Protocol):
    """What a reminder source reads of a municipality's policy."""

    first_reminder_days: int
    last_reminder_days: int
    survey_interval_days: int
    approval_interval_days: int
    digest_weekday: int
    sessions_on: bool
    gatherings_on: bool
    network_meetings_on: bool
    bookings_on: bool
    surveys_on: bool
    approvals_on: bool
    digest_on: bool

    @property
    def days_before(self) -> tuple[int, int]: ...


PolicyProvider = Callable[..., Mapping[int, Policy]]
_provider: PolicyProvider | None = None


def register_policy_provider(provider: PolicyProvider) -> None:
    """Set the function that answers ``provider(organisation_ids=…) -> {id: policy}``."""
    global _provider
    _provider = provider


def policies(organisation_ids: Iterable[int]) -> dict[int, Policy]:
    """The policy of every municipality asked for (one query, more only to create missing ones)."""
    if _provider is None:
        raise ImproperlyConfigured("No reminder policy provider is registered; "
                                   "reports registers one in ReportsConfig.ready().")
    return dict(_provider(organisation_ids=organisation_ids))


def longest_lead(policy_map: Mapping[int, Policy]) -> int:
    """The largest 'days before' any municipality uses (7 when there is none)."""
    return max((p.first_reminder_days for p in policy_map.values()), default=7)


def lead_due(start: dt.datetime, now: dt.datetime, policy: Policy) -> int | None:
    """Which 'N days before' reminder is due for an event at ``start``, if any.

    The most recently passed threshold wins, so an event created two days ahead
    gets the first reminder once and the last one on the day before — never
    both at once, and nothing after it has started.
    """
    if start <= now:
        return None
    for days in sorted(policy.days_before):
        if start - now <= dt.timedelta(days=days):
            return days
    return None
