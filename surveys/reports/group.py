"""The leader group's Effect report: before vs after per dimension.

Each round is one cell (the group's respondents), so there is nothing to
difference within a round; a round is shown only once released and with at
least N respondents, each dimension only with N respondents of its own, and
the change only when both sides are shown. Dimensions do not share items, so
no shown number can be subtracted from another. Choice and ranking items
(:mod:`.choices`) are shown per round under the same rule: N respondents of the
item in that round.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from ..models import Answer, Dimension, Item, ItemKind, Phase, Round
from .anonymity import enough_answered
from .chart import Chart, bar_chart
from .choices import CHOICE_KINDS, ChoiceResult, load_choices, round_results, tallies
from .common import RoundStatus, Stat, comments, round_statuses, scale_stats


@dataclass
class DimensionRow:
    dimension: Dimension
    before: Stat | None = None
    after: Stat | None = None

    @property
    def change(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return self.after.mean - self.before.mean


@dataclass
class Comments:
    status: RoundStatus
    item: Item
    texts: list[str]


@dataclass
class GroupReport:
    round: Round
    group: Any
    before: RoundStatus | None
    after: RoundStatus | None
    rows: list[DimensionRow] = field(default_factory=list)
    scale_max: int = 7
    chart: Chart | None = None
    comments: list[Comments] = field(default_factory=list)
    # Per shown round (before, then after): its choice and ranking items.
    choices: list[tuple[RoundStatus, list[ChoiceResult]]] = field(default_factory=list)

    @property
    def paired(self) -> bool:
        return bool(self.before and self.after and self.before.shown and self.after.shown)

    @property
    def anything_shown(self) -> bool:
        return any(s is not None and s.shown for s in (self.before, self.after))


def _mean(stat: Stat | None) -> float | None:
    return stat.mean if stat is not None else None


def pair_of(round: Round) -> tuple[Round | None, Round | None]:
    """(before, after) for an Effect round, either of which may be missing."""
    if round.phase == Phase.BEFORE:
        return round, getattr(round, "follow_up", None)
    return round.baseline, round


def group_report(round: Round, today: dt.date | None = None) -> GroupReport:
    """Build the report of the pair ``round`` belongs to (a fixed number of queries)."""
    report = _report_with_rounds(round, today)
    shown = {s.round.pk: s for s in (report.before, report.after) if s is not None and s.shown}
    if not shown:
        return report
    scale = (Item.objects.filter(instrument_id=round.instrument_id, scale_max__isnull=False)
             .values_list("scale_max", flat=True).first())
    report.scale_max = scale or 7
    _add_dimension_stats(report, shown)
    other = list(Item.objects.filter(instrument_id=round.instrument_id,
                                     kind__in=[ItemKind.TEXT, *CHOICE_KINDS])
                 .order_by("order", "pk"))
    chosen = [i for i in other if i.kind in CHOICE_KINDS]
    if chosen:
        report.choices = _choice_results(report, chosen, shown)
    report.comments = _comments(report, {i.pk: i for i in other if i.kind == ItemKind.TEXT})
    report.chart = _chart(report)
    return report


def _report_with_rounds(round: Round, today: dt.date | None) -> GroupReport:
    """The report's frame: the before and after rounds' status, a row per dimension."""
    before, after = pair_of(round)
    statuses = round_statuses([r for r in (before, after) if r is not None], today)
    report = GroupReport(round=round, group=round.group,
                         before=statuses.get(before.pk) if before else None,
                         after=statuses.get(after.pk) if after else None)
    report.rows = [DimensionRow(dimension=d) for d in
                   Dimension.objects.filter(instrument_id=round.instrument_id)
                   .order_by("order", "pk")]
    return report


def _shown_sides(report: GroupReport) -> list[RoundStatus]:
    return [s for s in (report.before, report.after) if s is not None and s.shown]


def _add_dimension_stats(report: GroupReport, shown: dict[Any, RoundStatus]) -> None:
    """Each dimension's statistics per shown round, where that dimension has N respondents."""
    by_pk = {row.dimension.pk: row for row in report.rows}
    rows = scale_stats(Answer.objects.filter(response__round_id__in=list(shown),
                                             item__dimension__isnull=False),
                       "response__round_id", "item__dimension_id")
    for row in rows:
        status = shown[row["response__round_id"]]
        if not enough_answered(row["n"], status.round.min_respondents):
            continue
        target = by_pk.get(row["item__dimension_id"])
        if target is not None:
            side = "before" if status.round.phase == Phase.BEFORE else "after"
            setattr(target, side, Stat.from_row(row))


def _choice_results(report: GroupReport, chosen: list[Item], shown: dict[Any, RoundStatus]
                    ) -> list[tuple[RoundStatus, list[ChoiceResult]]]:
    """The choice and ranking items of each shown round, before first."""
    choices = load_choices(chosen)
    per_choice, per_item = tallies(Answer.objects.filter(
        response__round_id__in=list(shown)), "response__round_id")
    return [(status, round_results(chosen, choices, per_choice, per_item,
                                   (status.round.pk,), status.round.min_respondents))
            for status in _shown_sides(report)]


def _comments(report: GroupReport, texts: dict[int, Item]) -> list[Comments]:
    """The comments of each shown round, before first (each under the comment threshold)."""
    return [Comments(status=status, item=texts[item_id], texts=answers)
            for status in _shown_sides(report)
            for item_id, answers in comments(status.round, status)]


def _chart(report: GroupReport) -> Chart:
    sides = [(side, label) for side, label in (("before", _("Before")), ("after", _("After")))
             if getattr(report, side) is not None]
    return bar_chart(
        [(row.dimension.name, [_mean(getattr(row, side)) for side, _label in sides])
         for row in report.rows],
        series=sides, scale_max=report.scale_max, hidden_label=_("not shown"))
