"""An independent, brute-force check that shown cells reveal no group under N.

Deliberately shares no code with :mod:`surveys.reports.disclosure`: it uses
exact fractions and tries every small set of atoms. A set T of atoms is
revealed (some combination of shown cells involves only T) exactly when
dropping T's columns lowers the rank of the cell × atom matrix.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Hashable, Iterable, Mapping
from fractions import Fraction
from itertools import combinations


def _rank(rows: list[list[Fraction]]) -> int:
    rows = [r[:] for r in rows]
    rank, width = 0, len(rows[0]) if rows else 0
    for col in range(width):
        pivot = next((i for i in range(rank, len(rows)) if rows[i][col] != 0), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        for i in range(len(rows)):
            if i != rank and rows[i][col] != 0:
                factor = rows[i][col] / rows[rank][col]
                rows[i] = [a - factor * b for a, b in zip(rows[i], rows[rank], strict=True)]
        rank += 1
    return rank


def revealed_groups(counts: Mapping[Hashable, int], cells: Iterable[Collection[Hashable]],
                    threshold: int) -> list[int]:
    """Sizes of every group of fewer than ``threshold`` people that the cells reveal."""
    cells = [set(c) for c in cells]
    atoms: dict[tuple[bool, ...], int] = defaultdict(int)
    for fine, n in counts.items():
        if n > 0:
            atoms[tuple(fine in c for c in cells)] += n
    keys = list(atoms)
    matrix = [[Fraction(1)] * len(keys)] + [[Fraction(int(k[i])) for k in keys]
                                            for i in range(len(cells))]
    full = _rank(matrix)
    small = [i for i, k in enumerate(keys) if atoms[k] < threshold]
    revealed = []
    for size in range(1, threshold):
        for group in combinations(small, size):
            weight = sum(atoms[keys[i]] for i in group)
            if weight >= threshold:
                continue
            rest = [[v for j, v in enumerate(row) if j not in group] for row in matrix]
            if not rest[0] or _rank(rest) < full:
                revealed.append(weight)
    return revealed
