"""On-site coaching sessions as room bookings (``lib.rooms``), one prepared query.

The room is the coach's "place for sessions on site". Others see only "a
coaching session": who is coached is nobody else's business.
"""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from lib.rooms import RoomBooking, of_organisations, prepared_source, register_room_source

from .models import OCCUPYING, Booking, Mode


def booking_room(booking: Booking) -> RoomBooking | None:
    """Needs ``coach`` and ``course``."""
    if (booking.mode != Mode.ON_SITE or not booking.coach.location
            or booking.status not in OCCUPYING):
        return None
    return RoomBooking(
        uid=f"coaching-booking-{booking.uuid}", organisation_id=booking.course.organisation_id,
        place=booking.coach.location, start=booking.starts_at, end=booking.ends_at,
        describe=partial(_describe, booking.pk))


def _describe(booking_id: int) -> tuple[str, str]:
    return _("A coaching session"), reverse("admin:coaching_booking_change", args=[booking_id])


def _bookings(organisation_ids: list[int] | None, start: dt.datetime,
              end: dt.datetime) -> QuerySet[Booking]:
    rows = (Booking.objects.occupying()
            .filter(mode=Mode.ON_SITE, starts_at__lt=end, ends_at__gt=start)
            .exclude(coach__location="").select_related("coach", "course"))
    return of_organisations(rows, "course__organisation_id", organisation_ids)


def register() -> None:
    register_room_source(prepared_source(
        "coaching.booking", Booking, _bookings, booking_room,
        period=lambda start, end: {"start": start, "end": end}))
