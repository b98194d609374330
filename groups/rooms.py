"""Leader-group sessions as room bookings (``lib.rooms``), one query."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

from lib.rooms import Organisations, RoomBooking, RoomSource, register_room_source

from .models import ProcessSession

# No session is longer than a day; the period's query reaches back this far for the ones
# that started before it and still run.
LONGEST_SESSION = dt.timedelta(days=1)


def session_booking(session: ProcessSession) -> RoomBooking | None:
    """Needs ``process__group``."""
    if not session.location:
        return None
    group = session.process.group
    return RoomBooking(
        uid=f"groups-session-{session.pk}", organisation_id=group.organisation_id,
        place=session.location, start=session.planned_at, end=session.ends_at,
        title=_("%(kind)s: %(group)s") % {"kind": session.get_kind_display().capitalize(),
                                           "group": group.name},
        url=reverse("admin:groups_groupprocess_change", args=[session.process_id]))


def sessions_in(organisations: Organisations, start: dt.datetime,
                end: dt.datetime) -> list[RoomBooking]:
    rows = (ProcessSession.objects.filter(planned_at__lt=end,
                                          planned_at__gt=start - LONGEST_SESSION)
            .exclude(location="").select_related("process__group"))
    if organisations is not None:
        rows = rows.filter(process__group__organisation_id__in=list(organisations))
    return [b for s in rows if (b := session_booking(s)) is not None]


def register() -> None:
    register_room_source(RoomSource("groups.session", sessions_in, model=ProcessSession,
                                    of=session_booking))


