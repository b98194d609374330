"""Bar charts for the dashboard as data: the template draws them as inline SVG and
prints the same numbers as a table beside each, so no figure is chart-only."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from lib.money import display

from .selectors import Dashboard

WIDTH = 720
LABEL_WIDTH = 230
BAR_MAX = 260
ROW = 28


@dataclass(frozen=True)
class ChartRow:
    label: str
    value: str  # as printed
    total: str  # as printed ("" when none)
    share: float | None
    url: str
    y: int
    bar: int  # length in SVG units

    @property
    def share_text(self) -> str:
        return "" if self.share is None else f"{self.share:.0f} %"


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    value_heading: str
    total_heading: str
    rows: list[ChartRow]

    @property
    def height(self) -> int:
        return ROW * len(self.rows) + 8

    @property
    def width(self) -> int:
        return WIDTH

    @property
    def bar_x(self) -> int:
        return LABEL_WIDTH

    @property
    def bar_max(self) -> int:
        return BAR_MAX

    @property
    def text_x(self) -> int:
        return LABEL_WIDTH + BAR_MAX + 10

    @property
    def summary(self) -> str:
        """What a screen reader hears for the picture: every row in words."""
        return "; ".join(f"{r.label}: {r.value}" + (f" / {r.total}" if r.total else "")
                         + (f" ({r.share_text})" if r.share is not None else "")
                         for r in self.rows)


RowData = tuple[str, int | Decimal, int | Decimal | None, str, bool]


def _rows(items: list[RowData]) -> list[ChartRow]:
    rows = []
    for index, (label, value, total, url, is_money) in enumerate(items):
        share = float(value) / float(total) * 100 if total else None
        bar = round(BAR_MAX * min(share, 100) / 100) if share is not None else 0
        rows.append(ChartRow(
            label=label,
            value=display(value) if is_money else str(value),
            total=("" if total is None else display(total) if is_money else str(total)),
            share=share, url=url, y=4 + index * ROW, bar=bar))
    return rows


def dashboard_charts(board: Dashboard) -> list[Chart]:
    charts = [
        Chart("tracks", _("Leaders reached per track"), _("Reached"), _("Leaders"),
              _rows([(b.label, b.value, b.total, b.url, False)
                     for b in [board.reached, *board.per_track, board.new_leaders] if b])),
        Chart("areas", _("Leaders reached per service area"), _("Reached"), _("Leaders"),
              _rows([(b.label, b.value, b.total, b.url, False) for b in board.per_area])),
        Chart("levels", _("Leaders reached per level"), _("Reached"), _("Leaders"),
              _rows([(b.label, b.value, b.total, b.url, False) for b in board.per_level])),
    ]
    if board.modules:
        charts.append(Chart("modules", _("Module fill"), _("Seated"), _("Seats"), _rows(
            [(str(m.module), m.seated, m.capacity, m.url, False) for m in board.modules])))
        charts.append(Chart("completion", _("Module completion"), _("Completed"), _("Seated"),
                            _rows([(str(m.module), m.completed, m.seated, m.completed_url, False)
                                   for m in board.modules])))
    if board.rounds:
        charts.append(Chart("rounds", _("Response rate per survey round"), _("Answered"),
                            _("Invited"), _rows([(r.title, r.answered, r.invited, r.url, False)
                                                 for r in board.rounds])))
    charts.append(Chart("coaching", _("Coaching hours used against the agreement"),
                        _("Hours used"), _("Hours agreed"), _rows(
                            [(_("Coaching hours"), board.coaching_used, board.coaching_agreed,
                              board.coaching_url, True)])))
    if board.costs is not None:
        budget = board.costs.budget_for()
        charts.append(Chart("costs", _("Cost against budget (NOK ex. VAT)"), _("Amount"),
                            _("Budget"), _rows([
                                (_("Offer"), board.costs.offer_total, budget, board.costs_url,
                                 True),
                                (_("Calendar"), board.costs.calendar_total, budget,
                                 board.costs_url, True),
                                (_("Delivered"), board.costs.delivered_total, budget,
                                 board.costs_url, True)])))
    return charts
