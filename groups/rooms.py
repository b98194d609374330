"""Leader-group sessions as room bookings (``lib.rooms``), one prepared query."""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from lib.rooms import RoomBooking, of_organisations, prepared_source, register_room_source

from .models import ProcessSession

# No session is longer than a day; the period's query reaches back this far for the ones
# that started before it and still run.
LONGEST_SESSION = dt.timedelta(days=1)


def session_booking(session: ProcessSession) -> RoomBooking | None:
    """Needs ``process__group``."""
    if not session.location:
        return None
    return RoomBooking(
        uid=f"groups-session-{session.pk}", organisation_id=session.process.group.organisation_id,
        place=session.location, start=session.planned_at, end=session.ends_at,
        describe=partial(_describe, session))


def _describe(session: ProcessSession) -> tuple[str, str]:
    return (_("%(kind)s: %(group)s") % {"kind": session.get_kind_display().capitalize(),
                                         "group": session.process.group.name},
            reverse("admin:groups_groupprocess_change", args=[session.process_id]))


def _sessions(organisation_ids: list[int] | None, after: dt.datetime,
              before: dt.datetime) -> QuerySet[ProcessSession]:
    """Sessions in the period (reaching back for one that started before it)."""
    rows = (ProcessSession.objects.filter(planned_at__lt=before, planned_at__gt=after)
            .exclude(location="").select_related("process__group"))
    return of_organisations(rows, "process__group__organisation_id", organisation_ids)


def register() -> None:
    register_room_source(prepared_source(
        "groups.session", ProcessSession, _sessions, session_booking,
        period=lambda start, end: {"after": start - LONGEST_SESSION, "before": end}))
