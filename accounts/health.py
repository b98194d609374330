"""Is the portal's plumbing reachable? For operators and load balancers (``/healthz``).

Each dependency is named in the answer, ``"ok"`` or ``"down"``; any down makes it 503.
The cache is reported although the portal keeps serving without it (``lib.cache``
treats an unreachable Redis as misses): an operator still needs to know.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse

logger = logging.getLogger(__name__)

HEALTH_PATH = "/healthz"


@dataclass(frozen=True)
class Health:
    database: bool
    cache: bool
    broker: bool

    @property
    def ok(self) -> bool:
        return self.database and self.cache and self.broker

    def as_dict(self) -> dict[str, object]:
        def word(up: bool) -> str:
            return "ok" if up else "down"

        return {
            "status": "ok" if self.ok else "error",
            "database": word(self.database),
            "cache": word(self.cache),
            "broker": word(self.broker),
        }


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # any driver error means "not reachable"
        logger.exception("health check: database unreachable")
        return False


def _cache_ok() -> bool:
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
        return False
    if not up:
        logger.error("health check: cache unreachable")
    return up


def _broker_ok() -> bool:
    from lederutvikling.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:
        logger.exception("health check: broker unreachable")
        return False


def health_check() -> Health:
    return Health(database=_database_ok(), cache=_cache_ok(), broker=_broker_ok())


def health_response() -> JsonResponse:
    result = health_check()
    response = JsonResponse(result.as_dict(), status=200 if result.ok else 503)
    response["Cache-Control"] = "no-store"
    return response


class HealthCheckMiddleware:
    """Answer ``GET /healthz`` before sessions, users or the language are looked up.

    Those read the session (cache, then database): with a session cookie and a dead
    database the probe would otherwise end in a 500 that names nothing. First in
    ``MIDDLEWARE``, so neither the HTTPS redirect nor the host check turns a plain
    load-balancer probe away.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info == HEALTH_PATH and request.method in ("GET", "HEAD"):
            return health_response()
        return self.get_response(request)
