"""The timeline of a leader group's development process, assembled from sources.

Each milestone comes from real data, never from a hand-ticked box: this app
supplies sessions, training tasks and the purpose poster; other apps (the
surveys app for the Effect survey before/after) register a source in their
``AppConfig.ready()``::

    from groups.timeline import Milestone, register_milestone_source

    register_milestone_source("surveys.effect", effect_milestones)

A source gets every group of a page in one call and answers
``{group.pk: [Milestone, ...]}`` — one bulk query per source, so the progress
page and Min side stay free of N+1 queries however many groups they show.

This app's own source (:func:`group_milestones`, registered in ``GroupsConfig.ready``
as ``"groups"``) answers for every group on a page in five queries: processes,
sessions, training tasks with their completion counts, member counts and posters.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Min, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lib.prepared import Prepared, Read

from .models import (
    GroupProcess,
    LeaderGroup,
    LeaderGroupMembership,
    ProcessSession,
    PurposePoster,
    SessionKind,
    TrainingTask,
)


@dataclass(frozen=True)
class Milestone:
    key: str            # e.g. "effect_before_opened"
    label: str          # translated, shown on the timeline
    date: datetime.date | None
    done: bool
    url: str = ""       # optional link (e.g. to the survey report)
    kind: str = ""      # "session" | "task" | "poster" | "survey" | …


# The key this app's own source (:func:`group_milestones`) is registered under.
OWN_SOURCE = "groups"

MilestoneSource = Callable[[list["LeaderGroup"]], dict[int, list[Milestone]]]
# The prepared reads a source starts with for these groups (``Prepared.read``), so a page
# can send them with its own (``lib.prepared.ahead``).
MilestoneReads = Callable[[list["LeaderGroup"]], list[Read[Any]]]

_sources: dict[str, MilestoneSource] = {}
_source_reads: dict[str, MilestoneReads] = {}


def register_milestone_source(key: str, source: MilestoneSource,
                              reads: MilestoneReads | None = None) -> None:
    """Add (or replace, so a reloaded app does not register twice) a source of milestones."""
    _sources[key] = source
    _source_reads.pop(key, None)
    if reads is not None:
        _source_reads[key] = reads


def milestone_reads(groups: list[LeaderGroup], *, known: Iterable[str] = ()) -> list[Read[Any]]:
    """The reads :func:`milestones_for` starts with for ``groups``, the sources in
    ``known`` left out: a page sends them with its own (``lib.prepared.ahead``)."""
    return [read for key in _sources if key not in known and key in _source_reads and groups
            for read in _source_reads[key](groups)]


def _sort_key(milestone: Milestone) -> tuple[bool, datetime.date, str]:
    # Undated milestones ("not planned yet") go last; ties keep a stable order by key.
    return (milestone.date is None, milestone.date or datetime.date.min, milestone.key)


def milestones_for(groups: list[LeaderGroup], *,
                   known: dict[str, dict[int, list[Milestone]]] | None = None
                   ) -> dict[int, list[Milestone]]:
    """Every registered source's milestones per group pk, sorted by date (undated last).

    Every group of ``groups`` has a key, possibly with an empty list. ``known``: what a
    source (by its key) answers for these groups, worked out by the caller from rows it
    has read already (the progress page: :func:`group_rows`); that source is not asked.
    """
    result: dict[int, list[Milestone]] = {group.pk: [] for group in groups}
    if not groups:
        return result
    for key, source in _sources.items():
        answered = (known or {}).get(key)
        for group_pk, items in (answered if answered is not None else source(groups)).items():
            if group_pk in result:
                result[group_pk].extend(items)
    for items in result.values():
        items.sort(key=_sort_key)
    return result

# This app's own milestones, read from its models.


def session_label(kind: str, development_number: int) -> str:
    """The one name of a session, on the timeline and in the sessions table alike.

    Development sessions are counted among themselves (DOMAIN: a start session,
    then 5–6 development sessions), not by their place in the whole series, where
    the start session would push every number up by one.
    """
    if kind == SessionKind.START:
        return _("Start session: motivation and needs")
    if kind == SessionKind.FOLLOW_UP:
        return _("Follow-up session")
    return _("Development session %(number)s") % {"number": development_number}


def session_labels(sessions: list[tuple[int, str]]) -> list[str]:
    """Labels for one process's ``(number, kind)`` pairs, in the order given (by number)."""
    labels, development = [], 0
    for _number, kind in sessions:
        if kind == SessionKind.DEVELOPMENT:
            development += 1
        labels.append(session_label(kind, development))
    return labels


def _processes(where: Q) -> QuerySet:
    return GroupProcess.objects.filter(where).values(
        "group_id", "phase", "started_on", "finished_on", "wave__starts_on")


def _sessions(where: Q) -> QuerySet:
    return (ProcessSession.objects.filter(where)
            .order_by("number").values("process__group_id", "pk", "number", "kind",
                                       "planned_at", "held_on"))


def _member_counts(where: Q) -> QuerySet:
    return (LeaderGroupMembership.objects.filter(where).values("group_id")
            .annotate(n=Count("pk")).values_list("group_id", "n"))


def _tasks(where: Q) -> QuerySet:
    return (TrainingTask.objects.filter(where)
            .annotate(n_done=Count("completions"))
            .values("process__group_id", "pk", "title", "due_on", "created_at", "n_done"))


def _posters(where: Q) -> QuerySet:
    return (PurposePoster.objects.filter(where)
            .annotate(first_saved=Min("versions__created_at"), n_versions=Count("versions"))
            .values("group_id", "first_saved", "n_versions", "published_at",
                    "published_version__number"))


# The progress page asks for one group: its five queries compiled once per process.
_ONE_GROUP: dict[str, Prepared[Any]] = {
    "processes": Prepared(lambda group_id: _processes(Q(group_id=group_id))),
    "sessions": Prepared(lambda group_id: _sessions(Q(process__group_id=group_id))),
    "members": Prepared(lambda group_id: _member_counts(Q(group_id=group_id))),
    "tasks": Prepared(lambda group_id: _tasks(Q(process__group_id=group_id))),
    "posters": Prepared(lambda group_id: _posters(Q(group_id=group_id))),
}


def posters_read(group: LeaderGroup) -> Read[Any]:
    """The one read :func:`group_milestones` makes when its other rows are given."""
    return _ONE_GROUP["posters"].read(group_id=group.pk)


def _rows(name: str, build: Callable[[Q], QuerySet], field: str, pks: list[int]) -> Any:
    """One group's rows from its prepared query; several groups' the ordinary way."""
    if len(pks) == 1:
        return _ONE_GROUP[name](group_id=pks[0])
    return build(Q(**{f"{field}__in": pks}))


@dataclass(frozen=True)
class GroupRows:
    """The rows :func:`group_milestones` reads for its groups besides the posters, in the
    shape of its queries (``values()`` dicts; member counts as (group id, count))."""

    processes: list[dict[str, Any]]
    sessions: list[dict[str, Any]]
    members: list[tuple[int, int]]
    tasks: list[dict[str, Any]]


def group_rows(group: LeaderGroup, process: GroupProcess | None,
               sessions: list[ProcessSession], tasks: list[TrainingTask],
               member_count: int) -> GroupRows:
    """The same rows for one group, from what its progress page has read: the process
    (with ``wave``), its sessions, its tasks (with ``n_done``) and the number of members.
    ``groups/tests/test_progress.py`` compares the milestones with the queries' own."""
    members = [(group.pk, member_count)] if member_count else []
    if process is None:
        return GroupRows([], [], members, [])
    return GroupRows(
        processes=[{"group_id": group.pk, "phase": process.phase,
                    "started_on": process.started_on, "finished_on": process.finished_on,
                    "wave__starts_on": process.wave.starts_on if process.wave else None}],
        sessions=[{"process__group_id": group.pk, "pk": s.pk, "number": s.number,
                   "kind": s.kind, "planned_at": s.planned_at, "held_on": s.held_on}
                  for s in sessions],
        members=members,
        tasks=[{"process__group_id": group.pk, "pk": t.pk, "title": t.title,
                "due_on": t.due_on, "created_at": t.created_at,
                "n_done": t.n_done}  # type: ignore[attr-defined]
               for t in tasks])


def group_milestones(groups: list[LeaderGroup], rows: GroupRows | None = None
                     ) -> dict[int, list[Milestone]]:
    """Processes, sessions, tasks, member counts and posters of the groups: five queries
    (for one group, as on the progress page, each compiled once per process); with
    ``rows`` (read already, :func:`group_rows`) only the posters' query."""
    pks = [g.pk for g in groups]
    public_ids = {g.pk: g.public_id for g in groups}
    result: dict[int, list[Milestone]] = defaultdict(list)
    if rows is None:
        rows = GroupRows(
            processes=list(_rows("processes", _processes, "group_id", pks)),
            sessions=list(_rows("sessions", _sessions, "process__group_id", pks)),
            members=list(_rows("members", _member_counts, "group_id", pks)),
            tasks=list(_rows("tasks", _tasks, "process__group_id", pks)))

    for p in rows.processes:
        group_pk = p["group_id"]
        started = p["started_on"]
        result[group_pk].append(Milestone(
            key="process_started", kind="process",
            label=_("Process started") if started else _("Process starts (rollout wave)"),
            date=started or p["wave__starts_on"], done=started is not None))
        result[group_pk].append(Milestone(
            key="process_finished", kind="process", label=_("Process finished"),
            date=p["finished_on"], done=p["finished_on"] is not None))

    by_group: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for s in rows.sessions:
        by_group[s["process__group_id"]].append(s)
    for group_pk, group_sessions in by_group.items():
        labels = session_labels([(s["number"], s["kind"]) for s in group_sessions])
        for s, label in zip(group_sessions, labels, strict=True):
            held = s["held_on"] is not None
            result[group_pk].append(Milestone(
                key=f"session_{s['pk']}", kind="session", label=label,
                date=s["held_on"] if held else timezone.localdate(s["planned_at"]), done=held))

    members = dict(rows.members)
    for t in rows.tasks:
        group_pk = t["process__group_id"]
        total = members.get(group_pk, 0)
        result[group_pk].append(Milestone(
            key=f"task_{t['pk']}", kind="task",
            label=_("Training task «%(title)s»: %(done)s of %(total)s done")
            % {"title": t["title"], "done": t["n_done"], "total": total},
            date=t["due_on"] or timezone.localdate(t["created_at"]),
            done=total > 0 and t["n_done"] >= total))

    posters = _rows("posters", _posters, "group_id", pks)
    with_poster = set()
    for p in posters:
        group_pk = p["group_id"]
        url = reverse("groups:poster", args=[public_ids[group_pk]])
        if p["first_saved"] is not None:
            with_poster.add(group_pk)
            result[group_pk].append(Milestone(
                key="poster_drafted", kind="poster", url=url,
                label=_("Purpose poster drafted (%(count)s versions so far)")
                % {"count": p["n_versions"]},
                date=timezone.localdate(p["first_saved"]), done=True))
        published = p["published_version__number"] is not None
        result[group_pk].append(Milestone(
            key="poster_published", kind="poster", url=url,
            label=_("Purpose poster published (version %(number)s)")
            % {"number": p["published_version__number"]} if published
            else _("Purpose poster published"),
            date=timezone.localdate(p["published_at"]) if published else None, done=published))
    for group_pk in pks:
        if group_pk not in with_poster:
            result[group_pk].append(Milestone(
                key="poster_drafted", kind="poster", label=_("Purpose poster drafted"),
                url=reverse("groups:poster", args=[public_ids[group_pk]]), date=None,
                done=False))
        if not any(m.key == "poster_published" for m in result[group_pk]):
            result[group_pk].append(Milestone(
                key="poster_published", kind="poster", label=_("Purpose poster published"),
                url=reverse("groups:poster", args=[public_ids[group_pk]]), date=None,
                done=False))
    return dict(result)
