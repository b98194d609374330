"""Query shapes built and compiled to SQL once per process, run with new values each time.

A page's fixed queries cost more Python than database time: Django builds the
query (``filter``, ``annotate``, ``select_related``: ``Query.add_q``, joins) and
then compiles it to SQL (``get_select``, ``get_order_by``, the expressions'
``as_sql``) on every request, 1–5 ms for a query with a few joins and
subqueries, before PostgreSQL sees it (bench/RESULTS.md, issue 23). The shape
of such a query never changes, only its values (this leader, today), so
:class:`Prepared` builds it once per process (twice, with two sets of stand-in
values: the parameters that differ are the values' places), keeps the SQL and the
compiler that reads its rows, and on each call puts the real values in those
places::

    _waiting = Prepared(lambda leader_id, organisation_id, today: Round.objects.filter(...))
    rounds = _waiting(leader_id=leader.pk, organisation_id=leader.organisation_id,
                      today=timezone.localdate())          # a list of Round

What it keeps exact:

- **Values.** Only the call's keyword values vary; each must reach the SQL as one
  parameter, unchanged (an ``=``/``<``/``>``/``IN (subquery)`` comparison with an
  int, str, date, datetime or UUID, or a list of them through ``field__any``,
  :mod:`lib.lookups`). ``True``/``False``/``None`` change a query's
  shape, so each is compiled on its own. Anything else the builder reads would be
  frozen at the first call, so the builder must take it as a value: a value that
  changes between the two compilations (``timezone.now()``) or that Django rewrites
  (``icontains``) is refused there, and with ``PREPARED_QUERIES_CHECK`` on (the test
  settings) every call is also built and compiled the ordinary way and compared, so
  what stays the same within one call (the active language, a setting) fails the
  tests.
- **The tenant guard** (:mod:`lib.scoping`). A fresh queryset is narrowed to the
  municipality the request acts for; the shape is compiled under a stand-in
  municipality and the active one is put in its place, so the guard's filter is in
  every prepared query. A value equal to the active municipality is compiled as the
  same stand-in, so asking for another municipality still raises ``ScopeError``
  (at compilation, as the ordinary query would).
- **The rows.** The kept compiler reads them as Django's iterables do (model
  instances with ``select_related`` objects and annotations, ``values()``,
  ``values_list()``). A builder may not ``prefetch_related`` (a ``Prefetch``'s
  queryset would be kept with the stand-in municipality): read the children with a
  prepared query of their own and :func:`place_children`, or prefetch on the list
  with ``prefetch_related_objects``.

The result is a list, never a queryset: chaining ``filter()`` on a prepared query
would silently run the kept SQL. On SQLite (development) every call is the ordinary
query: SQLite's driver gets dates and UUIDs as strings Django makes, which the places
of a kept shape do not follow; production and CI run PostgreSQL.
"""

from __future__ import annotations

import copy
import datetime as dt
import inspect
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from typing import Any, Literal

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet
from django.db.models.base import ModelState
from django.db.models.fields.files import FileDescriptor
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query import (
    FlatValuesListIterable,
    ModelIterable,
    ValuesIterable,
    ValuesListIterable,
    get_related_populators,
)
from django.db.models.signals import post_init, pre_init
from django.db.models.sql.compiler import SQLCompiler
from django.utils.asyncio import async_unsafe

from .scoping import _EVERY, _active, active_organisation_id


class PreparedQueryError(Exception):
    """A builder or a value that a prepared query cannot keep exact."""


_SHAPE_VALUES = (bool, type(None))  # compiled as given: they change the SQL's shape


def _stand_in(value: Any, n: int, variant: int) -> Any:
    """A value of ``value``'s type for compiling (never sent to the database).

    Integers are small and positive: Django turns a comparison with a value outside a
    field's range (a negative id on a ``PositiveBigIntegerField``, 40,000 on a
    ``SmallIntegerField``) into "no rows" without SQL, which must not be kept. Each
    shape is compiled with two sets of stand-ins (``variant`` 0 and 1); the parameters
    that differ between the two are the values' places, so a constant that happens to
    equal a stand-in is never taken for one.
    """
    kind = type(value)
    k = 100 * variant + n
    if kind is list:  # for ``field__any``: one parameter, the list (its elements' type)
        return [_stand_in(value[0] if value else 0, n, variant)]
    if kind is int:
        return 30_000 + k
    if kind is str:
        return f"\x1fprepared-{k}\x1f"
    if kind is dt.date:
        return dt.date(1001, 1, 1) + dt.timedelta(days=k)
    if kind is dt.datetime:
        if value.tzinfo is None:
            return dt.datetime(1001, 1, 1) + dt.timedelta(hours=k)
        return dt.datetime(1001, 1, 1, tzinfo=dt.UTC) + dt.timedelta(hours=k)
    if kind is uuid.UUID:
        return uuid.UUID(int=0x5EED_0000_0000_0000 + k)
    raise PreparedQueryError(f"a prepared query's values are int, str, date, datetime, UUID, "
                             f"a list of one of these (for field__any), bool or None, "
                             f"not {kind.__name__}")


def _is_stand_in(param: Any, stand_in: Any) -> bool:
    """Whether a compiled parameter is this stand-in (Django may wrap it: ``Int8``).

    A list's elements are prepared by the field (``lib.lookups``): an empty list is
    compiled with an integer stand-in, which a text column makes a string.
    """
    if type(stand_in) is list:
        return type(param) is list and [str(v) for v in param] == [str(v) for v in stand_in]
    return isinstance(param, type(stand_in)) and param == stand_in


@dataclass
class _Compiled:
    queryset: QuerySet[Any]
    compiler: SQLCompiler
    sql: str
    params: tuple[Any, ...]
    # (parameter index, value name ("" = the municipality), the driver's wrapper or None)
    places: tuple[tuple[int, str, Any], ...]
    # What the compiler works out from the shape on every read (the columns' converters,
    # whether any column is composite: ~400 columns a Min side), worked out once.
    converters: dict[int, Any]
    composite: bool
    # Rows → what the queryset's iterable yields, worked out once (:func:`_reader`); None:
    # read through Django's own iterable.
    reader: Callable[[list[Any], Any], list[Any]] | None = None
    # The database the queryset reads from (``queryset.db`` asks the routers on each
    # read; a shape is compiled per database and read from that one).
    alias: str = DEFAULT_DB_ALIAS


class Prepared[R]:
    """A query shape compiled once per process and database (see the module docstring)."""

    def __init__(self, build: Callable[..., QuerySet[Any]]) -> None:
        self._build = build
        self._names = tuple(inspect.signature(build).parameters)
        self._compiled: dict[tuple[Any, ...], _Compiled] = {}
        self._lock = threading.Lock()

    def __call__(self, **values: Any) -> list[R]:
        sent = connections[DEFAULT_DB_ALIAS].__dict__.get(_AHEAD)
        if sent and (key := _sent_key(self, values)) is not None and (
                found := sent.pop(key, None)) is not None:
            compiled, rows = found  # sent ahead (bound and checked then)
            return compiled.reader(rows, connections[DEFAULT_DB_ALIAS])
        bound = self._bind(values)
        if bound is None:
            return list(self._build(**values))
        compiled, params = bound
        if not compiled.sql:
            return []
        connection = connections[compiled.alias]  # this thread's
        if compiled.reader is not None:
            cursor = _kept_cursor(connection)
            cursor.execute(compiled.sql, params)
            return compiled.reader(cursor.fetchall(), connection)
        compiler = copy.copy(compiled.compiler)
        compiler.connection = connection
        frozen = (compiled.sql, tuple(params))
        compiler.as_sql = lambda *args, **kwargs: frozen  # type: ignore[method-assign]
        converters, composite = compiled.converters, compiled.composite
        compiler.get_converters = lambda expressions: converters  # type: ignore[method-assign]
        compiler.has_composite_fields = (  # type: ignore[method-assign]
            lambda expressions: composite)
        return list(_shell(compiled.queryset, compiler))

    def _bind(self, values: dict[str, Any]) -> tuple[_Compiled, list[Any]] | None:
        """The kept shape for ``values`` and its parameters; None off PostgreSQL."""
        if set(values) != set(self._names):
            raise TypeError(f"prepared query takes {self._names}, got {tuple(values)}")
        if connections[DEFAULT_DB_ALIAS].vendor != "postgresql":
            # SQLite (development, bin/run) turns dates, datetimes and UUIDs into strings
            # of its own before they reach the SQL; the kept shape is PostgreSQL's, so
            # elsewhere each call is the ordinary query.
            return None
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
        params = list(compiled.params)
        for index, name, wrap in compiled.places:
            value = values[name] if name else active
            params[index] = wrap(value) if wrap is not None else value
        if settings.PREPARED_QUERIES_CHECK:
            self._check(values, compiled, params)
        return compiled, params

    def read(self, **values: Any) -> Read[R]:
        """This query with these values, not yet run: for :func:`ahead` and :func:`together`."""
        return Read(self, values)

    def read_visible_to(self, user: Any, **values: Any) -> Read[R] | None:
        """:meth:`visible_to` not yet run; None for someone who sees nothing."""
        organisation_id = visible_scope(user)
        if organisation_id is False:
            return None
        return self.read(organisation_id=organisation_id, **values)

    def visible_to(self, user: Any, **values: Any) -> list[R]:
        """The rows ``user`` may see: the builder's ``organisation_id`` is
        :func:`visible_scope` of the user (its builder uses :func:`narrowed`), and
        someone who sees nothing gets ``[]`` without a query."""
        organisation_id = visible_scope(user)
        if organisation_id is False:
            return []
        return self(organisation_id=organisation_id, **values)

    def _compile(self, key: tuple[Any, ...], values: dict[str, Any],
                 active: int | None) -> _Compiled:
        builds = [self._compile_with(key, values, active, variant) for variant in (0, 1)]
        (queryset, compiler, sql, params, stand_ins), (_, _, sql_b, params_b, stand_ins_b) = builds
        if sql != sql_b or len(params) != len(params_b):
            raise PreparedQueryError(f"the SQL's shape depends on the values: {sql} / {sql_b}")
        if not sql:  # e.g. .none(): no rows whatever the values
            return _Compiled(queryset, compiler, "", (), (), {}, False, alias=queryset.db)
        places = []
        for index, (param, param_b) in enumerate(zip(params, params_b, strict=True)):
            if param == param_b and type(param) is type(param_b):
                continue  # a constant of the builder
            name = next((name for name in stand_ins
                         if _is_stand_in(param, stand_ins[name])
                         and _is_stand_in(param_b, stand_ins_b[name])), None)
            if name is None:
                hint = (" (a list reaches the SQL as one parameter only through field__any, "
                        "lib/lookups.py)" if any(type(v) is list for v in values.values())
                        else "")
                raise PreparedQueryError(f"a value reached the SQL changed ({param!r}){hint}: "
                                         f"{sql}")
            # Django may wrap a value for the driver (psycopg's Int8 for a big integer
            # field): each call's value is wrapped the same way.
            wrap = type(param) if type(param) is not type(stand_ins[name]) else None
            places.append((index, name, wrap))
        found = {name for _, name, _ in places}
        missing = [name for name, value in values.items()
                   if not isinstance(value, _SHAPE_VALUES) and name not in found
                   and not ("" in found and stand_ins[name] == stand_ins[""])]
        if missing:
            raise PreparedQueryError(f"{', '.join(missing)} did not reach the SQL as a "
                                     f"parameter of its own: {sql}")
        columns = [column for column, *_ in compiler.select[:compiler.col_count]]
        converters = compiler.get_converters(columns)
        composite = compiler.has_composite_fields(columns)
        return _Compiled(queryset, compiler, sql, tuple(params), tuple(places), converters,
                         composite, _reader(queryset, compiler, converters, composite),
                         queryset.db)

    def _compile_with(self, key: tuple[Any, ...], values: dict[str, Any], active: int | None,
                      variant: int) -> tuple[Any, Any, str, list[Any], dict[str, Any]]:
        """Build and compile with one set of stand-ins ("" is the municipality's)."""
        municipality = _stand_in(0, 0, variant)
        stand_ins: dict[str, Any] = {"": municipality}
        for n, (name, value) in enumerate(sorted(values.items()), start=1):
            if isinstance(value, _SHAPE_VALUES):
                stand_ins[name] = value
            elif active is not None and type(value) is int and value == active:
                stand_ins[name] = municipality  # compiled as the municipality's stand-in
            else:
                stand_ins[name] = _stand_in(value, n, variant)
        token = _active.set(municipality) if key[0] == "armed" else None
        try:
            queryset = self._build(**{k: v for k, v in stand_ins.items() if k})
            if queryset._prefetch_related_lookups:  # type: ignore[attr-defined]
                raise PreparedQueryError("a prepared query's builder may not prefetch_related: "
                                         "use prefetch_related_objects on its list")
            compiler = queryset.query.get_compiler(using=queryset.db)
            try:
                sql, params = compiler.as_sql()
            except EmptyResultSet:
                sql, params = "", []
        finally:
            if token is not None:
                _active.reset(token)
        shape_values = {k: v for k, v in stand_ins.items() if isinstance(v, _SHAPE_VALUES)}
        return queryset, compiler, sql, list(params), {
            k: v for k, v in stand_ins.items() if k not in shape_values}

    def _check(self, values: dict[str, Any], compiled: _Compiled, params: list[Any]) -> None:
        """The ordinary build with the real values: the same SQL and parameters."""
        queryset = self._build(**values)
        try:
            sql, expected = queryset.query.get_compiler(using=queryset.db).as_sql()
        except EmptyResultSet:
            sql, expected = "", ()
        if (sql, tuple(expected)) != (compiled.sql, tuple(params)):
            raise PreparedQueryError(
                f"prepared query differs from its ordinary build (a value computed inside "
                f"the builder?):\n  kept: {compiled.sql} {params}\n  built: {sql} {expected}")


def _reader(queryset: QuerySet[Any], compiler: SQLCompiler, converters: dict[int, Any],
            composite: bool) -> Callable[[list[Any], Any], list[Any]] | None:
    """What Django's iterable of ``queryset`` makes of fetched rows, worked out once per shape.

    Django's iterables work out on every read what only the shape decides: the model's
    columns, a ``RelatedPopulator`` per ``select_related`` model, the converters; and the
    rows pass through ``execute_sql``'s chunked cursor generator. For a kept shape that
    was a third of a prepared query's CPU (0.07 of 0.23 ms for one enrolment with its
    module and programme; bench/RESULTS.md, issue 23). Model instances (with
    ``select_related`` objects and annotations), ``values()``, ``values_list()`` and
    ``values_list(flat=True)`` are read here as those iterables read them; anything else
    (composite keys, known related objects, a fetch mode that tracks peers, a model
    with its own ``from_db``) returns None and is read by Django's iterable.
    """
    if composite:
        return None
    iterable = queryset._iterable_class
    width = compiler.col_count if compiler.has_extra_select else None
    steps = list(converters.items())

    def converted(rows: list[Any], connection: Any) -> list[Any]:
        if width is not None:
            rows = [row[:width] for row in rows]
        if not steps:
            return rows
        done = []
        for row in map(list, rows):
            for position, (functions, expression) in steps:
                value = row[position]
                for function in functions:
                    value = function(value, expression, connection)
                row[position] = value
            done.append(row)
        return done

    if iterable is ValuesListIterable:
        return lambda rows, connection: [tuple(row) for row in converted(rows, connection)]
    if iterable is FlatValuesListIterable:
        return lambda rows, connection: [row[0] for row in converted(rows, connection)]
    if iterable is ValuesIterable:
        query = queryset.query
        names = (list(query.selected) if query.selected else
                 [*query.extra_select, *query.values_select, *query.annotation_select])
        return lambda rows, connection: [dict(zip(names, row, strict=False))
                                         for row in converted(rows, connection)]
    if iterable is not ModelIterable:
        return None
    fetch_mode = queryset._fetch_mode  # type: ignore[attr-defined]
    klass_info = compiler.klass_info
    model = klass_info["model"]
    if (queryset._known_related_objects or fetch_mode.track_peers  # type: ignore[attr-defined]
            or getattr(model.from_db, "__func__", None)
            is not getattr(Model.from_db, "__func__", None)):
        return None
    db = queryset.db
    first, last = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
    init_list = [column[0].target.attname for column in compiler.select[first:last]]
    # Without peers tracked a populator keeps nothing of a row: one set serves every read.
    populators = get_related_populators(klass_info, compiler.select, db, fetch_mode)
    _build_plainly(populators, fetch_mode)
    annotations = list(compiler.annotation_col_map.items())
    from_db = _builder(model, init_list, fetch_mode, partial(model.from_db, fetch_mode=fetch_mode))

    def objects(rows: list[Any], connection: Any) -> list[Any]:
        found = []
        for row in converted(rows, connection):
            obj = from_db(db, init_list, row[first:last])
            for populator in populators:
                populator.populate(row, obj)
            for name, position in annotations:
                setattr(obj, name, row[position])
            found.append(obj)
        return found

    return objects


# A field's attribute that a new instance's value may be written past: Django's own
# ``setattr`` on it only writes ``instance.__dict__`` (no descriptor, a read-only one,
# a foreign key's id or a file's name, which first clear what a fresh instance lacks).
_PLAIN_SETTERS = (None, ForeignKeyDeferredAttribute.__set__, FileDescriptor.__set__)


def _builder(model: type[Model], init_list: list[str], fetch_mode: Any,
             from_db: Callable[..., Any]) -> Callable[..., Any]:
    """``from_db`` for a row of ``model``'s columns, as ``Model.__init__`` builds it:
    each column's value in the instance's ``__dict__``, a loaded state, without the
    call per field and the two signals that nothing receives (3.8 → 1.2 µs for a
    leader, bench/RESULTS.md). A deferred column (``only()``, ``defer()``) is left out
    of ``__dict__``, as ``__init__`` leaves it when ``from_db`` passes ``DEFERRED``: it
    is read on first use. A model with its own ``__init__`` or ``from_db``, columns
    not in the model's order (``from_db`` would place them by that order), a field
    whose attribute does more than store the value, or any receiver of
    ``pre_init``/``post_init`` (checked on every call) is built by ``from_db``."""
    attnames = [field.attname for field in model._meta.concrete_fields]
    if (model.__init__ is not Model.__init__
            or getattr(model.from_db, "__func__", None)
            is not getattr(Model.from_db, "__func__", None)
            or not _in_order_of(list(init_list), attnames)
            or any(getattr(type(inspect.getattr_static(model, name, None)),
                           "__set__", None) not in _PLAIN_SETTERS for name in init_list)):
        return from_db
    names = tuple(init_list)
    new = object.__new__

    def build(db: str, init_list: list[str], values: Any) -> Any:
        if pre_init.receivers or post_init.receivers:
            return from_db(db, init_list, values)
        obj = new(model)
        state = ModelState()
        state.adding = False
        state.db = db
        if fetch_mode is not None:
            state.fetch_mode = fetch_mode
        attributes = obj.__dict__
        attributes["_state"] = state
        attributes.update(zip(names, values, strict=True))
        return obj

    return build


def _in_order_of(names: list[str], attnames: list[str]) -> bool:
    """Whether ``names`` are some of ``attnames``, each once, in their order."""
    position = {name: index for index, name in enumerate(attnames)}
    places = [position.get(name, -1) for name in names]
    return -1 not in places and places == sorted(set(places))


def _build_plainly(populators: list[Any], fetch_mode: Any) -> None:
    """Each ``select_related`` populator (and theirs) builds its objects by
    :func:`_builder`: the populators are this shape's own, kept with it."""
    for populator in populators:
        populator.from_db = _builder(populator.model_cls, populator.init_list, fetch_mode,
                                     populator.from_db)
        _build_plainly(populator.related_populators, fetch_mode)


def _shell(queryset: QuerySet[Any], compiler: SQLCompiler) -> QuerySet[Any]:
    """A fresh, unevaluated copy of the kept ``queryset`` whose query answers ``compiler``.

    Neither is changed by reading the rows, so each is copied by its attributes only:
    ``_chain()`` would clone the query's ``where`` tree and joins on every call, and
    ``copy.copy`` of a queryset evaluates it.
    """
    query = object.__new__(type(queryset.query))
    query.__dict__ = queryset.query.__dict__.copy()
    query.get_compiler = (  # type: ignore[method-assign]
        lambda using=None, connection=None, elide_empty=True: compiler)
    run = object.__new__(type(queryset))
    run.__dict__ = queryset.__dict__.copy()
    run._query = query  # type: ignore[attr-defined]
    run._result_cache = None
    return run


_KEPT_CURSOR = "_prepared_kept_cursor"


@async_unsafe
def _kept_cursor(connection: Any) -> Any:
    """A cursor for a prepared query: ``connection.cursor()`` less making the driver's
    cursor anew.

    psycopg's cursor copies the connection's adapters and Django checks its timezone
    loader each time one is made, 15–25 µs of a query's ~110 (bench/RESULTS.md,
    thirteenth session). The driver's cursor is kept on the Django connection (one per
    thread) and read to its end by each query; a new one is made when the driver's
    connection is not the one it belongs to (closed, reconnected) or it was closed.
    It is wrapped as Django wraps each cursor (``_prepare_cursor``), so captured
    queries (``assertNumQueries``, debug logging) and ``execute_wrapper`` see every
    prepared query; health checks and the connection are made as ``cursor()`` makes
    them.
    """
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        raw = connection.__dict__.get(_KEPT_CURSOR)
        if raw is None or raw.closed or raw.connection is not connection.connection:
            raw = connection.create_cursor()
            connection.__dict__[_KEPT_CURSOR] = raw
        return connection._prepare_cursor(raw)


_AHEAD = "_prepared_sent_ahead"
_KEPT_CURSORS = "_prepared_kept_cursors"


@dataclass(frozen=True)
class Read[R]:
    """A prepared query with its values (``Prepared.read``), to be sent ahead and called."""

    query: Prepared[R]
    values: dict[str, Any]

    def __call__(self) -> list[R]:
        return self.query(**self.values)


@contextmanager
def ahead(reads: Iterable[Read[Any]]) -> Iterator[None]:
    """Send ``reads`` (prepared query, its values) to PostgreSQL together, in one round
    trip, and serve each from what came back when it is called inside the block.

    A page's reads are mostly independent of each other (Min side's panels, a group's
    members, sessions and tasks), yet each waited for the one before: a round trip
    and a write and a read on the socket each. psycopg's pipeline mode
    (:meth:`psycopg.Connection.pipeline`) sends them all and reads the answers in one
    go: 10 one-row reads cost 415 µs of CPU and 442 µs of wall time that way, against
    941 and 1,589 µs one by one; two cost the same CPU either way and a third less
    wall time (``bench/round_trips.py``, ``bench/RESULTS.md``, sixteenth session).

    A call inside the block with the same shape and values as a read sent ahead gets
    those rows (once); any other call runs as always, so a read declared wrongly costs
    a query, never a wrong answer. What is not asked for is dropped when the block
    ends. The reads are sent when the block starts: the block is for a page's reads
    before it writes anything (a write inside would not be seen by the rows already
    read). Every read goes through Django's cursor wrapper, so captured queries and
    ``execute_wrapper`` see each one. Off PostgreSQL, with fewer than two reads, inside
    another such block, or with ``PREPARED_READS_AHEAD`` off, nothing is sent ahead.
    """
    connection = connections[DEFAULT_DB_ALIAS]
    if _AHEAD in connection.__dict__ or not settings.PREPARED_READS_AHEAD:
        yield
        return
    wanted: dict[tuple[Any, ...], tuple[_Compiled, list[Any]]] = {}
    for read in reads:
        key = _sent_key(read.query, read.values)
        if key is None or key in wanted:  # the same read twice is sent once
            continue
        found = read.query._bind(read.values)
        if (found is not None and found[0].sql and found[0].reader is not None
                and found[0].alias == DEFAULT_DB_ALIAS):
            wanted[key] = found
    if len(wanted) < 2:
        yield
        return
    sent = connection.__dict__[_AHEAD] = _send_together(connection, wanted)
    try:
        yield
    finally:
        connection.__dict__.pop(_AHEAD, None)
    if sent and settings.PREPARED_QUERIES_CHECK:  # the tests: each read declared is used
        raise PreparedQueryError(f"{len(sent)} read(s) sent ahead were not asked for: "
                                 f"{[compiled.sql for compiled, _ in sent.values()]}")


def together(*reads: Read[Any]) -> list[list[Any]]:
    """Each read's rows, as calling each would give them, the reads sent in one round
    trip (:func:`ahead`)."""
    with ahead(reads):
        return [read() for read in reads]


def _sent_key(query: Prepared[Any], values: dict[str, Any]) -> tuple[Any, ...] | None:
    """What a read sent ahead is found by: the query, the municipality it acts for (the
    tenant guard's state: part of the SQL's parameters) and its values, each with its
    type (``True`` is not ``1``; a list as a tuple) — what its shape and parameters are
    made of (:meth:`Prepared._bind`), found without making them again. None for a value
    that cannot be a key (such a read is not sent ahead)."""
    key = (id(query), _active.get(), *((name, type(value), tuple(value) if type(value) is list
                                        else value) for name, value in sorted(values.items())))
    try:
        hash(key)
    except TypeError:
        return None
    return key


@async_unsafe
def _send_together(connection: Any, wanted: dict[tuple[Any, ...], tuple[_Compiled, list[Any]]],
                   ) -> dict[tuple[Any, ...], tuple[_Compiled, list[Any]]]:
    """Run the bound reads in one pipeline; each read's shape and rows by its key."""
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_no_broken_transaction()
    with connection.wrap_database_errors:
        raws = [raw for raw in connection.__dict__.get(_KEPT_CURSORS, [])
                if not raw.closed and raw.connection is connection.connection]
        while len(raws) < len(wanted):
            raws.append(connection.create_cursor())
        connection.__dict__[_KEPT_CURSORS] = raws
        with connection.connection.pipeline():
            for raw, (compiled, params) in zip(raws, wanted.values(), strict=False):
                connection._prepare_cursor(raw).execute(compiled.sql, params)
        return {key: (compiled, raw.fetchall())
                for raw, (key, (compiled, _)) in zip(raws, wanted.items(), strict=False)}


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


def place_children[P](parents: list[P], name: str, pairs: Iterable[tuple[int, Any]], *,
                      back: str | None = None) -> dict[int, list[Any]]:
    """Leave each parent's children where ``prefetch_related(name)`` leaves them:
    ``parent.<name>.all()`` answers them without a query, and ``parent.<name>.filter()``
    still asks the database for that parent's own rows only.

    For children read by one prepared query for all their parents: ``pairs`` are
    (parent id, child) in the order the children are to be listed, e.g.
    ``((c.item_id, c) for c in choices)``, or (through row's parent id, the related
    object) for a many-to-many. With ``back``, each child's ``child.<back>`` is its
    parent, as Django sets it on a reverse foreign key. Each parent's queryset is
    Django's own (``prefetch_one_level``: the related manager's ``_apply_rel_filters``
    on the related model's queryset), built only when something other than its rows is
    asked of it (:func:`_placed_class`): building it for each of a survey's 22 items was a
    tenth of the answer page (issue 23). Each page that uses this has a query-count test.
    Returns the children by parent id.
    """
    by_parent: dict[int, list[Any]] = {parent.pk: [] for parent in parents}  # type: ignore[attr-defined]
    for parent_id, child in pairs:
        by_parent[parent_id].append(child)
    if not parents:
        return by_parent
    model = getattr(parents[0], name).model
    queryset_class = _placed_class(model._default_manager._queryset_class)
    fresh: list[Any] = []  # the related model's queryset, made once if needed

    def rel_filtered(parent: Any) -> Callable[[], QuerySet[Any]]:
        def build() -> QuerySet[Any]:
            if not fresh:
                # A fresh queryset of a municipality's model carries the tenant guard's
                # filter: made under the municipality active when the rows were placed.
                fresh.append(model._default_manager.all())
            return getattr(parent, name)._apply_rel_filters(fresh[0]._chain())
        return build

    for parent in parents:
        rows = by_parent[parent.pk]  # type: ignore[attr-defined]
        if back is not None:
            for child in rows:
                setattr(child, back, parent)
        queryset = object.__new__(queryset_class)
        queryset.__dict__.update(_BLANK_QUERYSET, model=model, _hints={},
                                 _known_related_objects={}, _result_cache=rows,
                                 _prefetch_done=True, _placed_build=rel_filtered(parent))
        parent.__dict__.setdefault("_prefetched_objects_cache", {})[name] = queryset
    return by_parent


# What a new QuerySet's attributes are (Django's ``QuerySet.__init__``), for a placed one.
_BLANK_QUERYSET = {key: value for key, value in vars(QuerySet()).items() if key != "_query"}
_PLACED_CLASSES: dict[type[QuerySet[Any]], type[QuerySet[Any]]] = {}


def _placed_class(queryset_class: type[QuerySet[Any]]) -> type[QuerySet[Any]]:
    """``queryset_class`` whose SQL query is built on first use (:func:`place_children`).

    Until then only the rows are there: iterating, ``len()``, ``count()``, ``exists()``
    and ``bool()`` read them, as on any fetched queryset. Anything that reads
    ``.query`` (``filter()``, ``order_by()``, ``first()``, every other chained call)
    builds the parent's own queryset first, so what it answers is Django's. Pickling
    builds it too and pickles the plain class.
    """
    try:
        return _PLACED_CLASSES[queryset_class]
    except KeyError:
        pass
    # The class's own ``query`` property: its deferred filter, its setter.
    plain_query: Any = next(vars(c)["query"] for c in queryset_class.__mro__ if "query" in vars(c))

    def query_get(self: Any) -> Any:
        build = self.__dict__.pop("_placed_build", None)
        if build is not None:
            built = build()
            built.query  # noqa: B018 - its deferred filter (the parent's) applied
            self.__dict__.update({key: value for key, value in vars(built).items()
                                  if key not in ("_result_cache", "_prefetch_done")})
        return plain_query.fget(self)

    def query_set(self: Any, value: Any) -> None:
        self.__dict__.pop("_placed_build", None)
        plain_query.fset(self, value)

    def reduce_ex(self: Any, protocol: Any) -> Any:
        self.query  # noqa: B018 - built before it leaves the process
        return _plain_queryset, (queryset_class, self.__getstate__())

    placed = type(queryset_class.__name__, (queryset_class,), {
        "__module__": queryset_class.__module__, "__qualname__": queryset_class.__qualname__,
        "query": property(query_get, query_set), "__reduce_ex__": reduce_ex})
    _PLACED_CLASSES[queryset_class] = placed
    return placed


def _plain_queryset(queryset_class: type[QuerySet[Any]], state: dict[str, Any]) -> QuerySet[Any]:
    """A placed queryset unpickled: its plain class, as Django unpickles one."""
    queryset: Any = object.__new__(queryset_class)
    queryset.__setstate__(state)
    return queryset
