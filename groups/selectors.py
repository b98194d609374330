"""Reads for the leader-facing pages and the Min side panel, each in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce, TruncDate
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from accounts.access import leader_for
from accounts.dashboard import now_on_page
from accounts.models import Leader, User
from lib.prepared import Prepared, Read, ahead, narrowed, together

from .access import GroupAccess
from .diff import DiffRow, commitments_diff, words_diff
from .models import (
    LeaderGroup,
    LeaderGroupMembership,
    PosterComment,
    PosterCommitment,
    PosterVersion,
    ProcessSession,
    PurposePoster,
    TaskCompletion,
    TrainingTask,
)
from .timeline import (
    OWN_SOURCE,
    Milestone,
    group_milestones,
    group_rows,
    milestone_reads,
    milestones_for,
    posters_read,
    session_labels,
)


def _with_overview(qs: Any, now: dt.datetime) -> Any:
    """Head, unit, process with facilitator, member count, next session — one query."""
    upcoming = (ProcessSession.objects.filter(process__group=OuterRef("pk"), held_on__isnull=True,
                                              planned_at__gte=now)
                .order_by("planned_at").values("planned_at")[:1])
    # Counted in a correlated subquery, not Count() over a join: no GROUP BY over every
    # selected column, so PostgreSQL can start from the few wanted groups' primary keys.
    members = (LeaderGroupMembership.objects.filter(group=OuterRef("pk")).order_by()
               .values("group").annotate(n=Count("pk")).values("n"))
    # Only what the lists show (groups/includes/group_status.html, the index and Min side):
    # five joined tables' every column were most of this query's cost.
    return (qs.select_related("head__user", "unit", "process__facilitator")
            .only("public_id", "name", "organisation_id", "head__user__full_name",
                  "unit__name", "process__phase", "process__facilitator__full_name")
            .annotate(member_count=Coalesce(Subquery(members), 0),
                      next_session_at=Subquery(upcoming))
            .order_by("name"))


def groups_for_leader(*, leader: Leader) -> list[LeaderGroup]:
    """The groups a leader heads or belongs to, with what Min side shows (one query,
    compiled once per process).

    Membership is a subquery rather than a join, so PostgreSQL starts from the few
    matching groups by index instead of joining every group to every membership."""
    return leaders_groups_read(leader)()


def leaders_groups_read(leader: Leader) -> Read[LeaderGroup]:
    """:func:`groups_for_leader`'s query, not yet run."""
    return _LEADERS_GROUPS.read(leader_id=leader.pk, now=now_on_page(leader))


def _leaders_groups(leader_id: int, now: dt.datetime) -> Any:
    member_of = LeaderGroupMembership.objects.filter(leader_id=leader_id).values("group_id")
    return _with_overview(LeaderGroup.objects.filter(Q(head_id=leader_id)
                                                     | Q(pk__in=member_of)), now)


_LEADERS_GROUPS: Prepared[LeaderGroup] = Prepared(_leaders_groups)
_FACILITATED: Prepared[LeaderGroup] = Prepared(lambda organisation_id, user_id, now: (
    _with_overview(narrowed(LeaderGroup.objects.all(), organisation_id)
                   .filter(process__facilitator_id=user_id), now)))


def groups_facilitated_by(*, user: User) -> list[LeaderGroup]:
    return _FACILITATED.visible_to(user, user_id=user.pk, now=timezone.now())


def min_side_reads(user: User, leader: Leader | None) -> list[Read[Any]]:
    """The panel's first read (:attr:`accounts.dashboard.Panel.reads`)."""
    if leader is None:
        return []
    return [leaders_groups_read(leader)]


def min_side_panel(user: User, leader: Leader | None) -> dict[str, Any] | None:
    groups = groups_for_leader(leader=leader) if leader is not None else []
    facilitated = groups_facilitated_by(user=user) if user.is_facilitator else []
    if not groups and not facilitated:
        return None
    return {"groups": groups, "facilitated": facilitated, "leader": leader}


@dataclass
class IndexPage:
    groups: list[LeaderGroup]
    facilitated: list[LeaderGroup]
    posters: PublishedPosters


@dataclass(frozen=True)
class PublishedPoster:
    """One line of the municipality's published posters: what the index shows, no more."""

    url: str
    group: str
    unit: str
    published_on: dt.date | None  # the day in the municipality's time zone


_PUBLISHED_POSTERS: Prepared[tuple[Any, ...]] = Prepared(lambda organisation_id: (
    narrowed(PurposePoster.objects.all(), organisation_id)
    .filter(published_version__isnull=False).order_by("group__name")
    .values_list("group__public_id", "group__name", "group__unit__name",
                 TruncDate("published_at"))))


@dataclass(frozen=True)
class PublishedPosters:
    """The municipality's published posters as read: one (group id, group, unit, day)
    row each, by group name, and the poster address with a marker for the group's id.
    The rows are the list's whole content: the same rows and language give the same
    list (``groups.templatetags.groups_lists``)."""

    rows: tuple[tuple[Any, ...], ...]
    pattern: str
    marker: str

    def __len__(self) -> int:
        return len(self.rows)

    def lines(self) -> list[PublishedPoster]:
        pattern, marker = self.pattern, self.marker
        return [PublishedPoster(pattern.replace(marker, str(public_id)), name, unit,
                                published_on)
                for public_id, name, unit, published_on in self.rows]


def published_posters(*, user: User) -> PublishedPosters:
    """Every published poster of the user's municipality, by group name (one query,
    compiled once per process).

    Plain values, not model instances, and the address built from one reversed
    pattern: the list grows with the municipality (177 lines at 10×), and four model
    instances and a ``{% url %}`` per line were most of the page's cost. The day of
    publishing is the database's (``TruncDate`` in the current time zone): a local time
    worked out per line was a third of the list's cost.
    """
    marker = uuid.UUID(int=0)  # reversed once; each line puts its group's id in its place
    return PublishedPosters(rows=tuple(_PUBLISHED_POSTERS.visible_to(user)),
                            pattern=reverse("groups:poster", args=[marker]),
                            marker=str(marker))


def index_get(*, user: User) -> IndexPage:
    """The user's own groups, the groups they facilitate, and every published poster of
    their municipality (three queries)."""
    leader = leader_for(user)
    groups = groups_for_leader(leader=leader) if leader is not None else []
    facilitated = groups_facilitated_by(user=user) if user.is_facilitator else []
    return IndexPage(groups=groups, facilitated=facilitated,
                     posters=published_posters(user=user))


@dataclass
class ProgressPage:
    access: GroupAccess
    members: list[Leader]
    sessions: list[ProcessSession]
    tasks: list[TrainingTask]
    milestones: list[Milestone]
    next: Milestone | None = None


def next_milestone(milestones: list[Milestone], today: dt.date | None = None) -> Milestone | None:
    """What is next: the earliest open milestone from today on; failing that the
    earliest overdue one; failing that the first without a date."""
    today = today or timezone.localdate()
    open_ = [m for m in milestones if not m.done]
    upcoming = [m for m in open_ if m.date is not None and m.date >= today]
    overdue = [m for m in open_ if m.date is not None and m.date < today]
    for candidates in (upcoming, overdue):
        if candidates:
            return min(candidates, key=lambda m: m.date or today)
    return open_[0] if open_ else None


_MEMBERS: Prepared[Leader] = Prepared(lambda group_id: (
    Leader.objects.filter(group_memberships__group_id=group_id)
    .select_related("user").only("title", "user__full_name")  # what the page shows
    .order_by("user__full_name")))
_PROCESS_SESSIONS: Prepared[ProcessSession] = Prepared(lambda process_id: (
    ProcessSession.objects.filter(process_id=process_id).order_by("number")))
_TASKS: Prepared[TrainingTask] = Prepared(lambda process_id, user_id: (
    TrainingTask.objects.filter(process_id=process_id).select_related("after_session")
    .annotate(n_done=Count("completions"), done_by_me=Exists(TaskCompletion.objects.filter(
        task=OuterRef("pk"), leader__user_id=user_id)))
    .order_by("due_on", "pk")))


def progress_get(*, access: GroupAccess) -> ProgressPage:
    """Members, sessions, tasks (with the user's own ticks) and the timeline.

    Queries: members, sessions, tasks, then one query per milestone source
    (five for this app's own) — the same for 1 or 100 sessions, tasks or members; sent
    together, in one round trip (``lib.prepared.ahead``).
    """
    group = access.group
    process = access.process
    own_reads: list[Read[Any]] = [_MEMBERS.read(group_id=group.pk)]
    if process is not None:
        own_reads += [_PROCESS_SESSIONS.read(process_id=process.pk),
                      _TASKS.read(process_id=process.pk, user_id=access.user.pk)]
    with ahead([*own_reads, posters_read(group),
                *milestone_reads([group], known=[OWN_SOURCE])]):
        members, *process_rows = (read() for read in own_reads)
        sessions, tasks = process_rows or ([], [])
        for session, label in zip(sessions, session_labels(
                [(s.number, s.kind) for s in sessions]), strict=True):
            session.process = process  # as process.sessions would have set it
            session.label = label
        for task in tasks:
            task.process = process
        # The timeline's own rows are the ones read above: only the posters' and the
        # other apps' sources are asked (four queries fewer).
        own = group_milestones([group], group_rows(group, process, sessions, tasks,
                                                   len(members)))
        milestones = milestones_for([group], known={OWN_SOURCE: own})[group.pk]
    return ProgressPage(access=access, members=members, sessions=sessions, tasks=tasks,
                        milestones=milestones, next=next_milestone(milestones))


@dataclass
class PosterPage:
    access: GroupAccess
    poster: PurposePoster | None
    published: PosterVersion | None = None
    latest: PosterVersion | None = None
    versions: list[PosterVersion] = field(default_factory=list)
    # Comments made on versions before the newest: (version, its comments), newest first.
    earlier_comments: list[tuple[PosterVersion, list[PosterComment]]] = field(
        default_factory=list)


_COMMITMENTS: Prepared[PosterCommitment] = Prepared(lambda version_ids: (
    PosterCommitment.objects.filter(version__any=version_ids).order_by("position")))


def _attach_commitments(versions: list[PosterVersion]) -> None:
    by_version: dict[int, list[PosterCommitment]] = {v.pk: [] for v in versions}
    for c in _COMMITMENTS(version_ids=[v.pk for v in versions]):
        by_version[c.version_id].append(c)
    for v in versions:
        v.commitment_list = by_version[v.pk]  # type: ignore[attr-defined]


_POSTER_OF: Prepared[PurposePoster] = Prepared(lambda group_id: (
    PurposePoster.objects.filter(group_id=group_id)
    .select_related("published_version__author", "published_by").order_by("pk")[:1]))
_VERSIONS_OF: Prepared[PosterVersion] = Prepared(lambda poster_id: (
    PosterVersion.objects.filter(poster_id=poster_id).select_related("author")
    .annotate(n_comments=Count("comments")).order_by("-number")))
_COMMENTS_ON: Prepared[PosterComment] = Prepared(lambda poster_id: (
    PosterComment.objects.filter(version__poster_id=poster_id)
    .select_related("author").order_by("created_at", "pk")))


def poster_page_get(*, access: GroupAccess) -> PosterPage:
    """The published poster for every reader; for followers also the newest draft,
    the version history and the draft's comments.

    Queries: poster; for followers the versions and the comments of every version,
    sent together (the newest's comments under the draft, the rest as "comments on
    earlier versions", so saving a version never hides a comment); commitments of the
    shown versions. A reader of a group with nothing published gets 404.
    """
    found = _POSTER_OF(group_id=access.group.pk)
    poster = found[0] if found else None
    published = poster.published_version if poster else None
    if not access.can_follow:
        if published is None:
            raise Http404
        _attach_commitments([published])
        return PosterPage(access=access, poster=poster, published=published)
    page = PosterPage(access=access, poster=poster, published=published)
    if poster is None:
        return page
    page.versions, comments = together(_VERSIONS_OF.read(poster_id=poster.pk),
                                       _COMMENTS_ON.read(poster_id=poster.pk))
    for version in page.versions:
        version.poster = poster  # as poster.versions would have set it
    page.latest = page.versions[0] if page.versions else None
    if published is not None and page.latest is not None and published.pk == page.latest.pk:
        published = page.latest
        page.published = published
    # The published version is often the newest: load its commitments once.
    shown = list({id(v): v for v in (published, page.latest) if v}.values())
    _attach_commitments(shown)
    if page.latest is not None:
        by_version: dict[int, list[PosterComment]] = {v.pk: [] for v in page.versions}
        for comment in comments:
            by_version[comment.version_id].append(comment)
        page.latest.comment_list = by_version[page.latest.pk]  # type: ignore[attr-defined]
        page.earlier_comments = [(v, by_version[v.pk]) for v in page.versions[1:]
                                 if by_version[v.pk]]
    return page


def version_get(*, access: GroupAccess, number: int) -> tuple[PosterVersion, list[int]]:
    """One version with commitments and comments, and the numbers of all versions."""
    version = (PosterVersion.objects.filter(poster__group=access.group, number=number)
               .select_related("author", "based_on", "poster").prefetch_related(
                   Prefetch("comments", queryset=PosterComment.objects.select_related("author")))
               .first())
    if version is None:
        raise Http404
    _attach_commitments([version])
    numbers = list(PosterVersion.objects.filter(poster=version.poster)
                   .order_by("-number").values_list("number", flat=True))
    return version, numbers


@dataclass
class Comparison:
    old: PosterVersion
    new: PosterVersion
    lead: list[Any]
    rows: list[DiffRow]
    numbers: list[int]


def comparison_get(*, access: GroupAccess, old_number: int, new_number: int) -> Comparison:
    """Two versions side by side, commitment by commitment (three queries)."""
    versions: dict[int, PosterVersion] = {v.number: v for v in PosterVersion.objects.filter(
        poster__group=access.group, number__in=[old_number, new_number]
    ).select_related("author")}
    if old_number not in versions or new_number not in versions:
        raise Http404
    old, new = versions[old_number], versions[new_number]
    _attach_commitments(list(versions.values()))
    numbers = list(PosterVersion.objects.filter(poster_id=new.poster_id)
                   .order_by("-number").values_list("number", flat=True))
    return Comparison(old=old, new=new, lead=words_diff(old.lead, new.lead),
                      rows=commitments_diff(old.commitment_list,  # type: ignore[attr-defined]
                                            new.commitment_list),  # type: ignore[attr-defined]
                      numbers=numbers)

