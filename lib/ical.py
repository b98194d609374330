"""Calendar files (.ics) for sessions, meetings and bookings, via icalendar."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event


@dataclass(frozen=True)
class CalendarEvent:
    uid: str  # stable across edits, e.g. "programs-session-42"
    start: dt.datetime
    end: dt.datetime
    summary: str
    location: str = ""
    description: str = ""
    url: str = ""
    tentative: bool = False  # a proposed, not yet confirmed date
    cancelled: bool = False


def calendar_bytes(events: Iterable[CalendarEvent], *, name: str = "Lederutvikling") -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Lederutvikling//lederutvikling//NO")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    stamp = timezone.now()
    for item in events:
        event = Event()
        event.add("uid", f"{item.uid}@{settings.SITE_URL.split('://')[-1].split('/')[0]}")
        event.add("dtstamp", stamp)
        event.add("dtstart", item.start)
        event.add("dtend", item.end)
        event.add("summary", item.summary)
        if item.location:
            event.add("location", item.location)
        if item.description:
            event.add("description", item.description)
        if item.url:
            event.add("url", item.url)
        status = "CANCELLED" if item.cancelled else "TENTATIVE" if item.tentative else "CONFIRMED"
        event.add("status", status)
        cal.add_component(event)
    return cal.to_ical()
