"""Is the portal's plumbing working? For operators and load balancers (``/healthz``).

``GET /healthz`` names each part, and any part not ``"ok"`` makes it 503:

* ``database`` — a ``SELECT 1``;
* ``cache`` — Redis answers a ping (the portal keeps serving without it,
  ``lib.cache``, but an operator still needs to know);
* ``broker`` — a connection to the Celery broker;
* ``worker`` — at least one Celery worker answers a ping within
  ``HEALTH_WORKER_TIMEOUT`` (1 s), else ``"no reply"``;
* ``beat`` — beat's heartbeat (written every ``BEAT_HEARTBEAT_SECONDS`` by
  :class:`HeartbeatScheduler` to the shared cache, or to a file in ``VAR_DIR``
  without one) is younger than two intervals, else ``"stale"`` (``"never
  seen"`` if no beat ever wrote one).

``GET /healthz?deep=0`` is for a load balancer's probe every few seconds: it
checks only this process and the database, so one stopped worker does not take
every web node out of the pool. Both answer before sessions, users or the
language are looked up (:class:`HealthCheckMiddleware`, near the top of ``MIDDLEWARE``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from celery.beat import PersistentScheduler
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse

logger = logging.getLogger(__name__)

HEALTH_PATH = "/healthz"
BEAT_HEARTBEAT_KEY = "lederutvikling:beat-heartbeat"
OK = "ok"


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return OK if cursor.fetchone() == (1,) else "down"
    except Exception:  # any driver error means "not reachable"
        logger.exception("health check: database unreachable")
        return "down"


def _cache() -> str:
    # lib.cache.RedisCache swallows errors on get/set; ping() asks Redis itself.
    try:
        ping = getattr(cache, "ping", None)
        if ping is not None:
            up = bool(ping())
        else:  # a process-local cache in development
            cache.set("healthz", "ok", timeout=10)
            up = cache.get("healthz") == "ok"
    except Exception:
        logger.exception("health check: cache unreachable")
        return "down"
    if not up:
        logger.error("health check: cache unreachable")
    return OK if up else "down"


def _broker() -> str:
    from lederutvikling.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return OK
    except Exception:
        logger.exception("health check: broker unreachable")
        return "down"


def _worker() -> str:
    from lederutvikling.celery import app

    try:
        replies = app.control.ping(timeout=float(settings.HEALTH_WORKER_TIMEOUT))
    except Exception:
        logger.exception("health check: could not ask the workers")
        return "no reply"
    if not replies:
        logger.error("health check: no Celery worker answered the ping")
        return "no reply"
    return OK


def _heartbeat_file() -> Path | None:
    """Without a shared cache (``bin/run`` on one machine) the heartbeat is a file."""
    if getattr(settings, "CACHE_URL", None):
        return None
    return Path(settings.VAR_DIR) / "celery" / "beat-heartbeat"


def beat_heartbeat_read() -> float | None:
    """When beat last wrote its heartbeat (a Unix time), or None."""
    try:
        path = _heartbeat_file()
        if path is None:
            stamp = cache.get(BEAT_HEARTBEAT_KEY)
        else:
            stamp = path.read_text().strip() if path.exists() else None
        return None if stamp is None else float(stamp)
    except Exception:  # an unreachable cache or a half-written file: not seen
        return None


def _beat() -> str:
    beat_at = beat_heartbeat_read()
    if beat_at is None:
        logger.error("health check: beat never wrote a heartbeat")
        return "never seen"
    age = time.time() - beat_at
    if age > 2 * int(settings.BEAT_HEARTBEAT_SECONDS):
        logger.error("health check: beat's heartbeat is %.0f s old", age)
        return "stale"
    return OK


def health_check(*, deep: bool = True) -> dict[str, str]:
    """Each part's state by name, in the order an operator reads them."""
    if not deep:
        return {"database": _database()}
    parts = {"database": _database(), "cache": _cache(), "broker": _broker()}
    if settings.HEALTH_WATCH_CELERY:
        parts["worker"] = _worker() if parts["broker"] == OK else "no reply"
        parts["beat"] = _beat()
    return parts


def health_response(request: HttpRequest) -> JsonResponse:
    parts = health_check(deep=request.GET.get("deep", "1") not in {"0", "false", "no"})
    ok = all(state == OK for state in parts.values())
    response = JsonResponse({"status": "ok" if ok else "error", **parts},
                            status=200 if ok else 503)
    response["Cache-Control"] = "no-store"
    return response


class HealthCheckMiddleware:
    """Answer ``GET /healthz`` before sessions, users or the language are looked up.

    Those read the session (cache, then database): with a session cookie and a dead
    database the probe would otherwise end in a 500 that names nothing. Only the request
    id comes before it in ``MIDDLEWARE``, so neither the HTTPS redirect nor the host
    check turns a plain load-balancer probe away.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info == HEALTH_PATH and request.method in ("GET", "HEAD"):
            return health_response(request)
        return self.get_response(request)


def beat_heartbeat_write(now: float | None = None) -> None:
    """Record that beat's loop is running (read by :func:`_beat`)."""
    interval = int(settings.BEAT_HEARTBEAT_SECONDS)
    stamp = now if now is not None else time.time()
    path = _heartbeat_file()
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(repr(stamp))
        return
    # A timeout, so that a Redis with maxmemory-policy volatile-lru may evict the key
    # like any cache entry; written every interval, it is never the least recently used.
    cache.set(BEAT_HEARTBEAT_KEY, stamp, timeout=10 * interval)


class HeartbeatScheduler(PersistentScheduler):
    """Celery beat's default scheduler, which also writes the heartbeat on its loop.

    Written from ``tick()`` (not a thread of its own), so a beat whose loop hangs
    goes stale as it should. Beat never sleeps past the next heartbeat.
    """

    _last_heartbeat = 0.0

    def _open_schedule(self) -> Any:
        # The schedule file lives in this machine's LEDERUTVIKLING_VAR_DIR/celery, which
        # nothing else creates when the broker is Redis: without this a fresh
        # installation's beat stopped with a FileNotFoundError (docs/DEPLOY.md was
        # followed on a clean machine).
        Path(self.schedule_filename).parent.mkdir(parents=True, exist_ok=True)
        return super()._open_schedule()

    def tick(self, *args: Any, **kwargs: Any) -> float:
        delay = float(super().tick(*args, **kwargs))
        interval = float(settings.BEAT_HEARTBEAT_SECONDS)
        now = time.time()
        if now - self._last_heartbeat >= interval:
            try:
                beat_heartbeat_write(now)
                self._last_heartbeat = now
            except Exception:  # the cache is down: /healthz says so; beat goes on
                logger.warning("beat: could not write the heartbeat", exc_info=True)
        return min(delay, max(0.5, interval - (time.time() - self._last_heartbeat)))
