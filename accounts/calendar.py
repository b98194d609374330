"""The personal calendar feed: every app adds its events for a user.

Apps register a source in ``AppConfig.ready()``::

    register_calendar_source("programs", sessions_for_user)  # (user) -> Iterable[CalendarEvent]

The feed URL carries the user's secret ``calendar_token`` because calendar
programs fetch it without a login; the user can replace the token from
Min side, which stops the old address working.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace

from django.utils.translation import gettext as _

from lib.ical import CalendarEvent
from lib.rooms import RoomBooking, room_clashes

from .models import User

CalendarSource = Callable[[User], Iterable[CalendarEvent]]
# The feed marks room clashes from a month back on: older ones are history, and the
# municipality's rooms over all the years would be a needless read on every poll.
FEED_ROOM_CLASHES_SINCE = dt.timedelta(days=30)
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


def room_clashes_for(user: User, events: Iterable[CalendarEvent], *,
                     since: dt.datetime | None = None) -> dict[str, list[RoomBooking]]:
    """The person's events (not cancelled, ending after ``since``) held in a room that
    another event of their municipality uses at the same time: uid → the other events.
    One query per room source (``lib.rooms``), whatever the number of events."""
    own = [e for e in events if not e.cancelled and (since is None or e.end > since)]
    if not own or user.organisation_id is None:
        return {}
    found = room_clashes([user.organisation_id], min(e.start for e in own),
                         max(e.end for e in own))
    return {e.uid: found[e.uid] for e in own if e.uid in found}


def mark_clashes(events: list[CalendarEvent],
                 rooms: Mapping[str, list[RoomBooking]] | None = None) -> list[CalendarEvent]:
    """The events with every clash said in the summary and the description, so a
    facilitator sees in any calendar program that two things are booked at once —
    the person twice (``clashes``) or the room twice (``rooms``: ``room_clashes_for``)."""
    found = clashes(events)
    rooms = rooms or {}
    marked = []
    for event in events:
        others, shared = found.get(event.uid), rooms.get(event.uid)
        if others or shared:
            notes = []
            if others:
                names = "; ".join(o.summary for o in others)
                notes.append(_("At the same time: %(others)s") % {"others": names})
            if shared:
                notes.append(_("Same room as %(others)s")
                             % {"others": "; ".join(o.label() for o in shared)})
            event = replace(event, summary=_("CLASH: %(summary)s") % {"summary": event.summary},
                            description="\n".join([*notes, event.description]).strip())
        marked.append(event)
    return marked


def week_of(day: dt.date) -> tuple[dt.date, dt.date]:
    monday = day - dt.timedelta(days=day.weekday())
    return monday, monday + dt.timedelta(days=6)
