"""Module sessions and gatherings as room bookings (``lib.rooms``), one query each."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from lib.rooms import Organisations, RoomBooking, RoomSource, register_room_source

from .models import Gathering, ModuleSession, ModuleStatus


def _days(start: dt.datetime, end: dt.datetime) -> tuple[dt.date, dt.date]:
    return timezone.localdate(start), timezone.localdate(end)


def session_booking(session: ModuleSession) -> RoomBooking | None:
    """Needs ``module__programme``; a cancelled module's sessions hold no room."""
    module = session.module
    if not session.place or module.status == ModuleStatus.CANCELLED:
        return None
    title = f"{module.topic}: {session.theme}" if session.theme else str(module.topic)
    return RoomBooking(
        uid=f"programs-session-{session.uuid}", organisation_id=module.programme.organisation_id,
        place=session.place, start=session.start, end=session.end, title=title,
        url=reverse("admin:programs_modulesession_change", args=[session.pk]))


def gathering_booking(gathering: Gathering) -> RoomBooking | None:
    if not gathering.place:
        return None
    return RoomBooking(
        uid=f"programs-gathering-{gathering.uuid}",
        organisation_id=gathering.programme.organisation_id, place=gathering.place,
        start=gathering.start, end=gathering.end,
        title=f"{gathering.programme.name}: {gathering.theme}",
        url=reverse("admin:programs_gathering_change", args=[gathering.pk]))


def sessions_in(organisations: Organisations, start: dt.datetime,
                end: dt.datetime) -> list[RoomBooking]:
    first, last = _days(start, end)
    rows = (ModuleSession.objects.filter(date__gte=first, date__lte=last)
            .exclude(place="").exclude(module__status=ModuleStatus.CANCELLED)
            .select_related("module__programme"))
    if organisations is not None:
        rows = rows.filter(module__programme__organisation_id__in=list(organisations))
    return [b for s in rows if (b := session_booking(s)) is not None]


def gatherings_in(organisations: Organisations, start: dt.datetime,
                  end: dt.datetime) -> list[RoomBooking]:
    first, last = _days(start, end)
    rows = (Gathering.objects.filter(date__gte=first, date__lte=last).exclude(place="")
            .select_related("programme"))
    if organisations is not None:
        rows = rows.filter(programme__organisation_id__in=list(organisations))
    return [b for g in rows if (b := gathering_booking(g)) is not None]


def register() -> None:
    register_room_source(RoomSource("programs.gathering", gatherings_in, model=Gathering,
                                    of=gathering_booking))
    register_room_source(RoomSource("programs.session", sessions_in, model=ModuleSession,
                                    of=session_booking))
