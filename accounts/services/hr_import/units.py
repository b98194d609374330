"""The unit tree file: code, name, kind and parent code of every unit.

Units are found by code; a unit missing from the file is kept as it is (leaders
and groups point at it). New units and moves go through the tree services
(:func:`accounts.services.unit_create` / :func:`~accounts.services.unit_move`),
parents first, so the materialised paths stay valid.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import F
from django.utils.translation import gettext as _

from lib.scoping import unscoped

from ...models import Organisation, Unit, UnitKind, User
from .columns import mapping_resolve
from .files import Table, clean_text, is_formula
from .report import Entry, FieldChange, ImportReport, RowError

_KIND_WORDS = {
    "tjenesteområde": UnitKind.SERVICE_AREA, "tjenesteomrade": UnitKind.SERVICE_AREA,
    "tenesteområde": UnitKind.SERVICE_AREA, "sektor": UnitKind.SERVICE_AREA,
    "område": UnitKind.SERVICE_AREA, "virksomhet": UnitKind.ENTERPRISE,
    "verksemd": UnitKind.ENTERPRISE, "enhet": UnitKind.ENTERPRISE, "eining": UnitKind.ENTERPRISE,
    "avdeling": UnitKind.DEPARTMENT, "team": UnitKind.TEAM, "stab": UnitKind.STAFF,
}
_KIND_BY_DEPTH = [UnitKind.SERVICE_AREA, UnitKind.ENTERPRISE, UnitKind.DEPARTMENT]

Node = tuple[str, int]  # ("row", index in the file) or ("db", a unit's pk)


@dataclass
class _Row:
    line: int
    code: str = ""
    name: str = ""
    kind: str = ""
    parent_code: str = ""
    existing: Unit | None = None
    parent: Node | None = None
    errors: list[RowError] = field(default_factory=list)
    unit: Unit | None = None  # set by apply

    def refuse(self, code: str, message: str) -> None:
        self.errors.append(RowError(self.line, code, message))


@dataclass
class UnitPlan:
    report: ImportReport
    rows: list[_Row]
    order: list[int]  # row indexes, parents before children
    current_parent: dict[int, int | None]


def _kind(text: str) -> str | None:
    lowered = text.lower()
    if lowered in UnitKind.values:
        return lowered
    return _KIND_WORDS.get(lowered)


def _parse(table: Table, index: dict[str, int]) -> list[_Row]:
    rows = []
    seen: dict[str, int] = {}
    for raw in table.rows:
        row = _Row(raw.line)
        text: dict[str, str] = {}
        for key, i in index.items():
            value: Any = raw.cells[i] if i < len(raw.cells) else None
            if is_formula(value):
                row.refuse("formula", _("The column «%(heading)s» holds a formula; only values "
                                        "can be imported.") % {"heading": table.headers[i]})
            text[key] = clean_text(value)
        if row.errors:  # a formula: the row is refused for that alone
            rows.append(row)
            continue
        row.code, row.name = text.get("code", "")[:31], text.get("name", "")
        row.parent_code = text.get("parent_code", "")
        if not row.code:
            row.refuse("missing_value", _("The unit code is missing."))
        elif len(row.code) > 30:
            row.refuse("too_long", _("The unit code is longer than 30 characters."))
        elif row.code.lower() in seen:
            row.refuse("duplicate_code", _("The unit code %(code)s is also on line %(line)s.")
                       % {"code": row.code, "line": seen[row.code.lower()]})
        else:
            seen[row.code.lower()] = row.line
        if not row.name:
            row.refuse("missing_value", _("The name is missing."))
        elif len(row.name) > 200:
            row.refuse("too_long", _("The name is longer than 200 characters."))
        if text.get("kind"):
            kind = _kind(text["kind"])
            if kind is None:
                row.refuse("unknown_kind", _("«%(value)s» is not a kind of unit.")
                           % {"value": text["kind"][:40]})
            else:
                row.kind = kind
        rows.append(row)
    return rows


def units_plan(*, organisation: Organisation, table: Table, columns: dict[str, str]) -> UnitPlan:
    """The dry run of a unit tree file: new units (with their parent), renamed, moved, kept."""
    index = mapping_resolve(headers=table.headers, kind="units", columns=columns)
    units = list(Unit.objects.filter(organisation=organisation))
    by_code = {u.code.lower(): u for u in units if u.code}
    by_path = {u.path: u for u in units}
    current_parent = {u.pk: (by_path[u.path[:-u.steplen]].pk if u.depth > 1 else None)
                      for u in units}
    rows = _parse(table, index)
    uncoded: dict[str, list[Unit]] = {}
    for unit in units:
        if not unit.code:
            uncoded.setdefault(unit.name.lower(), []).append(unit)
    for row in rows:
        row.existing = by_code.get(row.code.lower()) if row.code else None
        if row.existing is None and row.name and not row.errors:
            # A first import: units typed in by hand have no code yet; find them by name.
            same_name = uncoded.get(row.name.lower(), [])
            if len(same_name) == 1:
                row.existing = same_name[0]
            elif len(same_name) > 1:
                row.refuse("ambiguous_unit", _(
                    "Several units without a code are called «%(name)s»; give them codes in "
                    "the admin first.") % {"name": row.name})
    matched = {row.existing.pk: i for i, row in enumerate(rows) if row.existing}
    row_by_code = {row.code.lower(): i for i, row in enumerate(rows) if row.code}

    def node_of(pk: int | None) -> Node | None:
        if pk is None:
            return None
        return ("row", matched[pk]) if pk in matched else ("db", pk)

    parent_mapped = "parent_code" in index
    for i, row in enumerate(rows):
        if not parent_mapped:
            row.parent = node_of(current_parent[row.existing.pk]) if row.existing else None
            continue
        if not row.parent_code:
            continue
        key = row.parent_code.lower()
        if key in row_by_code:
            row.parent = ("row", row_by_code[key])
        elif key in by_code:
            row.parent = node_of(by_code[key].pk)
        else:
            row.refuse("unknown_parent", _("No unit has the parent code «%(code)s».")
                       % {"code": row.parent_code[:40]})
        if row.parent == ("row", i):
            row.refuse("circular", _("A unit cannot lie below itself."))
            row.parent = None

    parent: dict[Node, Node | None] = {("row", i): row.parent for i, row in enumerate(rows)}
    for unit in units:
        if unit.pk not in matched:
            parent[("db", unit.pk)] = node_of(current_parent[unit.pk])
    depth: dict[Node, int] = {}
    state: dict[Node, int] = {}
    for start in parent:
        path: list[Node] = []
        node: Node | None = start
        while node is not None and node not in state:
            state[node] = 1
            path.append(node)
            node = parent.get(node)
        base = 0
        if node is not None:
            if state[node] == 1:  # back on this walk: a circle
                for member in path[path.index(node):]:
                    if member[0] == "row":
                        rows[member[1]].refuse("circular", _(
                            "The parent codes make a circle (a unit would lie below itself)."))
                    depth[member] = 0
            base = depth.get(node, 0)
        for n, visited in enumerate(reversed(path), start=1):
            state[visited] = 2
            depth.setdefault(visited, base + n)

    report = ImportReport(kind="units", rows=len(rows))
    names = {u.pk: u.name for u in units}

    def name_of(node: Node | None) -> str:
        if node is None:
            return _("(top of the tree)")
        return rows[node[1]].name if node[0] == "row" else names[node[1]]

    for row_index, row in enumerate(rows):
        if row.errors:
            report.errors += row.errors
            continue
        if not row.kind:
            row.kind = (row.existing.kind if row.existing else
                        _KIND_BY_DEPTH[min(depth[("row", row_index)], 3) - 1]
                        if depth[("row", row_index)] <= 3 else UnitKind.TEAM)
        if row.existing is None:
            report.new.append(Entry(row.line, row.code, row.name, name_of(row.parent)))
            continue
        unit = row.existing
        changes = []
        if unit.code != row.code:
            changes.append(FieldChange(_("code"), unit.code or "–", row.code))
        if unit.name != row.name:
            changes.append(FieldChange(_("name"), unit.name, row.name))
        if unit.kind != row.kind:
            changes.append(FieldChange(_("kind"), unit.get_kind_display(),
                                       str(UnitKind(row.kind).label)))
        now = node_of(current_parent[unit.pk])
        moved = now != row.parent
        if moved:
            changes.append(FieldChange(_("part of"), name_of(now), name_of(row.parent)))
        entry = Entry(row.line, row.code, row.name, name_of(row.parent), tuple(changes))
        if moved:
            report.moved.append(entry)
        elif changes:
            report.changed.append(entry)
        else:
            report.unchanged += 1
    report.missing = [Entry(None, u.code, u.name) for u in units if u.pk not in matched]
    report.errors.sort(key=lambda e: e.line)
    order = sorted(range(len(rows)), key=lambda i: (depth.get(("row", i), 0), i))
    return UnitPlan(report, rows, order, current_parent)


def _last_step(prefix: str, depth: int) -> int:
    """The last step used below ``prefix`` (the roots: ``""``), in every municipality."""
    with unscoped():  # paths are one tree for the whole installation
        last = (Unit.objects.filter(depth=depth, path__startswith=prefix)
                .order_by("-path").values_list("path", flat=True).first())
    return Unit._str2int(last[-Unit.steplen:]) if last else 0


def units_apply(*, plan: UnitPlan, organisation: Organisation, actor: User | None) -> None:
    """Write the plan (the caller holds the transaction).

    New units get their materialised paths here, parents first, and go in as
    one bulk insert (a unit at a time through treebeard takes a minute for a
    large municipality); renames are one update each; moves go through
    :func:`~accounts.services.unit_move`, parents first, carrying their subtree.
    """
    from .. import unit_move

    rows = plan.rows
    existing = {row.existing.pk: row.existing for row in rows if row.existing}
    db_units = {u.pk: u for u in Unit.objects.filter(organisation=organisation)}
    steps: dict[str, int] = {}
    new_children: dict[int, int] = {}  # existing parent pk → children added
    fresh: list[Unit] = []
    for i in plan.order:
        row = rows[i]
        if row.existing is not None:
            continue
        parent: Unit | None = None
        if row.parent is not None:
            parent = (rows[row.parent[1]].unit or rows[row.parent[1]].existing
                      if row.parent[0] == "row" else db_units[row.parent[1]])
        prefix = parent.path if parent is not None else ""
        depth = parent.depth + 1 if parent is not None else 1
        if prefix not in steps:
            steps[prefix] = _last_step(prefix, depth)
        steps[prefix] += 1
        row.unit = Unit(organisation=organisation, name=row.name, kind=row.kind, code=row.code,
                        path=Unit._get_path(prefix or None, depth, steps[prefix]), depth=depth,
                        numchild=0)
        if parent is not None:
            if parent.pk is None:
                parent.numchild += 1
            else:
                new_children[parent.pk] = new_children.get(parent.pk, 0) + 1
        fresh.append(row.unit)
    Unit.objects.bulk_create(fresh, batch_size=1000)
    for pk, count in new_children.items():
        Unit.objects.filter(pk=pk).update(numchild=F("numchild") + count)

    for i in plan.order:
        row = rows[i]
        unit = row.existing
        if unit is None:
            continue
        if (unit.name, unit.kind, unit.code) != (row.name, row.kind, row.code):
            Unit.objects.filter(pk=unit.pk).update(name=row.name, kind=row.kind, code=row.code)
        parent = None
        if row.parent is not None:
            parent = (rows[row.parent[1]].unit or rows[row.parent[1]].existing
                      if row.parent[0] == "row" else existing.get(row.parent[1])
                      or db_units[row.parent[1]])
        if (parent.pk if parent else None) != plan.current_parent[unit.pk]:
            unit_move(unit=unit, parent=parent)
