"""Reading a meeting plan from a spreadsheet: CSV as Excel writes it, or .xlsx.

Pure reading, no rules: each row becomes a :class:`PlanRow` (or the reasons
it cannot be read); :func:`networks.services.imports.meetings_import` checks
the rows with the same rules as a meeting entered by hand. Excel's quirks are
expected: Windows-1252 or UTF-8 with a BOM, semicolons as separators, dates as
``16.05.2027``, ``16.05.27`` or ``16.05.27.`` (as typed in the seed plan),
header names in bokmål, nynorsk or English.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .models import MeetingStatus, Slot

MAX_BYTES = 1_000_000
MAX_ROWS = 2000

HEADERS = {
    "group": ("group", "gruppe", "nettverksgruppe", "gruppenavn"),
    "round": ("round", "runde", "møte", "mote", "nr", "møtenummer", "number"),
    "date": ("date", "dato"),
    "slot": ("slot", "tid", "økt", "okt", "tidspunkt"),
    "adviser": ("adviser", "rådgiver", "rådgjevar", "fasilitator", "facilitator"),
    "state": ("state", "status", "tilstand"),
}
SLOTS = {"fl": Slot.MORNING, "formiddag": Slot.MORNING, "morning": Slot.MORNING,
         "el": Slot.AFTERNOON, "ettermiddag": Slot.AFTERNOON, "afternoon": Slot.AFTERNOON,
         "": "", "?": "", "tba": "", "avtales": "", "etter avtale": ""}
STATES = {
    MeetingStatus.NOT_PROPOSED: ("ikke satt", "ikkje sett", "ikke foreslått", "ikkje føreslått",
                                 "not yet proposed", "not set", "?"),
    MeetingStatus.PROPOSED: ("foreslått", "foreslatt", "føreslått", "proposed", "forslag",
                             "rød"),
    MeetingStatus.CONFIRMED: ("bekreftet", "stadfesta", "confirmed", "ok", "blå"),
    MeetingStatus.HELD: ("holdt", "halde", "gjennomført", "gjennomført", "held", "done"),
    MeetingStatus.CANCELLED: ("avlyst", "cancelled", "canceled"),
}
_DATE = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{2}|\d{4})\.?$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")


@dataclass
class PlanRow:
    line: int
    group: str = ""
    number: int | None = None
    date: dt.date | None = None
    slot: str = ""
    adviser: str = ""
    state: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def state_label(self) -> str:
        """The state in words, as the preview shows it (empty when the file's was unreadable)."""
        return str(MeetingStatus(self.state).label) if self.state in MeetingStatus.values else ""


class UnreadableFile(ValueError):
    """The file as a whole cannot be read (the message says why, in the user's language)."""


def _text(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _csv_rows(data: bytes) -> list[list[str]]:
    text = _text(data)
    first = text.splitlines()[0] if text.strip() else ""
    delimiter = max(";,\t", key=first.count)
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _xlsx_rows(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise UnreadableFile(_("The Excel file could not be read.")) from exc
    sheet = book.worksheets[0]
    rows = [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True,
                                                                max_row=MAX_ROWS + 1)]
    book.close()
    return rows


def parse_date(value: str) -> dt.date | None:
    value = value.strip()
    if value in ("", "?", "-", "–"):
        return None
    if m := _ISO.match(value):
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    m = _DATE.match(value.replace(" ", ""))
    if not m:
        raise ValueError(value)
    year = int(m[3])
    if year < 100:
        year += 2000
    return dt.date(year, int(m[2]), int(m[1]))


def _state(value: str) -> str | None:
    value = value.strip().lower()
    for state, words in STATES.items():
        if value in words:
            return state
    return None


def read_plan(data: bytes) -> list[PlanRow]:
    """The rows of a plan file, each with what it says or why it cannot be read."""
    if not data:
        raise UnreadableFile(_("The file is empty."))
    if len(data) > MAX_BYTES:
        raise UnreadableFile(_("The file is larger than 1 MB."))
    table = _xlsx_rows(data) if data[:2] == b"PK" else _csv_rows(data)
    table = [row for row in table if any(c.strip() for c in row)]
    if not table:
        raise UnreadableFile(_("The file is empty."))
    header = [c.strip().lower() for c in table[0]]
    columns: dict[str, int] = {}
    for key, names in HEADERS.items():
        for index, name in enumerate(header):
            if name in names:
                columns[key] = index
                break
    missing = [key for key in ("group", "round", "date") if key not in columns]
    if missing:
        raise UnreadableFile(_("The first row must name the columns group, round, date, "
                               "slot, adviser and state."))
    if len(table) > MAX_ROWS + 1:
        raise UnreadableFile(_("At most %(count)d rows can be imported at once.")
                             % {"count": MAX_ROWS})
    rows = []
    for line, cells in enumerate(table[1:], start=2):
        def get(key: str, cells: list[str] = cells) -> str:
            index = columns.get(key)
            return cells[index].strip() if index is not None and index < len(cells) else ""

        row = PlanRow(line=line, group=get("group"), adviser=get("adviser"))
        raw_number = get("round")
        if raw_number.isdigit() and 0 < int(raw_number) < 100:
            row.number = int(raw_number)
        else:
            row.problems.append(_("The round must be a number such as 1, 2 or 3."))
        try:
            row.date = parse_date(get("date"))
        except ValueError:
            row.problems.append(_("«%(value)s» is not a date; write it as 16.05.2027.")
                                % {"value": get("date")})
        slot = SLOTS.get(get("slot").lower())
        if slot is None:
            row.problems.append(_("«%(value)s» is not a slot; write FL (morning), EL "
                                  "(afternoon) or leave it empty.") % {"value": get("slot")})
        else:
            row.slot = slot
        raw_state = get("state")
        state = _state(raw_state) if raw_state else (
            MeetingStatus.PROPOSED if row.date else MeetingStatus.NOT_PROPOSED)
        if state is None:
            row.problems.append(_("«%(value)s» is not a state; write proposed, confirmed, "
                                  "held, cancelled or not yet proposed.") % {"value": raw_state})
        else:
            row.state = state
        if not row.group:
            row.problems.append(_("The group is missing."))
        rows.append(row)
    return rows
