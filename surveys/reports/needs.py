"""The needs survey report: abilities and topics ranked, by area, level and years as leader.

Which cells (filter combinations) may be shown is decided once per round by
:func:`needs_safety` from the finest counts (area × level × years band), with
:mod:`.disclosure`'s complementary suppression; every filter and breakdown a
reader asks for is looked up in that one fixed set. An item that not everyone
answered is shown in breakdowns only if the cells stay safe for the subset who
answered it; otherwise only for the whole round. Choice and ranking items
(:mod:`.choices`) follow the same rules: the same fixed cells, N respondents of
the item within a cell, and the same whole-round-only check for items some
respondents skipped.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import LeaderLevel, Unit

from ..models import Answer, Dimension, InstrumentKind, Item, ItemKind, Response, Round
from .anonymity import enough_answered
from .choices import (
    CHOICE_KINDS,
    ChoiceBreakdown,
    ChoiceResult,
    FineTallies,
    choice_items,
    fine_tallies,
    load_choices,
)
from .common import RoundStatus, Stat, comments, round_statuses, scale_stats
from .disclosure import family_is_safe, publishable

DIMS = ("area", "level", "band")
FIELDS = {"area": "area_id", "level": "level", "band": "years_band"}
UNKNOWN_AREA = 0  # a response whose unit was deleted since

Key = tuple[Any, Any, Any]  # (area, level, band); None means "any"
WHOLE: Key = (None, None, None)
# Which item kinds the stored "whole_only" set was worked out for. A set stored before
# choice items were reported is brought up to date by the data migration
# surveys.0003 (:func:`disclosure_upgraded`); a new kind needs a migration like it.
WHOLE_ONLY_KINDS = "scale+choice"


@dataclass(frozen=True)
class NeedsFilter:
    area: int | None = None
    level: str | None = None
    band: str | None = None
    by: str | None = None  # breakdown dimension

    @property
    def key(self) -> Key:
        return (self.area, self.level, self.band)

    def with_value(self, dim: str, value: Any) -> Key:
        key = list(self.key)
        key[DIMS.index(dim)] = value
        return tuple(key)  # type: ignore[return-value]


def _q_for(key: Key, prefix: str = "") -> Q:
    q = Q()
    for dim, value in zip(DIMS, key, strict=True):
        if value is None:
            continue
        field_name = f"{prefix}{FIELDS[dim]}"
        if dim == "area" and value == UNKNOWN_AREA:
            q &= Q(**{f"{field_name}__isnull": True})
        else:
            q &= Q(**{field_name: value})
    return q


def _matches(key: Key, fine: Key) -> bool:
    return all(k is None or k == f for k, f in zip(key, fine, strict=True))


@dataclass
class Safety:
    """The fixed set of cells of one round that may be shown."""

    threshold: int
    counts: dict[Key, int]
    shown: set[Key]
    members: dict[Key, list[Key]]
    # Items some respondents skipped, for which breakdowns would not be safe.
    whole_only_items: set[int] = field(default_factory=set)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def is_shown(self, key: Key) -> bool:
        if key == WHOLE:
            return enough_answered(self.total, self.threshold)
        return key in self.shown

    def fines(self, key: Key) -> list[Key]:
        """The finest cells that make up ``key``."""
        return list(self.counts) if key == WHOLE else self.members.get(key, [])

    def n(self, key: Key) -> int | None:
        """The number of respondents of a shown cell; None for a withheld one."""
        if not self.is_shown(key):
            return None
        return sum(n for fine, n in self.counts.items() if _matches(key, fine))


def _fine_counts(rows: Any) -> dict[Key, int]:
    counts: dict[Key, int] = {}
    for row in rows:
        area = row["area_id"] if row["area_id"] is not None else UNKNOWN_AREA
        key = (area, row["level"], row["years_band"])
        counts[key] = counts.get(key, 0) + row["n"]
    return counts


# The order in which breakdowns get their cells shown: O&F chooses topics by area and
# level first, years as leader matters least.
DIMENSION_ORDER = [(0,), (1,), (2,), (0, 1), (1, 2), (0, 2), (0, 1, 2)]


def _candidates(counts: dict[Key, int]) -> tuple[list[tuple[Key, list[Key]]], dict]:
    """Every cell with respondents: areas, levels, bands, then their combinations."""
    members: dict[Key, list[Key]] = defaultdict(list)
    for fine in counts:
        for size in (1, 2, 3):
            for dims in combinations(range(3), size):
                key = tuple(fine[i] if i in dims else None for i in range(3))
                members[key].append(fine)  # type: ignore[index]

    def order(key: Key) -> tuple[int, int, str]:
        dims = tuple(i for i, k in enumerate(key) if k is not None)
        return (DIMENSION_ORDER.index(dims), -sum(counts[f] for f in members[key]), repr(key))

    keys = sorted(members, key=order)
    return [(k, members[k]) for k in keys], members


def needs_safety(round: Round) -> Safety:
    """Which cells of the round may be shown; a pure read.

    Worked out once the results are released (they no longer change then):
    the beat task :func:`needs_rounds_prepare` stores the set on the round
    (:func:`needs_safety_store`), so every later reader gets the very same set
    and the check — which can take a second on a large round — runs once. A
    reader who comes before beat gets the same set computed on the spot and
    kept in the cache (a read writes nothing to the database). Reads: the
    finest counts (one query), plus two when the set is worked out.
    """
    return _safety_and_disclosure(round)[0]


def needs_safety_store(round: Round) -> Safety:
    """Work out the round's shown cells and keep them on the round once its results are
    released, so that every later reader gets this very set (the write behind
    :func:`needs_rounds_prepare`)."""
    safety, stored = _safety_and_disclosure(round)
    if round.results_released() and round.disclosure != stored:
        round.disclosure = stored
        Round.objects.filter(pk=round.pk).update(disclosure=stored)
    return safety


def _response_counts(responses: QuerySet) -> dict[Key, int]:
    """Respondents per finest cell (one query)."""
    return _fine_counts(responses.values("area_id", "level", "years_band")
                        .annotate(n=Count("pk")).order_by())


def _is_current(data: dict | None, total: int, threshold: int) -> bool:
    """Whether a stored set was worked out for these respondents, this threshold and
    every kind of item reported today (older sets are brought up to date by migration
    ``surveys.0003``)."""
    if not data:
        return False
    return (data.get("total") == total and data.get("threshold") == threshold
            and data.get("whole_only_kinds") == WHOLE_ONLY_KINDS)


def _safety_and_disclosure(round: Round) -> tuple[Safety, dict[str, Any]]:
    """The round's safety and the set as stored: the round's own, the cache's, or new."""
    threshold = round.min_respondents
    counts = _response_counts(Response.objects.filter(round=round))
    candidates, members = _candidates(counts)
    total = sum(counts.values())
    cache_key = f"surveys:disclosure:{round.pk}:{total}:{threshold}"
    stored = round.disclosure if _is_current(round.disclosure, total, threshold) \
        else cache.get(cache_key)
    if stored is None or not _is_current(stored, total, threshold):
        shown = publishable(counts, candidates, threshold)
        safety = Safety(threshold=threshold, counts=counts, members=members, shown=shown)
        stored = {"total": total, "threshold": threshold, "shown": sorted(shown, key=repr),
                  "whole_only": sorted(_whole_only_items(
                      Answer.objects.filter(response__round=round), safety)),
                  "whole_only_kinds": WHOLE_ONLY_KINDS}
        cache.set(cache_key, stored, timeout=60 * 60 * 24)
    safety = Safety(threshold=threshold, counts=counts, members=members,
                    shown={tuple(k) for k in stored["shown"]},
                    whole_only_items=set(stored["whole_only"]))
    return safety, stored


def disclosure_upgraded(stored: dict[str, Any], *, responses: QuerySet,
                        answers: QuerySet) -> dict[str, Any] | None:
    """A set stored before choice items were reported, brought up to date.

    The shown cells stay as readers have seen them; the items to keep to the
    whole round are worked out again for every kind of item. ``responses`` and
    ``answers`` are the round's rows, as querysets so that the data migration
    ``surveys.0003`` can pass its historical models. None when the stored set
    no longer fits the respondents (it is then worked out afresh).
    """
    counts = _response_counts(responses)
    if stored.get("total") != sum(counts.values()):
        return None
    _candidates_in_order, members = _candidates(counts)
    safety = Safety(threshold=stored["threshold"], counts=counts, members=members,
                    shown={tuple(k) for k in stored["shown"]})
    return {**stored, "whole_only": sorted(_whole_only_items(answers, safety)),
            "whole_only_kinds": WHOLE_ONLY_KINDS}


def _whole_only_items(answers: QuerySet, safety: Safety) -> set[int]:
    """Items some respondents skipped whose breakdowns would not be safe for those who did.

    ``answers`` are the round's answers.
    """
    answered = (answers.filter(item__kind__in=[ItemKind.SCALE, *CHOICE_KINDS])
                .values("item_id").annotate(n=Count("response_id", distinct=True))
                .values_list("item_id", "n"))
    partial = [pk for pk, n in answered if n < safety.total]
    if not partial or not safety.shown:
        return set()
    per_item: dict[int, dict[Key, int]] = defaultdict(dict)
    rows = (answers.filter(item_id__in=partial)
            .values("item_id", "response__area_id", "response__level", "response__years_band")
            .annotate(n=Count("response_id", distinct=True)).order_by())
    for row in rows:
        area = row["response__area_id"]
        fine = (area if area is not None else UNKNOWN_AREA, row["response__level"],
                row["response__years_band"])
        per_item[row["item_id"]][fine] = row["n"]
    cells = [safety.members[k] for k in safety.shown]
    return {pk for pk in partial
            if not family_is_safe(per_item.get(pk, {}), cells, safety.threshold)}


@dataclass
class ItemResult:
    item: Item
    stat: Stat | None


@dataclass
class Section:
    dimension: Dimension | None
    items: list[ItemResult]


@dataclass
class Column:
    value: Any
    label: str
    n: int | None  # None: withheld


@dataclass
class Breakdown:
    dim: str
    columns: list[Column]
    rows: list[tuple[Item, list[Stat | None]]]
    choices: list[ChoiceBreakdown] = field(default_factory=list)


@dataclass
class NeedsReport:
    round: Round
    status: RoundStatus
    filter: NeedsFilter
    filter_shown: bool = False
    filter_n: int | None = None
    sections: list[Section] = field(default_factory=list)
    breakdown: Breakdown | None = None
    comments: list[tuple[Item, list[str]]] = field(default_factory=list)
    areas: list[tuple[int, str]] = field(default_factory=list)
    choices: list[ChoiceResult] = field(default_factory=list)


def dimension_values(areas: list[tuple[int, str]],
                     bands: list[tuple[str, str]]) -> dict[str, list[tuple[Any, str]]]:
    """Every possible value of each breakdown, fixed (never derived from who answered);
    the bands are the instrument's (``Instrument.years_band_choices``)."""
    return {"area": [*areas, (UNKNOWN_AREA, _("Unit no longer exists"))],
            "level": [(v, str(label)) for v, label in LeaderLevel.choices],
            "band": bands}


def needs_areas(round: Round) -> list[tuple[int, str]]:
    """The municipality's service areas (top-level units), for filters and breakdowns.

    Two areas with the same name are told apart by their unit code (or, without
    one, by their number in the list of that name), so no two columns look alike.
    """
    rows = list(Unit.objects.filter(organisation_id=round.organisation_id, depth=1)
                .order_by("name", "code", "pk").values_list("pk", "name", "code"))
    names = Counter(name for _, name, _ in rows)
    seen: Counter[str] = Counter()
    areas: list[tuple[int, str]] = []
    for pk, name, code in rows:
        seen[name] += 1
        if names[name] > 1:
            name = f"{name} ({code or seen[name]})"
        areas.append((pk, name))
    return areas


def needs_report(round: Round, flt: NeedsFilter, today: dt.date | None = None,
                 areas: list[tuple[int, str]] | None = None) -> NeedsReport:
    """The report for one filter (and breakdown) of a needs round, in a fixed number of
    queries; nothing before release, nothing for a withheld filter cell."""
    status = round_statuses([round], today)[round.pk]
    areas = needs_areas(round) if areas is None else areas
    report = NeedsReport(round=round, status=status, filter=flt, areas=areas)
    if not status.shown:
        return report
    safety = needs_safety(round)
    items = list(Item.objects.filter(instrument_id=round.instrument_id)
                 .select_related("dimension").order_by("order", "pk"))
    report.filter_shown = safety.is_shown(flt.key)
    report.filter_n = safety.n(flt.key)
    if not report.filter_shown:
        return report
    scale_items = [i for i in items if i.kind == ItemKind.SCALE]
    allowed = {i.pk for i in scale_items if _in_cell(flt.key, i, safety)}
    report.sections = _sections(round, flt, safety, scale_items, allowed)
    tallied = _choice_tallies(round, items)
    if tallied is not None:
        chosen, per_item, fine = tallied
        report.choices = [fine.cell(item, per_item[item.pk], safety.fines(flt.key),
                                    safety.threshold)
                          if _in_cell(flt.key, item, safety)
                          else ChoiceResult(item=item, n=None) for item in chosen]
    if flt.by:
        report.breakdown = _breakdown(round, flt, safety, report, allowed, areas)
        if tallied is not None:
            report.breakdown.choices = _choice_breakdown(flt, safety, report, tallied[2],
                                                         tallied[1])
    if flt.key == WHOLE:
        texts = {i.pk: i for i in items if i.kind == ItemKind.TEXT}
        report.comments = [(texts[pk], t) for pk, t in comments(round, status)]
    return report


def _in_cell(key: Key, item: Item, safety: Safety) -> bool:
    """Whether the item may be shown for the cell: any item for the whole round, for a
    smaller cell only items that everyone answered or whose breakdowns stay safe."""
    return key == WHOLE or item.pk not in safety.whole_only_items


def _sections(round: Round, flt: NeedsFilter, safety: Safety, scale_items: list[Item],
              allowed: set[int]) -> list[Section]:
    """The scale items of the filter cell by dimension, the best-rated first (one query)."""
    answers = Answer.objects.filter(response__round=round).filter(_q_for(flt.key, "response__"))
    stats = {row["item_id"]: Stat.from_row(row) for row in scale_stats(answers, "item_id")}
    by_dimension: dict[Any, list[ItemResult]] = defaultdict(list)
    dims: dict[Any, Dimension | None] = {}
    for item in scale_items:
        stat = stats.get(item.pk) if item.pk in allowed else None
        if stat is not None and not enough_answered(stat.n, safety.threshold):
            stat = None
        by_dimension[item.dimension_id].append(ItemResult(item=item, stat=stat))
        dims[item.dimension_id] = item.dimension
    sections = []
    for dim_id, results in by_dimension.items():
        results.sort(key=lambda r: (r.stat is None, -(r.stat.mean if r.stat else 0)))
        sections.append(Section(dimension=dims[dim_id], items=results))
    sections.sort(key=lambda s: (s.dimension is None, s.dimension.order if s.dimension else 0))
    return sections


def _breakdown(round: Round, flt: NeedsFilter, safety: Safety, report: NeedsReport,
               allowed: set[int], areas: list[tuple[int, str]]) -> Breakdown:
    dim = flt.by or "area"
    columns = [Column(value=v, label=label, n=safety.n(flt.with_value(dim, v)))
               for v, label in dimension_values(
                   areas, round.instrument.years_band_choices())[dim]]
    shown_values = [c.value for c in columns if c.n is not None]
    cells: dict[tuple[int, Any], Stat] = {}
    if shown_values:
        answers = Answer.objects.filter(response__round=round).filter(
            _q_for(flt.key, "response__"))
        field_name = f"response__{FIELDS[dim]}"
        for row in scale_stats(answers, "item_id", field_name):
            value = row[field_name]
            if dim == "area" and value is None:
                value = UNKNOWN_AREA
            if value in shown_values and row["item_id"] in allowed \
                    and row["item_id"] not in safety.whole_only_items:
                cells[(row["item_id"], value)] = Stat.from_row(row)
    rows = []
    for section in report.sections:
        for result in section.items:
            rows.append((result.item, [cells.get((result.item.pk, c.value)) if c.n is not None
                                       else None for c in columns]))
    return Breakdown(dim=dim, columns=columns, rows=rows)


def _to_fine(values: tuple) -> Key:
    area, level, band = values
    return (area if area is not None else UNKNOWN_AREA, level, band)


FINE_FIELDS = ["response__area_id", "response__level", "response__years_band"]


def _choice_tallies(round: Round, items: list[Item]
                    ) -> tuple[list[Item], dict[int, list[Any]], FineTallies] | None:
    """The choice items, their choices and their sums per finest cell (three queries)."""
    chosen = choice_items(items)
    if not chosen:
        return None
    return (chosen, load_choices(chosen),
            fine_tallies(Answer.objects.filter(response__round=round), FINE_FIELDS, _to_fine))


def _choice_breakdown(flt: NeedsFilter, safety: Safety, report: NeedsReport,
                      fine: FineTallies, choices: dict[int, list[Any]]) -> list[ChoiceBreakdown]:
    """Each choice item shown for the selection, across the breakdown's shown columns."""
    assert report.breakdown is not None
    result = []
    for whole in report.choices:
        if not whole.shown or whole.item.pk in safety.whole_only_items:
            continue
        cells = []
        for column in report.breakdown.columns:
            if column.n is None:
                cells.append(ChoiceResult(item=whole.item, n=None))
                continue
            key = flt.with_value(report.breakdown.dim, column.value)
            cells.append(fine.cell(whole.item, choices[whole.item.pk], safety.fines(key),
                                   safety.threshold))
        # The rows follow the selection's order (most chosen, or best ranked, first).
        order = {row.choice.pk: i for i, row in enumerate(whole.rows)}
        for cell in cells:
            cell.rows.sort(key=lambda r: order.get(r.choice.pk, len(order)))
        result.append(ChoiceBreakdown(item=whole.item, results=cells,
                                      labels=[c.label for c in report.breakdown.columns]))
    return result


def needs_choice_cells(round: Round) -> list[tuple[Key, int, ChoiceResult]]:
    """Every shown cell × choice item, for the CSV: the whole, then each shown cell.

    Three queries (choices, sums per choice and respondents per item, both by
    finest cell) besides the safety's; nothing before release.
    """
    if not round.results_released():
        return []
    safety = needs_safety(round)
    if not safety.is_shown(WHOLE):
        return []
    tallied = _choice_tallies(round, list(Item.objects.filter(
        instrument_id=round.instrument_id, kind__in=CHOICE_KINDS).order_by("order", "pk")))
    if tallied is None:
        return []
    chosen, choices, fine = tallied
    keys = [WHOLE, *sorted(safety.shown, key=lambda k: (
        DIMENSION_ORDER.index(tuple(i for i, v in enumerate(k) if v is not None)), repr(k)))]
    result = []
    for key in keys:
        for item in chosen:
            if key != WHOLE and item.pk in safety.whole_only_items:
                continue
            cell = fine.cell(item, choices[item.pk], safety.fines(key), safety.threshold)
            if cell.shown:
                result.append((key, safety.n(key) or 0, cell))
    return result


def needs_cells(round: Round) -> list[tuple[Key, int, Item, Stat]]:
    """Every shown cell × item, for the CSV: the whole, then each shown breakdown cell.

    One grouped query per combination of dimensions (eight in all). Nothing
    before the round's results are released.
    """
    if not round.results_released():
        return []
    safety = needs_safety(round)
    if not safety.is_shown(WHOLE):
        return []
    items = {i.pk: i for i in Item.objects.filter(instrument_id=round.instrument_id,
                                                  kind=ItemKind.SCALE).select_related("dimension")}
    answers = Answer.objects.filter(response__round=round)
    result = []
    for size in range(0, 4):
        for dims in combinations(range(3), size):
            group_fields = [f"response__{FIELDS[DIMS[i]]}" for i in dims]
            for row in scale_stats(answers, "item_id", *group_fields):
                values = [row[f] for f in group_fields]
                key_list: list[Any] = [None, None, None]
                for i, value in zip(dims, values, strict=True):
                    key_list[i] = UNKNOWN_AREA if (DIMS[i] == "area" and value is None) \
                        else value
                key: Key = tuple(key_list)  # type: ignore[assignment]
                if not safety.is_shown(key) or row["item_id"] not in items:
                    continue
                if key != WHOLE and row["item_id"] in safety.whole_only_items:
                    continue
                if not enough_answered(row["n"], safety.threshold):
                    continue
                result.append((key, safety.n(key) or 0, items[row["item_id"]],
                               Stat.from_row(row)))
    return result


def needs_rounds_prepare(*, today: dt.date | None = None) -> int:
    """Work out and store the shown cells of every released needs round that lacks them.

    Beat runs this hourly so that no reader waits for the check; a reader who
    comes first still gets it done on the spot.
    """
    today = today or timezone.localdate()
    stale = (Q(disclosure__isnull=True) | ~Q(disclosure__has_key="whole_only_kinds")
             | ~Q(disclosure__whole_only_kinds=WHOLE_ONLY_KINDS))
    due = (Round.objects.filter(kind=InstrumentKind.NEEDS).filter(stale)
           .filter(Q(completed=True) | Q(closes_on__lt=today)))
    done = 0
    for round in due:
        needs_safety_store(round)
        done += 1
    return done
