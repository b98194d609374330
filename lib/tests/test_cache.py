"""The Redis cache keeps one client per connection pool and still works as Django's."""

from __future__ import annotations

import os

import pytest

from lib.cache import RedisCache

pytestmark = pytest.mark.redis


def test_one_client_per_pool_and_values_round_trip():
    cache = RedisCache(os.environ["REDIS_URL"], {"KEY_PREFIX": "lib-cache-test"})
    client = cache._cache.get_client(write=True)
    assert cache._cache.get_client(write=True) is client
    cache.set("answer", {"value": 42}, timeout=10)
    assert cache.get_many(["answer", "missing"]) == {"answer": {"value": 42}}
    cache.delete("counter")
    assert cache.add("counter", 1)
    assert cache.incr("counter") == 2
    cache.delete_many(["answer", "counter"])
    assert cache.get("answer") is None
