"""Fixed-window counters in the shared cache: "at most N per identity per window".

A limit counts hits per identity (an email address, a client IP) in windows
that start with the first hit and last ``seconds``. Identities are hashed
before they become cache keys, so no address sits in Redis in clear text.

If the cache is unreachable the count falls back to this process's memory: the
limit then holds per web process rather than across them, is logged, and the
request never fails because of it. ``RATELIMIT_ENABLED = False`` (the test
configuration) switches counting off; the tests about limits switch it on.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.http import HttpRequest

logger = logging.getLogger(__name__)

_fallback = LocMemCache("lib.ratelimit.fallback", {"OPTIONS": {"MAX_ENTRIES": 10_000}})


@dataclass(frozen=True)
class Limit:
    name: str
    hits: int  # allowed per window; the next one is refused
    seconds: int


def _key(limit: Limit, identity: str) -> str:
    digest = hashlib.sha256(identity.encode()).hexdigest()[:32]
    return f"ratelimit:{limit.name}:{digest}"


def _count(backend: Any, key: str, seconds: int) -> int:
    backend.add(key, 0, timeout=seconds)  # starts the window; a no-op while it runs
    try:
        return int(backend.incr(key))
    except ValueError:  # the window ran out between add() and incr()
        backend.set(key, 1, timeout=seconds)
        return 1


def limit_hit(limit: Limit, identity: str) -> bool:
    """Count one hit for ``identity``; True while it is within the limit."""
    if not getattr(settings, "RATELIMIT_ENABLED", True):
        return True
    key = _key(limit, identity)
    try:
        count = _count(cache, key, limit.seconds)
    except Exception:  # any cache failure: a limiter must never turn into a 500
        logger.warning("Rate limit %s: cache unreachable, counting in this process",
                       limit.name, exc_info=True)
        count = _count(_fallback, key, limit.seconds)
    return count <= limit.hits


def limit_reset(limit: Limit, identity: str) -> None:
    """Forget the count (tests, or an operator lifting a limit)."""
    key = _key(limit, identity)
    _fallback.delete(key)
    try:
        cache.delete(key)
    except Exception:  # same reason as above
        logger.warning("Rate limit %s: cache unreachable on reset", limit.name, exc_info=True)


def client_ip(request: HttpRequest) -> str:
    """The client's address, read the same way as the login lockout (django-axes) reads it,
    so both honour ``AXES_PROXY_COUNT`` behind a reverse proxy."""
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or "unknown"
