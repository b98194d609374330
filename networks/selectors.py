"""Reads for the network pages, the Min side panel and the calendar feed.

Each function runs a fixed number of queries whatever the number of groups,
members and meetings; the tests pin them with ``assert_queries_stable``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import leader_for
from accounts.models import Leader, Unit, User
from lib.emails import absolute_url
from lib.ical import CalendarEvent
from lib.prepared import Prepared, Read, narrowed, place_children, together
from programs.models import Gathering, Programme

from .access import GroupAccess, MeetingAccess, is_oaf_for
from .compose import Mix, Person, mix_of, reporting_clash
from .models import (
    ACTIVE_MEETING,
    Answer,
    MeetingNote,
    MeetingOption,
    MeetingStatus,
    MeetingVote,
    NetworkGroup,
    NetworkMeeting,
    NetworkMembership,
    NetworkPlan,
    PlanStatus,
    Slot,
)
from .rules import Candidate, PlanningContext
from .services.rounds import OPTIONS_OF, leading_option


def _person(leader: Leader) -> Person:
    return Person(id=leader.pk, area=leader.unit.path[:Unit.steplen], unit=leader.unit_id,
                  level=leader.level, above=leader.leader_above_id)


# -- the composition page (O&F) ----------------------------------------------------------
@dataclass
class GroupRow:
    group: NetworkGroup
    members: list[Leader]
    mix: Mix
    problems: list[str] = field(default_factory=list)


@dataclass
class ComposePage:
    plan: NetworkPlan
    rows: list[GroupRow]
    unassigned: list[Leader]
    area_names: dict[str, str]
    facilitators: list[User]
    participants: int = 0


def compose_page(*, plan: NetworkPlan) -> ComposePage:
    """Groups with members and their mix, participants not placed yet (five queries)."""
    groups = list(plan.groups.select_related("facilitator").order_by("position", "name"))
    by_group: dict[int, list[Leader]] = {g.pk: [] for g in groups}
    placed: set[int] = set()
    for membership in (NetworkMembership.objects.filter(plan=plan)
                       .select_related("leader__user", "leader__unit")
                       .order_by("leader__user__full_name")):
        by_group[membership.group_id].append(membership.leader)
        placed.add(membership.leader_id)
    participants = list(Leader.objects.filter(programme_participations__programme=plan.programme)
                        .select_related("user", "unit").order_by("user__full_name"))
    area_names = dict(Unit.objects.filter(organisation_id=plan.programme.organisation_id,
                                          depth=1).values_list("path", "name"))
    for leader in [*participants, *(m for ms in by_group.values() for m in ms)]:
        leader.area_name = area_names.get(leader.unit.path[:Unit.steplen], "")
    rows = []
    for group in groups:
        members = by_group[group.pk]
        people = [_person(m) for m in members]
        row = GroupRow(group, members, mix_of(people))
        if len(members) > plan.max_size:
            row.problems.append(_("More members than the largest group size (%(max)d).")
                                % {"max": plan.max_size})
        clash = reporting_clash(people)
        if clash is not None:
            names = {m.pk: m.name for m in members}
            row.problems.append(_("%(above)s is the leader above %(report)s.")
                                % {"above": names[clash[1].id], "report": names[clash[0].id]})
        rows.append(row)
    facilitators = list(User.objects.filter(organisation_id=plan.programme.organisation_id,
                                            is_facilitator=True, is_active=True)
                        .order_by("full_name"))
    return ComposePage(plan=plan, rows=rows,
                       unassigned=[p for p in participants if p.pk not in placed],
                       area_names=area_names, facilitators=facilitators,
                       participants=len(participants))


# -- the meeting plan (O&F, facilitators) ------------------------------------------------
@dataclass
class FacilitatorDay:
    date: dt.date
    morning: NetworkMeeting | None = None
    afternoon: NetworkMeeting | None = None
    unslotted: list[NetworkMeeting] = field(default_factory=list)  # time to be agreed

    @property
    def slots(self) -> list[NetworkMeeting | None]:
        return [self.morning, self.afternoon]


@dataclass
class FacilitatorPlan:
    facilitator: User
    days: list[FacilitatorDay]


@dataclass
class MeetingPlanPage:
    plan: NetworkPlan
    groups: list[NetworkGroup]
    meetings: dict[int, list[NetworkMeeting]]  # group id → meetings
    by_facilitator: list[FacilitatorPlan]
    conflicts: dict[int, list[str]]
    gatherings: list[Gathering]

    @property
    def conflict_count(self) -> int:
        return len(self.conflicts)


def meeting_conflicts(*, plan: NetworkPlan, meetings: list[NetworkMeeting],
                      members: dict[int, list[int]]) -> dict[int, list[str]]:
    """Active meetings that break a rule now (a holiday or gathering added later, a member
    who took a module seat at the same time …): meeting id → messages. Fixed queries."""
    active = [m for m in meetings
              if m.status != MeetingStatus.CANCELLED and m.date is not None]
    if not active:
        return {}
    names = dict(Leader.objects.filter(network_memberships__plan=plan)
                 .values_list("pk", "user__full_name"))
    days = [m.date for m in active if m.date is not None]
    ctx = PlanningContext.load(
        plan=plan, leader_ids=names,
        facilitator_ids={m.facilitator_id for m in active if m.facilitator_id is not None},
        first=min(days), last=max(days))
    conflicts = {}
    for m in active:
        assert m.date is not None
        problems = ctx.problems(Candidate(
            group_id=m.group_id, member_ids=tuple(members.get(m.group_id, ())), date=m.date,
            slot=m.slot, starts_at=m.starts_at, ends_at=m.ends_at,
            facilitator_id=m.facilitator_id, meeting_id=m.pk), names=names)
        if problems:
            conflicts[m.pk] = problems
    return conflicts


def meeting_plan_page(*, plan: NetworkPlan) -> MeetingPlanPage:
    """Every group's meetings with poll progress, a day-by-slot table per facilitator, and
    the meetings that break a rule now. Fixed queries (about fifteen)."""
    groups = list(plan.groups.select_related("facilitator")
                  .annotate(member_count=Count("memberships")).order_by("position", "name"))
    meetings = list(NetworkMeeting.objects.filter(group__plan=plan)
                    .select_related("group", "facilitator")
                    .annotate(answered=Count("options__votes__leader", distinct=True))
                    .order_by("date", "starts_at"))
    members: dict[int, list[int]] = defaultdict(list)
    for group_id, leader_id in plan.memberships.values_list("group_id", "leader_id"):
        members[group_id].append(leader_id)
    by_group: dict[int, list[NetworkMeeting]] = {g.pk: [] for g in groups}
    days: dict[int, dict[dt.date, FacilitatorDay]] = defaultdict(dict)
    people: dict[int, User] = {}
    for m in meetings:
        by_group.setdefault(m.group_id, []).append(m)
        if m.facilitator_id and m.status != MeetingStatus.CANCELLED and m.date is not None:
            people[m.facilitator_id] = m.facilitator
            day = days[m.facilitator_id].setdefault(m.date, FacilitatorDay(m.date))
            if m.slot == Slot.MORNING:
                day.morning = m
            elif m.slot == Slot.AFTERNOON:
                day.afternoon = m
            else:
                day.unslotted.append(m)
    by_facilitator = [FacilitatorPlan(people[pk], sorted(days[pk].values(), key=lambda d: d.date))
                      for pk in sorted(people, key=lambda pk: (people[pk].full_name, pk))]
    conflicts = meeting_conflicts(plan=plan, meetings=meetings, members=members)
    for m in meetings:
        m.conflict_list = conflicts.get(m.pk, [])
    for g in groups:
        g.plan_meetings = by_group[g.pk]
    return MeetingPlanPage(
        plan=plan, groups=groups, meetings=by_group, by_facilitator=by_facilitator,
        conflicts=conflicts, gatherings=list(plan.programme.gatherings.order_by("date")))


# -- a group and a meeting (members, facilitator, O&F) -----------------------------------
@dataclass
class GroupPage:
    access: GroupAccess
    members: list[Leader]
    meetings: list[NetworkMeeting]
    today: dt.date


_MEMBERS_WITH_UNIT: Prepared[Leader] = Prepared(lambda group_id: (
    Leader.objects.filter(network_memberships__group_id=group_id)
    .select_related("user", "unit").only("title", "user__full_name", "unit__name")  # shown
    .order_by("user__full_name")))
_MEETINGS_OF: Prepared[Any] = Prepared(lambda group_id: (
    NetworkMeeting.objects.filter(group_id=group_id)
    .select_related("facilitator", "focus_gathering").order_by("number", "pk")))
_MEMBERS: Prepared[Leader] = Prepared(lambda group_id: (
    Leader.objects.filter(network_memberships__group_id=group_id)
    .select_related("user").only("user__full_name")  # the poll shows names only
    .order_by("user__full_name")))
_OPTIONS_OF_GROUP: Prepared[MeetingOption] = Prepared(lambda group_id: (
    MeetingOption.objects.filter(meeting__group_id=group_id).order_by("date", "starts_at", "pk")))


def group_page(*, access: GroupAccess) -> GroupPage:
    """Members with unit and title, every meeting with its dates (three queries, sent
    together)."""
    group = access.group
    members, meetings, options = together(_MEMBERS_WITH_UNIT.read(group_id=group.pk),
                                          _MEETINGS_OF.read(group_id=group.pk),
                                          _OPTIONS_OF_GROUP.read(group_id=group.pk))
    place_children(meetings, "options", ((o.meeting_id, o) for o in options), back="meeting")
    rounds = sum(1 for m in meetings if not m.is_cancelled)
    for m in meetings:
        m.group = group  # as group.meetings would have set it: no query per meeting
        m.rounds = rounds
    return GroupPage(access=access, members=members, meetings=meetings,
                     today=timezone.localdate())


@dataclass
class OptionRow:
    option: MeetingOption
    counts: dict[str, int]
    answers: list[MeetingVote]
    mine: str = ""


@dataclass
class MeetingPage:
    access: MeetingAccess
    options: list[OptionRow]
    members: list[Leader]
    not_answered: list[Leader]
    note: MeetingNote | None = None
    has_taken_place: bool = False
    leading: OptionRow | None = None  # the poll's leading answer: the proposal
    answered: list[Leader] = field(default_factory=list)
    rounds: int = 0  # "meeting N of M"
    poll_open: bool = False
    may_mark_held: bool = False


# The votes without their leaders: each is one of the group's members, read already
# (a leader who has left the group since is read by _LEADERS_WITH_USER).
_VOTES_ON: Prepared[MeetingVote] = Prepared(lambda meeting_id: (
    MeetingVote.objects.filter(option__meeting_id=meeting_id)
    .order_by("leader__user__full_name")))
_LEADERS_WITH_USER: Prepared[Leader] = Prepared(lambda leader_ids: (
    Leader.objects.filter(pk__any=leader_ids).select_related("user").only("user__full_name")))
_NOTE_OF: Prepared[MeetingNote] = Prepared(lambda meeting_id: (
    MeetingNote.objects.filter(meeting_id=meeting_id).select_related("updated_by")
    .order_by("pk")[:1]))


def meeting_options(meeting: NetworkMeeting) -> list[MeetingOption]:
    """A meeting's proposed dates, earliest first (the date poll's questions)."""
    return OPTIONS_OF(meeting_id=meeting.pk)


def meeting_page(*, access: MeetingAccess) -> MeetingPage:
    """The meeting with its poll: answers per date, who has not answered, the user's own
    answers and (for the group and facilitator only) the note. Four queries, sent
    together (a fifth for the names of answers by leaders who have left the group)."""
    meeting = access.meeting
    notes: list[list[MeetingNote]]
    members, options, votes, *notes = together(
        _MEMBERS.read(group_id=meeting.group_id), OPTIONS_OF.read(meeting_id=meeting.pk),
        _VOTES_ON.read(meeting_id=meeting.pk),
        *([_NOTE_OF.read(meeting_id=meeting.pk)] if access.can_read_note else []))
    for option in options:
        option.meeting = meeting  # as meeting.options would have set it
    voters = {m.pk: m for m in members}
    if gone := sorted({v.leader_id for v in votes} - voters.keys()):
        voters.update((leader.pk, leader) for leader in _LEADERS_WITH_USER(leader_ids=gone))
    for vote in votes:
        vote.leader = voters[vote.leader_id]
    place_children(options, "votes", ((v.option_id, v) for v in votes), back="option")
    rows: list[OptionRow] = []
    answered: set[int] = set()
    my_id = access.leader.pk if access.leader else None
    for option in options:
        votes = list(option.votes.all())
        counts = {a: sum(1 for v in votes if v.answer == a) for a in Answer.values}
        mine = next((v.answer for v in votes if v.leader_id == my_id), "")
        answered.update(v.leader_id for v in votes)
        rows.append(OptionRow(option, counts, votes, mine))
    note = next(iter(notes[0]), None) if notes else None  # only read where it may be
    leading = leading_option([r.option for r in rows],
                             [v for r in rows for v in r.answers])
    today = timezone.localdate()
    rounds = meeting._rounds  # type: ignore[attr-defined]  # read by the access helper
    return MeetingPage(
        access=access, options=rows, members=members,
        not_answered=[m for m in members if m.pk not in answered], note=note,
        has_taken_place=(meeting.is_held or (meeting.is_confirmed
                                             and meeting.start <= timezone.now())),
        leading=next((r for r in rows if leading and r.option.pk == leading.option.pk), None),
        answered=[m for m in members if m.pk in answered], rounds=rounds,
        poll_open=meeting.is_proposed and (meeting.poll_closes_on is None
                                           or meeting.poll_closes_on >= today),
        may_mark_held=(access.can_record and meeting.date is not None
                       and meeting.date <= today
                       and (meeting.is_proposed or meeting.is_confirmed)))


# -- Min side, the index and the calendar ------------------------------------------------
@dataclass
class MyGroup:
    group: NetworkGroup
    members: list[Leader]
    upcoming: list[NetworkMeeting]


def _my_groups(groups: list[NetworkGroup]) -> list[MyGroup]:
    """Members and upcoming meetings (with their poll dates) of these groups: three queries."""
    if not groups:
        return []
    ids = [g.pk for g in groups]
    members: dict[int, list[Leader]] = defaultdict(list)
    for membership in (NetworkMembership.objects.filter(group_id__in=ids)
                       .select_related("leader__user", "leader__unit")
                       .order_by("leader__user__full_name")):
        members[membership.group_id].append(membership.leader)
    upcoming: dict[int, list[NetworkMeeting]] = defaultdict(list)
    # Rounds not yet proposed are shown too, as "not yet set" (never as a guessed date).
    for m in (NetworkMeeting.objects.filter((ACTIVE_MEETING & Q(date__gte=timezone.localdate()))
                                            | Q(status=MeetingStatus.NOT_PROPOSED),
                                            group_id__in=ids)
              .select_related("facilitator")
              .prefetch_related(Prefetch("options", queryset=MeetingOption.objects
                                         .order_by("date", "starts_at")))
              .order_by("date", "starts_at")):
        upcoming[m.group_id].append(m)
    return [MyGroup(g, members[g.pk], upcoming[g.pk]) for g in groups]


def groups_of_leader(leader: Leader) -> list[NetworkGroup]:
    """The confirmed groups a leader belongs to (one query, compiled once per process)."""
    return groups_of_leader_read(leader)()


def groups_of_leader_read(leader: Leader) -> Read[NetworkGroup]:
    """:func:`groups_of_leader`'s query, not yet run."""
    return _GROUPS_OF.read(leader_id=leader.pk)


_GROUPS_OF: Prepared[NetworkGroup] = Prepared(lambda leader_id: (
    NetworkGroup.objects.filter(memberships__leader_id=leader_id,
                                plan__status=PlanStatus.CONFIRMED)
    .select_related("plan__programme", "facilitator").order_by("name")))
_FACILITATED: Prepared[NetworkGroup] = Prepared(lambda organisation_id, user_id: (
    narrowed(NetworkGroup.objects.all(), organisation_id).filter(facilitator_id=user_id)
    .select_related("plan__programme").order_by("plan", "position")))


def groups_facilitated_by(user: User) -> list[NetworkGroup]:
    return _FACILITATED.visible_to(user, user_id=user.pk)


def min_side_reads(user: User, leader: Leader | None) -> list[Read[Any]]:
    """The panel's first read (:attr:`accounts.dashboard.Panel.reads`)."""
    return [groups_of_leader_read(leader)] if leader is not None else []


def min_side_panel(user: User, leader: Leader | None) -> dict[str, Any] | None:
    """The leader's network group, its members and upcoming meetings; for a facilitator the
    groups they lead. One query for a leader with no group; four with one."""
    groups = groups_of_leader(leader) if leader is not None else []
    facilitated = groups_facilitated_by(user) if user.is_facilitator else []
    if not groups and not facilitated:
        return None
    return {"groups": _my_groups(groups), "facilitated": facilitated, "leader": leader,
            "today": timezone.localdate()}


@dataclass
class IndexPage:
    groups: list[MyGroup]
    facilitated: list[NetworkGroup]
    plans: list[NetworkPlan]
    programmes_without: list[Programme]
    is_oaf: bool


def index_page(*, user: User) -> IndexPage:
    leader = leader_for(user)
    groups = _my_groups(groups_of_leader(leader)) if leader is not None else []
    facilitated = groups_facilitated_by(user) if user.is_facilitator else []
    oaf = user.organisation_id is not None and is_oaf_for(user, user.organisation_id)
    plans: list[NetworkPlan] = []
    without: list[Programme] = []
    if oaf or user.is_superuser:
        plans = list(NetworkPlan.objects.visible_to(user).select_related("programme")
                     .annotate(group_count=Count("groups"))
                     .order_by("-programme__starts_on"))
        without = list(Programme.objects.visible_to(user).filter(network_plan__isnull=True)
                       .order_by("-starts_on"))
    elif user.is_facilitator:
        plans = list(NetworkPlan.objects.visible_to(user)
                     .filter(Q(facilitators=user) | Q(groups__facilitator=user)).distinct()
                     .select_related("programme").annotate(group_count=Count("groups"))
                     .order_by("-programme__starts_on"))
    return IndexPage(groups=groups, facilitated=facilitated, plans=plans,
                     programmes_without=without, is_oaf=oaf or user.is_superuser)


def meeting_event(meeting: NetworkMeeting) -> CalendarEvent:
    """Needs ``group`` loaded. Proposed dates are tentative, so calendars show them so."""
    focus = f"\n{meeting.focus}" if meeting.focus else ""
    return CalendarEvent(
        uid=f"networks-meeting-{meeting.uuid}", start=meeting.start, end=meeting.end,
        summary=_("Network group %(group)s") % {"group": meeting.group.name},
        location=meeting.location, description=f"{meeting.group.name}{focus}",
        url=absolute_url(reverse("networks:meeting_detail", args=[meeting.uuid])),
        tentative=meeting.status == MeetingStatus.PROPOSED,
        cancelled=meeting.status == MeetingStatus.CANCELLED)


def calendar_events(user: User) -> list[CalendarEvent]:
    """The personal feed: meetings of the user's confirmed groups and those they lead
    (one query)."""
    return [meeting_event(m) for m in _FEED_MEETINGS(user_id=user.pk)]


_FEED_MEETINGS: Prepared[NetworkMeeting] = Prepared(lambda user_id: (
    NetworkMeeting.objects
    .filter(Q(group__memberships__leader__user_id=user_id,
              group__plan__status=PlanStatus.CONFIRMED) | Q(facilitator_id=user_id))
    .filter(date__isnull=False).distinct().select_related("group")
    .order_by("date", "starts_at")))
