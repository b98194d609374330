"""The composer on its own: sizes, reporting lines, mix, and the same answer every time."""

from __future__ import annotations

import itertools

import pytest

from ..compose import ComposeError, Person, compose, group_sizes, mix_of, reporting_clash

LEVELS = ["kommunalsjef", "virksomhetsleder", "avdelingsleder", "teamleder"]


def municipality(areas: int = 8, per_area: int = 80) -> list[Person]:
    """A believable tree: per area a head, enterprise leaders, department and team leaders."""
    people: list[Person] = []
    pid = itertools.count(1)
    for a in range(areas):
        area = f"{a:04d}"
        head = Person(next(pid), area, a * 1000, LEVELS[0], None)
        people.append(head)
        while sum(1 for p in people if p.area == area) < per_area:
            enterprise = Person(next(pid), area, a * 1000 + len(people), LEVELS[1], head.id)
            people.append(enterprise)
            for d in range(3):
                dep = Person(next(pid), area, enterprise.unit * 10 + d, LEVELS[2], enterprise.id)
                people.append(dep)
                people.extend(Person(next(pid), area, dep.unit, LEVELS[3], dep.id)
                              for _ in range(2))
    return people


def test_group_sizes_are_as_even_as_the_maximum_allows():
    assert group_sizes(19, 6) == [5, 5, 5, 4]
    assert group_sizes(18, 6) == [6, 6, 6]
    assert group_sizes(650, 6) == [6] * 105 + [5] * 4
    assert group_sizes(0, 6) == []


def test_every_leader_is_placed_once_and_no_group_is_too_big():
    people = municipality()
    groups = compose(people, max_size=6)
    placed = [p.id for g in groups for p in g]
    assert sorted(placed) == sorted(p.id for p in people)
    assert max(len(g) for g in groups) <= 6
    assert max(len(g) for g in groups) - min(len(g) for g in groups) <= 1


def test_no_leader_shares_a_group_with_their_leader_above_or_a_report():
    people = municipality()
    for g in compose(people, max_size=6):
        assert reporting_clash(g) is None


def test_groups_mix_service_areas_and_levels():
    groups = compose(municipality(), max_size=6)
    mixes = [mix_of(g) for g in groups]
    # Eight areas and groups of five or six: every member from a different area.
    assert all(m.areas == m.size for m in mixes)
    assert sum(m.levels for m in mixes) / len(mixes) >= 2.5


def test_same_input_gives_the_same_groups_whatever_the_order():
    people = municipality(areas=5, per_area=30)
    first = compose(people, max_size=5)
    again = compose(list(reversed(people)), max_size=5)
    assert [[p.id for p in g] for g in first] == [[p.id for p in g] for g in again]


def test_a_small_municipality_with_one_director_above_everyone():
    director = Person(1, "0001", 1, "kommunedirektor", None)
    heads = [Person(i, f"{i:04d}", i, "virksomhetsleder", 1) for i in range(2, 8)]
    staff = [Person(100 + i, h.area, h.unit, "avdelingsleder", h.id)
             for h in heads for i in (h.id * 2, h.id * 2 + 1)]
    groups = compose([director, *heads, *staff], max_size=5)
    assert [len(g) for g in groups] == [5, 5, 5, 4]
    for g in groups:
        assert reporting_clash(g) is None


def test_impossible_reporting_lines_raise():
    # A leader with three reports cannot avoid them all in one group of four.
    boss = Person(1, "a", 1, "virksomhetsleder", None)
    reports = [Person(i, "a", 1, "avdelingsleder", 1) for i in (2, 3, 4)]
    with pytest.raises(ComposeError) as info:
        compose([boss, *reports], max_size=4)
    assert info.value.person.id in {1, 2, 3, 4}
