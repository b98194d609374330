"""Slot list, coach calendar, course page and Min side: the same query count at 1× and 10×."""

from __future__ import annotations

import itertools

import pytest
from django.urls import reverse
from icalendar import Calendar

from coaching.models import ReflectionNote
from coaching.selectors import (
    min_side_approvals_panel,
    min_side_coach_panel,
    min_side_leader_panel,
)
from lib.testing import assert_queries_stable, count_queries

from .factories import BookingFactory, CourseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_slots(setup):
    """Distinct weekday slots in the first shown week, for other leaders' bookings."""
    hours = itertools.cycle(range(8, 16))
    days = itertools.cycle(range(5))
    return lambda: setup.slot(next(hours), next(days))


def _other_booking(personas, setup, start):
    course = CourseFactory(organisation=personas.org_a, agreement=setup.agreement,
                           coach=setup.coach)
    return BookingFactory(course=course, starts_at=start)


def test_slot_list(client, personas, setup, other_slots):
    client.force_login(personas.bob)
    url = reverse("coaching:booking_create", args=[setup.course.uuid]) \
        + f"?fra={setup.monday.isoformat()}"

    def grow(n):
        for _ in range(n):
            _other_booking(personas, setup, other_slots())

    # session, user, course with leader/coach/agreement (access), weekly hours, exceptions,
    # occupying bookings of the week
    count = assert_queries_stable(lambda: client.get(url), grow=grow, expected=6)
    assert count == 6
    text = client.get(url).content.decode()
    assert text.count('class="btn btn-outline-primary slot-button"') == 5 * 8 - 10


def test_coach_calendar(client, personas, setup, other_slots):
    client.force_login(setup.coach.user)
    url = reverse("coaching:coach_calendar", args=[setup.coach.uuid]) \
        + f"?uke={setup.monday.isoformat()}"

    def grow(n):
        for _ in range(n):
            _other_booking(personas, setup, other_slots())

    # session, user, coach (access), week's bookings with leaders, week's exceptions,
    # sessions to mark, weekly hours
    assert_queries_stable(lambda: client.get(url), grow=grow, expected=7)
    assert client.get(url).content.decode().count('class="py-1 calendar-booking"') == 10


def test_course_page(client, personas, setup, other_slots):
    client.force_login(personas.bob)
    url = reverse("coaching:course_detail", args=[setup.course.uuid])
    hours = iter(range(8, 16))

    def grow(n):
        for _ in range(n):
            ReflectionNote.objects.create(project=setup.course.project, body="Notat")
        for _ in range(min(n, 1)):
            BookingFactory(course=setup.course, starts_at=setup.slot(next(hours)),
                           status="avbestilt")

    # session, user, course (access), counts, bookings, project, notes, approval decisions
    assert_queries_stable(lambda: client.get(url), grow=grow, expected=8)


@pytest.mark.postgres
def test_course_page_sends_counts_bookings_and_project_together(client, personas, setup):
    from lib.testing import round_trips

    ReflectionNote.objects.create(project=setup.course.project, body="Første samtale:\nmål")
    client.force_login(personas.bob)
    url = reverse("coaching:course_detail", args=[setup.course.uuid])
    client.get(url)
    trips, pipelined, response = round_trips(lambda: client.get(url))
    assert response.status_code == 200 and "Første samtale:" in response.content.decode()
    assert pipelined == [3]
    # session, user; course with access; the pipeline; notes; approval decisions
    assert trips == 2 + 1 + 1 + 2


def test_overview(client, personas, setup):
    client.force_login(personas.bob)
    years = itertools.count(2040)

    def grow(n):
        for _ in range(n):
            CourseFactory(organisation=personas.org_a, leader=personas.bob_leader,
                          agreement=setup.agreement, coach=setup.coach, year=next(years))

    # session, user with leader profile, courses with counts; Bob is no coach, so
    # no coach profile is read
    assert_queries_stable(lambda: client.get(reverse("coaching:overview")), grow=grow,
                          expected=3)


def _panel(load, user, leader):
    """The panel's own queries, with the Min side page as the OK response."""
    count, _sql, context = count_queries(lambda: load(user, leader))
    assert context is not None
    return count


def test_min_side_panels(client, personas, setup, other_slots):
    """Each panel loads in a fixed number of queries; Min side as a whole stays stable.

    The page total is not pinned: other apps' panels share it.
    """
    years = itertools.count(2040)
    bob, boss, coach = personas.bob, personas.boss_leader.user, setup.coach.user
    panel_counts = []

    def grow_leader(n):
        for _ in range(n):
            course = CourseFactory(organisation=personas.org_a, leader=personas.bob_leader,
                                   agreement=setup.agreement, coach=setup.coach,
                                   year=next(years))
            BookingFactory(course=course, starts_at=other_slots())

    client.force_login(bob)
    assert_queries_stable(lambda: client.get(reverse("accounts:min_side")), grow=grow_leader)
    # One query: the open courses with sessions used, minutes and next start annotated.
    panel_counts.append(_panel(min_side_leader_panel, bob, personas.bob_leader))
    text = client.get(reverse("accounts:min_side")).content.decode()
    assert "Individuell coaching" in text and "Brukte samtaler: 1, igjen: 2" in text

    def grow_reports(n):
        for _ in range(n):
            CourseFactory(organisation=personas.org_a, agreement=setup.agreement, coach=None,
                          status="sokt", leader__leader_above=personas.boss_leader)

    client.force_login(boss)
    assert_queries_stable(lambda: client.get(reverse("accounts:min_side")), grow=grow_reports)
    # One query: the reports' submitted applications with leader and unit.
    panel_counts.append(_panel(min_side_approvals_panel, boss, personas.boss_leader))
    assert "Coachingsøknader til godkjenning" in client.get(
        reverse("accounts:min_side")).content.decode()

    def grow_coach(n):
        for _ in range(n):
            _other_booking(personas, setup, other_slots())

    client.force_login(coach)
    assert_queries_stable(lambda: client.get(reverse("accounts:min_side")), grow=grow_coach)
    assert "Dine neste coachingsamtaler" in client.get(
        reverse("accounts:min_side")).content.decode()
    # Two queries: the coach profile, then the next five sessions with leaders.
    panel_counts.append(_panel(min_side_coach_panel, coach, None))
    assert panel_counts == [1, 1, 2]


def test_calendar_feed_has_leader_and_coach_events(client, personas, setup):
    booking = BookingFactory(course=setup.course, starts_at=setup.slot(10))
    BookingFactory(course=setup.course, starts_at=setup.slot(11), status="avbestilt")
    for user, summary in ((personas.bob, "Coaching med Cora Coach"),
                          (setup.coach.user, "Coaching: Bob Leder")):
        feed = client.get(reverse("accounts:calendar_feed",
                                  kwargs={"token": user.calendar_token}))
        events = [e for e in Calendar.from_ical(feed.content).walk("VEVENT")
                  if str(e["UID"]).startswith("coaching-")]
        assert len(events) == 2
        assert {str(e["SUMMARY"]) for e in events} == {summary}
        assert {str(e["STATUS"]) for e in events} == {"CONFIRMED", "CANCELLED"}
        assert any(str(booking.uuid) in str(e["UID"]) for e in events)
