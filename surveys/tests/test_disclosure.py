"""The complementary-suppression rule on its own, checked against a brute-force proof."""

from __future__ import annotations

import random

from surveys.reports.disclosure import family_is_safe, publishable

from .disclosure_proof import revealed_groups


def _shown_cells(candidates, shown):
    lookup = dict(candidates)
    return [lookup[k] for k in shown]


def test_a_cell_that_would_give_away_a_small_remainder_is_withheld():
    counts = {"a": 50, "b": 30, "c": 2}
    candidates = [("A", ["a"]), ("B", ["b"]), ("C", ["c"])]
    shown = publishable(counts, candidates, threshold=5)
    # B has 30 respondents, but the whole minus A minus B would be C's two people.
    assert shown == {"A"}
    assert revealed_groups(counts, [["a"], ["b"]], 5) == [2]  # what showing B would do
    assert revealed_groups(counts, _shown_cells(candidates, shown), 5) == []


def test_nothing_is_shown_when_the_whole_is_under_the_threshold():
    assert publishable({"a": 2, "b": 2}, [("A", ["a"])], threshold=5) == set()


def test_a_cell_equal_to_the_whole_or_to_another_adds_nothing_risky():
    counts = {"a": 6, "b": 0}
    assert publishable(counts, [("A", ["a"]), ("AB", ["a", "b"])], threshold=5) == {"A", "AB"}


def test_two_breakdowns_may_both_be_shown_when_no_small_group_can_be_derived():
    # Area x level with small crossings: each margin alone is fine, and the crossings
    # cannot be solved from the margins (they are not determined by row and column sums).
    counts = {("A", "L"): 3, ("A", "M"): 4, ("B", "L"): 4, ("B", "M"): 3}
    candidates = [(("A", None), [("A", "L"), ("A", "M")]),
                  ((None, "L"), [("A", "L"), ("B", "L")])]
    shown = publishable(counts, candidates, threshold=5)
    assert shown == {("A", None), (None, "L")}
    assert revealed_groups(counts, _shown_cells(candidates, shown), 5) == []


def test_a_margin_that_would_solve_a_small_crossing_is_withheld():
    # With B∩M empty, knowing A and L gives A∩L = A + L − whole: three people.
    counts = {("A", "L"): 3, ("A", "M"): 10, ("B", "L"): 10, ("B", "M"): 0}
    candidates = [(("A", None), [("A", "L"), ("A", "M")]),
                  ((None, "L"), [("A", "L"), ("B", "L")])]
    shown = publishable(counts, candidates, threshold=5)
    assert shown == {("A", None)}
    assert revealed_groups(counts, [c for _k, c in candidates], 5) == [3]


def test_random_tables_never_reveal_a_group_under_n():
    rng = random.Random(7)
    for _ in range(150):
        threshold = rng.choice([3, 5])
        fines = [(a, b) for a in range(rng.randint(1, 4)) for b in range(rng.randint(1, 3))]
        counts = {f: rng.choice([0, 0, 1, 2, 3, 4, 6, 9, 15, 40]) for f in fines}
        candidates = []
        for a in sorted({f[0] for f in fines}):
            candidates.append(((a, None), [f for f in fines if f[0] == a]))
        for b in sorted({f[1] for f in fines}):
            candidates.append(((None, b), [f for f in fines if f[1] == b]))
        candidates += [(f, [f]) for f in fines]
        rng.shuffle(candidates)
        shown = publishable(counts, candidates, threshold)
        cells = _shown_cells(candidates, shown)
        if sum(counts.values()) >= threshold:
            assert revealed_groups(counts, cells, threshold) == [], (counts, shown)
            assert family_is_safe(counts, cells, threshold)
        else:
            assert shown == set()
