"""Bar charts drawn on the server as SVG: no script, no style attribute (the CSP is strict).

The geometry is computed here; the template ``surveys/includes/bar_chart.svg``
draws it with presentation attributes only. Each bar carries its value as
text and its series name as a pattern *and* a label, so meaning never rests on
colour alone; the same numbers stand in a table next to the chart.
"""

from __future__ import annotations

from dataclasses import dataclass, field

LABEL_WIDTH = 260
PLOT_WIDTH = 340
VALUE_WIDTH = 70
BAR_HEIGHT = 16
BAR_GAP = 4
GROUP_GAP = 16
TOP = 28


@dataclass(frozen=True)
class Bar:
    series: str  # "before" / "after" / …, used for the fill and the pattern
    series_label: str
    value: float | None  # None: not shown (too few answers)
    x: int
    y: int
    width: int
    height: int
    text_x: int


@dataclass(frozen=True)
class Group:
    label: str
    y: int  # the label's baseline
    bars: list[Bar]


@dataclass(frozen=True)
class Tick:
    value: int
    x: int


@dataclass
class Chart:
    width: int
    height: int
    plot_left: int
    plot_right: int
    groups: list[Group] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)
    series: list[tuple[str, str]] = field(default_factory=list)


def bar_chart(rows: list[tuple[str, list[float | None]]], series: list[tuple[str, str]],
              scale_max: int, hidden_label: str) -> Chart:
    """Horizontal grouped bars on a 1..scale_max axis.

    ``rows`` is (label, [value per series]); ``series`` is (key, label).
    """
    plot_left = LABEL_WIDTH
    plot_right = LABEL_WIDTH + PLOT_WIDTH
    span = max(scale_max - 1, 1)

    def x_of(value: float) -> int:
        return round(plot_left + (value - 1) / span * PLOT_WIDTH)

    groups = []
    y = TOP
    for label, values in rows:
        bars = []
        for index, ((key, series_label), value) in enumerate(zip(series, values, strict=True)):
            bar_y = y + index * (BAR_HEIGHT + BAR_GAP)
            width = max(x_of(value) - plot_left, 2) if value is not None else 0
            bars.append(Bar(series=key, series_label=series_label if value is not None
                            else f"{series_label}: {hidden_label}", value=value, x=plot_left,
                            y=bar_y, width=width, height=BAR_HEIGHT,
                            text_x=plot_left + width + 6))
        groups.append(Group(label=label, y=y + BAR_HEIGHT - 3, bars=bars))
        y += len(series) * (BAR_HEIGHT + BAR_GAP) + GROUP_GAP
    ticks = [Tick(value=v, x=x_of(v)) for v in range(1, scale_max + 1)]
    return Chart(width=plot_right + VALUE_WIDTH + 60, height=y + 4, plot_left=plot_left,
                 plot_right=plot_right, groups=groups, ticks=ticks, series=series)
