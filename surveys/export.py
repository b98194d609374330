"""Reports as CSV: the aggregates a reader may see, never single answers.

Choice and ranking items add a row per choice (chosen by, share of the item's
respondents, mean place and times ranked first) under the same cells and
thresholds as the page.

Semicolon-separated with decimal commas (in bokmål and nynorsk) and a byte
order mark, because O&F opens these in Excel set up for Norway. Written by
``lib.exports``, which escapes a question or choice text that starts like a formula.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils import formats, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import LeaderLevel
from lib.exports import csv_bytes

from .models import InstrumentKind, Round
from .reports.choices import ChoiceResult
from .reports.common import Stat
from .reports.evaluation import evaluation_report
from .reports.group import group_report
from .reports.needs import UNKNOWN_AREA, needs_areas, needs_cells, needs_choice_cells


def _num(value: float | None) -> str:
    if value is None:
        return ""
    return formats.number_format(value, 2, use_l10n=True)


def _stat(stat: Stat | None) -> list[Any]:
    if stat is None:
        return ["", "", ""]
    return [stat.n, _num(stat.mean), _num(stat.sd)]


def _choice_header() -> list[str]:
    return [_("Choice"), _("Chosen by"), _("Share (per cent)"), _("Mean place"), _("Ranked first")]


NO_CHOICE = ["", "", "", "", ""]


def _choice_rows(result: ChoiceResult) -> list[list[Any]]:
    """[choice, chosen by, share, mean place, ranked first] for each choice of a shown item."""
    if result.is_ranking:
        return [[row.choice.label, row.count, "", _num(row.mean_rank), row.first]
                for row in result.rows]
    return [[row.choice.label, row.count, _num(row.percent), "", ""] for row in result.rows]


def group_rows(round: Round) -> list[list[Any]]:
    report = group_report(round)
    rows: list[list[Any]] = [[_("Dimension"), _("Before: n"), _("Before: mean"),
                              _("Before: spread"), _("After: n"), _("After: mean"),
                              _("After: spread"), _("Change since before")]]
    if report.anything_shown:
        for row in report.rows:
            change = row.change if report.paired else None
            rows.append([row.dimension.name, *_stat(row.before), *_stat(row.after),
                         _num(change)])
    if any(result.shown for _status, results in report.choices for result in results):
        rows += [[], [_("Survey"), _("Question"), _("n"), *_choice_header()]]
        for status, results in report.choices:
            side = _("Before") if status.round.phase == "before" else _("After")
            for result in results:
                if result.shown:
                    rows += [[side, result.item.text, result.n, *choice]
                             for choice in _choice_rows(result)]
    return rows


def needs_rows(round: Round) -> list[list[Any]]:
    areas = dict(needs_areas(round))
    areas[UNKNOWN_AREA] = _("Unit no longer exists")
    levels, bands = dict(LeaderLevel.choices), dict(round.instrument.years_band_choices())
    everyone = _("All")
    rows: list[list[Any]] = [[_("Service area"), _("Leader level"), _("Years as leader"),
                              _("Respondents"), _("Question group"), _("Question"), _("n"),
                              _("Mean"), _("Spread"), *_choice_header()]]

    def cell(area: Any, level: Any, band: Any) -> list[Any]:
        return [areas.get(area, everyone) if area is not None else everyone,
                levels.get(level, everyone) if level else everyone,
                bands.get(band, everyone) if band else everyone]

    for (area, level, band), n, item, stat in needs_cells(round):
        rows.append([*cell(area, level, band), n,
                     item.dimension.name if item.dimension_id else "", item.text,
                     *_stat(stat), *NO_CHOICE])
    for (area, level, band), n, result in needs_choice_cells(round):
        item = result.item
        for choice in _choice_rows(result):
            rows.append([*cell(area, level, band), n,
                         item.dimension.name if item.dimension_id else "", item.text,
                         result.n, "", "", *choice])
    return rows


def evaluation_rows(round: Round) -> list[list[Any]]:
    report = evaluation_report(round)
    rows: list[list[Any]] = [[_("Question"), _("n"), _("Mean"), _("Spread"),
                              *_choice_header()]]
    for result in report.items:
        if result.stat is not None:
            rows.append([result.item.text, *_stat(result.stat), *NO_CHOICE])
    for choice_result in report.choices:
        if choice_result.shown:
            rows += [[choice_result.item.text, choice_result.n, "", "", *choice]
                     for choice in _choice_rows(choice_result)]
    return rows


def report_csv_response(round: Round) -> HttpResponse:
    if round.kind == InstrumentKind.EFFECT:
        rows = group_rows(round)
    elif round.kind == InstrumentKind.NEEDS:
        rows = needs_rows(round)
    else:
        rows = evaluation_rows(round)
    delimiter = ";" if translation.get_language() in ("nb", "nn") else ","
    response = HttpResponse(csv_bytes(rows, delimiter=delimiter),
                            content_type="text/csv; charset=utf-8")
    name = slugify(round.display_title)[:60] or "rapport"
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response
