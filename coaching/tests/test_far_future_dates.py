"""A slot in the year 9999 is a form error, not a 500 (issue 14, item 9).

``9999-12-31T23:59:59+00:00`` parses, but turning it into Oslo time (or
adding the session's length) passes the last day Python knows: the booking
and move pages answered 500 with an ``OverflowError``.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from coaching.forms import BlockForm, RescheduleForm
from coaching.models import AvailabilityException, Booking
from lib.dates import OUT_OF_RANGE

from .factories import BookingFactory

pytestmark = pytest.mark.django_db

ABSURD = ["9999-12-31T23:59:59+00:00", "9999-12-31T23:59:59", "9999-12-31T23:59:59-12:00",
          "0001-01-01T00:00:00+00:00", "2999-01-05T10:00:00+01:00"]


def _says_the_range(response) -> bool:
    form = response.context["form"]
    return form.has_error("starts_at", OUT_OF_RANGE) and "2100" in response.content.decode()


@pytest.mark.parametrize("value", ABSURD)
def test_the_form_refuses_an_absurd_time_with_a_code(value):
    form = RescheduleForm({"starts_at": value})
    assert not form.is_valid()
    assert form.has_error("starts_at", OUT_OF_RANGE)


@pytest.mark.parametrize("value", ABSURD[:3])
def test_booking_and_moving_to_the_year_9999_show_a_message(client, personas, setup, value):
    client.force_login(personas.bob)
    booking = BookingFactory(course=setup.course, starts_at=setup.slot(10))
    response = client.post(reverse("coaching:booking_create", args=[setup.course.uuid]),
                           {"starts_at": value, "mode": "video"})
    assert response.status_code == 200
    assert _says_the_range(response)
    assert Booking.objects.count() == 1
    response = client.post(reverse("coaching:booking_reschedule", args=[booking.uuid]),
                           {"starts_at": value})
    assert response.status_code == 200
    assert _says_the_range(response)
    booking.refresh_from_db()
    assert booking.starts_at == setup.slot(10) and booking.times_moved == 0
    # Browsing the slots from the year 9999 falls back to a sane week.
    page = client.get(reverse("coaching:booking_create", args=[setup.course.uuid])
                      + "?fra=9999-12-31")
    assert page.status_code == 200


def test_blocking_time_in_the_year_9999_is_refused(client, setup):
    form = BlockForm({"date": "9999-12-31", "starts_at": "10:00", "ends_at": "11:00"})
    assert not form.is_valid() and form.has_error("date", OUT_OF_RANGE)
    client.force_login(setup.coach.user)
    response = client.post(reverse("coaching:block_create", args=[setup.coach.uuid]),
                           {"date": "9999-12-31", "starts_at": "23:00", "ends_at": "23:59"},
                           follow=True)
    assert response.status_code == 200
    assert not AvailabilityException.objects.exists()
