"""Shared content read once per process for each version of it: :func:`kept_by_content`.

Some of what a leader page shows is the same for everyone in the municipality and
changes only when O&F edits it — a survey's questions, the leader platform's themes —
yet it was read and built afresh for every visit (a third of the survey answer page,
issue 23). Here it is read once per process for each *content*: PostgreSQL computes a
digest of the rows it is made of (``row_to_json`` of whole rows, so a column added
later counts too), one short query, and what was built from the same digest is served
again. Any edit, addition, deletion or reordering is another digest and is read anew
on the next visit, in every process. Kept per municipality too: a related manager's
queryset made from the kept objects carries the tenant guard of the municipality it
was made for. On SQLite (``bin/run``'s database) the content is read every time.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any

from django.db import connection

from .kept import Kept
from .scoping import active_organisation_id


def content_digest(parts: Sequence[str], params: dict[str, Any]) -> str:
    """sha256 (hex) of the rows of each part, in order. A part is a query of two
    columns, ``row`` (the row as text, e.g. ``row_to_json(t)::text``) and ``ord`` (its
    place), with ``%(name)s`` parameters from ``params``."""
    # The parts are the callers' constant SQL; every value is a parameter.
    joined = " || '#' || ".join(
        f"coalesce((SELECT string_agg(p.row, '|' ORDER BY p.ord) FROM ({part}) p), '')"  # noqa: S608
        for part in parts)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT encode(sha256(convert_to({joined}, 'UTF8')), 'hex')", params)
        return cursor.fetchone()[0]


def kept_by_content[V](kept: Kept[V], key: Hashable, parts: Sequence[str],
                       params: dict[str, Any], read: Callable[[], V]) -> V:
    """What ``read()`` builds from the rows of ``parts``, kept in ``kept`` per ``key``,
    content digest and active municipality; ``read()`` afresh where the digest is not
    PostgreSQL's to compute. Whatever is kept is shared by later requests: the callers
    read it and never change it."""
    if connection.vendor != "postgresql":
        return read()
    digest = content_digest(parts, params)
    return kept.get((key, digest, active_organisation_id()), read)
