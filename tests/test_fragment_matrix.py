"""The access matrix again, with the per-user fragment cache on (lib/fragments.py).

The other tests run with the cache off (settings_test), so a cache key that forgot
the user, the language or the municipality would pass them. Here every owner opens
each object's page first — filling the cache — and then every role that is refused
in the plain matrix asks for the same page: each must still be refused, and an
owner's page must never reach anyone else.

Two walls stand in the way of such a leak: each view checks access before it asks
for a fragment, and the key holds the user and their CSRF secret. This test fails
when both give way (checked by breaking both: the poster view looked its group up
without the municipality and the key lost the user and the secret; one leak).
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.test import override_settings
from django.urls import reverse

from tests.access_cases import BUILDERS
from tests.access_world import ROLES, World
from tests.test_access_matrix import _refused
from tests.urlwalk import object_routes

pytestmark = pytest.mark.django_db


def _entries() -> int:
    """How many fragments the cache holds (local memory or this worker's Redis database)."""
    if isinstance(cache, LocMemCache):
        return len(cache._cache)
    return sum(1 for _ in cache._cache.get_client().scan_iter("*fragments:*"))


def test_an_owners_cached_page_never_reaches_a_refused_role(world: World):
    cache.clear()
    leaks: list[str] = []
    cached_routes = 0
    clients = {role: world.client(role) for role in ROLES}
    with override_settings(FRAGMENT_CACHE_SECONDS=60):
        for route in object_routes():
            case = BUILDERS[route.name](world)
            url = reverse(route.name, kwargs=case.kwargs)
            before = _entries()
            for role in sorted(case.owners):
                clients[role].get(url)
            if _entries() > before:
                cached_routes += 1
            for role in sorted(set(ROLES) - case.owners - case.also):
                response = clients[role].get(url)
                if not _refused(role, response, case, route):
                    leaks.append(f"GET {route.name} as {role}: {response.status_code}")
    cache.clear()
    assert leaks == []
    assert cached_routes >= 2, "no object page was cached: the pass proves nothing"
