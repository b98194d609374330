"""/healthz: database, cache, broker, a worker's ping and beat's heartbeat; ?deep=0.

The worker is a real Celery worker thread on the configured broker (Redis in CI),
stopped half-way to see /healthz say "no reply" with 503.
"""

from __future__ import annotations

import json
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.cache import cache

from lederutvikling.celery import app
from lib.health import (
    BEAT_HEARTBEAT_KEY,
    HeartbeatScheduler,
    beat_heartbeat_read,
    beat_heartbeat_write,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def watched(settings, tmp_path):
    settings.HEALTH_WATCH_CELERY = True
    settings.VAR_DIR = tmp_path  # the heartbeat's file when there is no shared cache
    settings.HEALTH_WORKER_TIMEOUT = 1.0
    cache.delete(BEAT_HEARTBEAT_KEY)
    yield settings
    cache.delete(BEAT_HEARTBEAT_KEY)


def test_deep_0_checks_only_this_process_and_the_database(client, watched):
    started = time.monotonic()
    response = client.get("/healthz?deep=0")
    assert time.monotonic() - started < 0.5  # no ping, no broker, no cache
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert response["Cache-Control"] == "no-store"


def test_beat_heartbeat_is_stale_after_two_intervals(client, watched):
    watched.BEAT_HEARTBEAT_SECONDS = 30
    body = client.get("/healthz").json()
    assert body["beat"] == "never seen"
    beat_heartbeat_write(time.time() - 45)
    assert client.get("/healthz").json()["beat"] == "ok"
    beat_heartbeat_write(time.time() - 61)
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["beat"] == "stale"


def test_the_beat_scheduler_writes_the_heartbeat_on_its_loop(watched, tmp_path):
    """In the shared cache with Redis, else in a file beside beat (one machine)."""
    watched.BEAT_HEARTBEAT_SECONDS = 30
    scheduler = HeartbeatScheduler(app=app, schedule_filename=str(tmp_path / "schedule"))
    try:
        delay = scheduler.tick()
        first = beat_heartbeat_read()
        assert first is not None and abs(first - time.time()) < 5
        assert delay <= 30  # beat never sleeps past the next heartbeat
        scheduler.tick()
        assert beat_heartbeat_read() == first  # at most once an interval
    finally:
        scheduler.close()


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_healthz_names_a_stopped_worker(client, watched):
    app.conf.task_always_eager = False
    beat_heartbeat_write()
    try:
        with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING",
                          shutdown_timeout=10):
            response = client.get("/healthz")
            print("healthz, worker running:", json.dumps(response.json()))
            assert response.status_code == 200, response.json()
            assert response.json() == {"status": "ok", "database": "ok", "cache": "ok",
                                       "broker": "ok", "worker": "ok", "beat": "ok"}
        started = time.monotonic()
        response = client.get("/healthz")
        print("healthz, worker stopped:", response.status_code, json.dumps(response.json()))
    finally:
        app.conf.task_always_eager = True
    assert response.status_code == 503
    assert response.json()["worker"] == "no reply"
    assert response.json()["database"] == "ok" and response.json()["broker"] == "ok"
    assert time.monotonic() - started < 3  # the ping's short timeout


def test_without_a_shared_cache_the_heartbeat_is_a_file(client, watched):
    watched.CACHE_URL = None
    watched.BEAT_HEARTBEAT_SECONDS = 30
    assert client.get("/healthz").json()["beat"] == "never seen"
    beat_heartbeat_write()
    assert (watched.VAR_DIR / "celery" / "beat-heartbeat").exists()
    assert client.get("/healthz").json()["beat"] == "ok"



def test_beat_makes_the_folder_of_its_schedule_file(watched, tmp_path):
    """A fresh machine has no LEDERUTVIKLING_VAR_DIR/celery yet (with Redis as the broker
    nothing else makes it): beat starts all the same (docs/DEPLOY.md, followed by hand)."""
    schedule = tmp_path / "var" / "celery" / "beat-schedule"
    scheduler = HeartbeatScheduler(app=app, schedule_filename=str(schedule))
    try:
        scheduler.tick()
        assert schedule.parent.is_dir()
    finally:
        scheduler.close()
