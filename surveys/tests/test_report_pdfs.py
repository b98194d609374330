"""Every survey report PDF prints whole: each table's column headers and its last column's
figures are on the printed page (``pdftotext`` clips to the page), and no word runs off it.

Built through the worker's own builder (``document_run``), in bokmål as the reader reads it.
"""

from __future__ import annotations

import pytest
from django.utils.translation import gettext as _

from accounts.models import LeaderLevel
from lib.documents import document_request, document_run
from lib.pdf_testing import PrintedPdf, available, printed
from surveys.documents import REPORT_PDF, report_title
from surveys.reports.evaluation import evaluation_report
from surveys.reports.group import group_report
from surveys.reports.needs import NeedsFilter, needs_areas, needs_report
from tests.factories import UnitFactory

from .factories import bulk_responses, close, make_round

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("bokmaal"),
              pytest.mark.skipif(not available(), reason="needs poppler's pdftotext")]

# Service areas as municipalities name them: long ones, and two with the very same name.
AREAS = ["Helse, omsorg og velferd", "Oppvekst og kultur",
         "Teknisk drift, eiendomsforvaltning og samfunnsutvikling",
         "Næringsutviklingsavdelingen", "Barnehage", "Kultur", "Kultur",
         "Organisasjon, personal og digitalisering", "Økonomi og innkjøp"]


def _run(personas, round) -> PrintedPdf:
    document = document_request(kind=REPORT_PDF, organisation=round.organisation,
                                requested_by=personas.alice, title=report_title(round),
                                params={"round": str(round.pk)}, language="nb")
    document = document_run(str(document.pk))
    assert document.status == "done", document.error
    return printed(document.file.read())


def _has_words(pdf: PrintedPdf, label: str) -> bool:
    """Every word of ``label`` printed: a header wrapped in a narrow column comes out of
    ``pdftotext`` interleaved with its neighbours, line by line."""
    printed_words = set(pdf.text.split())
    return all(word in printed_words for word in label.split())


def _mean(value) -> str:
    return f"{value:.1f}".replace(".", ",")


def _stat(stat) -> str:
    """A figure as ``surveys/includes/stat.html`` prints it: mean (± spread, n)."""
    return f"{_mean(stat.mean)} (± {_mean(stat.sd)}, n = {stat.n})"


def test_group_pdf_prints_every_column_and_the_change(personas, instruments, team):
    bulk_responses(team.before, [{}] * 6, value=lambda i, item: 2 + (i + item.order) % 2)
    close(team.before)
    after = make_round(organisation=personas.org_a, instrument=instruments["effect"],
                       group=team.group, phase="after", baseline=team.before)
    bulk_responses(after, [{}] * 5, value=5)
    close(after)
    report = group_report(after)
    assert report.paired and report.rows
    pdf = _run(personas, after)
    assert pdf.off_page == []
    for header in (_("Dimension"), _("Before"), _("After"), _("Change since before")):
        assert pdf.has(header), header
    for row in report.rows:  # every dimension and its last column, the change
        assert pdf.has(str(row.dimension.name)), row.dimension.name
        for stat in (row.before, row.after):
            assert pdf.has(_stat(stat)), stat
        assert row.change is not None and pdf.has(f"+{_mean(row.change)}"), row.change


def test_evaluation_pdf_prints_every_column_and_the_figures(personas, instruments,
                                                            held_session):
    round = make_round(organisation=personas.org_a, instrument=instruments["evaluation"],
                       module_session=held_session.session)
    bulk_responses(round, [{}] * 6, value=lambda i, item: 3 + i % 2)
    close(round)
    report = evaluation_report(round)
    assert report.status.shown and report.items
    pdf = _run(personas, round)
    assert pdf.off_page == []
    for header in (_("Question"), _("Mean (spread, n)")):
        assert pdf.has(header), header
    for result in report.items:  # the last column: mean, spread and n
        assert pdf.has(_stat(result.stat)), result.stat


@pytest.fixture
def wide_needs(personas, instruments):
    """A needs round answered in nine service areas (two both called "Kultur"), ten leaders
    in each across every leader level; the last area's answer 5 to everything, the others
    1 to 3."""
    made = {UnitFactory(organisation=personas.org_a, kind="tjenesteomrade", name=name,
                        code=f"{4100 + 100 * n}").pk for n, name in enumerate(AREAS)}
    round = make_round(organisation=personas.org_a, instrument=instruments["needs"])
    areas = [pk for pk, _name in needs_areas(round) if pk in made]
    levels = [value for value, _label in LeaderLevel.choices]
    bands = [{"area_id": pk, "level": levels[n % len(levels)], "years_band": "4-9"}
             for pk in areas for n in range(10)]
    last = areas[-1]

    def value(index, item):
        return 5 if bands[index]["area_id"] == last else 1 + (index + item.order) % 3

    bulk_responses(round, bands, value=value)
    return close(round)


def test_needs_pdf_prints_the_wide_breakdowns_whole(personas, wide_needs):
    areas = needs_areas(wide_needs)
    by_area = needs_report(wide_needs, NeedsFilter(by="area"), areas=areas).breakdown
    by_level = needs_report(wide_needs, NeedsFilter(by="level"), areas=areas).breakdown
    assert by_area and by_level
    assert len(by_area.columns) >= len(AREAS) + 1  # every area, and "no longer exists"
    labels = dict(areas)
    made = [labels[pk] for pk in labels if labels[pk].split(" (")[0] in AREAS]
    assert [c.n for c in by_area.columns if c.label in made] == [10] * len(AREAS)
    pdf = _run(personas, wide_needs)
    assert pdf.off_page == []
    for header in (_("Rank"), _("Question"), _("Mean (spread, n)"), _("By service area"),
                   _("By leader level")):
        assert pdf.has(header), header
    for column in [*by_area.columns, *by_level.columns]:  # every header, the last included
        assert _has_words(pdf, column.label), column.label
    # The two areas both called "Kultur" are told apart by their unit codes.
    assert {"Kultur (4600)", "Kultur (4700)"} <= set(made)
    assert _has_words(pdf, "Kultur (4600)") and _has_words(pdf, "Kultur (4700)")
    assert pdf.text.count("n = 10") >= len(AREAS)  # every area's n
    for column in by_level.columns:
        assert column.n is None or pdf.has(f"n = {column.n}"), column.label
    # The last area's column: 5,0 on every row, a mean found nowhere else in the report.
    shown = [i for i, c in enumerate(by_area.columns) if c.n is not None]
    assert by_area.columns[shown[-1]].label == areas[-1][1]
    assert all(cells[shown[-1]].mean == 5 for _item, cells in by_area.rows)
    assert pdf.text.count("5,0") == len(by_area.rows)
