"""Network meetings as room bookings (``lib.rooms``), one prepared query.

Proposed meetings count too: the planner proposes every group of an adviser
at the plan's usual place, which is how four groups came to share one room.
A meeting without a slot ("time to be agreed") has no time, so no clash yet.
"""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lib.rooms import RoomBooking, of_organisations, prepared_source, register_room_source

from .models import ACTIVE_MEETING, MeetingStatus, NetworkMeeting

# The statuses ACTIVE_MEETING selects: a proposed date is pencilled into the room too.
OCCUPYING = (MeetingStatus.PROPOSED, MeetingStatus.CONFIRMED, MeetingStatus.HELD)


def meeting_booking(meeting: NetworkMeeting) -> RoomBooking | None:
    """Needs ``group__plan__programme``."""
    if (not meeting.place or meeting.date is None or meeting.starts_at is None
            or meeting.status not in OCCUPYING):
        return None
    return RoomBooking(
        uid=f"networks-meeting-{meeting.uuid}",
        organisation_id=meeting.group.plan.programme.organisation_id, place=meeting.place,
        start=meeting.start, end=meeting.end, describe=partial(_describe, meeting))


def _describe(meeting: NetworkMeeting) -> tuple[str, str]:
    return (_("Network group %(group)s") % {"group": meeting.group.name},
            reverse("networks:meeting_edit", args=[meeting.uuid]))


def _meetings(organisation_ids: list[int] | None, first: dt.date,
              last: dt.date) -> QuerySet[NetworkMeeting]:
    rows = (NetworkMeeting.objects.filter(ACTIVE_MEETING)
            .filter(date__gte=first, date__lte=last, starts_at__isnull=False)
            .exclude(place="").select_related("group__plan__programme"))
    return of_organisations(rows, "group__plan__programme__organisation_id", organisation_ids)


def register() -> None:
    register_room_source(prepared_source(
        "networks.meeting", NetworkMeeting, _meetings, meeting_booking,
        period=lambda start, end: {"first": timezone.localdate(start),
                                   "last": timezone.localdate(end)}))
