"""A real Celery worker, on the configured broker (Redis in CI), runs our tasks."""

from __future__ import annotations

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail

from lederutvikling.celery import app
from lib.emails import queue_email
from lib.testing import wait_until
from tests.factories import UserFactory


@pytest.fixture
def real_worker(settings):
    """Turn off eager mode and run a worker thread that consumes from the broker."""
    app.conf.task_always_eager = False
    try:
        with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING",
                          shutdown_timeout=10):
            yield app
    finally:
        app.conf.task_always_eager = True




@pytest.mark.django_db(transaction=True)
def test_queued_email_is_sent_by_a_real_worker(real_worker):
    user = UserFactory(email="nina@testvik.example", full_name="Nina Nynorsk", language="nn")
    queue_email(to=user.email, template_base="emails/password_reset",
                context={"user": user, "protocol": "https", "domain": "portal.example",
                         "uid": "MQ", "token": "abc-123"},
                language=user.language)
    assert wait_until(lambda: len(mail.outbox) == 1, 20), "the worker never sent the email"
    message = mail.outbox[0]
    assert message.to == ["nina@testvik.example"]
    assert "https://portal.example/konto/passord/ny/MQ/abc-123/" in message.body
    assert "Nina Nynorsk" in message.alternatives[0][0]


@pytest.mark.redis
@pytest.mark.postgres
def test_ci_really_uses_postgresql_and_redis(settings):
    """Guards CI against silently falling back to SQLite and the filesystem broker."""
    import redis

    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    assert client.ping() is True
