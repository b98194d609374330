"""Reads for Min side and other leader-facing pages."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from lib.prepared import Prepared, ahead

from .access import leader_for
from .dashboard import on_page, panel_reads, panels_for
from .models import Leader, Organisation, Unit, User

_UNITS_BY_PATH: Prepared[Unit] = Prepared(lambda paths: (
    Unit.objects.filter(path__any=paths).order_by("depth")))
# Who reports to the leader, and the leader above (``above_ids``: theirs, or none).
_REPORTS_AND_ABOVE: Prepared[Leader] = Prepared(lambda leader_id, above_ids: (
    Leader.objects.filter(Q(leader_above_id=leader_id) | Q(pk__any=above_ids))
    .select_related("user", "unit")
    .only("title", "leader_above_id", "user__full_name", "unit__name")  # what the page shows
    .order_by("user__full_name")))


@dataclass
class MinSide:
    user: User
    leader: Leader | None
    organisation: Organisation | None = None
    unit_path: list[Unit] = field(default_factory=list)
    reports: list[Leader] = field(default_factory=list)
    # (template, context) of each panel with something to show (accounts.dashboard)
    panels: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


def min_side_get(*, user: User) -> MinSide:
    """Who the user is, where they sit, who reports to them, and the panels.

    Two queries of its own whatever the size of the municipality (each compiled once
    per process): the unit's ancestors by their path prefixes, and the direct reports
    with the leader above. They go to the database together with every panel's first
    reads (``accounts.dashboard.panel_reads``, ``lib.prepared.ahead``): one round trip.
    The leader profile, unit and municipality come with the signed-in user
    (``accounts.access.USER_WITH_PROFILE``).
    """
    leader = leader_for(user)
    if leader is None:
        return MinSide(user=user, leader=None, organisation=user.organisation,
                       panels=panels_for(user, None))
    leader = on_page(leader)
    ancestors = [leader.unit.path[:i] for i in range(Unit.steplen, len(leader.unit.path),
                                                      Unit.steplen)]
    above_id = leader.leader_above_id
    own = (_UNITS_BY_PATH.read(paths=ancestors),
           _REPORTS_AND_ABOVE.read(leader_id=leader.pk,
                                   above_ids=[above_id] if above_id is not None else []))
    with ahead([*own, *panel_reads(user, leader)]):
        units, people = (read() for read in own)
        unit_path = [*units, leader.unit]
        reports = [p for p in people if p.leader_above_id == leader.pk]
        above = next((p for p in people if p.pk == above_id), None)
        if above is not None:
            leader.leader_above = above  # shown by name and title: no query of its own
        panels = panels_for(user, leader)
    return MinSide(user=user, leader=leader, organisation=leader.organisation,
                   unit_path=unit_path, reports=reports, panels=panels)
