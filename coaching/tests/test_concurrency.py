"""Real PostgreSQL, real threads, separate connections: the database keeps bookings single.

Each thread has its own connection (Django's are per thread) and waits at a
barrier so the requests arrive together.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from coaching import services
from coaching.models import Booking, BookingStatus

from .factories import BookingFactory, CourseFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _together(calls: list[Callable[[], object]]) -> list[str]:
    barrier = threading.Barrier(len(calls))
    outcomes: list[str] = []
    guard = threading.Lock()

    def run(call: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=30)
            call()
            outcome = "booked"
        except ValidationError:
            outcome = "refused"
        except Exception as exc:  # anything else is a bug the test must show
            outcome = repr(exc)
        finally:
            connection.close()
        with guard:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return sorted(outcomes)


def _leaders_courses(personas, setup, n):
    return [CourseFactory(organisation=personas.org_a, agreement=setup.agreement,
                          coach=setup.coach) for _ in range(n)]


def test_twenty_leaders_one_slot_one_booking(personas, setup):
    courses = _leaders_courses(personas, setup, 20)
    start = setup.slot(10)
    outcomes = _together([
        (lambda c=c: services.booking_create(course=c, actor=c.leader.user, starts_at=start,
                                             mode="video"))
        for c in courses])
    assert outcomes == ["booked"] + ["refused"] * 19
    assert Booking.objects.filter(coach=setup.coach, starts_at=start).count() == 1


def test_daily_capacity_holds_under_concurrency(personas, setup):
    setup.coach.daily_capacity = 3
    setup.coach.save()
    courses = _leaders_courses(personas, setup, 8)
    outcomes = _together([
        (lambda c=c, hour=hour: services.booking_create(
            course=c, actor=c.leader.user, starts_at=setup.slot(hour), mode="video"))
        for c, hour in zip(courses, range(8, 16), strict=True)])
    assert outcomes.count("booked") == 3 and outcomes.count("refused") == 5
    day_start = setup.slot(0)
    assert Booking.objects.filter(coach=setup.coach, starts_at__gte=day_start,
                                  starts_at__lt=day_start + dt.timedelta(days=1)).count() == 3


def test_one_leader_in_two_tabs_cannot_overspend(personas, setup):
    setup.course.sessions_allowed = 1
    setup.course.save()
    outcomes = _together([
        (lambda hour=hour: services.booking_create(
            course=setup.course, actor=personas.bob, starts_at=setup.slot(hour), mode="video"))
        for hour in (9, 10, 11, 12)])
    assert outcomes == ["booked", "refused", "refused", "refused"]
    assert setup.course.bookings.count() == 1


def test_a_move_and_a_booking_race_for_the_same_slot(personas, setup):
    [other] = _leaders_courses(personas, setup, 1)
    mine = BookingFactory(course=setup.course, starts_at=setup.slot(9))
    target = setup.slot(14)
    outcomes = _together([
        lambda: services.booking_reschedule(booking=mine, actor=personas.bob, starts_at=target),
        lambda: services.booking_create(course=other, actor=other.leader.user,
                                        starts_at=target, mode="video"),
    ])
    assert outcomes == ["booked", "refused"]
    assert Booking.objects.occupying().filter(coach=setup.coach, starts_at=target).count() == 1


def test_the_exclusion_constraint_refuses_overlapping_times(personas, setup):
    BookingFactory(course=setup.course, starts_at=setup.slot(10))
    with pytest.raises(IntegrityError), transaction.atomic():
        BookingFactory(course=setup.course, starts_at=setup.slot(10) + dt.timedelta(minutes=30))
    # Back to back is fine, and so is overlapping a cancelled booking.
    BookingFactory(course=setup.course, starts_at=setup.slot(11))
    Booking.objects.filter(starts_at=setup.slot(10)).update(status=BookingStatus.CANCELLED)
    BookingFactory(course=setup.course, starts_at=setup.slot(10) + dt.timedelta(minutes=30),
                   ends_at=setup.slot(11))
