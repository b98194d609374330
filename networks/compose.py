"""Compose heterogeneous network groups: pure Python, no database, no randomness.

The aim (Seljord's nettverksgrupper): groups of five or six that mix service
areas, units and leader levels as much as possible, and never seat a leader
with their own leader above or a direct report.

How: the number of groups and their sizes are fixed first (as even as
possible), then leaders are placed one by one — the biggest service area
first, so every area is spread across all groups like dealing cards — each
into the allowed group where they add the least "sameness". Then pairs of
leaders are swapped between groups while a swap lowers the total sameness.
Every order is a sort on stable keys, so the same participants always give the
same groups.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

# Sharing a service area is worse than sharing a level; sharing a unit adds to
# sharing its area (the unit lies in it).
AREA_WEIGHT = 4
UNIT_WEIGHT = 2
LEVEL_WEIGHT = 1
MAX_SWAP_PASSES = 4


@dataclass(frozen=True)
class Person:
    id: int  # the leader's primary key
    area: str  # service-area path prefix (the unit tree's root)
    unit: int
    level: str
    above: int | None  # the leader-above's id


class ComposeError(Exception):
    """No grouping satisfies the hard rules; ``person`` is the one left over."""

    def __init__(self, person: Person) -> None:
        super().__init__(person.id)
        self.person = person


@dataclass
class Bucket:
    capacity: int
    members: list[Person] = field(default_factory=list)
    areas: Counter[str] = field(default_factory=Counter)
    units: Counter[int] = field(default_factory=Counter)
    levels: Counter[str] = field(default_factory=Counter)

    def add(self, p: Person) -> None:
        self.members.append(p)
        self.areas[p.area] += 1
        self.units[p.unit] += 1
        self.levels[p.level] += 1

    def remove(self, p: Person) -> None:
        self.members.remove(p)
        self.areas[p.area] -= 1
        self.units[p.unit] -= 1
        self.levels[p.level] -= 1

    def added_cost(self, p: Person) -> int:
        """How much sameness ``p`` would bring (pairs sharing area, unit or level)."""
        return (AREA_WEIGHT * self.areas[p.area] + UNIT_WEIGHT * self.units[p.unit]
                + LEVEL_WEIGHT * self.levels[p.level])

    def cost(self) -> int:
        def pairs(counter: Counter) -> int:
            return sum(c * (c - 1) // 2 for c in counter.values())
        return (AREA_WEIGHT * pairs(self.areas) + UNIT_WEIGHT * pairs(self.units)
                + LEVEL_WEIGHT * pairs(self.levels))


def group_sizes(n: int, max_size: int) -> list[int]:
    """As few groups as the maximum allows, their sizes differing by at most one."""
    if n <= 0:
        return []
    count = math.ceil(n / max_size)
    base, extra = divmod(n, count)
    return [base + 1 if i < extra else base for i in range(count)]


def forbidden_partners(people: list[Person]) -> dict[int, set[int]]:
    """For each leader, the participants they must not share a group with."""
    ids = {p.id for p in people}
    partners: dict[int, set[int]] = {p.id: set() for p in people}
    for p in people:
        if p.above is not None and p.above in ids:
            partners[p.id].add(p.above)
            partners[p.above].add(p.id)
    return partners


def compose(people: list[Person], *, max_size: int) -> list[list[Person]]:
    """Split ``people`` into groups of at most ``max_size``; raises ComposeError if the
    reporting lines cannot be kept apart."""
    sizes = group_sizes(len(people), max_size)
    buckets = [Bucket(capacity=size) for size in sizes]
    forbidden = forbidden_partners(people)
    area_sizes = Counter(p.area for p in people)
    # Hardest first within an area: those with reporting lines to keep apart.
    order = sorted(people, key=lambda p: (-area_sizes[p.area], p.area, -len(forbidden[p.id]),
                                          p.level, p.unit, p.id))
    for person in order:
        _place(person, buckets, forbidden)
    _improve(buckets, forbidden)
    for bucket in buckets:
        bucket.members.sort(key=lambda p: p.id)
    return [bucket.members for bucket in buckets]


def _allowed(p: Person, bucket: Bucket, forbidden: dict[int, set[int]],
             without: Person | None = None) -> bool:
    return not any(m.id in forbidden[p.id] for m in bucket.members if m is not without)


def _place(p: Person, buckets: list[Bucket], forbidden: dict[int, set[int]]) -> None:
    best: tuple[int, int, int] | None = None
    for index, bucket in enumerate(buckets):
        if len(bucket.members) >= bucket.capacity or not _allowed(p, bucket, forbidden):
            continue
        key = (bucket.added_cost(p), len(bucket.members), index)
        if best is None or key < best:
            best = key
    if best is not None:
        buckets[best[2]].add(p)
        return
    if not _place_by_swap(p, buckets, forbidden):
        raise ComposeError(p)


def _place_by_swap(p: Person, buckets: list[Bucket], forbidden: dict[int, set[int]]) -> bool:
    """Make room for ``p`` in a group with space by moving out the one member p may not
    meet, in exchange for someone from another group."""
    for target in buckets:
        if len(target.members) >= target.capacity:
            continue
        blockers = [m for m in target.members if m.id in forbidden[p.id]]
        if len(blockers) != 1:
            continue
        blocker = blockers[0]
        for other in buckets:
            if other is target:
                continue
            for candidate in list(other.members):
                if (candidate.id in forbidden[p.id]
                        or not _allowed(candidate, target, forbidden, without=blocker)
                        or not _allowed(blocker, other, forbidden, without=candidate)):
                    continue
                target.remove(blocker)
                other.remove(candidate)
                target.add(candidate)
                other.add(blocker)
                target.add(p)
                return True
    return False


def _swap_delta(a: Person, ba: Bucket, b: Person, bb: Bucket) -> int:
    """Change in total cost if ``a`` (in ba) and ``b`` (in bb) trade places."""
    delta = 0
    for weight, attr, counters in ((AREA_WEIGHT, "area", "areas"),
                                   (UNIT_WEIGHT, "unit", "units"),
                                   (LEVEL_WEIGHT, "level", "levels")):
        va, vb = getattr(a, attr), getattr(b, attr)
        if va == vb:
            continue
        ca: Counter = getattr(ba, counters)
        cb: Counter = getattr(bb, counters)
        # a leaves ba, b arrives in ba; b leaves bb, a arrives in bb.
        delta += weight * (-(ca[va] - 1) + ca[vb] - (cb[vb] - 1) + cb[va])
    return delta


def _surplus(p: Person, bucket: Bucket, fair: dict[str, dict]) -> bool:
    """True if the group holds more of p's area, unit or level than an even spread would."""
    return (bucket.areas[p.area] > fair["area"][p.area]
            or bucket.units[p.unit] > fair["unit"][p.unit]
            or bucket.levels[p.level] > fair["level"][p.level])


def _improve(buckets: list[Bucket], forbidden: dict[int, set[int]]) -> None:
    """First-improvement swaps, only for leaders whose group has more than its fair share
    of their area, unit or level — the rest cannot gain from a swap worth looking for."""
    count = len(buckets)
    if count < 2:
        return
    everyone = [m for b in buckets for m in b.members]
    fair = {
        "area": {k: math.ceil(v / count) for k, v in Counter(p.area for p in everyone).items()},
        "unit": {k: math.ceil(v / count) for k, v in Counter(p.unit for p in everyone).items()},
        "level": {k: math.ceil(v / count) for k, v in Counter(p.level for p in everyone).items()},
    }
    for _ in range(MAX_SWAP_PASSES):
        improved = False
        for ba in buckets:
            for a in list(ba.members):
                if a not in ba.members or not _surplus(a, ba, fair):
                    continue
                for bb in buckets:
                    if bb is ba or a not in ba.members:
                        continue
                    for b in list(bb.members):
                        if _swap_delta(a, ba, b, bb) >= 0:
                            continue
                        if (b.id in forbidden[a.id]
                                or not _allowed(a, bb, forbidden, without=b)
                                or not _allowed(b, ba, forbidden, without=a)):
                            continue
                        ba.remove(a)
                        bb.remove(b)
                        ba.add(b)
                        bb.add(a)
                        improved = True
                        break
        if not improved:
            return


@dataclass(frozen=True)
class Mix:
    """How varied a group is — what the proposal shows O&F."""

    size: int
    areas: int
    units: int
    levels: int
    shared_area_pairs: int


def mix_of(members: list[Person]) -> Mix:
    areas = Counter(p.area for p in members)
    return Mix(size=len(members), areas=len(areas), units=len({p.unit for p in members}),
               levels=len({p.level for p in members}),
               shared_area_pairs=sum(c * (c - 1) // 2 for c in areas.values()))


def reporting_clash(people: list[Person]) -> tuple[Person, Person] | None:
    """The first (leader, leader-above) pair found together in ``people``, if any."""
    by_id = {p.id: p for p in people}
    for p in sorted(people, key=lambda x: x.id):
        if p.above is not None and p.above in by_id:
            return p, by_id[p.above]
    return None
