"""The personal calendar feed: every app adds its events for a user.

Apps register a source in ``AppConfig.ready()``::

    register_calendar_source("programs", sessions_for_user)  # (user) -> Iterable[CalendarEvent]

The feed URL carries the user's secret ``calendar_token`` because calendar
programs fetch it without a login; the user can replace the token from
Min side, which stops the old address working.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

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
