"""Reads for Min side and other leader-facing pages."""

from __future__ import annotations

from dataclasses import dataclass, field

from .models import Leader, Organisation, Unit, User


@dataclass
class MinSide:
    user: User
    leader: Leader | None
    organisation: Organisation | None = None
    unit_path: list[Unit] = field(default_factory=list)
    reports: list[Leader] = field(default_factory=list)


def min_side_get(*, user: User) -> MinSide:
    """Who the user is, where they sit and who reports to them.

    A fixed number of queries whatever the size of the municipality: the
    leader with unit and leader-above in one join, the unit's ancestors in one
    prefix query, the direct reports in one query.
    """
    leader = (
        Leader.objects.select_related("unit", "leader_above__user", "organisation", "user")
        .filter(user=user)
        .first()
    )
    if leader is None:
        return MinSide(user=user, leader=None, organisation=user.organisation)
    ancestors = [leader.unit.path[:i] for i in range(Unit.steplen, len(leader.unit.path),
                                                      Unit.steplen)]
    unit_path = list(Unit.objects.filter(path__in=ancestors).order_by("depth")) + [leader.unit]
    reports = list(
        Leader.objects.filter(leader_above=leader)
        .select_related("user", "unit")
        .order_by("user__full_name")
    )
    return MinSide(user=user, leader=leader, organisation=leader.organisation,
                   unit_path=unit_path, reports=reports)
