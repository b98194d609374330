"""Nothing secret and no live formula leaves in any export (issue 14, items 2 and 8).

On the demo world, municipality A's names, units, titles, suppliers, topics and
notes are made to start like spreadsheet formulas (``=``, ``+``, ``-``, ``@``, a
tab). Then A's O&F downloads every admin export (every registered admin that
has one, as CSV and as Excel, through import-export's form) and every
hand-written file (participant lists, survey reports, the invoice basis, the
management reports), and every cell is read back:

* a cell starting with ``= + - @``, a tab or CR is an error unless it is a plain
  number (``-12,50``) — the hostile values must come out escaped (``'=…``), and
  each file must hold at least one of them, so the test fails if the data never
  reached the file;
* no password hash and no calendar token of any user appears in the bytes
  (the .xlsx unpacked);
* B's O&F gets none of A's rows in the same admin exports.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

import openpyxl
import pytest
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import F, Value
from django.db.models.functions import Concat
from django.test import Client
from django.urls import reverse

from accounts.models import Leader, Unit, User
from coaching.models import Booking, CoachProfile, FrameworkAgreement, Supplier
from groups.models import LeaderGroup, RolloutWave
from lib.exports import csv_bytes, escape_cell, export_problems, exporting_admins, xlsx_bytes
from lib.models import GeneratedDocument
from networks.models import NetworkGroup, NetworkHoliday, NetworkMeeting
from programs.models import Enrollment, Gathering, Module, ModuleSession, Programme
from reports.models import TravelCost
from surveys.models import Choice, Dimension, Item, Round
from tests.access_world import World

pytestmark = pytest.mark.django_db

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Written here rather than imported, so the test does not trust the code it checks.
PLAIN_NUMBER = re.compile(r"-?[\d \u00a0\u202f]*\d(?:[.,]\d+)?\Z")
HOSTILE_NOTE = '=HYPERLINK("http://evil.example","x")'
HOSTILE_TRAVEL = "=Reise til Ålesund"
# Columns no admin export has: secrets, O&F's own notes, the words of a group,
# and links that may carry a meeting room's passcode.
PRIVATE_COLUMNS = {"password", "calendar_token", "notes", "decision_note", "focus",
                   "meeting_link", "video_url", "presentation", "disclosure"}
HASH_MARKERS = (b"md5$", b"pbkdf2_", b"argon2", b"bcrypt", b"scrypt")


def _prefix(model: type, field: str, prefix: str, **filters: object) -> int:
    return model.objects.filter(**filters).update(**{field: Concat(Value(prefix), F(field))})


@pytest.fixture
def hostile(world: World) -> World:
    """Municipality A's typed-in values, each starting like a formula."""
    org = world.users["oaf_a"].organisation
    _prefix(User, "full_name", "=", organisation=org)
    _prefix(Leader, "title", "+", organisation=org)
    _prefix(Unit, "name", "@", organisation=org)
    _prefix(Supplier, "name", "-", organisation=org)
    _prefix(FrameworkAgreement, "name", "=", organisation=org)
    _prefix(CoachProfile, "location", "@", organisation=org)
    _prefix(Programme, "name", "-", organisation=org)
    _prefix(Gathering, "theme", "@", programme__organisation=org)
    _prefix(Module, "topic", "=", programme__organisation=org)
    _prefix(ModuleSession, "theme", "+", module__programme__organisation=org)
    _prefix(ModuleSession, "place", "\t", module__programme__organisation=org)
    Enrollment.objects.filter(module__programme__organisation=org).update(note=HOSTILE_NOTE)
    _prefix(LeaderGroup, "name", "=", organisation=org)
    _prefix(RolloutWave, "name", "+", organisation=org)
    _prefix(NetworkHoliday, "name", "-", organisation=org)
    _prefix(NetworkGroup, "name", "@", plan__programme__organisation=org)
    _prefix(NetworkMeeting, "place", "=", group__plan__programme__organisation=org)
    Round.objects.filter(organisation=org).update(title="=Runde 1+1")
    programme = Programme.objects.filter(organisation=org).order_by("pk").first()
    TravelCost.objects.create(programme=programme, date=programme.starts_on,
                              description=HOSTILE_TRAVEL, amount=1250, paid_by="oaf")
    _prefix(TravelCost, "description", "=", programme__organisation=org,
            description__regex=r"^[^=]")
    # The texts of the instruments A's rounds use (a standard one too: rolled back after).
    instruments = Round.objects.filter(organisation=org).values("instrument")
    for lang in ("nb", "nn", "en"):
        _prefix(Dimension, f"name_{lang}", "@", instrument__in=instruments)
        _prefix(Item, f"text_{lang}", "=", instrument__in=instruments)
        _prefix(Choice, f"label_{lang}", "+", item__instrument__in=instruments)
    assert Enrollment.objects.filter(note=HOSTILE_NOTE).exists()
    return world


# --- Reading a file back ---------------------------------------------------------------------


@dataclass
class Export:
    name: str
    content: bytes
    cells: list[str]
    rows: int  # header included


def _csv_rows(content: bytes) -> list[list[str]]:
    text = content.decode("utf-8-sig")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    return [row for row in csv.reader(io.StringIO(text), delimiter=delimiter) if row]


def _xlsx_rows(content: bytes) -> list[list[str]]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    rows = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"a formula in {cell.coordinate}: {cell.value!r}"
            rows.append([cell.value for cell in row if isinstance(cell.value, str)])
    return rows


def _read(name: str, response: object) -> Export:
    assert response.status_code == 200, (name, response.status_code)
    content = (b"".join(response.streaming_content) if response.streaming
               else response.content)
    rows = _xlsx_rows(content) if content.startswith(b"PK") else _csv_rows(content)
    return Export(name, content, [cell for row in rows for cell in row], len(rows))


def _unpacked(content: bytes) -> bytes:
    """The bytes to search for secrets: an .xlsx is a zip of XML files."""
    if not content.startswith(b"PK"):
        return content
    archive = zipfile.ZipFile(io.BytesIO(content))
    return b"".join(archive.read(name) for name in archive.namelist())


def _live_formulas(cells: list[str]) -> list[str]:
    return [cell for cell in cells
            if cell.startswith(FORMULA_START) and not PLAIN_NUMBER.match(cell)]


def _escaped(cells: list[str]) -> list[str]:
    return [cell for cell in cells if cell[:1] == "'" and cell[1:2] in FORMULA_START]


def _reached(export: Export) -> bool:
    """The hostile values reached the file (escaped) — else the test proves nothing."""
    if export.name == "reports.costs_csv":
        # A travel line names the expense as typed, in a cell of its own: escaped.
        return "'" + HOSTILE_TRAVEL in export.cells
    if export.name.startswith("survey") and export.rows == 1:
        return True  # every cell under the anonymity threshold: the header alone
    return bool(_escaped(export.cells))


# --- Getting every export ---------------------------------------------------------------------


def _allow_listed_admins() -> list[admin.ModelAdmin]:
    return [model_admin for model_admin in exporting_admins() if model_admin.resource_classes]


def _admin_exports(client: Client) -> Iterator[Export]:
    """Every admin export through import-export's form: GET the form, POST it back."""
    for model_admin in _allow_listed_admins():
        opts = model_admin.model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_export")
        page = client.get(url)
        assert page.status_code == 200, url
        form = page.context["form"]
        formats = {label: value for value, label in form.fields["format"].choices}
        assert set(formats) >= {"csv", "xlsx"}
        assert not set(formats) - {"csv", "xlsx", "---"}, formats  # only escaped formats
        selected = {name: "on" for name, field in form.fields.items()
                    if getattr(field, "is_selectable_field", False)}
        for label in ("csv", "xlsx"):
            response = client.post(url, {"format": formats[label], "resource": "0", **selected})
            yield _read(f"{opts.label} as {label}", response)


def _participant_lists(client: Client, world: World) -> Iterator[Export]:
    org = world.users["oaf_a"].organisation
    modules = list(Module.objects.filter(programme__organisation=org).values_list("pk",
                                                                                  flat=True))
    for action in ("export_participants_csv", "export_participants_xlsx"):
        response = client.post(reverse("admin:programs_module_changelist"),
                               {"action": action, ACTION_CHECKBOX_NAME: modules})
        yield _read(f"participant list ({action})", response)


def _survey_reports(client: Client, world: World) -> Iterator[Export]:
    org = world.users["oaf_a"].organisation
    for round_id in Round.objects.filter(organisation=org).values_list("pk", flat=True):
        response = client.get(reverse("surveys:report_csv", args=[round_id]))
        if response.status_code == 200:
            yield _read(f"survey report {round_id}", response)


def _invoice_bases(client: Client, world: World) -> Iterator[Export]:
    org = world.users["oaf_a"].organisation
    months = sorted({b.starts_at.strftime("%Y-%m") for b in
                     Booking.objects.filter(course__organisation=org).only("starts_at")})
    for month in months:
        response = client.get(reverse("admin:coaching_invoicebasis_csv"), {"maned": month})
        yield _read(f"invoice basis {month}", response)


def _management_reports(client: Client, world: World, capture: object) -> Iterator[Export]:
    org = world.users["oaf_a"].organisation
    programme = Programme.objects.filter(organisation=org).order_by("pk").first()
    for kind in ("reports.status_csv", "reports.costs_csv"):
        with capture(execute=True):
            response = client.post(reverse("admin:reports_reportjob_add"),
                                   {"kind": kind, "programme": programme.pk})
        assert response.status_code == 302, kind
        document = GeneratedDocument.objects.filter(kind=kind).latest("created_at")
        document.refresh_from_db()
        assert document.status == "done", (kind, document.status)
        download = client.get(reverse("lib:document_download", args=[document.pk]))
        yield _read(kind, download)


# --- The tests --------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "written"), [
    ("=1+1", "'=1+1"), ('=HYPERLINK("x")', '\'=HYPERLINK("x")'),
    ("+47 912 34 567", "'+47 912 34 567"),
    ("-Rådgiving AS", "'-Rådgiving AS"), ("@Solbakken", "'@Solbakken"), ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"), ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
    ("'=1", "'=1"),  # already escaped: not twice
    ("-12,50", "-12,50"), ("-1 234,50", "-1 234,50"), ("-0.45", "-0.45"),
    (-5, -5), (Decimal("-1.50"), Decimal("-1.50")), (None, None), ("Ålesund", "Ålesund"),
])
def test_a_cell_is_escaped_only_when_it_could_run(value, written):
    assert escape_cell(value) == written


def test_csv_and_xlsx_keep_numbers_and_escape_text():
    header, rows = ["Navn", "Beløp"], [["=Eva Ødegård", 12], ["Per", "-3,50"]]
    text = csv_bytes([header, *rows]).decode("utf-8")
    assert text == "\ufeffNavn;Beløp\r\n'=Eva Ødegård;12\r\nPer;-3,50\r\n"
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(header, rows, sheet="Ark"))).active
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["Navn", "Beløp"], ["'=Eva Ødegård", 12], ["Per", "-3,50"]]
    assert sheet["A2"].data_type == "s" and sheet["B2"].data_type == "n"


def test_every_exporting_admin_names_its_columns():
    assert export_problems() == []
    names = {type(model_admin).__name__ for model_admin in _allow_listed_admins()}
    # The exports the issue found leaking, and the ones it names, are allow-listed.
    assert {"UserAdmin", "LeaderAdmin", "EnrollmentAdmin", "SupplierAdmin",
            "CoachingCourseAdmin", "BookingAdmin"} <= names
    for model_admin in exporting_admins():
        for resource in model_admin.resource_classes:
            columns = set(resource().fields)
            assert not PRIVATE_COLUMNS & columns, resource.__name__
            # A leader's note to O&F goes with their enrolment (as on the participant list).
            assert "note" not in columns or resource.__name__ == "EnrollmentResource"


def test_an_admin_without_an_allow_list_offers_no_export(client, personas):
    """Organisations have no resource: no export, whatever the library would build."""
    client.force_login(personas.alice)
    response = client.get(reverse("admin:accounts_organisation_export"))
    assert response.status_code == 403
    listing = client.get(reverse("admin:accounts_organisation_changelist"))
    assert reverse("admin:accounts_organisation_export") not in listing.content.decode()


def test_no_export_holds_a_secret_or_a_live_formula(hostile: World,
                                                    django_capture_on_commit_callbacks):
    client = hostile.client("oaf_a")
    exports = [
        *_admin_exports(client),
        *_participant_lists(client, hostile),
        *_survey_reports(client, hostile),
        *_invoice_bases(client, hostile),
        *_management_reports(client, hostile, django_capture_on_commit_callbacks),
    ]
    kinds = {export.name.split(" ")[0] for export in exports}
    assert {"survey", "invoice", "participant", "reports.status_csv",
            "reports.costs_csv", "accounts.User"} <= kinds
    secrets = [value.encode() for pair in User.objects.values_list("password", "calendar_token")
               for value in pair if value]
    assert secrets
    for export in exports:
        assert _live_formulas(export.cells) == [], export.name
        assert _reached(export), f"{export.name} holds no hostile value"
        raw = _unpacked(export.content)
        assert not [marker for marker in HASH_MARKERS if marker in raw], export.name
        assert not [secret for secret in secrets if secret in raw], export.name
    assert [e for e in exports if e.name.startswith("survey") and _escaped(e.cells)]
    everything = [cell for export in exports for cell in export.cells]
    assert "'" + HOSTILE_NOTE in everything


def test_other_municipality_exports_none_of_a(hostile: World):
    org_a = hostile.users["oaf_a"].organisation
    a_values = {value.encode() for value in
                [*User.objects.filter(organisation=org_a).values_list("email", flat=True),
                 *Unit.objects.filter(organisation=org_a).values_list("name", flat=True)]}
    exports = list(_admin_exports(hostile.client("oaf_b")))
    assert exports
    for export in exports:
        assert _escaped(export.cells) == [], export.name  # only A's values were made hostile
        raw = _unpacked(export.content)
        assert not [value for value in a_values if value in raw], export.name
