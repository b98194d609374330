"""Calendar files (.ics) for sessions, meetings and bookings, via icalendar.

Everything that reaches a content line is user text (topics, places, names
of groups and leaders), so it passes through here once: line breaks become
the escaped ``\\n`` of a TEXT value (icalendar's ``vText``), other control
characters are dropped, and the values that cannot hold a line break at all
(UID, URL, parameters, the download's file name) lose it. A topic saved as
``"…\\r\\nBEGIN:VALARM"`` therefore stays one SUMMARY line instead of
breaking the file or smuggling in a component.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from icalendar import Calendar, Event, vText

# C0 controls except TAB and LF, DEL, and the Unicode line/paragraph separators.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f\u2028\u2029]")
_BREAK = re.compile("\r\n|\r|\n")


def ics_text(value: object) -> vText:
    """A TEXT property value: one line per line break, escaped by ``vText``."""
    text = _BREAK.sub("\n", str(value))
    return vText(_CONTROL.sub("", text))


def ics_token(value: object) -> str:
    """A value that may not hold a line break (UID, URI, parameter): breaks become spaces."""
    text = _BREAK.sub(" ", str(value))
    return _CONTROL.sub("", text).replace("\t", " ").replace('"', "'").strip()


def safe_filename(value: str, *, default: str = "download") -> str:
    """A file name for Content-Disposition: no CR/LF, quotes, slashes or control characters."""
    name = _CONTROL.sub("", _BREAK.sub(" ", value))
    name = re.sub('["\\\\/\t]', "", name).strip().strip(".")
    return name or default


def ics_response(body: bytes, filename: str = "", *, attachment: bool = True) -> HttpResponse:
    """An .ics download; ``filename`` (without ".ics") may come from user text.

    ``attachment=False`` serves a subscribed feed, which calendar apps fetch
    by address and which has no file name.
    """
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    if attachment:
        response["Content-Disposition"] = content_disposition_header(
            True, f"{safe_filename(filename, default='kalender')}.ics")
    return response


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
    cal.add("x-wr-calname", ics_text(name))
    stamp = timezone.now()
    for item in events:
        event = Event()
        host = settings.SITE_URL.split("://")[-1].split("/")[0]
        event.add("uid", ics_token(f"{item.uid}@{host}"))
        event.add("dtstamp", stamp)
        event.add("dtstart", item.start)
        event.add("dtend", item.end)
        event.add("summary", ics_text(item.summary))
        if item.location:
            event.add("location", ics_text(item.location))
        if item.description:
            event.add("description", ics_text(item.description))
        if item.url and (url := ics_token(item.url).replace(" ", "%20")):
            event.add("url", url)
        status = "CANCELLED" if item.cancelled else "TENTATIVE" if item.tentative else "CONFIRMED"
        event.add("status", status)
        cal.add_component(event)
    return cal.to_ical()
