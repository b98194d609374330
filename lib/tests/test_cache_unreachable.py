"""An unreachable Redis is a cache miss, logged once, and costs milliseconds."""

from __future__ import annotations

import logging
import os
import time

import pytest

import lib.cache
from lib.cache import CacheUnavailable, RedisCache, cache_failed_within

DEAD = "redis://127.0.0.1:1/0"  # nothing listens on port 1
OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 1.0}


@pytest.fixture(autouse=True)
def _restore_failure_clock(monkeypatch):
    monkeypatch.setattr(lib.cache, "_last_failure", 0.0)


def test_every_call_is_a_miss_and_a_warning_is_logged_once(caplog):
    cache = RedisCache(DEAD, {"OPTIONS": OPTIONS})
    with caplog.at_level(logging.WARNING, logger="lib.cache"):
        started = time.monotonic()
        assert cache.get("svar", "standard") == "standard"
        cache.set("svar", "Blåbær", timeout=10)
        assert cache.get_many(["a", "b"]) == {}
        assert cache.add("lås", 1) is False
        assert cache.has_key("svar") is False
        assert cache.delete("svar") is False
        assert cache.touch("svar") is False
        assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]
        cache.delete_many(["a", "b"])
        assert cache.get_or_set("ø", lambda: "æ") == "æ"
        with pytest.raises(CacheUnavailable):
            cache.incr("teller")
        with pytest.raises(CacheUnavailable):
            cache.decr("teller")
        for _ in range(200):
            cache.get("svar")
        elapsed = time.monotonic() - started
    assert elapsed < 1.0, f"{elapsed:.2f} s for a dead cache"
    warnings = [r for r in caplog.records if "cache unreachable" in r.getMessage()]
    assert len(warnings) == 1
    assert cache_failed_within(60)
    assert cache.ping() is False


def test_redis_is_not_asked_again_until_the_pause_is_over(monkeypatch):
    cache = RedisCache(DEAD, {"OPTIONS": OPTIONS})
    asked = []
    real = cache._cache.get_client

    def counting(*args, **kwargs):
        asked.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(cache._cache, "get_client", counting)
    for _ in range(5):
        cache.get("x")
    assert len(asked) == 1
    cache._down_until = 0.0  # the pause is over
    cache.get("x")
    assert len(asked) == 2


def test_an_error_other_than_unreachable_is_not_swallowed(monkeypatch):
    from redis.exceptions import ResponseError

    cache = RedisCache(DEAD, {"OPTIONS": OPTIONS})

    def wrong_type(*args, **kwargs):
        raise ResponseError("WRONGTYPE Operation against a key holding the wrong kind of value")

    monkeypatch.setattr(cache._cache, "get", wrong_type)
    with pytest.raises(ResponseError):
        cache.get("svar")


@pytest.mark.redis
def test_a_live_redis_still_caches():
    cache = RedisCache(os.environ["REDIS_URL"],
                       {"KEY_PREFIX": "lib-cache-live", "OPTIONS": OPTIONS})
    cache.set("ø", "æ", timeout=10)
    assert cache.get("ø") == "æ"
    assert cache.ping() is True
    cache.delete("ø")
    assert not cache_failed_within(60)
