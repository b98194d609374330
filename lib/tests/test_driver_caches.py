"""lib.driver_caches: psycopg converts a long query text once, not on every request."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import connection

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def _long_query(marker: str) -> str:
    # Shaped like Django's: every column by its quoted name, one parameter; > 4,096 bytes.
    columns = ", ".join(f'"accounts_user"."email" AS "c{n}"' for n in range(160))
    return f'SELECT {columns}, %s AS "{marker}" FROM "accounts_user" WHERE false'  # noqa: S608


def test_a_long_query_text_is_split_once_and_kept():
    from psycopg import _queries

    from lib.driver_caches import LONGEST_KEPT, TEXTS_KEPT, install

    # Installed at start-up (LibConfig.ready); psycopg's names are still there (an upgrade
    # that renames them makes install() answer False).
    assert _queries._query2pg.cache_parameters()["maxsize"] == TEXTS_KEPT
    assert install() is True
    assert _queries.MAX_CACHED_STATEMENT_LENGTH >= LONGEST_KEPT
    sql = _long_query("ÅØ\nlang")
    assert len(sql.encode()) > 4096  # psycopg's own limit: never kept before
    split = mock.patch.object(_queries, "_split_query", wraps=_queries._split_query)
    with split as split_calls, connection.cursor() as cursor:
        for value in ("Åse", "Per\nOlsen", "Kari"):
            cursor.execute(sql, [value])
            assert cursor.fetchall() == []
            assert cursor.description[-1].name == "ÅØ\nlang"
    assert split_calls.call_count == 1


def test_a_text_too_long_to_keep_is_still_run():
    from psycopg import _queries

    from lib.driver_caches import LONGEST_KEPT

    columns = ", ".join(f"%s AS c{n}" for n in range(40))
    sql = f"SELECT {columns} /* {'x' * LONGEST_KEPT} */"
    split = mock.patch.object(_queries, "_split_query", wraps=_queries._split_query)
    with split as split_calls, connection.cursor() as cursor:
        for _ in range(2):
            cursor.execute(sql, list(range(40)))
            assert cursor.fetchone() == tuple(range(40))
    assert split_calls.call_count == 2  # converted each time: not kept, not lost

