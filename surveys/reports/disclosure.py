"""Which breakdown cells may be shown without revealing a group smaller than N.

A report shows aggregates (n, mean, spread) over *cells*: sets of respondents
picked by a filter such as "area = Helse, level = any". Hiding every cell
under N is not enough, because a reader can combine what is shown: the whole
minus the areas shown is the hidden area. So we reason about what a reader
can *derive*.

Every shown aggregate is a sum over its cell (the mean times n, the spread
from the sums of squares). Split the respondents into *atoms*: groups that
belong to exactly the same shown cells. Everything a reader can compute is a
linear combination of shown cells, so it is a weighted sum over atoms. It
reveals something about fewer than N people exactly when some combination
puts weight only on atoms whose people number fewer than N in all. The rule,
checked with exact integer arithmetic:

    every non-zero combination of shown cells must touch atoms holding at
    least N respondents together.

Where every atom has N or more this holds at once (the quick path). Otherwise
the combinations that touch only small atoms form a subspace; we compute it
and look at its vectors of smallest support (for up to three dimensions; a
larger subspace is refused, to stay on the safe side).

:func:`publishable` adds candidate cells greedily — the whole first, then
areas, levels, years bands, then their combinations, larger before smaller —
and keeps a cell only if the rule still holds. That is complementary
suppression: a cell of 30 is withheld if showing it would let someone work
out a hidden cell of 3. The set of shown cells is fixed per round (the same
for every reader and request) and computed from data that no longer changes
(results are released only after a round has closed), so no sequence of
requests can combine into more than this one checked set.

The counts come from one GROUP BY over the finest cells (for the needs survey
area × level × years band); the work here is over those few hundred counts,
never over individual answers.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from itertools import combinations

from .anonymity import enough_answered

Fine = Hashable  # one finest cell, e.g. (area_id, level, band)
CellKey = Hashable  # a candidate's name, e.g. (area_id, None, None)
MAX_SMALL_DIMENSION = 3


def _echelon(rows: list[list[int]]) -> list[tuple[int, list[int]]]:
    """Row echelon form over the integers (exact): [(pivot column, row), …]."""
    rows = [r[:] for r in rows if any(r)]
    result: list[tuple[int, list[int]]] = []
    width = len(rows[0]) if rows else 0
    for col in range(width):
        pivot = next((i for i, r in enumerate(rows) if r[col] != 0), None)
        if pivot is None:
            continue
        top = rows.pop(pivot)
        reduced = []
        for r in rows:
            if r[col] != 0:
                r = [a * top[col] - b * r[col] for a, b in zip(r, top, strict=True)]
                g = math.gcd(*r)
                if g == 0:
                    continue
                r = [a // g for a in r]
            reduced.append(r)
        rows = reduced
        result.append((col, top))
    return result


def _smallest_support(basis: list[list[int]], weights: list[int]) -> int:
    """The least weight of the support of a non-zero vector in the span of ``basis``.

    Vectors of minimal support vanish on (dimension − 1) chosen coordinates,
    so trying every such choice finds them.
    """
    d = len(basis)
    best = math.inf

    def weigh(v: list[int]) -> None:
        nonlocal best
        if any(v):
            best = min(best, sum(w for w, x in zip(weights, v, strict=True) if x))

    columns = list(zip(*basis, strict=True))
    if d == 1:
        weigh(basis[0])
    elif d == 2:
        for col in columns:
            y = (col[1], -col[0])
            if y != (0, 0):
                weigh([y[0] * a + y[1] * b for a, b in zip(*basis, strict=True)])
    else:
        for c1, c2 in combinations(columns, 2):
            y = (c1[1] * c2[2] - c1[2] * c2[1], c1[2] * c2[0] - c1[0] * c2[2],
                 c1[0] * c2[1] - c1[1] * c2[0])
            if y != (0, 0, 0):
                weigh([y[0] * a + y[1] * b + y[2] * c for a, b, c in zip(*basis, strict=True)])
    return int(best) if best != math.inf else 0


def is_safe(sizes: Mapping[int, int], cells: int, threshold: int) -> bool:
    """Whether shown cells leave no derivable group under ``threshold``.

    ``sizes`` maps each atom's signature (bit k set = inside shown cell k; the
    whole is always shown) to its number of respondents; ``cells`` is how many
    cells are shown besides the whole.
    """
    atoms = [s for s, n in sizes.items() if n > 0]
    small = [s for s in atoms if not enough_answered(sizes[s], threshold)]
    if not small:
        return True
    large = [s for s in atoms if enough_answered(sizes[s], threshold)]
    order = large + small  # eliminate the large atoms first
    matrix = [[1] * len(order)] + [[1 if s >> k & 1 else 0 for s in order]
                                   for k in range(cells)]
    # Rows whose pivot lies among the small atoms are zero on every large atom:
    # together they span every combination that touches small atoms only.
    basis = [row[len(large):] for col, row in _echelon(matrix) if col >= len(large)]
    if not basis:
        return True
    if len(basis) > MAX_SMALL_DIMENSION:
        return False
    basis = [row for _col, row in _echelon(basis)]
    return enough_answered(_smallest_support(basis, [sizes[s] for s in small]), threshold)


def publishable(counts: Mapping[Fine, int],
                candidates: Sequence[tuple[CellKey, Collection[Fine]]],
                threshold: int) -> set[CellKey]:
    """The candidate cells that may be shown, with the whole as shown first.

    ``counts`` maps each finest cell to its number of respondents;
    ``candidates`` lists (key, finest cells in it) in order of preference.
    Returns the keys shown. The whole counts as shown when it has
    ``threshold`` or more; if it has fewer, nothing is shown.
    """
    if not enough_answered(sum(counts.values()), threshold):
        return set()
    fines = [f for f, n in counts.items() if n > 0]
    position = {f: i for i, f in enumerate(fines)}
    signature = [0] * len(fines)
    sizes: dict[int, int] = {0: sum(counts[f] for f in fines)}  # atom → respondents
    shown: set[CellKey] = set()
    seen: set[frozenset[int]] = set()
    for key, members in candidates:
        inside = frozenset(position[f] for f in members if f in position)
        if not enough_answered(sum(counts[fines[i]] for i in inside), threshold):
            continue
        if inside in seen or len(inside) == len(fines):
            shown.add(key)  # the same people as a cell already shown: nothing new
            continue
        bit = 1 << len(seen)
        cut: dict[int, int] = defaultdict(int)
        for i in inside:
            cut[signature[i]] += counts[fines[i]]
        trial_sizes = dict(sizes)
        for atom, n_in in cut.items():
            trial_sizes[atom] -= n_in
            if not trial_sizes[atom]:
                del trial_sizes[atom]
            trial_sizes[atom | bit] = n_in
        if _splits_safely(sizes, cut, threshold) or \
                is_safe(trial_sizes, len(seen) + 1, threshold):
            signature = [s | bit if i in inside else s for i, s in enumerate(signature)]
            sizes = trial_sizes
            seen.add(inside)
            shown.add(key)
    return shown


def _splits_safely(sizes: Mapping[int, int], cut: Mapping[int, int], threshold: int) -> bool:
    """A quick proof that adding a cell keeps a safe family safe.

    If the cell splits some atom into two parts of ``threshold`` or more, any
    new combination must give the cell weight zero (it has to vanish on both
    parts), so only old combinations remain; and if no atom of
    ``threshold`` or more falls apart into smaller pieces, those old
    combinations touch as many people as before.
    """
    def enough(n: int) -> bool:
        return enough_answered(n, threshold)

    forced = any(enough(n_in) and enough(sizes[a] - n_in) for a, n_in in cut.items())
    broken = any(enough(sizes[a]) and not enough(n_in) and sizes[a] - n_in > 0
                 and not enough(sizes[a] - n_in) for a, n_in in cut.items())
    return forced and not broken


def family_is_safe(counts: Mapping[Fine, int], cells: Iterable[Collection[Fine]],
                   threshold: int) -> bool:
    """Whether showing all ``cells`` (and the whole) of ``counts`` is safe."""
    cells = [set(c) for c in cells]
    sizes: dict[int, int] = defaultdict(int)
    for fine, n in counts.items():
        if n > 0:
            sizes[sum(1 << k for k, c in enumerate(cells) if fine in c)] += n
    total = sum(sizes.values())
    if total > 0 and not enough_answered(total, threshold):
        return False
    return is_safe(sizes, len(cells), threshold)
