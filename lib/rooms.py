"""Room clashes: two events held in the same room at overlapping times (issue 21).

A room is the *place* text O&F or an adviser typed ("Møterom 1", "Rådhuset,
møterom 3"); the project has no room register, so two places are the same
room when they read the same after :func:`normalise_place` (case, spaces and
punctuation ignored) within one municipality. Every track app that puts
events in a place registers a source in its ``AppConfig.ready()``::

    register_room_source(prepared_source("networks.meeting", NetworkMeeting, build, one,
                                         period=lambda start, end: {...}))

``load(organisations, start, end)`` answers the app's events overlapping the
period (one prepared query, :mod:`lib.prepared`; a booking's title and link are
worked out only when shown), ``of(row)`` the booking of one saved row (the admin's
warning). Each booking's ``uid`` is the calendar feed's uid of the same
event, so the personal feed and week view (``accounts.calendar``) can say
which of a person's events share a room with someone else's. Layers point
one way: lib imports no app, the apps fill the registry (as with
:mod:`lib.contract_prices` and :mod:`lib.reminders`).

A clash is a warning, never a refusal: a typed place can name a building
with many rooms ("Rådhuset"), so O&F decide.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from .prepared import Prepared

Organisations = Sequence[int] | None  # None: every municipality (a system administrator)


def of_organisations[Q: QuerySet[Any]](rows: Q, path: str, ids: list[int] | None) -> Q:
    """A source's rows of these municipalities (``path`` leads to the organisation id;
    None: every municipality), the list as one parameter so the query can be prepared."""
    return rows if ids is None else rows.filter(**{f"{path}__any": ids})


def normalise_place(text: str) -> str:
    """The room a place names: case, accents' composed forms, spaces and punctuation ignored.

    "Møterom 1 " and "møterom 1", "Rådhuset, møterom 3" and "rådhuset møterom 3" are one room.
    """
    text = unicodedata.normalize("NFKC", text or "").casefold()
    return " ".join("".join(ch if ch.isalnum() else " " for ch in text).split())


@dataclass(frozen=True)
class RoomBooking:
    uid: str  # the calendar feed's uid of the same event, e.g. "networks-meeting-<uuid>"
    organisation_id: int
    place: str  # as typed
    start: dt.datetime
    end: dt.datetime
    # () -> (title, url): what anyone of the municipality may see (no leader's name, no
    # coaching client) and where O&F changes it. Worked out when first read: a clash check
    # reads every booking of the period and names only the few that clash.
    describe: Callable[[], tuple[str, str]] = field(compare=False, repr=False)

    @cached_property
    def room(self) -> str:
        return normalise_place(self.place)

    @cached_property
    def _description(self) -> tuple[str, str]:
        return self.describe()

    @property
    def title(self) -> str:
        return self._description[0]

    @property
    def url(self) -> str:
        return self._description[1]

    def overlaps(self, other: RoomBooking) -> bool:
        return self.start < other.end and other.start < self.end

    def label(self) -> str:
        """"Network group Blåveis (Tue 3 Mar 09:00–11:30, Møterom 1)" for messages and notes."""
        start = timezone.localtime(self.start)
        when = (f"{formats.date_format(start, 'SHORT_DATE_FORMAT')} "
                f"{start:%H:%M}–{timezone.localtime(self.end):%H:%M}")
        return f"{self.title} ({when}, {self.place})"


Loader = Callable[[Organisations, dt.datetime, dt.datetime], Iterable[RoomBooking]]


@dataclass(frozen=True)
class RoomSource:
    key: str
    load: Loader
    model: type | None = None  # the model whose saved rows ``of`` turns into a booking
    of: Callable[[Any], RoomBooking | None] | None = None


_sources: dict[str, RoomSource] = {}


def prepared_source(key: str, model: type, build: Callable[..., QuerySet[Any]],
                    of: Callable[[Any], RoomBooking | None],
                    period: Callable[[dt.datetime, dt.datetime], dict[str, Any]]) -> RoomSource:
    """A source whose load is one query compiled once per process (:mod:`lib.prepared`):
    ``build(organisation_ids=…, **period(start, end))`` gives the rows (narrowed with
    :func:`of_organisations`), ``of(row)`` each row's booking or None."""
    query: Prepared[Any] = Prepared(build)

    def load(organisations: Organisations, start: dt.datetime,
             end: dt.datetime) -> list[RoomBooking]:
        ids = None if organisations is None else list(organisations)
        return [booking for row in query(organisation_ids=ids, **period(start, end))
                if (booking := of(row)) is not None]

    return RoomSource(key, load, model=model, of=of)


def register_room_source(source: RoomSource) -> None:
    _sources[source.key] = source


def room_source_keys() -> list[str]:
    """The registered sources: each costs one query when bookings are read."""
    return sorted(_sources)


def room_bookings(organisations: Organisations, start: dt.datetime,
                  end: dt.datetime) -> list[RoomBooking]:
    """Every registered event with a place that overlaps [start, end): one query per source."""
    found: list[RoomBooking] = []
    for key in sorted(_sources):
        found.extend(b for b in _sources[key].load(organisations, start, end)
                     if b.room and b.start < end and b.end > start)
    return found


def clashes_among(bookings: Iterable[RoomBooking]) -> dict[str, list[RoomBooking]]:
    """uid → the other bookings in the same room of the same municipality at an overlapping
    time, in start order. One sweep per room over the bookings sorted by start."""
    by_room: dict[tuple[int, str], list[RoomBooking]] = defaultdict(list)
    for booking in bookings:
        by_room[(booking.organisation_id, booking.room)].append(booking)
    found: dict[str, list[RoomBooking]] = {}
    for rows in by_room.values():
        rows.sort(key=lambda b: (b.start, b.end, b.uid))
        for i, booking in enumerate(rows):
            for other in rows[i + 1:]:
                if other.start >= booking.end:
                    break
                found.setdefault(booking.uid, []).append(other)
                found.setdefault(other.uid, []).append(booking)
    return found


def room_clashes(organisations: Organisations, start: dt.datetime,
                 end: dt.datetime) -> dict[str, list[RoomBooking]]:
    """The room clashes of events overlapping the period: uid → what shares its room."""
    return clashes_among(room_bookings(organisations, start, end))


def clashing_bookings(organisations: Organisations, start: dt.datetime,
                      end: dt.datetime) -> list[tuple[RoomBooking, list[RoomBooking]]]:
    """Each event in a room clash with what it clashes with, by start (O&F's list)."""
    bookings = room_bookings(organisations, start, end)
    found = clashes_among(bookings)
    return sorted(((b, found[b.uid]) for b in bookings if b.uid in found),
                  key=lambda pair: (pair[0].start, pair[0].room, pair[0].uid))


def booking_of(obj: Any) -> RoomBooking | None:
    """The room booking of one saved row of a registered model, or None (no place, no time)."""
    model = type(obj)._meta.concrete_model
    for source in _sources.values():
        if source.model is model and source.of is not None:
            return source.of(obj)
    return None


def clashes_with(booking: RoomBooking) -> list[RoomBooking]:
    """What else is in ``booking``'s room while it is on (itself excluded)."""
    if not booking.room:
        return []
    others = room_bookings([booking.organisation_id], booking.start, booking.end)
    return [o for o in others if o.uid != booking.uid and o.room == booking.room
            and o.overlaps(booking)]


def warn_room_clashes(request: HttpRequest, objects: Iterable[Any]) -> int:
    """After O&F saved events: a warning for each that shares its room with another event
    at the same time (the save stands). One read of the sources per municipality, however
    many rows were saved (a module's inline sessions). Returns how many warned."""
    saved: dict[str, RoomBooking] = {}
    for obj in objects:
        booking = booking_of(obj)
        if booking is not None and booking.room:
            saved[booking.uid] = booking
    by_organisation: dict[int, list[RoomBooking]] = defaultdict(list)
    for booking in saved.values():
        by_organisation[booking.organisation_id].append(booking)
    warned = 0
    for organisation_id, bookings in by_organisation.items():
        everything = room_bookings([organisation_id], min(b.start for b in bookings),
                                   max(b.end for b in bookings))
        for booking in sorted(bookings, key=lambda b: b.start):
            others = [o for o in everything if o.uid != booking.uid and o.room == booking.room
                      and o.overlaps(booking)]
            if not others:
                continue
            warned += 1
            items = format_html_join("", "<li>{}</li>", (
                (format_html('<a href="{}">{}</a>', o.url, o.label()) if o.url else o.label(),)
                for o in others))
            messages.warning(request, format_html(
                "{} <ul>{}</ul>",
                _("%(event)s is in a room that is booked at the same time. Saved anyway — "
                  "change the place or the time if the room cannot hold both:")
                % {"event": booking.label()}, items))
    return warned


class RoomClashWarningMixin:
    """For a ModelAdmin whose form or inlines save events with a place: after the save,
    warn about every saved event whose room is taken at the same time (the save stands)."""

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)  # type: ignore[misc]
        saved = [form.instance]
        for formset in formsets:
            saved.extend(getattr(formset, "new_objects", []))
            saved.extend(obj for obj, _fields in getattr(formset, "changed_objects", []))
        warn_room_clashes(request, saved)
