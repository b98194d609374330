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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from email.utils import parseaddr
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from icalendar import (
    Calendar,
    Event,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    vCalAddress,
    vText,
)

# Every event is written in local time with this zone's VTIMEZONE, so a calendar
# program shows 09:00 as 09:00 on both sides of a daylight-saving change.
CALENDAR_TZID = "Europe/Oslo"
CALENDAR_TZ = ZoneInfo(CALENDAR_TZID)

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
    sequence: int = 0  # times moved or cancelled (lib.models.CalendarSequence)


def oslo_timezone() -> Timezone:
    """VTIMEZONE for Europe/Oslo with the EU rules (last Sunday of March and of
    October at 01:00 UTC), valid for every year the portal meets, as Outlook and
    Google write it."""
    zone = Timezone()
    zone.add("tzid", CALENDAR_TZID)
    standard = TimezoneStandard()
    standard.add("dtstart", dt.datetime(1970, 10, 25, 3, 0))
    standard.add("rrule", {"freq": "yearly", "bymonth": 10, "byday": "-1su"})
    standard.add("tzoffsetfrom", dt.timedelta(hours=2))
    standard.add("tzoffsetto", dt.timedelta(hours=1))
    standard.add("tzname", "CET")
    daylight = TimezoneDaylight()
    daylight.add("dtstart", dt.datetime(1970, 3, 29, 2, 0))
    daylight.add("rrule", {"freq": "yearly", "bymonth": 3, "byday": "-1su"})
    daylight.add("tzoffsetfrom", dt.timedelta(hours=1))
    daylight.add("tzoffsetto", dt.timedelta(hours=2))
    daylight.add("tzname", "CEST")
    zone.add_component(standard)
    zone.add_component(daylight)
    return zone


def _local(moment: dt.datetime) -> dt.datetime:
    return timezone.localtime(moment, CALENDAR_TZ) if timezone.is_aware(moment) \
        else moment.replace(tzinfo=CALENDAR_TZ)


def host_uid(uid: str) -> str:
    """The UID as written in every .ics: the event's key at the site's host."""
    host = settings.SITE_URL.split("://")[-1].split("/")[0]
    return ics_token(f"{uid}@{host}")


def current_sequences(uids: Iterable[str]) -> dict[str, int]:
    """The stored SEQUENCE of each event that has been changed (one query; none if empty)."""
    from .models import CalendarSequence

    wanted = set(uids)
    if not wanted:
        return {}
    return dict(CalendarSequence.objects.filter(uid__in=wanted).values_list("uid", "sequence"))


def calendar_publish(events: Iterable[CalendarEvent], *, name: str = "Lederutvikling") -> bytes:
    """A feed or a download: the events with their current SEQUENCE (one query more)."""
    events = list(events)
    return calendar_bytes(events, name=name,
                          sequences=current_sequences(e.uid for e in events))


def split_calendars(text: str) -> list[str]:
    """Stored notices may hold several VCALENDARs (one per event: iTIP allows one UID
    per object); each is attached as its own file."""
    return [part.strip() + "\r\nEND:VCALENDAR\r\n"
            for part in text.split("END:VCALENDAR") if part.strip()]


def calendar_method(text: str) -> str:
    """The METHOD of a calendar file ("" when it has none), for the attachment's MIME type."""
    found = re.search(r"^METHOD:([A-Z-]+)\r?$", text, re.MULTILINE)
    return found.group(1) if found else ""


def calendar_bytes(events: Iterable[CalendarEvent], *, name: str = "Lederutvikling",
                   method: str = "", attendee: str = "",
                   sequences: Mapping[str, int] | None = None) -> bytes:
    """A VCALENDAR with the Europe/Oslo VTIMEZONE and one VEVENT per event.

    ``method`` ("REQUEST", "CANCEL") makes it an iTIP message, as a change notice
    is: it then names the portal as ORGANIZER and ``attendee`` (an email) as the
    one invited. ``sequences`` (uid → SEQUENCE) overrides each event's own.
    """
    cal = Calendar()
    cal.add("prodid", "-//Lederutvikling//lederutvikling//NO")
    cal.add("version", "2.0")
    if method:
        cal.add("method", method)
    cal.add("x-wr-calname", ics_text(name))
    cal.add("x-wr-timezone", CALENDAR_TZID)
    cal.add_component(oslo_timezone())
    stamp = timezone.now()
    for item in events:
        event = Event()
        event.add("uid", host_uid(item.uid))
        event.add("dtstamp", stamp)
        event.add("dtstart", _local(item.start))
        event.add("dtend", _local(item.end))
        sequence = item.sequence if sequences is None else sequences.get(item.uid, item.sequence)
        event.add("sequence", sequence)
        if method:
            sender = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
            organizer = vCalAddress(f"mailto:{ics_token(sender)}")
            organizer.params["cn"] = "Lederutvikling"
            event.add("organizer", organizer)
            if attendee:
                invited = vCalAddress(f"mailto:{ics_token(attendee)}")
                invited.params["rsvp"] = "FALSE"
                event.add("attendee", invited)
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
