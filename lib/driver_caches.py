"""psycopg's cache of converted query texts, sized for the portal's queries (issue 23).

Before psycopg sends a query with server-side binding it converts the text: it splits it
at its ``%s`` parameter markers (a Python tokenizer over the whole text) and writes
PostgreSQL's ``$1``, ``$2``. It keeps the result in an LRU cache of 128 texts, and never
keeps a text longer than 4,096 bytes (``psycopg._queries``: a guard against ORMs that
write a new ``INSERT … VALUES (…), (…)`` for every batch). Django lists every column of
every joined table by its quoted name, so five fixed queries of six leader pages are
4.4–6.4 kB (Min side's survey rounds, the network meeting, the survey answer page's
invitation, the coaching course, the surveys page's): each was split again on every
request, 170 µs of CPU for a 5 kB text (``timeit``, bench/RESULTS.md). :func:`install`
keeps texts up to 16 kB, 1,024 of them. It stays bounded, so the guard's purpose holds:
a text with more than 50 values (a bulk insert, a long ``IN``) is still never kept, and
the LRU forgets what is not used. Each kept text is held about three times over (the
text, the converted text, its pieces): 1,024 texts of 16 kB would be about 50 MB, the
portal's few hundred fixed shapes of 1–6 kB a few MB. psycopg has no setting for this;
the names are its module's own, checked by ``lib/tests/test_driver_caches.py`` so that
an upgrade that renames them fails the tests instead of silently losing the cache.

Prepared statements (psycopg keeps 100 per connection) are left at psycopg's default:
the leader pages and four O&F lists make 108, but each holds about 160 kB of the
server's memory (``pg_backend_memory_contexts``, bench/RESULTS.md, thirteenth session),
and a connection lives a minute (``DATABASE_CONN_MAX_AGE``).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

LONGEST_KEPT = 16 * 1024  # bytes of SQL
TEXTS_KEPT = 1024


def install() -> bool:
    """Raise psycopg's text-cache limits (once per process). False if psycopg's names
    are missing."""
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

