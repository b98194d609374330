"""Shared arithmetic for the reminder sources in the track apps' ``reminders.py``.

Each source loads its candidate rows in a fixed number of queries, then decides
in memory; these helpers keep that decision the same everywhere.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings

from lib.models import SentReminder

from .models import ReminderPolicy
from .services import policies_get


def absolute(path: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def policies(organisation_ids: Iterable[int]) -> dict[int, ReminderPolicy]:
    return policies_get(organisation_ids=organisation_ids)


def longest_lead(policy_map: dict[int, ReminderPolicy]) -> int:
    """The largest 'days before' any municipality uses (7 when there is none)."""
    return max((p.first_reminder_days for p in policy_map.values()), default=7)


def lead_due(start: dt.datetime, now: dt.datetime, policy: ReminderPolicy) -> int | None:
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


def already_sent(*, kind: str, since: dt.datetime) -> set[tuple[str, int]]:
    """(occasion, recipient) pairs recorded for ``kind`` since ``since``: one query.

    Skipping these before rendering keeps a sweep fast; the unique constraint
    in ``lib.reminders`` is what guarantees once-only, not this set.
    """
    return set(SentReminder.objects.filter(kind=kind, created_at__gte=since)
               .values_list("occasion", "recipient_id"))
