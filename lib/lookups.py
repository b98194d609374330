"""``field__any=[…]``: the rows whose field is one of a list, as one array parameter.

``field__in=[a, b, c]`` writes ``IN (%s, %s, %s)``: the SQL changes with the list's
length, so a query with an id list can neither be a :class:`lib.prepared.Prepared`
shape nor one prepared statement in PostgreSQL (each length is another statement).
``field__any=[a, b, c]`` writes ``field = ANY(%s::<the column's type>[])`` with the
whole list as one parameter: the same SQL for any length, the empty list included
(no rows, as ``__in=[]`` answers). Each element is prepared for the database as the
field prepares a single value. On SQLite (development) the list travels as one JSON
parameter: ``field IN (SELECT value FROM json_each(%s))``. Registered on every field
by ``lib.apps``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.db.models import Field, ForeignObject, Lookup


class AnyOf(Lookup):
    lookup_name = "any"
    prepare_rhs = False

    def get_prep_lookup(self) -> Any:
        if isinstance(self.rhs, (str, bytes)) or not isinstance(self.rhs, Iterable):
            raise TypeError(f"__any takes a list of values, not {type(self.rhs).__name__}")
        return list(self.rhs)

    def get_db_prep_lookup(self, value: Any, connection: Any) -> Any:
        field = self.lhs.output_field
        return "%s", [[field.get_db_prep_value(v, connection, prepared=False)
                       for v in value]]

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        column_type = self.lhs.output_field.db_type(connection)
        return f"{lhs} = ANY({rhs}::{column_type}[])", [*lhs_params, *rhs_params]

    def as_sqlite(self, compiler: Any, connection: Any) -> Any:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, (values,) = self.process_rhs(compiler, connection)
        return (f"{lhs} IN (SELECT value FROM json_each({rhs}))",  # noqa: S608 - column, %s
                [*lhs_params, json.dumps(values, default=str)])


class RelatedAnyOf(AnyOf):
    """``fk__any=[…]``: ids or model instances, as ``fk__in`` takes them."""

    def get_prep_lookup(self) -> Any:
        return [getattr(value, "pk", value) for value in super().get_prep_lookup()]


def register() -> None:
    Field.register_lookup(AnyOf)
    ForeignObject.register_lookup(RelatedAnyOf)
