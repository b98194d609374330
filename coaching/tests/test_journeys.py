"""Issue 21, items 5 and 15: booking asks first, the confirmation carries the .ics and the
place; the coach's calendar stays on the week it shows.

Personas and ``setup`` as in ``conftest.py`` (Bob books with Cora Coach).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from coaching.models import Booking, BookingStatus

from .factories import BookingFactory

pytestmark = pytest.mark.django_db


def _book(client, setup, data):
    return client.post(reverse("coaching:booking_create", args=[setup.course.uuid]), data)


# --- 5. a click asks first; the confirmation holds the calendar file and the place --------

def test_clicking_a_time_asks_first_with_the_cancellation_rule(client, personas, setup):
    personas.bob.language = "en"
    personas.bob.save(update_fields=["language"])
    client.force_login(personas.bob)
    start = setup.slot(10)
    response = _book(client, setup, {"starts_at": start.isoformat(), "mode": "video"})
    assert response.status_code == 200
    assert not Booking.objects.exists()
    page = response.content.decode()
    assert "Book this session?" in page
    assert "You can move or cancel free of charge until" in page
    assert 'name="confirm" value="1"' in page
    deadline = timezone.localtime(start - dt.timedelta(hours=24))
    assert f"{deadline:%H:%M}" in page


def test_the_first_step_already_shows_a_refusal(client, personas, setup):
    BookingFactory(course=setup.course, starts_at=setup.slot(10))
    client.force_login(personas.bob)
    response = _book(client, setup, {"starts_at": setup.slot(10).isoformat(), "mode": "video"})
    assert response.status_code == 200 and "error-summary" in response.content.decode()
    assert Booking.objects.count() == 1


def test_confirmed_booking_emails_both_with_the_ics_attached_and_the_link(
        client, personas, setup, django_capture_on_commit_callbacks):
    setup.coach.meeting_link = "https://video.fjellklar.example/cora"
    setup.coach.save(update_fields=["meeting_link"])
    client.force_login(personas.bob)
    with django_capture_on_commit_callbacks(execute=True):
        response = _book(client, setup, {"starts_at": setup.slot(10).isoformat(),
                                          "mode": "video", "confirm": "1"})
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert booking.status == BookingStatus.BOOKED
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert set(by_recipient) == {personas.bob.email, setup.coach.user.email}
    for message in by_recipient.values():
        [(name, content, mimetype)] = message.attachments
        assert name == "coaching.ics" and mimetype == "text/calendar"
        text = content.decode() if isinstance(content, bytes) else content
        assert "BEGIN:VEVENT" in text and f"coaching-booking-{booking.uuid}" in text
        assert "https://video.fjellklar.example/cora" in text
        assert "https://video.fjellklar.example/cora" in message.body
        assert "SECRET" not in text and "konflikt" not in text  # never the project
    leader_ics = by_recipient[personas.bob.email].attachments[0][1]
    assert "Cora Coach" in str(leader_ics)
    coach_ics = by_recipient[setup.coach.user.email].attachments[0][1]
    assert "Bob Leder" in str(coach_ics)


def test_on_site_confirmation_names_the_place(client, personas, setup,
                                              django_capture_on_commit_callbacks):
    setup.coach.offers_on_site = True
    setup.coach.location = "Kirkegata 4, 2. etasje"
    setup.coach.save(update_fields=["offers_on_site", "location"])
    client.force_login(personas.bob)
    ask = _book(client, setup, {"starts_at": setup.slot(11).isoformat(), "mode": "oppmote"})
    assert "Kirkegata 4, 2. etasje" in ask.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        _book(client, setup, {"starts_at": setup.slot(11).isoformat(), "mode": "oppmote",
                              "confirm": "1"})
    [message] = [m for m in mail.outbox if m.to == [personas.bob.email]]
    assert "Kirkegata 4, 2. etasje" in message.body
    assert "Kirkegata 4" in str(message.attachments[0][1])


# --- 15. the coach's calendar stays on the week shown -------------------------------------

def test_marking_held_returns_to_the_week_shown_not_the_sessions_week(client, setup):
    past = BookingFactory(course=setup.course, starts_at=setup.slot(10))
    long_ago = setup.slot(10).replace(year=2024, month=8, day=12)
    Booking.objects.filter(pk=past.pk).update(starts_at=long_ago,
                                              ends_at=long_ago + dt.timedelta(hours=1))
    client.force_login(setup.coach.user)
    shown = setup.monday
    page = client.get(reverse("coaching:coach_calendar", args=[setup.coach.uuid])
                      + f"?uke={shown.isoformat()}").content.decode()
    assert f'name="uke" value="{shown.isoformat()}"' in page
    response = client.post(reverse("coaching:booking_mark", args=[past.uuid]),
                           {"status": "holdt", "uke": shown.isoformat()})
    assert response.status_code == 302
    assert response.url.endswith(f"?uke={shown.isoformat()}")
    past.refresh_from_db()
    assert past.status == BookingStatus.HELD
    # A tampered week falls back to the session's own week, never an error.
    other = BookingFactory(course=setup.course, starts_at=setup.slot(11))
    Booking.objects.filter(pk=other.pk).update(
        starts_at=long_ago + dt.timedelta(hours=2), ends_at=long_ago + dt.timedelta(hours=3))
    response = client.post(reverse("coaching:booking_mark", args=[other.uuid]),
                           {"status": "uteble", "uke": "9999-99-99"})
    assert response.url.endswith("?uke=2024-08-12")


def test_this_week_link_is_offered_on_other_weeks(client, setup):
    client.force_login(setup.coach.user)
    url = reverse("coaching:coach_calendar", args=[setup.coach.uuid])
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    away = client.get(f"{url}?uke={setup.monday.isoformat()}").content.decode()
    assert f'href="?uke={monday.isoformat()}"' in away
    home = client.get(url).content.decode()
    assert home.count(f'href="?uke={monday.isoformat()}"') == 0
