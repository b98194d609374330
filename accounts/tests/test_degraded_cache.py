"""Redis unreachable: login and every logged-in page still serve; /healthz names the cache.

Sessions are ``cached_db`` (read from Redis, written through to PostgreSQL), as in
production. The session is made while Redis is up; then
the cache is pointed at a closed port (127.0.0.1:1) and the same cookie must still
open Min side, read from the database.
"""

from __future__ import annotations

import logging
import os
import time

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.urls import reverse

import lib.cache
from tests.factories import PASSWORD

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db]

DEAD = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def _cache_at(url: str) -> dict:
    return {"default": {"BACKEND": "lib.cache.RedisCache", "LOCATION": url,
                        "KEY_PREFIX": "degraded-test",
                        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0}}}


@pytest.fixture
def production_like(settings, monkeypatch):
    """Cached sessions on real Redis, as with REDIS_URL in production."""
    settings.CACHES = _cache_at(os.environ["REDIS_URL"])
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    # The "failed lately" clock is per process: give it back untouched to other tests.
    monkeypatch.setattr(lib.cache, "_last_failure", 0.0)
    return settings


def test_min_side_login_and_healthz_with_redis_unreachable(client, personas, production_like,
                                                           caplog):
    bob = personas.bob
    response = client.post(reverse("login"), {"username": bob.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("accounts:min_side")).status_code == 200  # Redis up: cached
    session_key = client.cookies["sessionid"].value
    assert Session.objects.get(session_key=session_key).get_decoded()[SESSION_KEY] == str(bob.pk)

    production_like.CACHES = _cache_at(DEAD)  # Redis goes away
    with caplog.at_level(logging.WARNING, logger="lib.cache"):
        started = time.monotonic()
        response = client.get(reverse("accounts:min_side"))
        elapsed = time.monotonic() - started
    assert response.status_code == 200
    assert "Bob Leder" in response.content.decode()
    assert response.wsgi_request.user == bob  # the session came from the database
    assert elapsed < 2, f"a dead cache cost {elapsed:.2f} s"
    assert any("cache unreachable" in r.getMessage() for r in caplog.records)

    # A fresh login while Redis is down: the session is written to the database only.
    other = client.__class__()
    response = other.post(reverse("login"), {"username": bob.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("accounts:min_side")
    response = other.get(response.url)
    assert response.status_code == 200
    assert "Bob Leder" in response.content.decode()
    # …and a state-changing request.
    response = other.post(reverse("accounts:language_set"),
                          {"language": "nn", "next": reverse("accounts:min_side")})
    assert response.status_code == 302
    bob.refresh_from_db()
    assert bob.language == "nn"

    # /healthz with the session cookie: 503, and it says what is down.
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "cache": "down",
                               "broker": "ok"}


def test_healthz_with_a_session_cookie_survives_a_broken_session_store(
        client, personas, production_like, monkeypatch):
    """The probe answers before anything reads the session (HealthCheckMiddleware)."""
    from django.contrib.sessions.backends import cached_db

    client.force_login(personas.bob)

    def broken(self, *args, **kwargs):
        raise RuntimeError("the session store is gone")

    monkeypatch.setattr(cached_db.SessionStore, "load", broken)
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["cache"] == "ok"
    assert response["Cache-Control"] == "no-store"
