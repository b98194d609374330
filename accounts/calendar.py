"""The personal calendar feed: every app adds its events for a user.

Apps register a source in ``AppConfig.ready()``::

    register_calendar_source("programs", sessions_for_user)  # (user) -> Iterable[CalendarEvent]

The feed URL carries the user's secret ``calendar_token`` because calendar
programs fetch it without a login; the user can replace the token from
Min side, which stops the old address working.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import replace

from django.utils.translation import gettext as _

from lib.ical import CalendarEvent

from .models import User

CalendarSource = Callable[[User], Iterable[CalendarEvent]]
_sources: dict[str, CalendarSource] = {}


def register_calendar_source(key: str, source: CalendarSource) -> None:
    _sources[key] = source


def events_for(user: User) -> list[CalendarEvent]:
    events: list[CalendarEvent] = []
    for key in sorted(_sources):
        events.extend(_sources[key](user))
    return sorted(events, key=lambda e: e.start)


def clashes(events: Iterable[CalendarEvent]) -> dict[str, list[CalendarEvent]]:
    """Events that overlap another of the same person's (cancelled ones never do): uid →
    the events it clashes with, in start order. One sweep over the sorted events."""
    active = sorted((e for e in events if not e.cancelled), key=lambda e: (e.start, e.end))
    found: dict[str, list[CalendarEvent]] = {}
    for i, event in enumerate(active):
        for other in active[i + 1:]:
            if other.start >= event.end:
                break
            found.setdefault(event.uid, []).append(other)
            found.setdefault(other.uid, []).append(event)
    return found


def mark_clashes(events: list[CalendarEvent]) -> list[CalendarEvent]:
    """The events with every clash said in the summary and the description, so a
    facilitator sees in any calendar program that two things are booked at once."""
    found = clashes(events)
    marked = []
    for event in events:
        others = found.get(event.uid)
        if others:
            names = "; ".join(o.summary for o in others)
            note = _("At the same time: %(others)s") % {"others": names}
            event = replace(event, summary=_("CLASH: %(summary)s") % {"summary": event.summary},
                            description=f"{note}\n{event.description}".strip())
        marked.append(event)
    return marked


def week_of(day: dt.date) -> tuple[dt.date, dt.date]:
    monday = day - dt.timedelta(days=day.weekday())
    return monday, monday + dt.timedelta(days=6)
