"""Django's Redis cache, with one client object per connection pool, that survives Redis.

Django's ``RedisCacheClient.get_client`` builds a new ``redis.Redis`` object on
every call (about 0.25 ms of CPU: it fills a table of ~170 response callbacks).
Clients are thread-safe and share the pool, so one per pool is enough. Cached
sessions and the rate limits make a cache call or two per request.

The cache is an optimisation, never a dependency: when Redis cannot be reached,
every call is logged and answered as a miss (``get`` gives the default, a write
stores nothing), so sessions fall back to the database.
Only ``incr``/``decr`` raise :class:`CacheUnavailable` instead: a counter cannot
pretend, and its one user (:mod:`lib.ratelimit`) then counts in the process.
After a failure the backend does not try Redis again for ``RETRY_AFTER`` seconds,
so a dead or black-holed Redis costs one short connect timeout (``OPTIONS`` in
settings) every few seconds per process, not one per call.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# What "Redis is unreachable" looks like; anything else (a bad command, a bug) is raised.
UNREACHABLE: tuple[type[BaseException], ...] = (RedisConnectionError, RedisTimeoutError, OSError)
RETRY_AFTER = 5.0  # seconds without trying Redis after a failure

_last_failure = 0.0  # time.monotonic() of the last failure in this process, 0 if none


class CacheUnavailable(ConnectionError):
    """Raised by ``incr``/``decr`` only, when Redis cannot be reached."""


def cache_failed_within(seconds: float) -> bool:
    """Whether a cache call of this process failed in the last ``seconds`` seconds."""
    return bool(_last_failure) and time.monotonic() - _last_failure < seconds


class ReusingRedisCacheClient(RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        # Django's own pool helpers, which django-stubs leaves out as private.
        index = self._get_connection_pool_index(write)  # type: ignore[attr-defined]
        client = self._clients.get(index)
        if client is None:
            pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
            client = self._client(connection_pool=pool)  # type: ignore[attr-defined]
            self._clients[index] = client
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
        self._down_until = 0.0
        self._lock = threading.Lock()

    def _failed(self, operation: str, exc: BaseException) -> None:
        global _last_failure
        now = time.monotonic()
        with self._lock:
            first = now >= self._down_until
            self._down_until = now + RETRY_AFTER
            _last_failure = now
        if first:  # one warning per outage window, not one per call
            logger.warning("cache unreachable (%s: %s); treating it as a miss for %.0f s",
                           operation, exc, RETRY_AFTER)

    def _call[T](self, operation: str, call: Callable[[], T], miss: T) -> T:
        if time.monotonic() < self._down_until:
            return miss
        try:
            return call()
        except UNREACHABLE as exc:
            self._failed(operation, exc)
            return miss

    def ping(self) -> bool:
        """Ask Redis itself, past the tolerance above (for the health check)."""
        try:
            return bool(self._cache.get_client(write=True).ping())
        except UNREACHABLE:
            return False

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT,
            version: int | None = None) -> bool:
        return self._call("add", lambda: super(RedisCache, self).add(
            key, value, timeout, version), False)

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return self._call("get", lambda: super(RedisCache, self).get(
            key, default, version), default)

    def set(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT,
            version: int | None = None) -> None:
        self._call("set", lambda: super(RedisCache, self).set(key, value, timeout, version),
                   None)

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT,
              version: int | None = None) -> bool:
        return self._call("touch", lambda: super(RedisCache, self).touch(
            key, timeout, version), False)

    def delete(self, key: Any, version: int | None = None) -> bool:
        return self._call("delete", lambda: super(RedisCache, self).delete(key, version), False)

    def get_many(self, keys: Any, version: int | None = None) -> dict[Any, Any]:
        return self._call("get_many", lambda: super(RedisCache, self).get_many(
            keys, version), {})

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return self._call("has_key", lambda: super(RedisCache, self).has_key(
            key, version), False)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        # A counter has no "miss" to give: the caller (lib.ratelimit) must know.
        if time.monotonic() < self._down_until:
            raise CacheUnavailable("cache unreachable (retrying shortly)")
        try:
            return super().incr(key, delta, version)
        except UNREACHABLE as exc:
            self._failed("incr", exc)
            raise CacheUnavailable(str(exc)) from exc

    def set_many(self, data: dict[Any, Any], timeout: Any = DEFAULT_TIMEOUT,
                 version: int | None = None) -> list[Any]:
        return self._call("set_many", lambda: super(RedisCache, self).set_many(
            data, timeout, version), list(data))

    def delete_many(self, keys: Any, version: int | None = None) -> None:
        self._call("delete_many", lambda: super(RedisCache, self).delete_many(keys, version),
                   None)

    def clear(self) -> None:
        self._call("clear", lambda: super(RedisCache, self).clear(), None)
