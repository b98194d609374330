"""The history of bookings (django-simple-history): who changed what, inside the municipality."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from coaching import services
from coaching.models import Booking, BookingStatus

from .factories import BookingFactory, CourseFactory

pytestmark = pytest.mark.django_db


def test_service_changes_are_recorded_with_the_acting_user(personas, setup):
    start = setup.slot(9)
    booking = services.booking_create(course=setup.course, actor=personas.bob, starts_at=start,
                                      mode="video", now=start - dt.timedelta(days=7))
    services.booking_reschedule(booking=booking, actor=personas.bob,
                                starts_at=setup.slot(11), now=start - dt.timedelta(days=6))
    services.booking_cancel(booking=booking, actor=setup.coach.user,
                            now=start - dt.timedelta(days=5))

    rows = list(Booking.history.filter(id=booking.pk).order_by("history_date", "history_id"))
    assert [(r.history_type, r.status, r.history_user) for r in rows] == [
        ("+", BookingStatus.BOOKED, personas.bob),
        ("~", BookingStatus.BOOKED, personas.bob),
        ("~", BookingStatus.CANCELLED, setup.coach.user),
    ]
    assert [r.starts_at for r in rows] == [start, setup.slot(11), setup.slot(11)]


def test_marking_by_o_and_f_is_recorded_with_o_and_f(personas, setup):
    start = setup.slot(9)
    booking = BookingFactory(course=setup.course, starts_at=start)
    services.booking_mark(booking=booking, actor=personas.alice, status=BookingStatus.HELD,
                          now=start + dt.timedelta(hours=2))
    latest = Booking.history.filter(id=booking.pk).latest("history_date")
    assert latest.status == BookingStatus.HELD and latest.history_user == personas.alice


def test_own_oaf_reads_the_booking_history(client, personas, setup):
    booking = BookingFactory(course=setup.course, starts_at=setup.slot(9))
    services.booking_mark(booking=booking, actor=personas.alice, status=BookingStatus.HELD,
                          now=setup.slot(12))
    client.force_login(personas.alice)
    response = client.get(reverse("admin:coaching_booking_history", args=[booking.pk]))
    assert response.status_code == 200
    assert "Alice Admin" in response.content.decode()


def test_another_municipalitys_oaf_gets_404_on_the_booking_history(client, personas, setup):
    booking = BookingFactory(course=setup.course, starts_at=setup.slot(9))
    services.booking_mark(booking=booking, actor=personas.alice, status=BookingStatus.HELD,
                          now=setup.slot(12))
    client.force_login(personas.charlie)
    response = client.get(reverse("admin:coaching_booking_history", args=[booking.pk]))
    assert response.status_code == 404
    # The invoice basis (a proxy of bookings) has no history page at all.
    response = client.get(f"/admin/coaching/invoicebasis/{booking.pk}/history/")
    assert response.status_code == 404


def test_charlie_reads_his_own_municipalitys_booking_history(client, personas):
    course = CourseFactory(organisation=personas.org_b, leader=personas.dora_leader)
    booking = BookingFactory(course=course)
    client.force_login(personas.charlie)
    response = client.get(reverse("admin:coaching_booking_history", args=[booking.pk]))
    assert response.status_code == 200
