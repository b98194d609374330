"""Fixed-window counters: shared in Redis, hashed keys, a new window after the old one."""

from __future__ import annotations

import time

import pytest
from django.core.cache import cache

from lib import ratelimit
from lib.ratelimit import Limit, limit_hit, limit_reset

pytestmark = pytest.mark.redis


@pytest.fixture
def limits_on(settings):
    settings.RATELIMIT_ENABLED = True
    ratelimit._fallback.clear()


def test_counts_in_redis_under_a_hashed_key(limits_on):
    limit = Limit("test-hashed", hits=2, seconds=60)
    limit_reset(limit, "Åse.Øvrebø@fjordvik.example")
    assert [limit_hit(limit, "Åse.Øvrebø@fjordvik.example") for _ in range(3)] == [
        True, True, False]
    key = ratelimit._key(limit, "Åse.Øvrebø@fjordvik.example")
    assert "fjordvik" not in key
    assert cache.get(key) == 3  # in the shared cache, not in this process
    assert ratelimit._fallback.get(key) is None
    assert limit_hit(limit, "someone.else@fjordvik.example") is True
    limit_reset(limit, "Åse.Øvrebø@fjordvik.example")
    assert limit_hit(limit, "Åse.Øvrebø@fjordvik.example") is True


def test_a_new_window_starts_when_the_old_one_ends(limits_on):
    limit = Limit("test-window", hits=1, seconds=1)
    limit_reset(limit, "192.0.2.1")
    assert [limit_hit(limit, "192.0.2.1") for _ in range(2)] == [True, False]
    time.sleep(1.2)
    assert limit_hit(limit, "192.0.2.1") is True
    limit_reset(limit, "192.0.2.1")


def test_switched_off_counts_nothing(settings):
    settings.RATELIMIT_ENABLED = False
    limit = Limit("test-off", hits=0, seconds=60)
    assert limit_hit(limit, "192.0.2.2") is True
    assert cache.get(ratelimit._key(limit, "192.0.2.2")) is None
