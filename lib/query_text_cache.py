"""psycopg's cache of converted query texts, sized for the portal's queries (issue 23).

Before psycopg sends a query with server-side binding it converts the text: it splits
it at its ``%s`` placeholders (a Python tokenizer over the whole text) and writes
PostgreSQL's ``$1``, ``$2``. It keeps the result in an LRU cache of 128 texts, and
never keeps a text longer than 4,096 bytes (``psycopg._queries``: a guard against
ORMs that write a new ``INSERT … VALUES (…), (…)`` for every batch). Django lists
every column of every joined table by its quoted name, so six of the leader pages'
fixed queries are 4.4–6.4 kB (Min side's survey rounds, the network meeting, the
survey answer page's invitation, the coaching course): each was split again on every
request, 170 µs of CPU for a 5 kB text (``timeit``, bench/RESULTS.md). The leader
pages and O&F's lists run more than 128 different texts between them, so under mixed
traffic the short ones fall out of the cache too.

:func:`install` raises both limits: texts up to 64 kB are kept, 2,048 of them (at
most a few MB). It stays bounded, so the guard's purpose holds: a text that varies
with its data (a bulk insert of a new size) is still not kept when it is long, and
the LRU still forgets what is not used. psycopg has no setting for this; the names
are its module's own, checked by ``lib/tests/test_query_text_cache.py`` so that an
upgrade that renames them fails the tests instead of silently losing the cache.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

LONGEST_KEPT = 64 * 1024  # bytes of SQL
TEXTS_KEPT = 2048


def install() -> bool:
    """Raise psycopg's limits (once per process). False if psycopg's names are missing."""
    try:
        from psycopg import _queries
    except ImportError:  # SQLite-only installation
        return False
    if not all(hasattr(_queries, name) for name in (
            "MAX_CACHED_STATEMENT_LENGTH", "_query2pg", "_query2pg_nocache",
            "_query2pg_client", "_query2pg_client_nocache")):
        return False
    kept: Any = _queries._query2pg
    if hasattr(kept, "cache_parameters") and kept.cache_parameters()["maxsize"] == TEXTS_KEPT:
        return True  # already installed
    _queries.MAX_CACHED_STATEMENT_LENGTH = max(_queries.MAX_CACHED_STATEMENT_LENGTH,
                                                LONGEST_KEPT)
    _queries._query2pg = lru_cache(maxsize=TEXTS_KEPT)(_queries._query2pg_nocache)
    _queries._query2pg_client = lru_cache(maxsize=TEXTS_KEPT)(
        _queries._query2pg_client_nocache)
    return True
