"""The timeline of a leader group's development process, assembled from sources.

Each milestone comes from real data, never from a hand-ticked box: this app
supplies sessions, training tasks and the purpose poster; other apps (the
surveys app for the Effect survey before/after) register a source in their
``AppConfig.ready()``::

    from groups.progress import Milestone, register_milestone_source

    register_milestone_source("surveys.effect", effect_milestones)

A source gets every group of a page in one call and answers
``{group.pk: [Milestone, ...]}`` — one bulk query per source, so the progress
page and Min side stay free of N+1 queries however many groups they show.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import LeaderGroup


@dataclass(frozen=True)
class Milestone:
    key: str            # e.g. "effect_before_opened"
    label: str          # translated, shown on the timeline
    date: datetime.date | None
    done: bool
    url: str = ""       # optional link (e.g. to the survey report)
    kind: str = ""      # "session" | "task" | "poster" | "survey" | …


MilestoneSource = Callable[[list["LeaderGroup"]], dict[int, list[Milestone]]]

_sources: dict[str, MilestoneSource] = {}


def register_milestone_source(key: str, source: MilestoneSource) -> None:
    """Add (or replace, so a reloaded app does not register twice) a source of milestones."""
    _sources[key] = source


def _sort_key(milestone: Milestone) -> tuple[bool, datetime.date, str]:
    # Undated milestones ("not planned yet") go last; ties keep a stable order by key.
    return (milestone.date is None, milestone.date or datetime.date.min, milestone.key)


def milestones_for(groups: list[LeaderGroup]) -> dict[int, list[Milestone]]:
    """Every registered source's milestones per group pk, sorted by date (undated last).

    Every group of ``groups`` has a key, possibly with an empty list.
    """
    result: dict[int, list[Milestone]] = {group.pk: [] for group in groups}
    if not groups:
        return result
    for source in _sources.values():
        for group_pk, items in source(groups).items():
            if group_pk in result:
                result[group_pk].extend(items)
    for items in result.values():
        items.sort(key=_sort_key)
    return result
