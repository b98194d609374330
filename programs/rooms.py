"""Module sessions and gatherings as room bookings (``lib.rooms``), one prepared query each."""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from lib.rooms import RoomBooking, of_organisations, prepared_source, register_room_source

from .models import Gathering, ModuleSession, ModuleStatus


def _days(start: dt.datetime, end: dt.datetime) -> dict[str, dt.date]:
    """The period as the local days it touches (sessions and gatherings have a date)."""
    return {"first": timezone.localdate(start), "last": timezone.localdate(end)}


def session_booking(session: ModuleSession) -> RoomBooking | None:
    """Needs ``module__programme``; a cancelled module's sessions hold no room."""
    module = session.module
    if not session.place or module.status == ModuleStatus.CANCELLED:
        return None
    return RoomBooking(
        uid=f"programs-session-{session.uuid}", organisation_id=module.programme.organisation_id,
        place=session.place, start=session.start, end=session.end,
        describe=partial(_describe_session, session))


def _describe_session(session: ModuleSession) -> tuple[str, str]:
    module = session.module
    return (f"{module.topic}: {session.theme}" if session.theme else str(module.topic),
            reverse("admin:programs_modulesession_change", args=[session.pk]))


def gathering_booking(gathering: Gathering) -> RoomBooking | None:
    if not gathering.place:
        return None
    return RoomBooking(
        uid=f"programs-gathering-{gathering.uuid}",
        organisation_id=gathering.programme.organisation_id, place=gathering.place,
        start=gathering.start, end=gathering.end, describe=partial(_describe_gathering, gathering))


def _describe_gathering(gathering: Gathering) -> tuple[str, str]:
    return (f"{gathering.programme.name}: {gathering.theme}",
            reverse("admin:programs_gathering_change", args=[gathering.pk]))


def _sessions(organisation_ids: list[int] | None, first: dt.date,
              last: dt.date) -> QuerySet[ModuleSession]:
    rows = (ModuleSession.objects.filter(date__gte=first, date__lte=last)
            .exclude(place="").exclude(module__status=ModuleStatus.CANCELLED)
            .select_related("module__programme"))
    return of_organisations(rows, "module__programme__organisation_id", organisation_ids)


def _gatherings(organisation_ids: list[int] | None, first: dt.date,
                last: dt.date) -> QuerySet[Gathering]:
    rows = (Gathering.objects.filter(date__gte=first, date__lte=last).exclude(place="")
            .select_related("programme"))
    return of_organisations(rows, "programme__organisation_id", organisation_ids)


def register() -> None:
    register_room_source(prepared_source("programs.gathering", Gathering, _gatherings,
                                         gathering_booking, period=_days))
    register_room_source(prepared_source("programs.session", ModuleSession, _sessions,
                                         session_booking, period=_days))
