"""Single-choice, multiple-choice and ranking items in the reports, CSV and PDF.

The figures are checked on a small known data set; the anonymity checks follow
the scale items' tests: nothing under N, and no combination of the cells shown
for a choice item describes fewer than N people (brute force, independent of
the report's code).
"""

from __future__ import annotations

import csv
import importlib
import io
import itertools
import shutil
import subprocess
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from accounts.models import LeaderLevel
from lib.models import DocumentStatus, GeneratedDocument
from lib.testing import assert_queries_stable
from surveys.bands import LEGACY_YEARS_BANDS, band_choices
from surveys.models import Answer, Choice, Item, Response, Round
from surveys.models.responses import week_start
from surveys.reports.evaluation import evaluation_report
from surveys.reports.group import group_report
from surveys.reports.needs import (
    DIMS,
    UNKNOWN_AREA,
    WHOLE,
    NeedsFilter,
    needs_choice_cells,
    needs_report,
    needs_rounds_prepare,
    needs_safety,
    needs_safety_store,
)
from tests.factories import UnitFactory

from .disclosure_proof import revealed_groups
from .factories import InstrumentFactory, add_item, close, make_round
from .test_pages_csp import _check
from .test_reports_needs import LAYOUT

pytestmark = pytest.mark.django_db


def choice_instrument(kind: str = "needs", organisation: Any = None):
    """A scale item, then one single, one multiple and one ranking item (choices in order)."""
    instrument = InstrumentFactory(kind=kind, organisation=organisation)
    add_item(instrument, "scale", key="overall", scale_max=5, order=10)
    add_item(instrument, "single", key="fav", choices=["Alfa", "Beta", "Gamma"], order=20,
             required=False)
    add_item(instrument, "multiple", key="when", choices=["Morgen", "Kveld", "Helg"],
             order=30, required=False)
    # Listed worst first, to show the report orders by mean place, not by the list.
    add_item(instrument, "ranking", key="rank", choices=["Rho", "Quebec", "Papa"], order=40,
             required=False)
    return instrument


def respond(round: Round, rows: list[dict[str, Any]]) -> list[Response]:
    """Anonymous responses written directly; each row: bands plus answers by item key.

    Answers: "fav": label, "when": [labels], "rank": {label: place}; missing = skipped.
    Every response gets 3 on the scale item.
    """
    items = {i.key: i for i in Item.objects.filter(instrument=round.instrument)}
    choices = {(c.item_id, c.label_nb): c for c in Choice.objects.filter(
        item__instrument=round.instrument)}
    responses = [Response(round=round, anonymous=True,
                          submitted_week=week_start(timezone.localdate()),
                          **{k: v for k, v in row.items() if k in ("area", "level",
                                                                    "years_band")})
                 for row in rows]
    Response.objects.bulk_create(responses)
    answers = []
    for response, row in zip(responses, rows, strict=True):
        answers.append(Answer(response=response, item=items["overall"], value=3))
        if "fav" in row:
            answers.append(Answer(response=response, item=items["fav"],
                                  choice=choices[(items["fav"].pk, row["fav"])]))
        for label in row.get("when", []):
            answers.append(Answer(response=response, item=items["when"],
                                  choice=choices[(items["when"].pk, label)]))
        for label, place in row.get("rank", {}).items():
            answers.append(Answer(response=response, item=items["rank"],
                                  choice=choices[(items["rank"].pk, label)], value=place))
    Answer.objects.bulk_create(answers)
    return responses


KNOWN = [  # six respondents; the fifth chose nothing for "when"
    {"fav": "Alfa", "when": ["Morgen", "Kveld"], "rank": {"Papa": 1, "Quebec": 2, "Rho": 3}},
    {"fav": "Alfa", "when": ["Morgen"], "rank": {"Papa": 1, "Quebec": 3, "Rho": 2}},
    {"fav": "Alfa", "when": ["Morgen", "Helg"], "rank": {"Papa": 2, "Quebec": 1, "Rho": 3}},
    {"fav": "Beta", "when": ["Kveld"], "rank": {"Papa": 1, "Quebec": 3, "Rho": 2}},
    {"fav": "Beta", "rank": {"Papa": 3, "Quebec": 1, "Rho": 2}},
    {"fav": "Gamma", "when": ["Morgen", "Kveld"], "rank": {"Papa": 1, "Quebec": 2, "Rho": 3}},
]


@pytest.fixture
def known(personas):
    round = make_round(organisation=personas.org_a, instrument=choice_instrument(
        organisation=personas.org_a))
    band = {"area": personas.boss_leader.unit, "level": "teamleder", "years_band": "1-3"}
    respond(round, [{**band, **row} for row in KNOWN])
    return close(round)


@pytest.fixture
def reader(personas):
    """Alice (O&F) reading in English: the new texts' Norwegian comes with the next
    catalogue, and the labels and figures checked here do not depend on it."""
    personas.alice.language = "en"
    personas.alice.save()
    return personas.alice


def _by_key(results):
    return {r.item.key: r for r in results}


def test_counts_shares_and_mean_places_on_a_known_data_set(known):
    report = needs_report(known, NeedsFilter())
    results = _by_key(report.choices)
    fav = results["fav"]
    assert fav.n == 6
    assert [(r.choice.label, r.count) for r in fav.rows] == [("Alfa", 3), ("Beta", 2),
                                                             ("Gamma", 1)]
    assert [round(r.percent, 1) for r in fav.rows] == [50.0, 33.3, 16.7]
    when = results["when"]
    assert when.n == 5  # one skipped it: shares are of those who answered
    assert [(r.choice.label, r.count, round(r.percent)) for r in when.rows] == [
        ("Morgen", 4, 80), ("Kveld", 3, 60), ("Helg", 1, 20)]
    assert sum(r.percent for r in when.rows) > 100  # several choices allowed
    rank = results["rank"]
    assert rank.n == 6
    assert [(r.choice.label, r.mean_rank, r.first) for r in rank.rows] == [
        ("Papa", 1.5, 4), ("Quebec", 2.0, 2), ("Rho", 2.5, 0)]


def test_the_same_figures_in_the_evaluation_and_group_reports(personas, held_session,
                                                               instruments, team):
    evaluation = make_round(organisation=personas.org_a,
                            instrument=choice_instrument("evaluation", personas.org_a),
                            module_session=held_session.session)
    respond(evaluation, KNOWN)
    close(evaluation)
    rank = _by_key(evaluation_report(evaluation).choices)["rank"]
    assert [(r.choice.label, r.mean_rank) for r in rank.rows] == [
        ("Papa", 1.5), ("Quebec", 2.0), ("Rho", 2.5)]

    effect = choice_instrument("effect", personas.org_a)
    before = make_round(organisation=personas.org_a, instrument=effect, group=team.group,
                        phase="before")
    respond(before, KNOWN)
    close(before)
    after = make_round(organisation=personas.org_a, instrument=effect, group=team.group,
                       phase="after", baseline=before)
    respond(after, KNOWN[:4])  # four answers: under N, nothing shown for the after round
    close(after)
    report = group_report(after)
    assert [status.round.pk for status, _results in report.choices] == [before.pk]
    fav = _by_key(report.choices[0][1])["fav"]
    assert fav.n == 6 and fav.rows[0].count == 3


def test_an_item_answered_by_fewer_than_n_is_withheld(personas):
    round = make_round(organisation=personas.org_a,
                       instrument=choice_instrument(organisation=personas.org_a))
    rows = [dict(row) for row in KNOWN]
    for row in rows[:2]:
        row.pop("when")  # with the fifth's, three skipped: only three answered
    respond(round, rows)
    close(round)
    results = _by_key(needs_report(round, NeedsFilter()).choices)
    assert results["when"].n is None and results["when"].rows == []
    assert results["fav"].n == 6  # the others are still shown
    assert not any(item.key == "when" for _key, _n, cell in needs_choice_cells(round)
                   for item in [cell.item])


def test_nothing_is_shown_for_a_round_under_n_or_still_open(personas):
    small = make_round(organisation=personas.org_a,
                       instrument=choice_instrument(organisation=personas.org_a))
    respond(small, KNOWN[:4])
    close(small)
    assert needs_report(small, NeedsFilter()).choices == []
    assert needs_choice_cells(small) == []
    open_round = make_round(organisation=personas.org_a,
                            instrument=choice_instrument(organisation=personas.org_a))
    respond(open_round, KNOWN * 3)
    assert needs_report(open_round, NeedsFilter()).choices == []
    assert needs_choice_cells(open_round) == []


# --- Differencing -------------------------------------------------------------------------

def _layout_rows(areas) -> list[dict[str, Any]]:
    rows = []
    for area, spec in LAYOUT.items():
        for level, band, count in spec:
            for _ in range(count):
                rows.append({"area": areas[area], "level": level, "years_band": band})
    for index, row in enumerate(rows):
        row["fav"] = ["Alfa", "Beta", "Gamma"][index % 3]
        if index % 7:  # every seventh skips "when": an item answered by a subset
            row["when"] = ["Morgen", "Kveld", "Helg"][: 1 + index % 3]
        row["rank"] = dict(zip(["Rho", "Quebec", "Papa"],
                               [[1, 2, 3], [2, 3, 1], [3, 1, 2]][index % 3], strict=True))
    return rows


@pytest.fixture
def spread(personas):
    areas = {"helse": personas.boss_leader.unit,
             "oppvekst": UnitFactory(organisation=personas.org_a, name="Oppvekst",
                                     kind="tjenesteomrade"),
             "kultur": UnitFactory(organisation=personas.org_a, name="Kultur",
                                   kind="tjenesteomrade"),
             None: None}
    round = make_round(organisation=personas.org_a,
                       instrument=choice_instrument(organisation=personas.org_a))
    respond(round, _layout_rows(areas))
    return close(round)


def _all_filters(areas):
    for area, level, band in itertools.product([None, *[pk for pk, _n in areas], UNKNOWN_AREA],
                                               [None, *LeaderLevel.values],
                                               [None, *[k for k, _l in band_choices(
                                                   LEGACY_YEARS_BANDS)]]):
        chosen = {"area": area, "level": level, "band": band}
        for by in [None, *[d for d in DIMS if chosen[d] is None]]:
            yield NeedsFilter(area=area, level=level, band=band, by=by)


def _item_fine_counts(round: Round, key: str) -> dict[tuple, int]:
    counts: dict[tuple, int] = {}
    for response in Response.objects.filter(round=round, answers__item__key=key).distinct():
        fine = (response.area_id if response.area_id is not None else UNKNOWN_AREA,
                response.level, response.years_band)
        counts[fine] = counts.get(fine, 0) + 1
    return counts


def test_no_choice_figure_reveals_a_group_under_n(spread):
    threshold = spread.min_respondents
    safety = needs_safety(spread)
    first = needs_report(spread, NeedsFilter())
    shown_cells: dict[str, set] = {"fav": set(), "when": set(), "rank": set()}
    figures = 0
    for flt in _all_filters(first.areas):
        report = needs_report(spread, flt, areas=first.areas)
        for result in report.choices:
            if result.shown:
                figures += 1
                assert result.n >= threshold and report.filter_shown
                shown_cells[result.item.key].add(flt.key)
        if report.breakdown:
            for cb in report.breakdown.choices:
                for column, result in zip(report.breakdown.columns, cb.results, strict=True):
                    if result.shown:
                        figures += 1
                        assert result.n >= threshold and column.n is not None
                        shown_cells[cb.item.key].add(
                            flt.with_value(report.breakdown.dim, column.value))
    for key, n, result in needs_choice_cells(spread):  # the CSV's figures too
        assert n >= threshold and result.n >= threshold
        shown_cells[result.item.key].add(key)
    assert figures > 50
    for item_key, keys in shown_cells.items():
        counts = _item_fine_counts(spread, item_key)
        cells = [safety.members[k] for k in keys if k != WHOLE]
        # Every set of people a reader could isolate by adding and subtracting the shown
        # respondent counts of this item has N or more (exact, brute force).
        assert revealed_groups(counts, cells, threshold) == [], item_key
    # The small groups exist and stay hidden for the choice items as well.
    kultur = next(pk for pk, name in first.areas if name == "Kultur")
    assert (kultur, None, None) not in shown_cells["fav"]


def test_complementary_columns_are_withheld_for_choice_items_too(spread):
    """Kultur (3) is hidden, so one more area is too: the whole minus the rest stays ≥ N."""
    report = needs_report(spread, NeedsFilter(by="area"))
    fav = next(cb for cb in report.breakdown.choices if cb.item.key == "fav")
    shown = [r.n for r in fav.results if r.shown]
    assert sum(1 for r in fav.results if not r.shown) >= 2
    whole = _by_key(report.choices)["fav"].n
    assert whole - sum(shown) >= spread.min_respondents


def test_a_choice_item_some_skipped_is_kept_to_the_whole_round(personas):
    round = make_round(organisation=personas.org_a,
                       instrument=choice_instrument(organisation=personas.org_a))
    unit = personas.boss_leader.unit
    rows = [{"area": unit, "level": "teamleder", "years_band": "1-3", **KNOWN[0]}] * 12
    rows += [{"area": unit, "level": "avdelingsleder", "years_band": "4-9", **KNOWN[1]}] * 6
    rows = [dict(r) for r in rows]
    for row in rows[12:14]:
        row.pop("rank")  # two department heads skip the ranking: 4 left among them
    respond(round, rows)
    close(round)
    rank = Item.objects.get(instrument=round.instrument, key="rank")
    safety = needs_safety(round)
    # By level, the ranking would show 12 team leaders while the whole shows 16: the
    # whole minus team leaders would be the four department heads' places.
    assert rank.pk in safety.whole_only_items
    by_level = needs_report(round, NeedsFilter(by="level"))
    assert rank.pk not in [cb.item.pk for cb in by_level.breakdown.choices]
    assert _by_key(by_level.choices)["rank"].n == 16
    team_only = needs_report(round, NeedsFilter(level="teamleder"))
    assert _by_key(team_only.choices)["rank"].n is None
    fav = next(cb for cb in by_level.breakdown.choices if cb.item.key == "fav")
    assert [r.n for r in fav.results if r.shown] == [6, 12] or \
        sorted(r.n for r in fav.results if r.shown) == [6, 12]
    assert all(key == WHOLE for key, _n, cell in needs_choice_cells(round)
               if cell.item.pk == rank.pk)


def test_a_disclosure_stored_before_choice_items_is_brought_up_to_date_by_migration(personas):
    from django.apps import apps

    upgrade = importlib.import_module(
        "surveys.migrations.0003_needs_disclosure_whole_only_kinds").upgrade
    round = make_round(organisation=personas.org_a,
                       instrument=choice_instrument(organisation=personas.org_a))
    unit = personas.boss_leader.unit
    rows = [{"area": unit, "level": "teamleder", "years_band": "1-3", **KNOWN[0]}
            for _ in range(12)]
    rows += [{"area": unit, "level": "avdelingsleder", "years_band": "4-9",
              **(KNOWN[1] if index < 2 else {"fav": "Beta"})} for index in range(6)]
    respond(round, rows)  # two department heads ranked: 14 - 12 would give them away
    close(round)
    assert needs_rounds_prepare() == 1
    stored = Round.objects.get(pk=round.pk).disclosure
    old = {k: v for k, v in stored.items() if k != "whole_only_kinds"}
    old["whole_only"] = []  # as worked out for scale items only
    Round.objects.filter(pk=round.pk).update(disclosure=old)
    rank = Item.objects.get(instrument=round.instrument, key="rank")
    upgrade(apps, None)
    upgraded = Round.objects.get(pk=round.pk).disclosure
    assert rank.pk in upgraded["whole_only"]
    assert upgraded["shown"] == stored["shown"]  # the cells readers have seen stay
    assert upgraded == stored
    assert rank.pk in needs_safety(Round.objects.get(pk=round.pk)).whole_only_items
    assert needs_rounds_prepare() == 0  # nothing left for beat


def test_reading_the_shown_cells_writes_nothing_to_the_round(personas):
    round = make_round(organisation=personas.org_a,
                       instrument=choice_instrument(organisation=personas.org_a))
    unit = personas.boss_leader.unit
    respond(round, [{"area": unit, "level": "teamleder", "years_band": "1-3", **KNOWN[0]}
                    for _ in range(12)])
    close(round)
    needs_safety(Round.objects.get(pk=round.pk))
    assert Round.objects.get(pk=round.pk).disclosure is None
    needs_safety_store(Round.objects.get(pk=round.pk))
    assert Round.objects.get(pk=round.pk).disclosure is not None


# --- Pages, CSV, PDF, queries ---------------------------------------------------------------

def test_the_page_shows_accessible_tables_and_keeps_the_csp(client, reader, known):
    client.force_login(reader)
    html = client.get(reverse("surveys:report", args=[known.pk])).content.decode()
    _check(html)
    assert "Choices and rankings" in html
    assert "<caption>Question fav" in html
    assert '<th scope="row">Alfa</th>' in html and "50 %" in html
    assert '<th scope="col" class="num">Mean place</th>' in html
    assert '<svg class="survey-choice-bar" aria-hidden="true"' in html
    broken = client.get(reverse("surveys:report", args=[known.pk]), {"by": "level"})
    _check(broken.content.decode())
    assert "Share of respondents in each group who chose it." in broken.content.decode()


def test_csv_has_a_row_per_choice(client, reader, known):
    client.force_login(reader)
    response = client.get(reverse("surveys:report_csv", args=[known.pk]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=","))
    header = rows[0]
    assert header[9:] == ["Choice", "Chosen by", "Share (per cent)", "Mean place", "Ranked first"]
    # Decimals as the reader's locale writes them; compared with a point here.
    by_choice = {row[9]: [cell.replace(",", ".") for cell in row] for row in rows[1:] if row[9]}
    assert by_choice["Alfa"][5] == "Question fav" and by_choice["Alfa"][6] == "6"
    assert by_choice["Alfa"][10:12] == ["3", "50.00"]
    assert by_choice["Morgen"][6] == "5" and by_choice["Morgen"][11] == "80.00"
    assert by_choice["Papa"][12:14] == ["1.50", "4"]
    assert all(int(row[3]) >= 5 and int(row[6]) >= 5 for row in rows[1:])


def test_evaluation_and_group_csv_have_the_choices(client, personas, reader, held_session,
                                                   team):
    evaluation = make_round(organisation=personas.org_a,
                            instrument=choice_instrument("evaluation", personas.org_a),
                            module_session=held_session.session)
    respond(evaluation, KNOWN)
    close(evaluation)
    effect = choice_instrument("effect", personas.org_a)
    before = make_round(organisation=personas.org_a, instrument=effect, group=team.group,
                        phase="before")
    respond(before, KNOWN)
    close(before)
    client.force_login(personas.alice)
    for round in (evaluation, before):
        text = client.get(reverse("surveys:report_csv", args=[round.pk])).content.decode(
            "utf-8-sig")
        assert "Gamma" in text and "Ranked first" in text, round.kind


def _pdf_text(data: bytes) -> str:
    if shutil.which("pdftotext"):
        return subprocess.run([shutil.which("pdftotext") or "pdftotext", "-", "-"],
                              input=data, capture_output=True, check=True).stdout.decode()
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_pdf_shows_the_choices(client, reader, known, django_capture_on_commit_callbacks):
    client.force_login(reader)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("surveys:report_pdf", args=[known.pk]))
    assert response.status_code == 302
    document = GeneratedDocument.objects.get()
    assert document.status == DocumentStatus.DONE, document.error
    text = _pdf_text(document.file.read())
    for expected in ("Choices and rankings", "Question rank", "Papa", "Mean place", "Morgen"):
        assert expected in text, expected


def test_needs_report_with_choices_queries_do_not_grow(client, personas):
    round = make_round(organisation=personas.org_a,
                       instrument=choice_instrument(organisation=personas.org_a))
    other = UnitFactory(organisation=personas.org_a, kind="tjenesteomrade", name="Kultur")
    close(round)
    client.force_login(personas.alice)

    def grow(n: int) -> None:
        bands = [{"area": personas.boss_leader.unit, "level": "teamleder",
                  "years_band": "1-3"},
                 {"area": other, "level": "avdelingsleder", "years_band": "4-9"}]
        respond(round, [{**bands[i % 2], **KNOWN[i % len(KNOWN)]} for i in range(12 * n)])
        needs_safety_store(Round.objects.get(pk=round.pk))

    url = reverse("surveys:report", args=[round.pk])
    # As the needs report without choices (11), plus the choices of the choice items and
    # the sums per choice and respondents per item, both by finest cell (3).
    count = assert_queries_stable(lambda: client.get(url, {"by": "area"}), grow=grow,
                                  factor=10, expected=14)
    assert count == 14
    page = client.get(url, {"by": "area"}).content.decode()
    assert "Papa" in page and "Kultur" in page


def test_evaluation_report_with_choices_queries_do_not_grow(client, personas, held_session):
    round = make_round(organisation=personas.org_a,
                       instrument=choice_instrument("evaluation", personas.org_a),
                       module_session=held_session.session)
    close(round)
    client.force_login(personas.alice)

    def grow(n: int) -> None:
        respond(round, KNOWN * n)

    url = reverse("surveys:report", args=[round.pk])
    assert_queries_stable(lambda: client.get(url), grow=grow, factor=10)
    assert "Papa" in client.get(url).content.decode()
