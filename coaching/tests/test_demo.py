"""The demo data makes every coaching role useful to try."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from coaching.models import (
    Booking,
    BookingStatus,
    CoachingCourse,
    CoachProfile,
    CourseStatus,
    FrameworkAgreement,
)
from coaching.slots import coach_time_load, slot_problem

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(demo_world):
    """The demo world, seeded once for this module (root conftest)."""
    return demo_world


def test_demo_accounts_have_coaching_to_show(seeded, client):
    agreement = FrameworkAgreement.objects.get(organisation__slug="fjordvik")
    assert agreement.sessions_per_leader == 3 and str(agreement.hourly_rate) == "2187.50"
    coach = CoachProfile.objects.get(user__email="coach@fjordvik.example")
    assert coach.weekly_hours.count() == 5
    assert CoachProfile.objects.filter(organisation__slug="fjordvik").count() == 5
    course = CoachingCourse.objects.get(leader__user__email="leder@fjordvik.example")
    assert course.status == CourseStatus.ACTIVE and course.coach == coach
    assert course.bookings.filter(status=BookingStatus.BOOKED,
                                  starts_at__gt=timezone.now()).exists()
    waiting = CoachingCourse.objects.get(
        leader__leader_above__user__email="leders.leder@fjordvik.example",
        status=CourseStatus.SUBMITTED)
    assert waiting.leader.user.email != "leder.gruppe@fjordvik.example"
    states = set(CoachingCourse.objects.values_list("status", flat=True))
    assert states == set(CourseStatus.values)
    assert CoachingCourse.objects.filter(organisation__slug="lia",
                                         sessions_allowed=4).exists()
    # Nothing in the demo breaks a rule the services keep: every booking is a working slot
    # of its course's coach, inside the agreement, and no coach's day is over capacity.
    for booking in Booking.objects.occupying().select_related("coach", "course__agreement"):
        assert booking.coach_id == booking.course.coach_id
        assert booking.course.agreement.covers(timezone.localdate(booking.starts_at))
        day = timezone.localdate(booking.starts_at)
        time = coach_time_load(booking.coach, first_day=day, last_day=day,
                               ignore_booking_id=booking.pk)
        assert slot_problem(time, start=booking.starts_at, minutes=booking.minutes,
                            now=booking.starts_at) is None, booking
    client.force_login(coach.user)
    assert client.get(reverse("coaching:coach_calendar", args=[coach.uuid])).status_code == 200
    client.force_login(waiting.leader.leader_above.user)
    assert waiting.leader.user.full_name in client.get(reverse("accounts:min_side")
                                                       ).content.decode()


def test_reset_rebuilds_the_coaching_demo(seeded):
    before = CoachingCourse.objects.count()
    call_command("seed_demo", reset=True, verbosity=0)
    assert CoachingCourse.objects.count() == before
    assert CoachProfile.objects.filter(user__email="coach@fjordvik.example").count() == 1
