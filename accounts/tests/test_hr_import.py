"""The HR import's services: reading real-world files, the dry run, apply, idempotence."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from openpyxl import Workbook

from accounts.models import (
    HRImportBatch,
    HRImportMapping,
    HRImportStatus,
    Leader,
    LeaderLevel,
    Unit,
    UnitKind,
    User,
)
from accounts.services.hr_import import hr_import_apply, hr_import_preview, hr_import_upload
from accounts.services.hr_import.files import read_table
from lib.models import AuditEntry
from lib.testing import assert_refused
from tests.factories import LeaderFactory, OrganisationFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

HEAD = "Ansattnr;Fornavn;Etternavn;E-post;Stilling;Enhetskode;Enhet;Nærmeste leder;Leder fra"


@pytest.fixture(autouse=True)
def _english():
    # The labels of changes are asserted in English (the msgids).
    with translation.override("en"):
        yield


@pytest.fixture
def org():
    return OrganisationFactory(name="Fjordvik kommune", slug="fjordvik")


@pytest.fixture
def tree(org):
    area = UnitFactory(organisation=org, name="Oppvekst", kind=UnitKind.SERVICE_AREA, code="2000")
    north = UnitFactory(organisation=org, name="Nordli skole", parent=area, code="2110")
    # Two units with the same name, told apart by their code.
    south = UnitFactory(organisation=org, name="Nordli skole", parent=area, code="2120")
    dept = UnitFactory(organisation=org, name="SFO", parent=north, kind=UnitKind.DEPARTMENT,
                       code="2111")
    return {"area": area, "north": north, "south": south, "dept": dept}


@pytest.fixture
def admin_user(org):
    return UserFactory(organisation=org, is_oaf_admin=True, email="of@fjordvik.example")


def csv_bytes(*lines: str, encoding: str = "utf-8") -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


FILE = (
    HEAD,
    "1001;Åse Marit;Østby;ase.ostby@fjordvik.example;Kommunalsjef oppvekst;2000;Oppvekst;;"
    "01.08.2015",
    "1002;Øyvind;Ærlig-Dahl;oyvind.dahl@fjordvik.example;Rektor;2110;Nordli skole;1001;"
    "15.01.2019",
    "1003;Siri;Bø;siri.bo@fjordvik.example;Rektor;2120;Nordli skole;ase.ostby@fjordvik.example;"
    "03.09.2024",
    "1004;Jon Are;Li;jon.li@fjordvik.example;SFO-leder;2111;SFO;1002;01.02.2021",
)


def preview(org, admin_user, content, *, kind="leaders", name="hr.csv", columns=None):
    batch = hr_import_upload(organisation=org, kind=kind, file_name=name, content=content,
                             actor=admin_user)
    return batch, hr_import_preview(batch=batch, columns=columns)


def run(org, admin_user, content, **kwargs):
    batch, result = preview(org, admin_user, content, **kwargs)
    assert result.report is not None, result.mapping_errors
    assert result.report.errors == []
    hr_import_apply(batch=batch, actor=admin_user)
    return result.report


def test_a_first_file_creates_leaders_with_their_reporting_lines(org, tree, admin_user):
    report = run(org, admin_user, csv_bytes(*FILE))
    assert [e.key for e in report.new] == ["1001", "1002", "1003", "1004"]
    leaders = {x.employee_number: x for x in Leader.objects.select_related("user", "unit")}
    assert leaders["1002"].leader_above == leaders["1001"]
    assert leaders["1003"].leader_above == leaders["1001"]  # found by email
    assert leaders["1004"].leader_above == leaders["1002"]
    assert leaders["1001"].user.full_name == "Åse Marit Østby"
    assert leaders["1003"].unit == tree["south"]
    assert leaders["1003"].leader_since == dt.date(2024, 9, 3)
    # No level in the file: the level of the unit led.
    assert leaders["1001"].level == LeaderLevel.MUNICIPAL_HEAD
    assert leaders["1004"].level == LeaderLevel.DEPARTMENT_LEADER
    # Nobody gets a password by import; they sign in through "forgot password" or SSO.
    assert not leaders["1002"].user.has_usable_password()
    # Logged in the change history, with who and why.
    history = leaders["1002"].history.get()
    assert history.history_user == admin_user and "hr.csv" in history.history_change_reason
    assert leaders["1002"].user.history.count() == 1
    entry = AuditEntry.objects.get(action="accounts.hr_import.leaders")
    assert entry.data["new"] == 4 and entry.actor == admin_user


def test_the_same_file_twice_changes_nothing(org, tree, admin_user):
    run(org, admin_user, csv_bytes(*FILE))
    before = list(Leader.objects.order_by("pk").values())
    history = Leader.history.count()
    batch, result = preview(org, admin_user, csv_bytes(*FILE))
    assert not result.report.has_changes
    assert result.report.unchanged == 4
    hr_import_apply(batch=batch, actor=admin_user)
    assert list(Leader.objects.order_by("pk").values()) == before
    assert Leader.history.count() == history


def test_dry_run_lists_changes_old_to_new_moves_and_leavers_and_writes_nothing(
        org, tree, admin_user):
    run(org, admin_user, csv_bytes(*FILE))
    changed = (
        FILE[0], FILE[1],
        # 1002: new title; 1003 moves to another unit; 1004 has left; 1005 is new.
        "1002;Øyvind;Ærlig-Dahl;oyvind.dahl@fjordvik.example;Rektor og leder;2110;Nordli skole;"
        "1001;15.01.2019",
        "1003;Siri;Bø;siri.bo@fjordvik.example;Rektor;2110;Nordli skole;1001;03.09.2024",
        "1005;Kari;Nordmann;kari.n@fjordvik.example;Avdelingsleder;2111;SFO;1003;01.11.2025",
    )
    before = list(Leader.objects.order_by("pk").values())
    batch, result = preview(org, admin_user, csv_bytes(*changed))
    report = result.report
    assert list(Leader.objects.order_by("pk").values()) == before
    assert [e.key for e in report.new] == ["1005"]
    assert [(e.key, [(c.label, c.old, c.new) for c in e.changes]) for e in report.changed] == [
        ("1002", [("job title", "Rektor", "Rektor og leder")])]
    assert [e.key for e in report.moved] == ["1003"]
    assert [(c.old, c.new) for c in report.moved[0].changes] == [
        ("Nordli skole (2120)", "Nordli skole (2110)")]
    assert [e.key for e in report.missing] == ["1004"]
    hr_import_apply(batch=batch, actor=admin_user)
    leaver = Leader.objects.select_related("user").get(employee_number="1004")
    assert leaver.user.is_active is False  # deactivated, never deleted
    assert Leader.objects.get(employee_number="1005").leader_above.employee_number == "1003"
    # Back in the file: active again.
    _, result = preview(org, admin_user, csv_bytes(*FILE))
    assert [(c.label, c.new) for e in result.report.changed for c in e.changes
            if e.key == "1004"] == [("active", "yes")]


def test_existing_leaders_without_a_number_are_found_by_email(org, tree, admin_user):
    typed = LeaderFactory(organisation=org, unit=tree["north"],
                          user=UserFactory(organisation=org, email="Oyvind.Dahl@fjordvik.example",
                                           full_name="Øyvind Ærlig-Dahl"))
    report = run(org, admin_user, csv_bytes(*FILE))
    assert "1002" not in [e.key for e in report.new]
    typed.refresh_from_db()
    assert typed.employee_number == "1002"
    assert Leader.objects.count() == 4


@pytest.mark.parametrize(("line", "code"), [
    ("1009;Per;Ukjent;per@fjordvik.example;Rektor;9999;Finnes ikke;1001;01.01.2020",
     "unknown_unit"),
    ("1009;Per;Ukjent;per@fjordvik.example;Rektor;2110;Nordli;7777;01.01.2020",
     "leader_above_not_found"),
    ("1009;Per;Ukjent;siri.bo@fjordvik.example;Rektor;2110;Nordli;1001;01.01.2020",
     "duplicate_email"),
    ("1009;Per;Ukjent;per@fjordvik.example;Rektor;2110;Nordli;1001;31.02.2020", "bad_date"),
    ("1009;Per;Ukjent;per@fjordvik.example;Rektor;2110;Nordli;1001;2020-13-01", "bad_date"),
    ("1009;Per;Ukjent;per@fjordvik.example;Rektor;2110;Nordli;1001;01.01.9999", "bad_date"),
    ("1009;Per;Ukjent;ikke-en-adresse;Rektor;2110;Nordli;1001;01.01.2020", "bad_email"),
    ("1009;Per;Ukjent;per@fjordvik.example;Rektor;2110;Nordli;1009;01.01.2020", "circular"),
    ("1003;Per;Ukjent;per@fjordvik.example;Rektor;2110;Nordli;1001;01.01.2020",
     "duplicate_employee_number"),
    ("=cmd|' /C calc'!A0;Per;Ukjent;per@fjordvik.example;Rektor;2110;Nordli;1001;01.01.2020",
     "formula"),
    ("1009;Per;Ukjent;per@fjordvik.example;=HYPERLINK(\"http://x\");2110;Nordli;1001;01.01.2020",
     "formula"),
    ("1009;Per;Ukjent;per@fjordvik.example;;2110;Nordli;1001;01.01.2020", "missing_value"),
    (";Per;Ukjent;per@fjordvik.example;Rektor;2110;Nordli;1001;01.01.2020", "missing_value"),
])
def test_a_bad_row_is_named_with_its_reason_and_nothing_is_imported(
        org, tree, admin_user, line, code):
    batch, result = preview(org, admin_user, csv_bytes(*FILE, line))
    errors = result.report.errors
    assert [(e.line, e.code) for e in errors] == [(6, code)]
    assert errors[0].message
    assert_refused("import_has_errors", lambda: hr_import_apply(batch=batch, actor=admin_user))
    assert Leader.objects.count() == 0 and User.objects.count() == 1


def test_an_email_of_another_municipality_is_refused(org, tree, admin_user):
    UserFactory(organisation=OrganisationFactory(), email="siri.bo@fjordvik.example")
    _, result = preview(org, admin_user, csv_bytes(*FILE))
    assert [(e.line, e.code) for e in result.report.errors] == [(4, "duplicate_email")]


def test_a_circle_of_leaders_above_is_refused(org, tree, admin_user):
    lines = (HEAD,
             "1;Anne;A;a@fjordvik.example;Rektor;2110;X;3;01.01.2020",
             "2;Berit;B;b@fjordvik.example;Rektor;2110;X;1;01.01.2020",
             "3;Cato;C;c@fjordvik.example;Rektor;2110;X;2;01.01.2020",
             "4;Dina;D;d@fjordvik.example;Rektor;2110;X;3;01.01.2020")
    _, result = preview(org, admin_user, csv_bytes(*lines))
    assert [(e.line, e.code) for e in result.report.errors] == [
        (2, "circular"), (3, "circular"), (4, "circular")]


def test_a_circle_through_a_leader_already_in_the_portal_is_refused(org, tree, admin_user):
    run(org, admin_user, csv_bytes(*FILE))
    # 1001 would report to 1004, who reports (through 1002) to 1001.
    lines = list(FILE)
    lines[1] = lines[1].replace(";;01.08.2015", ";1004;01.08.2015")
    _, result = preview(org, admin_user, csv_bytes(*lines))
    assert {(e.line, e.code) for e in result.report.errors} == {
        (2, "circular"), (3, "circular"), (5, "circular")}


def test_windows_1252_bom_semicolons_blank_lines_and_newlines_in_names(org, tree, admin_user):
    cp1252 = csv_bytes(FILE[0], "", FILE[1], ";;;;;;;;", "", *FILE[2:], encoding="cp1252")
    assert "Ø".encode("cp1252") in cp1252
    report = run(org, admin_user, cp1252)
    assert len(report.new) == 4
    assert User.objects.get(email="ase.ostby@fjordvik.example").full_name == "Åse Marit Østby"
    # The same people from a UTF-8 file with a BOM, commas and a quoted newline: no change.
    comma = ("\ufeff" + FILE[0].replace(";", ",") + "\n" + "\n".join(
        line.replace(";", ",") for line in FILE[1:])).replace(
        "Åse Marit,", '"Åse\nMarit",')
    _, result = preview(org, admin_user, comma.encode("utf-8"))
    assert result.report.errors == [] and not result.report.has_changes


def test_xlsx_with_date_cells_and_a_formula_cell(org, tree, admin_user):
    book = Workbook()
    sheet = book.active
    sheet.append(FILE[0].split(";"))
    for line in FILE[1:]:
        cells: list = line.split(";")
        cells[0] = int(cells[0])
        cells[8] = dt.datetime.strptime(cells[8], "%d.%m.%Y")  # noqa: DTZ007
        sheet.append(cells)
    sheet.append([1005, "Kari", "Nordmann", "kari@fjordvik.example", "=1+1", "2110", "X", 1001,
                  dt.datetime(2025, 1, 1)])  # noqa: DTZ001
    out = io.BytesIO()
    book.save(out)
    batch, result = preview(org, admin_user, out.getvalue(), name="hr.xlsx")
    assert [(e.line, e.code) for e in result.report.errors] == [(6, "formula")]
    assert [e.key for e in result.report.new] == ["1001", "1002", "1003", "1004"]


@pytest.mark.parametrize(("content", "code"), [
    (b"", "empty_file"),
    (b"\r\n\r\n  \r\n", "empty_file"),
    (b"PK\x03\x04 not really a workbook", "unreadable_file"),
    (b"\x81\x8d\x8f\x90\x9d binary", "unreadable_file"),
    (b"Ansattnr;Ansattnr\r\n1;2\r\n", "duplicate_heading"),
])
def test_a_file_that_is_no_table_is_refused(org, admin_user, content, code):
    assert_refused(code, lambda: hr_import_upload(
        organisation=org, kind="leaders", file_name="x.csv", content=content, actor=admin_user))
    assert HRImportBatch.objects.count() == 0


def test_the_mapping_is_chosen_once_and_remembered(org, tree, admin_user):
    odd = csv_bytes("Nr,Hele navnet,Adresse,Jobb,Sted,Sjef,Fra",
                    "1001,Åse Østby,ase@fjordvik.example,Kommunalsjef,2000,,01.08.2015")
    batch, result = preview(org, admin_user, odd)
    assert result.report is None and result.mapping_errors
    columns = {"employee_number": "Nr", "full_name": "Hele navnet", "email": "Adresse",
               "title": "Jobb", "unit_code": "Sted", "leader_above": "Sjef",
               "leader_since": "Fra"}
    result = hr_import_preview(batch=batch, columns=columns)
    assert [e.key for e in result.report.new] == ["1001"]
    assert HRImportMapping.objects.get(organisation=org, kind="leaders").columns == columns
    # The next file of the month is read with the remembered mapping.
    _, result = preview(org, admin_user, odd)
    assert result.report is not None and [e.key for e in result.report.new] == ["1001"]
    # Another municipality starts from the guesses.
    other = OrganisationFactory()
    _, result = preview(other, UserFactory(organisation=other, is_oaf_admin=True), odd)
    assert result.report is None


def test_a_batch_is_applied_once_and_its_file_is_not_kept(org, tree, admin_user):
    batch, _ = preview(org, admin_user, csv_bytes(*FILE))
    hr_import_apply(batch=batch, actor=admin_user)
    batch.refresh_from_db()
    assert batch.status == HRImportStatus.APPLIED and bytes(batch.content) == b""
    assert_refused("already_applied", lambda: hr_import_apply(batch=batch, actor=admin_user))


def test_ten_thousand_rows_import_cleanly(org, tree, admin_user):
    lines = [HEAD, "1;Toppen;Leder;topp@fjordvik.example;Kommunalsjef;2000;O;;01.01.2010"]
    lines += [f"{n};Leder;Nummer {n};l{n}@fjordvik.example;Teamleder;2111;SFO;{max(1, n // 10)};"
              f"01.0{n % 9 + 1}.2020" for n in range(2, 10_001)]
    report = run(org, admin_user, csv_bytes(*lines))
    assert len(report.new) == 10_000
    assert Leader.objects.count() == 10_000
    assert Leader.objects.get(employee_number="555").leader_above.employee_number == "55"


def test_other_municipalitys_leaders_are_neither_matched_nor_proposed_as_leavers(
        org, tree, admin_user):
    other = OrganisationFactory()
    LeaderFactory(organisation=other, employee_number="1001",
                  unit=UnitFactory(organisation=other, code="2000"))
    report = run(org, admin_user, csv_bytes(*FILE))
    assert len(report.new) == 4 and report.missing == []
    assert Leader.objects.filter(organisation=other).get().user.is_active


# --- the unit tree ---------------------------------------------------------------------

UNITS = ("Kode;Navn;Type;Overordnet",
         "3000;Helse og velferd;Tjenesteområde;",
         "3100;Fjordvik sykehjem;virksomhet;3000",
         "3110;Avdeling 1. etasje;avdeling;3100",
         "3120;Avdeling 2. etasje;avdeling;3100")


def test_unit_tree_import_creates_parents_first_and_is_idempotent(org, tree, admin_user):
    report = run(org, admin_user, csv_bytes(UNITS[0], *reversed(UNITS[1:])), kind="units")
    assert [(e.key, e.detail) for e in report.new] == [
        ("3120", "Fjordvik sykehjem"), ("3110", "Fjordvik sykehjem"),
        ("3100", "Helse og velferd"), ("3000", "(top of the tree)")]
    units = {u.code: u for u in Unit.objects.filter(organisation=org)}
    assert Unit.objects.get_parent(units["3110"]) == units["3100"]
    assert units["3000"].kind == UnitKind.SERVICE_AREA and units["3000"].is_root()
    assert units["3100"].numchild == 2 and units["3110"].depth == 3
    assert Unit.objects.find_problems() == ([], [], [], [], [])
    # Units already there and not in the file are kept.
    assert {e.key for e in report.missing} == {"2000", "2110", "2120", "2111"}
    _, result = preview(org, admin_user, csv_bytes(*UNITS), kind="units")
    assert not result.report.has_changes and result.report.unchanged == 4


def test_unit_tree_import_moves_and_renames(org, tree, admin_user):
    lines = ("Kode;Navn;Type;Overordnet",
             "2000;Oppvekst og utdanning;tjenesteområde;",
             "2111;SFO;avdeling;2120",
             "2112;Ny avdeling;avdeling;2110")
    batch, result = preview(org, admin_user, csv_bytes(*lines), kind="units")
    report = result.report
    assert [(e.key, e.detail) for e in report.new] == [("2112", "Nordli skole")]
    assert [(e.key, [(c.old, c.new) for c in e.changes]) for e in report.changed] == [
        ("2000", [("Oppvekst", "Oppvekst og utdanning")])]
    assert [(e.key, [(c.old, c.new) for c in e.changes]) for e in report.moved] == [
        ("2111", [("Nordli skole", "Nordli skole")])]
    hr_import_apply(batch=batch, actor=admin_user)
    dept = Unit.objects.get(code="2111")
    assert Unit.objects.get_parent(dept).code == "2120"
    assert Unit.objects.get(code="2000").name == "Oppvekst og utdanning"
    assert Unit.objects.get_parent(Unit.objects.get(code="2112")).code == "2110"
    assert Unit.objects.find_problems() == ([], [], [], [], [])


@pytest.mark.parametrize(("line", "code"), [
    ("4000;Ny;avdeling;9999", "unknown_parent"),
    ("4000;Ny;planet;2000", "unknown_kind"),
    ("2110;Dobbel;virksomhet;2000", "duplicate_code"),
    ("4000;=SUM(A1);virksomhet;2000", "formula"),
    ("4000;;virksomhet;2000", "missing_value"),
])
def test_unit_rows_are_refused_with_a_reason(org, tree, admin_user, line, code):
    lines = ("Kode;Navn;Type;Overordnet", "2110;Nordli skole;virksomhet;2000", line)
    batch, result = preview(org, admin_user, csv_bytes(*lines), kind="units")
    assert [(e.line, e.code) for e in result.report.errors] == [(3, code)]
    assert_refused("import_has_errors", lambda: hr_import_apply(batch=batch, actor=admin_user))
    assert Unit.objects.count() == 4


def test_a_unit_circle_is_refused(org, tree, admin_user):
    lines = ("Kode;Navn;Type;Overordnet", "2000;Oppvekst;tjenesteområde;2111")
    _, result = preview(org, admin_user, csv_bytes(*lines), kind="units")
    assert [(e.line, e.code) for e in result.report.errors] == [(2, "circular")]


def test_read_table_skips_blank_lines_and_keeps_spreadsheet_line_numbers():
    table = read_table(b"\xef\xbb\xbfA;B\r\n\r\n1;2\r\n;\r\n3;4\r\n")
    assert table.headers == ("A", "B")
    assert [(r.line, r.cells) for r in table.rows] == [(3, ("1", "2")), (5, ("3", "4"))]


def test_an_unknown_kind_is_refused(org, admin_user):
    with pytest.raises(ValidationError):
        hr_import_upload(organisation=org, kind="planets", file_name="x.csv",
                         content=csv_bytes(*FILE), actor=admin_user)
