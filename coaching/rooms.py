"""On-site coaching sessions as room bookings (``lib.rooms``), one query.

The room is the coach's "place for sessions on site". Others see only "a
coaching session": who is coached is nobody else's business.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

from lib.rooms import Organisations, RoomBooking, RoomSource, register_room_source

from .models import OCCUPYING, Booking, Mode


def booking_room(booking: Booking) -> RoomBooking | None:
    """Needs ``coach`` and ``course``."""
    if (booking.mode != Mode.ON_SITE or not booking.coach.location
            or booking.status not in OCCUPYING):
        return None
    return RoomBooking(
        uid=f"coaching-booking-{booking.uuid}", organisation_id=booking.course.organisation_id,
        place=booking.coach.location, start=booking.starts_at, end=booking.ends_at,
        title=_("A coaching session"),
        url=reverse("admin:coaching_booking_change", args=[booking.pk]))


def bookings_in(organisations: Organisations, start: dt.datetime,
                end: dt.datetime) -> list[RoomBooking]:
    rows = (Booking.objects.occupying()
            .filter(mode=Mode.ON_SITE, starts_at__lt=end, ends_at__gt=start)
            .exclude(coach__location="").select_related("coach", "course"))
    if organisations is not None:
        rows = rows.filter(course__organisation_id__in=list(organisations))
    return [b for row in rows if (b := booking_room(row)) is not None]


def register() -> None:
    register_room_source(RoomSource("coaching.booking", bookings_in, model=Booking,
                                    of=booking_room))
