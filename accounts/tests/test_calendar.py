from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from accounts import calendar as calendar_registry
from lib.ical import CalendarEvent

pytestmark = pytest.mark.django_db


def _events(user):
    if user.email != "bob@askvik.example":
        return []
    start = timezone.make_aware(dt.datetime(2026, 12, 1, 9, 0))
    return [CalendarEvent(uid="test-1", start=start, end=start + dt.timedelta(hours=3),
                          summary="Samling: Relasjonsleiing", location="Rådhuset")]


@pytest.fixture(autouse=True)
def test_source(monkeypatch):
    """Registered for these tests only, so other apps' feed tests never see it."""
    monkeypatch.setitem(calendar_registry._sources, "test", _events)


def test_feed_holds_the_users_events(client, personas):
    url = reverse("accounts:calendar_feed", kwargs={"token": personas.bob.calendar_token})
    response = client.get(url)  # no login: calendar programs fetch it by token
    assert response.status_code == 200
    cal = Calendar.from_ical(response.content)
    events = list(cal.walk("VEVENT"))
    assert [str(e["SUMMARY"]) for e in events] == ["Samling: Relasjonsleiing"]


def test_wrong_or_replaced_token_gives_404(client, personas):
    old = personas.bob.calendar_token
    guess = reverse("accounts:calendar_feed", kwargs={"token": "gjett"})
    assert client.get(guess).status_code == 404
    client.force_login(personas.bob)
    client.post(reverse("accounts:calendar_token_reset"))
    client.logout()
    assert client.get(reverse("accounts:calendar_feed", kwargs={"token": old})).status_code == 404


def test_token_reset_requires_post(client, personas):
    client.force_login(personas.bob)
    assert client.get(reverse("accounts:calendar_token_reset")).status_code == 405
