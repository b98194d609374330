"""Free time of a coach: weekly hours plus extra time, minus blocks, bookings and full days.

The arithmetic is pure (:func:`free_slots`, :func:`slot_problem`) so the slot
list a leader sees and the check the booking service makes under its lock are
the same code. :func:`coach_time_load` reads what it needs in three queries,
whatever the number of bookings.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.utils import timezone

from .models import (
    AvailabilityException,
    Booking,
    CoachProfile,
    ExceptionKind,
    WeeklyAvailability,
)

Interval = tuple[dt.datetime, dt.datetime]


@dataclass(frozen=True, order=True)
class Slot:
    start: dt.datetime
    end: dt.datetime

    @property
    def key(self) -> str:
        """The form value: local ISO time with offset, e.g. 2026-09-01T09:00:00+02:00."""
        return timezone.localtime(self.start).isoformat()


@dataclass
class CoachTime:
    """What the slot arithmetic needs to know about one coach in a date range."""

    weekly: list[tuple[int, dt.time, dt.time]]
    extra: list[Interval] = field(default_factory=list)
    blocked: list[Interval] = field(default_factory=list)
    busy: list[Interval] = field(default_factory=list)  # occupying bookings
    daily_capacity: int = 10


def _aware(day: dt.date, time: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, time))


def _overlaps(a: Interval, b: Interval) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def day_bounds(day: dt.date) -> Interval:
    return _aware(day, dt.time.min), _aware(day + dt.timedelta(days=1), dt.time.min)


def open_windows(time: CoachTime, day: dt.date) -> list[Interval]:
    """The coach's working windows on ``day``: weekly hours and extra time, clipped to the day."""
    start_of_day, end_of_day = day_bounds(day)
    windows = [(_aware(day, start), _aware(day, end))
               for weekday, start, end in time.weekly if weekday == day.weekday()]
    for start, end in time.extra:
        if _overlaps((start, end), (start_of_day, end_of_day)):
            windows.append((max(start, start_of_day), min(end, end_of_day)))
    return windows


def working_slots(time: CoachTime, day: dt.date, minutes: int) -> list[Slot]:
    """Every slot of ``minutes`` the coach works on ``day``, blocks taken out.

    Slots start at the beginning of each window and follow each other
    back to back, so every leader sees the same grid.
    """
    length = dt.timedelta(minutes=minutes)
    slots: set[Slot] = set()
    for window_start, window_end in open_windows(time, day):
        start = window_start
        while start + length <= window_end:
            candidate = (start, start + length)
            if not any(_overlaps(candidate, block) for block in time.blocked):
                slots.add(Slot(*candidate))
            start += length
    return sorted(slots)


def _busy_per_day(time: CoachTime) -> Counter[dt.date]:
    return Counter(timezone.localdate(start) for start, _end in time.busy)


def free_slots(time: CoachTime, *, first_day: dt.date, last_day: dt.date, minutes: int,
               not_before: dt.datetime) -> dict[dt.date, list[Slot]]:
    """Bookable slots per day from ``first_day`` to ``last_day`` (both included)."""
    per_day = _busy_per_day(time)
    result: dict[dt.date, list[Slot]] = {}
    day = first_day
    while day <= last_day:
        if per_day[day] < time.daily_capacity:
            result[day] = [
                slot for slot in working_slots(time, day, minutes)
                if slot.start >= not_before
                and not any(_overlaps((slot.start, slot.end), busy) for busy in time.busy)
            ]
        else:
            result[day] = []
        day += dt.timedelta(days=1)
    return result


class Problem:
    """Why a requested slot cannot be booked (checked in this order)."""

    PAST = "past"
    HOURS = "hours"
    TAKEN = "taken"
    FULL = "full"


def slot_problem(time: CoachTime, *, start: dt.datetime, minutes: int,
                 now: dt.datetime) -> str | None:
    """None if ``start`` is a free slot of the coach, else a :class:`Problem` code."""
    if start < now:
        return Problem.PAST
    day = timezone.localdate(start)
    slot = Slot(start, start + dt.timedelta(minutes=minutes))
    if slot not in working_slots(time, day, minutes):
        return Problem.HOURS
    if any(_overlaps((slot.start, slot.end), busy) for busy in time.busy):
        return Problem.TAKEN
    if _busy_per_day(time)[day] >= time.daily_capacity:
        return Problem.FULL
    return None


def coach_time_load(coach: CoachProfile, *, first_day: dt.date, last_day: dt.date,
                    ignore_booking_id: int | None = None) -> CoachTime:
    """Read the coach's hours, exceptions and occupying bookings for the days (3 queries).

    ``ignore_booking_id`` leaves out the booking being moved, so its own old
    time does not stand in its way.
    """
    range_start = day_bounds(first_day)[0]
    range_end = day_bounds(last_day)[1]
    weekly = list(WeeklyAvailability.objects.filter(coach=coach)
                  .values_list("weekday", "starts_at", "ends_at"))
    extra: list[Interval] = []
    blocked: list[Interval] = []
    exceptions = AvailabilityException.objects.filter(
        coach=coach, starts_at__lt=range_end, ends_at__gt=range_start,
    ).values_list("kind", "starts_at", "ends_at")
    for kind, start, end in exceptions:
        (extra if kind == ExceptionKind.EXTRA else blocked).append((start, end))
    bookings = Booking.objects.occupying().filter(
        coach=coach, starts_at__lt=range_end, ends_at__gt=range_start)
    if ignore_booking_id is not None:
        bookings = bookings.exclude(pk=ignore_booking_id)
    busy = list(bookings.values_list("starts_at", "ends_at"))
    return CoachTime(weekly=weekly, extra=extra, blocked=blocked, busy=busy,
                     daily_capacity=coach.daily_capacity)
