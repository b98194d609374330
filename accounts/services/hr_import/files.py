"""Reading an HR system's export: CSV or XLSX, as Excel, Visma and SAP write them.

Everything a real file throws at us is handled here, once: a byte-order mark,
Windows-1252 from an Excel "CSV (semikolonseparert)", UTF-16 from Excel's
"Unicode text", semicolons or tabs instead of commas, blank lines, Norwegian
dates, and cells that are formulas (``=cmd|' /C calc'!A0``), which are refused
per row rather than stored and later exported into someone's spreadsheet.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from lib.dates import EARLIEST_YEAR, LATEST_YEAR

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 20_000
# A file with a name or title longer than this is not an HR export.
MAX_CELL = 1000


@dataclass(frozen=True)
class Row:
    line: int  # as a spreadsheet shows it: the heading is line 1
    cells: tuple[Any, ...]


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[Row, ...]


def _unreadable() -> ValidationError:
    return ValidationError(
        _("The file could not be read. Upload the export as CSV or as an Excel workbook (.xlsx)."),
        code="unreadable_file")


def _decode(content: bytes) -> str:
    """UTF-8 (with or without a BOM), UTF-16 with a BOM, else Windows-1252 (Excel's ANSI)."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        return content.decode("utf-16")
    if content.startswith(b"\xef\xbb\xbf"):
        content = content[3:]
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        # cp1252 leaves five bytes undefined; a file with them is not text at all.
        try:
            return content.decode("cp1252")
        except UnicodeDecodeError:
            raise _unreadable() from None


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (";", "\t", ",")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _read_csv(content: bytes) -> list[tuple[int, list[Any]]]:
    text = _decode(content)
    if "\x00" in text:
        raise _unreadable()
    first = next((line for line in text.splitlines() if line.strip()), "")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first))
    rows = []
    try:
        for cells in reader:
            rows.append((reader.line_num, list(cells)))
            if len(rows) > MAX_ROWS + 1:
                break
    except csv.Error:
        raise _unreadable() from None
    return rows


def _read_xlsx(content: bytes) -> list[tuple[int, list[Any]]]:
    from openpyxl import load_workbook

    try:
        # data_only=False: a formula arrives as its text ("=…"), so it can be refused.
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError):
        raise _unreadable() from None
    try:
        sheet = book.worksheets[0]
        rows = []
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            rows.append((number, list(cells)))
            if len(rows) > MAX_ROWS + 1:
                break
    except (KeyError, ValueError, TypeError, zipfile.BadZipFile):
        raise _unreadable() from None
    finally:
        book.close()
    return rows


def _blank(cells: Sequence[Any]) -> bool:
    return all(cell is None or str(cell).strip() == "" for cell in cells)


def read_table(content: bytes, file_name: str = "") -> Table:
    """The heading and the non-blank rows of the first sheet; refuses what is no table."""
    if not content or not content.strip():
        raise ValidationError(_("The file is empty."), code="empty_file")
    if len(content) > MAX_BYTES:
        raise ValidationError(_("The file is larger than %(size)s MB."), code="file_too_large",
                              params={"size": MAX_BYTES // (1024 * 1024)})
    raw = _read_xlsx(content) if content.startswith(b"PK\x03\x04") else _read_csv(content)
    raw = [(line, cells) for line, cells in raw if not _blank(cells)]
    if not raw:
        raise ValidationError(_("The file is empty."), code="empty_file")
    if len(raw) - 1 > MAX_ROWS:
        raise ValidationError(_("The file has more than %(count)s rows."), code="too_many_rows",
                              params={"count": MAX_ROWS})
    headers = tuple(clean_text(cell) for cell in raw[0][1])
    named = [h for h in headers if h]
    if not named:
        raise ValidationError(_("The first line must hold the column headings."),
                              code="no_headings")
    duplicates = sorted({h for h in named if named.count(h) > 1})
    if duplicates:
        raise ValidationError(_("The column heading %(heading)s appears more than once."),
                              code="duplicate_heading", params={"heading": duplicates[0]})
    return Table(headers, tuple(Row(line, tuple(cells)) for line, cells in raw[1:]))


# --- cells ---------------------------------------------------------------------------------

_FORMULA = re.compile(r"^[=+@\t\r]|^-(?![\d\s.,]*$)")


def clean_text(value: Any) -> str:
    """A cell as one line of text: whitespace (newlines too) collapsed, numbers without ``.0``."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    return " ".join(str(value).split())


def is_formula(value: Any) -> bool:
    """A cell that a spreadsheet would run: refused, never stored (CSV injection)."""
    return isinstance(value, str) and bool(_FORMULA.match(value.lstrip(" ")))


_DATE_FORMATS = ("%d.%m.%Y", "%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y %H:%M:%S",
                 "%Y-%m-%d %H:%M:%S")


def parse_date(value: Any) -> dt.date:
    """dd.mm.yyyy (as Norwegians write it), ISO, or a date cell of a workbook."""
    if isinstance(value, dt.datetime):
        result = value.date()
    elif isinstance(value, dt.date):
        result = value
    else:
        text = clean_text(value)
        for fmt in _DATE_FORMATS:
            try:
                result = dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date
                break
            except ValueError:
                continue
        else:
            raise ValidationError(
                _("«%(value)s» is not a date; write it as dd.mm.yyyy."), code="bad_date",
                params={"value": text[:40]})
    if not EARLIEST_YEAR <= result.year <= LATEST_YEAR:
        raise ValidationError(_("Enter a date between the years %(earliest)s and %(latest)s."),
                              code="bad_date",
                              params={"earliest": EARLIEST_YEAR, "latest": LATEST_YEAR})
    return result
