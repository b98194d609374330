"""The leader file: every leader, their unit and their leader above, keyed on employee number.

:func:`leaders_plan` reads the file against the database and says what would
change (the dry run); :func:`leaders_apply` writes exactly that plan. The plan
never deletes: a leader missing from the file is a leaver, whose account is
deactivated (anonymising comes later, through :mod:`accounts.privacy`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from lib.scoping import unscoped

from ...models import Leader, LeaderLevel, Organisation, Unit, UnitKind, User
from .columns import LEADER_FIELDS, mapping_resolve
from .files import Table, clean_text, is_formula, parse_date
from .report import Entry, FieldChange, ImportReport, RowError

_LEVEL_WORDS = {
    "kommunedirektør": LeaderLevel.MUNICIPAL_DIRECTOR, "kommunedirektor":
        LeaderLevel.MUNICIPAL_DIRECTOR, "rådmann": LeaderLevel.MUNICIPAL_DIRECTOR,
    "kommunalsjef": LeaderLevel.MUNICIPAL_HEAD, "kommunaldirektør": LeaderLevel.MUNICIPAL_HEAD,
    "virksomhetsleder": LeaderLevel.ENTERPRISE_LEADER, "enhetsleder":
        LeaderLevel.ENTERPRISE_LEADER,
    "avdelingsleder": LeaderLevel.DEPARTMENT_LEADER, "teamleder": LeaderLevel.TEAM_LEADER,
}
# A new leader's level when the file does not say: the level of the unit they lead.
_LEVEL_OF_UNIT = {
    UnitKind.SERVICE_AREA: LeaderLevel.MUNICIPAL_HEAD,
    UnitKind.ENTERPRISE: LeaderLevel.ENTERPRISE_LEADER,
    UnitKind.DEPARTMENT: LeaderLevel.DEPARTMENT_LEADER,
    UnitKind.STAFF: LeaderLevel.DEPARTMENT_LEADER,
    UnitKind.TEAM: LeaderLevel.TEAM_LEADER,
}
_MAX = {"employee_number": 40, "full_name": 200, "title": 200, "email": 254}

Node = tuple[str, int]  # ("row", index in the file) or ("db", a leader's pk)


@dataclass
class _Row:
    line: int
    employee_number: str = ""
    full_name: str = ""
    email: str = ""
    title: str = ""
    unit: Unit | None = None
    above_key: str = ""
    leader_since: dt.date | None = None
    level: str = ""
    existing: Leader | None = None
    adopt: User | None = None  # a user of the municipality without a leader profile yet
    above: Node | None = None
    errors: list[RowError] = field(default_factory=list)
    created: Leader | None = None  # set by apply

    def refuse(self, code: str, message: str) -> None:
        self.errors.append(RowError(self.line, code, message))


@dataclass
class LeaderPlan:
    report: ImportReport
    rows: list[_Row]
    leavers: list[Leader]
    above_mapped: bool
    by_pk: dict[int, Leader]


def _level(text: str) -> str | None:
    lowered = text.lower()
    if lowered in LeaderLevel.values:
        return lowered
    return _LEVEL_WORDS.get(lowered)


def _parse(table: Table, index: dict[str, int], units: dict[str, Unit]) -> list[_Row]:
    headers = table.headers
    rows = []
    for raw in table.rows:
        row = _Row(raw.line)
        values: dict[str, Any] = {}
        for key, i in index.items():
            value = raw.cells[i] if i < len(raw.cells) else None
            if is_formula(value):
                row.refuse("formula", _("The column «%(heading)s» holds a formula; only values "
                                        "can be imported.") % {"heading": headers[i]})
            values[key] = value
        if row.errors:  # a formula: the row is refused for that alone
            rows.append(row)
            continue
        text = {key: clean_text(value) for key, value in values.items()}
        for key, limit in _MAX.items():
            if len(text.get(key, "")) > limit:
                row.refuse("too_long", _("%(field)s is longer than %(limit)s characters.") % {
                    "field": _field_label(key), "limit": limit})
                text[key] = ""
        row.employee_number = text.get("employee_number", "")
        if not row.employee_number:
            row.refuse("missing_value", _("The employee number is missing."))
        row.full_name = text.get("full_name") or " ".join(
            part for part in (text.get("first_name", ""), text.get("last_name", "")) if part)
        if not row.full_name:
            row.refuse("missing_value", _("The name is missing."))
        row.email = text.get("email", "").lower()
        if not row.email:
            row.refuse("missing_value", _("The email address is missing."))
        else:
            try:
                validate_email(row.email)
            except ValidationError:
                row.refuse("bad_email", _("«%(value)s» is not an email address.")
                           % {"value": row.email[:80]})
        row.title = text.get("title", "")
        code = text.get("unit_code", "")
        if not code:
            row.refuse("missing_value", _("The unit code is missing."))
        else:
            row.unit = units.get(code.lower())
            if row.unit is None:
                row.refuse("unknown_unit", _("No unit has the code «%(code)s»; import the unit "
                                             "tree first.") % {"code": code[:40]})
        row.above_key = text.get("leader_above", "")
        if values.get("leader_since") not in (None, ""):
            try:
                row.leader_since = parse_date(values["leader_since"])
            except ValidationError as error:
                row.errors += RowError.of(row.line, error)
        if text.get("level"):
            level = _level(text["level"])
            if level is None:
                row.refuse("unknown_level", _("«%(value)s» is not a leader level.")
                           % {"value": text["level"][:40]})
            else:
                row.level = level
        rows.append(row)
    return rows


def _field_label(key: str) -> str:
    return str(next(f.label for f in LEADER_FIELDS if f.key == key))


def _match(rows: list[_Row], leaders: list[Leader], organisation: Organisation) -> None:
    """Find each row's leader: by employee number, or by email for one who has none yet."""
    by_number = {leader.employee_number: leader for leader in leaders if leader.employee_number}
    by_email = {leader.user.email.lower(): leader for leader in leaders}
    seen_numbers: dict[str, int] = {}
    seen_emails: dict[str, int] = {}
    for row in rows:
        if row.employee_number:
            if row.employee_number in seen_numbers:
                row.refuse("duplicate_employee_number", _(
                    "The employee number %(number)s is also on line %(line)s.") % {
                    "number": row.employee_number, "line": seen_numbers[row.employee_number]})
            else:
                seen_numbers[row.employee_number] = row.line
        if row.email:
            if row.email in seen_emails:
                row.refuse("duplicate_email", _(
                    "The email address %(email)s is also on line %(line)s.") % {
                    "email": row.email, "line": seen_emails[row.email]})
            else:
                seen_emails[row.email] = row.line
        existing = by_number.get(row.employee_number) if row.employee_number else None
        if existing is None and row.email:
            candidate = by_email.get(row.email)
            if candidate is not None and not candidate.employee_number:
                existing = candidate
        row.existing = existing
    # Addresses must be free in the whole installation (one login per address).
    wanted = {row.email for row in rows if row.email and not row.errors and (
        row.existing is None or row.existing.user.email.lower() != row.email)}
    with unscoped():
        owners = {user.email.lower(): user for user in User.objects.filter(
            email__in=wanted).select_related("leader")} if wanted else {}
    for row in rows:
        owner = owners.get(row.email) if row.email in wanted else None
        if owner is None:
            continue
        own_user = row.existing.user_id if row.existing else None
        if owner.pk == own_user:
            continue
        adoptable = (row.existing is None and owner.organisation_id == organisation.pk
                     and not owner.is_superuser and not hasattr(owner, "leader"))
        if adoptable:
            row.adopt = owner
        else:
            row.refuse("duplicate_email", _(
                "The email address %(email)s belongs to someone else.") % {"email": row.email})


def _resolve_above(rows: list[_Row], leaders: list[Leader], above_mapped: bool) -> None:
    """Each row's leader above, as a row of the file or a leader already in the portal."""
    matched = {row.existing.pk: i for i, row in enumerate(rows) if row.existing}
    row_by_number: dict[str, int] = {}
    row_by_email: dict[str, int] = {}
    for i, row in enumerate(rows):
        row_by_number.setdefault(row.employee_number, i)
        row_by_email.setdefault(row.email, i)
    db_by_number = {x.employee_number: x.pk for x in leaders if x.employee_number}
    db_by_email = {x.user.email.lower(): x.pk for x in leaders}

    def node_of_leader(pk: int | None) -> Node | None:
        if pk is None:
            return None
        return ("row", matched[pk]) if pk in matched else ("db", pk)

    for i, row in enumerate(rows):
        if not above_mapped:
            row.above = node_of_leader(row.existing.leader_above_id) if row.existing else None
            continue
        key = row.above_key
        if not key:
            continue
        if "@" in key:
            index, pk = row_by_email.get(key.lower()), db_by_email.get(key.lower())
        else:
            index, pk = row_by_number.get(key), db_by_number.get(key)
        if index is not None:
            row.above = ("row", index)
        elif pk is not None:
            row.above = node_of_leader(pk)
        else:
            row.refuse("leader_above_not_found", _(
                "The leader above («%(key)s») is neither in the file nor in the portal.")
                % {"key": key[:80]})
            continue
        if row.above == ("row", i):
            row.refuse("circular", _("A leader cannot be their own leader above."))
            row.above = None

    # The reporting lines after the import: file rows as planned, everyone else as now.
    parent: dict[Node, Node | None] = {("row", i): row.above for i, row in enumerate(rows)}
    for leader in leaders:
        if leader.pk not in matched:
            parent[("db", leader.pk)] = node_of_leader(leader.leader_above_id)
    state: dict[Node, int] = {}
    in_circle: set[Node] = set()
    for start in parent:
        path: list[Node] = []
        node: Node | None = start
        while node is not None and node not in state:
            state[node] = 1
            path.append(node)
            node = parent.get(node)
        if node is not None and state[node] == 1:
            in_circle.update(path[path.index(node):])
        for visited in path:
            state[visited] = 2
    for node in sorted(in_circle):
        if node[0] == "row" and not any(e.code == "circular" for e in rows[node[1]].errors):
            rows[node[1]].refuse("circular", _(
                "The leaders above make a circle (someone would end up above themselves)."))


def _name_of(node: Node | None, rows: list[_Row], by_pk: dict[int, Leader]) -> str:
    if node is None:
        return ""
    return rows[node[1]].full_name if node[0] == "row" else by_pk[node[1]].user.full_name


def _unit_label(unit: Unit | None) -> str:
    if unit is None:
        return ""
    return f"{unit.name} ({unit.code})" if unit.code else unit.name


def _changes(row: _Row, rows: list[_Row], by_pk: dict[int, Leader],
             matched: dict[int, int]) -> list[FieldChange]:
    leader = row.existing
    assert leader is not None
    user = leader.user
    out = []

    def note(label: str, old: Any, new: Any) -> None:
        out.append(FieldChange(label, str(old or "–"), str(new or "–")))

    if leader.employee_number != row.employee_number:
        note(_("employee number"), leader.employee_number, row.employee_number)
    if user.full_name != row.full_name:
        note(_("name"), user.full_name, row.full_name)
    if user.email.lower() != row.email:
        note(_("email"), user.email, row.email)
    if row.title and leader.title != row.title:
        note(_("job title"), leader.title, row.title)
    if row.unit is not None and leader.unit_id != row.unit.pk:
        note(_("unit"), _unit_label(leader.unit), _unit_label(row.unit))
    current = (("row", matched[leader.leader_above_id]) if leader.leader_above_id in matched
               else ("db", leader.leader_above_id)) if leader.leader_above_id else None
    if row.above != current:
        note(_("leader above"), _name_of(current, rows, by_pk), _name_of(row.above, rows, by_pk))
    if row.leader_since and leader.leader_since != row.leader_since:
        note(_("leader since"), leader.leader_since.strftime("%d.%m.%Y"),
             row.leader_since.strftime("%d.%m.%Y"))
    if row.level and leader.level != row.level:
        note(_("leader level"), leader.get_level_display(), LeaderLevel(row.level).label)
    if not user.is_active:
        note(_("active"), _("no"), _("yes"))
    return out


def leaders_plan(*, organisation: Organisation, table: Table,
                 columns: dict[str, str]) -> LeaderPlan:
    """The dry run: what importing ``table`` would change, and every row it refuses."""
    index = mapping_resolve(headers=table.headers, kind="leaders", columns=columns)
    units = {u.code.lower(): u for u in Unit.objects.filter(organisation=organisation)
             .exclude(code="")}
    leaders = list(Leader.objects.filter(organisation=organisation).select_related("user", "unit"))
    by_pk = {leader.pk: leader for leader in leaders}
    rows = _parse(table, index, units)
    _match(rows, leaders, organisation)
    _resolve_above(rows, leaders, "leader_above" in index)
    for row in rows:
        if row.existing is None and not row.errors:
            if not row.title:
                row.refuse("missing_value", _("A new leader needs a job title."))
            if row.leader_since is None:
                row.refuse("missing_value", _("A new leader needs the date they became leader."))

    report = ImportReport(kind="leaders", rows=len(rows))
    matched = {row.existing.pk: i for i, row in enumerate(rows) if row.existing}
    for row in rows:
        if row.errors:
            report.errors += row.errors
            continue
        if row.existing is None:
            report.new.append(Entry(row.line, row.employee_number, row.full_name,
                                    _unit_label(row.unit)))
            continue
        changes = _changes(row, rows, by_pk, matched)
        entry = Entry(row.line, row.employee_number, row.full_name, _unit_label(row.unit),
                      tuple(changes))
        if not changes:
            report.unchanged += 1
        elif row.unit is not None and row.existing.unit_id != row.unit.pk:
            report.moved.append(entry)
        else:
            report.changed.append(entry)
    leavers = [leader for leader in leaders if leader.pk not in matched and leader.user.is_active
               and not leader.user.is_oaf_admin and not leader.user.is_superuser]
    report.missing = [Entry(None, leader.employee_number, leader.user.full_name,
                            _unit_label(leader.unit)) for leader in leavers]
    report.errors.sort(key=lambda e: e.line)
    return LeaderPlan(report, rows, leavers, "leader_above" in index, by_pk)


def leaders_apply(*, plan: LeaderPlan, organisation: Organisation, actor: User | None,
                  reason: str, deactivate_leavers: bool = True) -> None:
    """Write the plan (the caller holds the transaction and has checked it has no errors)."""
    rows = plan.rows
    history = {"default_user": actor, "default_change_reason": reason}

    def pk_of(node: Node | None) -> int | None:
        if node is None:
            return None
        if node[0] == "db":
            return node[1]
        target = rows[node[1]]
        leader = target.existing or target.created
        assert leader is not None
        return leader.pk

    new_rows = [row for row in rows if row.existing is None]
    adopted = []
    for row in new_rows:
        if row.adopt is not None:
            row.adopt.full_name, row.adopt.is_active = row.full_name, True
            adopted.append(row.adopt)
    fresh = [row for row in new_rows if row.adopt is None]
    users = [User(email=row.email, full_name=row.full_name, organisation=organisation,
                  password=make_password(None)) for row in fresh]
    bulk_create_with_history(users, User, batch_size=1000, **history)
    for row, user in zip(fresh, users, strict=True):
        row.adopt = user
    if adopted:
        bulk_update_with_history(adopted, User, ["full_name", "is_active"], **history)

    # New leaders top-down, so each one's leader above has an id when it is written.
    depth: dict[int, int] = {}

    def depth_of(i: int) -> int:
        chain = []
        while i not in depth:
            above = rows[i].above
            if above is None or above[0] == "db" or rows[above[1]].existing is not None:
                depth[i] = 0
                break
            chain.append(i)
            i = above[1]
        base = depth[i]
        for n, j in enumerate(reversed(chain), start=1):
            depth[j] = base + n
        return depth[chain[0]] if chain else base

    index_of = {id(row): i for i, row in enumerate(rows)}
    by_depth: dict[int, list[_Row]] = {}
    for row in new_rows:
        by_depth.setdefault(depth_of(index_of[id(row)]), []).append(row)
    for level in sorted(by_depth):
        batch = []
        for row in by_depth[level]:
            assert row.unit is not None and row.leader_since is not None and row.adopt
            row.created = Leader(
                organisation=organisation, user=row.adopt, employee_number=row.employee_number,
                title=row.title, level=row.level or _LEVEL_OF_UNIT[UnitKind(row.unit.kind)],
                unit=row.unit, leader_above_id=pk_of(row.above), leader_since=row.leader_since)
            batch.append(row.created)
        bulk_create_with_history(batch, Leader, batch_size=1000, **history)

    leader_fields: set[str] = set()
    user_fields: set[str] = set()
    changed_leaders: list[Leader] = []
    changed_users: list[User] = []
    for row in rows:
        leader = row.existing
        if leader is None:
            continue
        user = leader.user
        updates: dict[str, Any] = {"employee_number": row.employee_number,
                                   "leader_above_id": pk_of(row.above)}
        if row.title:
            updates["title"] = row.title
        if row.unit is not None:
            updates["unit_id"] = row.unit.pk
        if row.leader_since:
            updates["leader_since"] = row.leader_since
        if row.level:
            updates["level"] = row.level
        touched = False
        for name, value in updates.items():
            if getattr(leader, name) != value:
                setattr(leader, name, value)
                leader_fields.add(name.removesuffix("_id"))
                touched = True
        if touched:
            changed_leaders.append(leader)
        touched = False
        for name, value in (("full_name", row.full_name), ("email", row.email),
                            ("is_active", True)):
            if getattr(user, name) != value:
                setattr(user, name, value)
                user_fields.add(name)
                touched = True
        if touched:
            changed_users.append(user)
    if changed_users:
        bulk_update_with_history(changed_users, User, sorted(user_fields), batch_size=1000,
                                 **history)
    if changed_leaders:
        bulk_update_with_history(changed_leaders, Leader, sorted(leader_fields),
                                 batch_size=1000, **history)
    if deactivate_leavers and plan.leavers:
        leaving = [leader.user for leader in plan.leavers]
        for user in leaving:
            user.is_active = False
        bulk_update_with_history(leaving, User, ["is_active"], batch_size=1000, **history)
