"""A login lasts SESSION_COOKIE_AGE seconds after the last activity, recorded at most
once a minute so that page views cost no session write."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

pytestmark = pytest.mark.django_db

MIN_SIDE = "/min-side/"


def _expiry(client):
    return Session.objects.get(session_key=client.session.session_key).expire_date


def _writes(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(MIN_SIDE).status_code == 200
    return sum(q["sql"].startswith("UPDATE \"django_session\"") for q in ctx.captured_queries)


def test_activity_renews_the_login_at_most_once_a_minute(client, personas, monkeypatch):
    clock = {"now": 1_800_000_000.0}
    monkeypatch.setattr("accounts.middleware.time.time", lambda: clock["now"])
    client.force_login(personas.bob)
    assert _writes(client) == 1  # the first view records the activity
    first = _expiry(client)
    clock["now"] += 30
    assert _writes(client) == 0
    assert _expiry(client) == first
    clock["now"] += 31
    assert _writes(client) == 1
    assert _expiry(client) > first


def test_a_login_left_alone_past_its_age_is_gone(client, personas):
    client.force_login(personas.bob)
    client.get(MIN_SIDE)
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date="2000-01-01T00:00:00Z")
    response = client.get(MIN_SIDE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_anonymous_visitors_get_no_session(client):
    client.get("/logg-inn/")
    assert Session.objects.count() == 0


@pytest.mark.parametrize("engine", ["django.contrib.sessions.backends.db",
                                    "django.contrib.sessions.backends.cached_db"])
def test_logging_out_ends_the_login_with_either_session_store(client, personas, settings,
                                                               engine):
    """Production reads sessions from the shared cache (cached_db) when Redis is set."""
    from django.core.cache import cache

    cache.clear()
    settings.SESSION_ENGINE = engine
    client.force_login(personas.bob)
    assert client.get(MIN_SIDE).status_code == 200
    assert client.get(MIN_SIDE).status_code == 200
    assert Session.objects.filter(session_key=client.session.session_key).exists()
    assert client.post(reverse("logout")).status_code == 302
    response = client.get(MIN_SIDE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
