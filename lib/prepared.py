"""Query shapes built and compiled to SQL once per process, run with new values each time.

A page's fixed queries cost more Python than database time: Django builds the
query (``filter``, ``annotate``, ``select_related``: ``Query.add_q``, joins) and
then compiles it to SQL (``get_select``, ``get_order_by``, the expressions'
``as_sql``) on every request, 1–5 ms for a query with a few joins and
subqueries, before PostgreSQL sees it (bench/RESULTS.md, issue 23). The shape
of such a query never changes, only its values (this leader, today), so
:class:`Prepared` builds it once with stand-in values, keeps the SQL and the
compiler that read its rows, and on each call puts the real values in the
stand-ins' places::

    _waiting = Prepared(lambda leader_id, organisation_id, today: Round.objects.filter(...))
    rounds = _waiting(leader_id=leader.pk, organisation_id=leader.organisation_id,
                      today=timezone.localdate())          # a list of Round

What it keeps exact:

- **Values.** Only the call's keyword values vary; each must reach the SQL as one
  parameter, unchanged (an ``=``/``<``/``>``/``IN (subquery)`` comparison with an
  int, str, date, datetime or UUID). ``True``/``False``/``None`` change a query's
  shape, so each is compiled on its own. Anything else the builder reads
  (``timezone.now()``, the active language, a setting) would be frozen at the
  first call, so the builder must take it as a value: with ``PREPARED_QUERIES_CHECK`` on (the test
  settings) every call is also built and compiled the ordinary way and compared,
  so a frozen value or a value Django rewrites fails the tests.
- **The tenant guard** (:mod:`lib.scoping`). A fresh queryset is narrowed to the
  municipality the request acts for; the shape is compiled under a stand-in
  municipality and the active one is put in its place, so the guard's filter is in
  every prepared query. A value equal to the active municipality is compiled as the
  same stand-in, so asking for another municipality still raises ``ScopeError``
  (at compilation, as the ordinary query would).
- **The rows.** The kept compiler reads them as Django's iterables do (model
  instances with ``select_related`` objects and annotations, ``values()``,
  ``values_list()``). A builder may not ``prefetch_related`` (a ``Prefetch``'s
  queryset would be kept with the stand-in municipality): prefetch on the list with
  ``prefetch_related_objects``.

The result is a list, never a queryset: chaining ``filter()`` on a prepared query
would silently run the kept SQL.
"""

from __future__ import annotations

import copy
import datetime as dt
import inspect
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet
from django.db.models.sql.compiler import SQLCompiler

from .scoping import _EVERY, _active, active_organisation_id


class PreparedQueryError(Exception):
    """A builder or a value that a prepared query cannot keep exact."""


_SHAPE_VALUES = (bool, type(None))  # compiled as given: they change the SQL's shape


def _stand_in(value: Any, n: int) -> Any:
    """A value of ``value``'s type that no real call passes (never sent to the database)."""
    kind = type(value)
    if kind is int:
        return -7_300_000_000_000 - n
    if kind is str:
        return f"\x1fprepared-{n}\x1f"
    if kind is dt.date:
        return dt.date(1001, 1, 1) + dt.timedelta(days=n)
    if kind is dt.datetime:
        if value.tzinfo is None:
            return dt.datetime(1001, 1, 1) + dt.timedelta(hours=n)
        return dt.datetime(1001, 1, 1, tzinfo=dt.UTC) + dt.timedelta(hours=n)
    if kind is uuid.UUID:
        return uuid.UUID(int=0x5EED_0000_0000_0000 + n)
    raise PreparedQueryError(f"a prepared query's values are int, str, date, datetime, UUID, "
                             f"bool or None, not {kind.__name__}")


@dataclass
class _Compiled:
    queryset: QuerySet[Any]
    compiler: SQLCompiler
    sql: str
    params: tuple[Any, ...]
    places: tuple[tuple[int, str], ...]  # (parameter index, value name; "" = the municipality)


class Prepared[R]:
    """A query shape compiled once per process and database (see the module docstring)."""

    def __init__(self, build: Callable[..., QuerySet[Any]]) -> None:
        self._build = build
        self._names = tuple(inspect.signature(build).parameters)
        self._compiled: dict[tuple[Any, ...], _Compiled] = {}
        self._lock = threading.Lock()

    def __call__(self, **values: Any) -> list[R]:
        if set(values) != set(self._names):
            raise TypeError(f"prepared query takes {self._names}, got {tuple(values)}")
        state = _active.get()
        active = active_organisation_id()
        key = (state if state is _EVERY or state is None else "armed",
               *((name, type(value), value if isinstance(value, _SHAPE_VALUES)
                  else active is not None and type(value) is int and value == active)
                 for name, value in sorted(values.items())))
        compiled = self._compiled.get(key)
        if compiled is None:
            with self._lock:
                compiled = self._compiled.get(key) or self._compile(key, values, active)
                self._compiled[key] = compiled
        if not compiled.sql:
            return []
        params = list(compiled.params)
        for index, name in compiled.places:
            params[index] = values[name] if name else active
        if getattr(settings, "PREPARED_QUERIES_CHECK", False):
            self._check(values, compiled, params)
        run = compiled.queryset._chain()  # type: ignore[attr-defined]
        compiler = copy.copy(compiled.compiler)
        compiler.connection = connections[compiled.queryset.db]  # this thread's
        frozen = (compiled.sql, tuple(params))
        compiler.as_sql = lambda *args, **kwargs: frozen  # type: ignore[method-assign]
        run.query.get_compiler = (
            lambda using=None, connection=None, elide_empty=True: compiler)
        return list(run)

    def _compile(self, key: tuple[Any, ...], values: dict[str, Any],
                 active: int | None) -> _Compiled:
        stand_ins: dict[str, Any] = {}
        for n, (name, value) in enumerate(sorted(values.items()), start=1):
            if isinstance(value, _SHAPE_VALUES):
                stand_ins[name] = value
            elif active is not None and type(value) is int and value == active:
                stand_ins[name] = _stand_in(0, 0)  # compiled as the municipality's stand-in
            else:
                stand_ins[name] = _stand_in(value, n)
        municipality = _stand_in(0, 0)
        token = _active.set(municipality) if key[0] == "armed" else None
        try:
            queryset = self._build(**stand_ins)
            if queryset._prefetch_related_lookups:  # type: ignore[attr-defined]
                raise PreparedQueryError("a prepared query's builder may not prefetch_related: "
                                         "use prefetch_related_objects on its list")
            compiler = queryset.query.get_compiler(using=queryset.db)
            try:
                sql, params = compiler.as_sql()
            except EmptyResultSet:  # e.g. .none(): no rows whatever the values
                return _Compiled(queryset, compiler, "", (), ())
        finally:
            if token is not None:
                _active.reset(token)
        places = []
        found: set[str] = set()
        for index, param in enumerate(params):
            for name, stand_in in stand_ins.items():
                if not isinstance(stand_in, _SHAPE_VALUES) and type(param) is type(stand_in) \
                        and param == stand_in and stand_in != municipality:
                    places.append((index, name))
                    found.add(name)
            if type(param) is int and param == municipality:
                places.append((index, ""))
                found.update(name for name, stand_in in stand_ins.items()
                             if type(stand_in) is int and stand_in == municipality)
        missing = [name for name, stand_in in stand_ins.items()
                   if not isinstance(stand_in, _SHAPE_VALUES) and name not in found]
        if missing:
            raise PreparedQueryError(f"{', '.join(missing)} did not reach the SQL as a "
                                     f"parameter of its own: {sql}")
        return _Compiled(queryset, compiler, sql, tuple(params), tuple(places))

    def _check(self, values: dict[str, Any], compiled: _Compiled, params: list[Any]) -> None:
        """The ordinary build with the real values: the same SQL and parameters."""
        queryset = self._build(**values)
        sql, expected = queryset.query.get_compiler(using=queryset.db).as_sql()
        if (sql, tuple(expected)) != (compiled.sql, tuple(params)):
            raise PreparedQueryError(
                f"prepared query differs from its ordinary build (a value computed inside "
                f"the builder?):\n  kept: {compiled.sql} {params}\n  built: {sql} {expected}")


def visible_scope(user: Any) -> int | None | Literal[False]:
    """What ``visible_to(user)`` narrows to, as a builder's value: the user's municipality,
    None for a superuser (every municipality), False for one who sees nothing
    (anonymous, inactive, without a municipality: the caller answers ``[]``)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return None
    return user.organisation_id if user.organisation_id is not None else False


def narrowed[Q: QuerySet[Any]](queryset: Q, organisation_id: int | None) -> Q:
    """``queryset.visible_to(user)`` inside a builder, given ``visible_scope(user)``."""
    return queryset if organisation_id is None else queryset.in_organisation(  # type: ignore[attr-defined]
        organisation_id)
