"""Single-choice, multiple-choice and ranking items in the reports.

For single and multiple choice a report shows, per choice, how many chose it
and their share of those who answered the item (multiple choice: the shares
can add up to more than 100 %). For ranking it shows each choice's mean place
and how often it was put first, best (lowest mean place) first.

Everything is aggregated in the database: one query for the choices' labels,
one for the sums per choice (count, sum of places, times first) and one for the
respondents per item, each grouped by whatever the report needs (the round for
the group and evaluation reports, the finest cell for the needs survey) — never
a query per item or choice.

Anonymity follows the scale items exactly. The protected quantity is the
*cell*: the people behind a figure. A choice item is shown under a cell only
when

* the round's results are released and the cell itself may be shown (for the
  needs survey: it is in the round's fixed set from :mod:`.disclosure`, which
  already withholds complementary cells, so a shown choice count can never be
  subtracted from the whole or other shown cells to describe fewer than N);
* at least N respondents answered the item within the cell; and
* outside the whole round, the item is not one that only some respondents
  answered in a way that would let the shown cells expose the skippers'
  complement (``whole_only_items`` in :mod:`.needs` covers choice items too,
  checked with the same complementary-suppression rule on the item's own
  counts).

Within a shown cell, the count of a single choice may be small (even 0 or 1):
that is fine for the same reason a mean of 7.0 on a 1–7 scale is — it
describes at least N people together, and nobody can be picked out, since no
other figure narrows the cell's people down. What may never be small is the
number of respondents behind the figures, and that is what is checked. When in
doubt a figure is withheld.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet, Sum

from ..models import Answer, Choice, Item, ItemKind
from .anonymity import enough_answered

CHOICE_KINDS = (ItemKind.SINGLE, ItemKind.MULTIPLE, ItemKind.RANKING)


@dataclass(frozen=True)
class Tally:
    """Sums for one choice in one cell; sums of disjoint cells add up."""

    count: int = 0  # respondents who chose (or ranked) it
    places: int = 0  # sum of the places given (ranking)
    first: int = 0  # times put in first place (ranking)

    def __add__(self, other: Tally) -> Tally:
        return Tally(self.count + other.count, self.places + other.places,
                     self.first + other.first)


@dataclass(frozen=True)
class ChoiceRow:
    choice: Choice
    count: int
    share: float  # of those who answered the item, 0..1
    mean_rank: float | None  # ranking only
    first: int  # ranking only: times ranked first

    @property
    def percent(self) -> float:
        return 100 * self.share

    @property
    def bar(self) -> int:
        """The bar's width on a 0–100 scale (at least 1, so a small share is visible)."""
        return max(round(self.percent), 1) if self.count else 0

    @property
    def first_percent(self) -> float:
        return 100 * self.first / self.count if self.count else 0.0


@dataclass
class ChoiceResult:
    """One choice item under one cell; ``n`` None and no rows when it is withheld."""

    item: Item
    n: int | None
    rows: list[ChoiceRow] = field(default_factory=list)

    @property
    def shown(self) -> bool:
        return self.n is not None

    @property
    def is_ranking(self) -> bool:
        return self.item.kind == ItemKind.RANKING

    @property
    def is_multiple(self) -> bool:
        return self.item.kind == ItemKind.MULTIPLE


@dataclass
class ChoiceBreakdown:
    """A choice item across a breakdown's columns; rows in the order of the selection."""

    item: Item
    results: list[ChoiceResult]  # one per column, withheld ones included
    labels: list[str]  # the columns' names

    @property
    def is_ranking(self) -> bool:
        return self.item.kind == ItemKind.RANKING

    @property
    def headers(self) -> list[tuple[str, ChoiceResult]]:
        return list(zip(self.labels, self.results, strict=True))

    @property
    def rows(self) -> list[tuple[Choice, list[ChoiceRow | None]]]:
        """(choice, [its row in each column, None where the column is withheld])."""
        order: list[Choice] = []
        for res in self.results:
            for row in res.rows:
                if row.choice not in order:
                    order.append(row.choice)
        by_column = [{row.choice.pk: row for row in res.rows} for res in self.results]
        return [(choice, [rows.get(choice.pk) for rows in by_column]) for choice in order]


def choice_items(items: Iterable[Item]) -> list[Item]:
    return [i for i in items if i.kind in CHOICE_KINDS]


def load_choices(items: list[Item]) -> dict[int, list[Choice]]:
    """The choices of ``items`` in their order (one query; none without items)."""
    result: dict[int, list[Choice]] = {i.pk: [] for i in items}
    if items:
        for choice in Choice.objects.filter(item__in=items).order_by("item_id", "order", "pk"):
            result[choice.item_id].append(choice)
    return result


def tallies(answers: QuerySet[Answer], *group_by: str
            ) -> tuple[dict[tuple, Tally], dict[tuple, int]]:
    """Two grouped queries: sums per (*group, item, choice) and respondents per (*group, item).

    Keys are tuples of the ``group_by`` values followed by the item id (and the
    choice id). A respondent counts once per item even when they chose several
    options.
    """
    answers = answers.filter(item__kind__in=CHOICE_KINDS, choice__isnull=False)
    per_choice = {}
    for row in (answers.values(*group_by, "item_id", "choice_id")
                .annotate(count=Count("pk"), places=Sum("value"),
                          first=Count("pk", filter=Q(value=1)))
                .order_by()):
        key = (*(row[g] for g in group_by), row["item_id"], row["choice_id"])
        per_choice[key] = Tally(row["count"], row["places"] or 0, row["first"])
    per_item = {(*(row[g] for g in group_by), row["item_id"]): row["n"]
                for row in answers.values(*group_by, "item_id")
                .annotate(n=Count("response_id", distinct=True)).order_by()}
    return per_choice, per_item


def result(item: Item, choices: list[Choice], n: int, sums: Mapping[int, Tally],
           threshold: int) -> ChoiceResult:
    """The shown result of one item in one cell, or a withheld one under ``threshold``.

    ``sums`` maps choice id → :class:`Tally` for the cell.
    """
    if not enough_answered(n, threshold):
        return ChoiceResult(item=item, n=None)
    rows = []
    for choice in choices:
        tally = sums.get(choice.pk, Tally())
        mean_rank = tally.places / tally.count if item.kind == ItemKind.RANKING and \
            tally.count else None
        rows.append(ChoiceRow(choice=choice, count=tally.count, share=tally.count / n,
                              mean_rank=mean_rank, first=tally.first))
    if item.kind == ItemKind.RANKING:
        rows.sort(key=lambda r: (r.mean_rank is None, r.mean_rank or 0))
    else:
        rows.sort(key=lambda r: -r.count)  # stable: ties keep the questionnaire's order
    return ChoiceResult(item=item, n=n, rows=rows)


def round_results(items: list[Item], choices: dict[int, list[Choice]],
                  per_choice: Mapping[tuple, Tally], per_item: Mapping[tuple, int],
                  prefix: tuple, threshold: int) -> list[ChoiceResult]:
    """The results of one cell whose keys in :func:`tallies` start with ``prefix``."""
    results = []
    for item in items:
        sums = {c.pk: per_choice[(*prefix, item.pk, c.pk)] for c in choices[item.pk]
                if (*prefix, item.pk, c.pk) in per_choice}
        results.append(result(item, choices[item.pk], per_item.get((*prefix, item.pk), 0),
                              sums, threshold))
    return results


@dataclass
class FineTallies:
    """Choice sums per finest cell (needs survey), to add up for any cell made of them."""

    per_choice: dict[int, dict[int, dict[Hashable, Tally]]]  # item → choice → fine → sums
    per_item: dict[int, dict[Hashable, int]]  # item → fine → respondents

    def cell(self, item: Item, choices: list[Choice], fines: Iterable[Hashable],
             threshold: int) -> ChoiceResult:
        fines = list(fines)
        counts = self.per_item.get(item.pk, {})
        n = sum(counts.get(f, 0) for f in fines)
        sums: dict[int, Tally] = {}
        for choice in choices:
            by_fine = self.per_choice.get(item.pk, {}).get(choice.pk, {})
            total = Tally()
            for f in fines:
                if f in by_fine:
                    total += by_fine[f]
            sums[choice.pk] = total
        return result(item, choices, n, sums, threshold)


def fine_tallies(answers: QuerySet[Answer], fields: list[str],
                 to_fine: Callable[[tuple], Hashable]) -> FineTallies:
    """:func:`tallies` grouped by ``fields`` and keyed by ``to_fine(values)``."""
    per_choice_rows, per_item_rows = tallies(answers, *fields)
    width = len(fields)
    per_choice: dict[int, dict[int, dict[Hashable, Tally]]] = defaultdict(
        lambda: defaultdict(dict))
    for key, tally in per_choice_rows.items():
        fine = to_fine(key[:width])
        cell = per_choice[key[width]][key[width + 1]]
        cell[fine] = cell.get(fine, Tally()) + tally
    per_item: dict[int, dict[Hashable, int]] = defaultdict(dict)
    for key, n in per_item_rows.items():
        fine = to_fine(key[:width])
        per_item[key[width]][fine] = per_item[key[width]].get(fine, 0) + n
    return FineTallies(per_choice=per_choice, per_item=per_item)

