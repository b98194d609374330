"""Planning, moving, polling, confirming and cancelling network meetings.

Lock order, the same everywhere so two writers never wait on each other in a
circle: the plan row first, then the meeting row, then the facilitators' user
rows (by id). Votes and notes lock only their meeting row. Under these locks
the rules are checked against fresh data (:mod:`networks.rules`); the partial
unique constraints on :class:`~networks.models.NetworkMeeting` (one active
meeting per facilitator and slot, per group and slot) catch anything that
slips past, and that becomes the same clear message instead of an error page.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import Leader, User
from lib.audit import audit_log
from lib.outbox import enqueue
from lib.prepared import Prepared

from .. import notifications
from ..models import (
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
)
from ..planner import Interval, PlanOutcome, intervals, plan_meetings
from ..rules import Candidate, PlanningContext
from .groups import lock_plan
from .rounds import OPTIONS_OF, VOTES_OF, follow_leading, leading_option, times_for
from .rounds import _replace_options as replace_options


def _taken_message() -> str:
    return _("That time was taken a moment ago: the facilitator or the group already has a "
             "meeting in this slot.")


def _lock_users(ids: Iterable[int | None]) -> None:
    """Lock facilitators' user rows so their per-day count cannot change under us."""
    wanted = sorted({i for i in ids if i})
    if wanted:
        list(User.objects.select_for_update().filter(pk__in=wanted).order_by("pk")
             .values_list("pk", flat=True))


def _lock_meeting(meeting: NetworkMeeting) -> tuple[NetworkPlan, NetworkMeeting]:
    plan = lock_plan(NetworkPlan(pk=meeting.group.plan_id))
    locked = (NetworkMeeting.objects.select_for_update(of=("self",))
              .select_related("group", "facilitator").get(pk=meeting.pk))
    return plan, locked


def _members(group_id: int) -> dict[int, str]:
    return dict(Leader.objects.filter(network_memberships__group_id=group_id)
                .values_list("pk", "user__full_name"))


def _check(plan: NetworkPlan, candidate: Candidate, names: dict[int, str]) -> None:
    ctx = PlanningContext.load(plan=plan, leader_ids=candidate.member_ids,
                               facilitator_ids=[candidate.facilitator_id or 0],
                               first=candidate.date, last=candidate.date)
    problems = ctx.problems(candidate, names=names)
    if problems:
        raise ValidationError([ValidationError(p, code=getattr(p, "code", "planning_clash"))
                               for p in problems])


def _save(meeting: NetworkMeeting, fields: list[str]) -> None:
    try:
        with transaction.atomic():
            meeting.save(update_fields=fields)
    except IntegrityError as exc:
        raise ValidationError(_taken_message(), code="slot_taken") from exc


def _refuse_unless_open(meeting: NetworkMeeting) -> None:
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError(_("The meeting is cancelled."), code="cancelled")


# -- the planner -------------------------------------------------------------------------
@dataclass
class PlanResult:
    created: int = 0
    unplaced: list[str] = field(default_factory=list)


def _assign_facilitators(plan: NetworkPlan, groups: list[NetworkGroup]) -> None:
    """Give groups without a facilitator one from the plan's pool, fewest groups first."""
    pool = list(plan.facilitators.filter(is_active=True).order_by("full_name", "pk")
                .values_list("pk", flat=True))
    if not pool:
        return
    load = Counter(dict.fromkeys(pool, 0))
    load.update(g.facilitator_id for g in groups
                if g.facilitator_id is not None and g.facilitator_id in load)
    changed = []
    for group in groups:
        if group.facilitator_id is None:
            chosen = min(pool, key=lambda pk: (load[pk], pool.index(pk)))
            group.facilitator_id = chosen
            load[chosen] += 1
            changed.append(group)
    if changed:
        NetworkGroup.objects.bulk_update(changed, ["facilitator"])


def meetings_plan(*, plan: NetworkPlan, actor: User | None) -> PlanResult:
    """Propose dates for every group's missing meetings at once.

    Guarantees every new meeting keeps the rules against the database as it is
    under the plan's and the facilitators' row locks: inside the programme
    period, on a weekday that is no holiday or gathering day, no facilitator
    with two meetings in a slot or more than the daily maximum, no member
    double-booked. Each meeting gets up to two alternative dates for the poll.
    Running it again fills only what is missing.
    """
    with transaction.atomic():
        plan, groups, facilitator_ids, members = plan_groups_locked(plan)
        gatherings = list(plan.programme.gatherings.values_list("pk", "date"))
        programme = plan.programme
        ctx = PlanningContext.load(plan=plan, leader_ids=[i for m in members.values() for i in m],
                                   facilitator_ids=facilitator_ids, first=programme.starts_on,
                                   last=programme.ends_on)
        outcome = plan_meetings(
            plan=plan, ctx=ctx, groups=groups, members=members,
            facilitators={g.pk: g.facilitator_id for g in groups},
            existing=_meetings_per_interval(plan, intervals(plan, gatherings)),
            numbers=_last_numbers(plan), gatherings=gatherings)
        created = _create_meetings(plan, outcome)
        result = PlanResult(created=len(created), unplaced=_unplaced_messages(outcome))
        audit_log(organisation=programme.organisation, actor=actor,
                  action="networks.meetings_planned", obj=plan,
                  summary=f"{programme}: {len(created)}",
                  data={"unplaced": len(outcome.unplaced)})
        return result


def plan_groups_locked(plan: NetworkPlan) -> tuple[
        NetworkPlan, list[NetworkGroup], list[int], dict[int, tuple[int, ...]]]:
    """What both planners start from, inside their transaction: the plan locked (refused
    while its groups are a draft), its groups with advisers assigned, those advisers'
    rows locked, and each group's members."""
    plan = lock_plan(plan)
    if plan.is_draft:
        raise ValidationError(_("Confirm the groups before planning their meetings."),
                              code="draft")
    groups = list(plan.groups.order_by("position", "name"))
    _assign_facilitators(plan, groups)
    facilitator_ids = [g.facilitator_id for g in groups if g.facilitator_id]
    _lock_users(facilitator_ids)
    return plan, groups, facilitator_ids, _members_by_group(plan, groups)


def _members_by_group(plan: NetworkPlan, groups: list[NetworkGroup]) -> dict[int, tuple[int, ...]]:
    """Each group's members (leader ids, ascending); every group present, even an empty one."""
    members: dict[int, list[int]] = {g.pk: [] for g in groups}
    for group_id, leader_id in (plan.memberships.order_by("leader_id")
                                .values_list("group_id", "leader_id")):
        members[group_id].append(leader_id)
    return {k: tuple(v) for k, v in members.items()}


def _meetings_per_interval(plan: NetworkPlan, spans: list[Interval]) -> dict[tuple[int, int], int]:
    """How many active meetings each group already has in each interval (group, index)."""
    existing: Counter[tuple[int, int]] = Counter()
    for group_id, day in (NetworkMeeting.objects.filter(ACTIVE_MEETING, group__plan=plan)
                          .values_list("group_id", "date")):
        for index, span in enumerate(spans):
            if span.first <= day <= span.last:
                existing[(group_id, index)] += 1
    return dict(existing)


def _last_numbers(plan: NetworkPlan) -> dict[int, int]:
    """Each group's highest meeting number so far, so new meetings number on from it."""
    return dict(NetworkMeeting.objects.filter(group__plan=plan).values("group_id")
                .annotate(last=Max("number")).values_list("group_id", "last"))


def _create_meetings(plan: NetworkPlan, outcome: PlanOutcome) -> list[NetworkMeeting]:
    """Store the planned meetings and their poll's alternative dates (bulk inserts).

    A slot taken meanwhile (a partial unique constraint) becomes the same clear
    message as everywhere else.
    """
    rows = [NetworkMeeting(group_id=p.group.pk, number=p.number, date=p.candidate.date,
                           slot=p.candidate.slot, starts_at=p.candidate.starts_at,
                           ends_at=p.candidate.ends_at, place=plan.default_place,
                           facilitator_id=p.candidate.facilitator_id,
                           focus_gathering_id=p.focus_gathering_id)
            for p in outcome.meetings]
    try:
        with transaction.atomic():
            created = NetworkMeeting.objects.bulk_create(rows, batch_size=500)
    except IntegrityError as exc:
        raise ValidationError(_taken_message(), code="slot_taken") from exc
    if any(m.pk is None for m in created):
        ids = {(m.group_id, m.number): m.pk for m in NetworkMeeting.objects.filter(
            group__plan=plan).only("pk", "group_id", "number")}
        for m in created:
            m.pk = ids[(m.group_id, m.number)]
    MeetingOption.objects.bulk_create(
        [option_for(m.pk, o) for m, p in zip(created, outcome.meetings, strict=True)
         for o in p.options], batch_size=1000)
    return created


def option_for(meeting_id: int, c: Candidate) -> MeetingOption:
    """A poll date from a planned candidate (the planner always gives a slot and times)."""
    assert c.starts_at is not None and c.ends_at is not None
    return MeetingOption(meeting_id=meeting_id, date=c.date, slot=c.slot,
                         starts_at=c.starts_at, ends_at=c.ends_at)


def _unplaced_messages(outcome: PlanOutcome) -> list[str]:
    return [_("No free date for «%(group)s» between %(first)s and %(last)s.")
            % {"group": group.name, "first": date_format(span.first, "SHORT_DATE_FORMAT"),
               "last": date_format(span.last, "SHORT_DATE_FORMAT")}
            for group, span in outcome.unplaced]


# -- one meeting by hand -----------------------------------------------------------------
def meeting_update(*, meeting: NetworkMeeting, actor: User | None, date: dt.date, slot: str,
                   starts_at: dt.time | None, ends_at: dt.time | None, place: str,
                   video_url: str, facilitator: User | None, focus: str,
                   poll_closes_on: dt.date | None = None) -> NetworkMeeting:
    """Change a meeting by hand with the planner's rules checked; nothing is saved if one
    is broken. Members of a confirmed meeting are told of a new time or place.

    An empty slot is "time to be agreed" (no times); a new slot without new times
    gets the slot's usual times. A round not yet proposed becomes proposed. A
    proposed meeting moved to another date or slot gets a fresh poll: the old
    dates (and their answers) go, the new date is the only option, and the
    members are told. The meeting is marked as made by hand, so the planner
    leaves it alone."""
    with transaction.atomic():
        plan, m = _lock_meeting(meeting)
        _refuse_unless_open(m)
        if m.is_held:
            raise ValidationError(_("The meeting has been held."), code="held")
        if slot and (starts_at is None or ends_at is None
                     or (slot != m.slot and (starts_at, ends_at) == (m.starts_at, m.ends_at))):
            starts_at, ends_at = times_for(plan, slot, None, None)
        elif not slot:
            starts_at, ends_at = None, None
        if facilitator is not None and (
                not facilitator.is_facilitator
                or facilitator.organisation_id != plan.programme.organisation_id):
            raise ValidationError(_("Choose a facilitator of the municipality."),
                                  code="invalid_facilitator")
        _lock_users([facilitator.pk if facilitator else None, m.facilitator_id])
        names = _members(m.group_id)
        _check(plan, Candidate(group_id=m.group_id, member_ids=tuple(names), date=date,
                               slot=slot, starts_at=starts_at, ends_at=ends_at,
                               facilitator_id=facilitator.pk if facilitator else None,
                               meeting_id=m.pk), names)
        if m.is_confirmed and date < timezone.localdate():
            raise ValidationError(_("A confirmed meeting cannot be moved into the past."),
                                  code="past")
        if not m.is_confirmed and date < timezone.localdate():
            raise ValidationError(_("The date has passed; record the meeting as held, or "
                                    "choose a later date."), code="past")
        if poll_closes_on is not None and not m.is_confirmed and poll_closes_on >= date:
            raise ValidationError(_("The poll must close before the day of the meeting."),
                                  code="poll_after_meeting")
        changed = (m.date, m.starts_at, m.ends_at, m.place, m.video_url) != (
            date, starts_at, ends_at, place, video_url)
        before = notifications.meeting_calendar_before(m) if m.is_confirmed else None
        moved = (m.date, m.slot) != (date, slot)
        if m.is_not_proposed:
            m.status = MeetingStatus.PROPOSED
        m.date, m.slot, m.starts_at, m.ends_at = date, slot, starts_at, ends_at
        m.place, m.video_url, m.facilitator, m.focus = place, video_url, facilitator, focus
        m.poll_closes_on, m.hand_made = poll_closes_on, True
        _save(m, ["status", "date", "slot", "starts_at", "ends_at", "place", "video_url",
                  "facilitator", "focus", "poll_closes_on", "hand_made"])
        if m.is_proposed:
            if moved:
                replace_options(m, date, slot, starts_at, ends_at)
                notifications.poll_changed(meeting=m)
        elif changed:
            notifications.meeting_calendar_change(meeting=m, cancelled=False, before=before)
        audit_log(organisation=plan.programme.organisation, actor=actor,
                  action="networks.meeting_changed", obj=m,
                  summary=f"{m.group.name}: {date:%d.%m.%Y} {slot}")
        return m


def meeting_option_add(*, meeting: NetworkMeeting, date: dt.date, slot: str,
                       actor: User | None) -> MeetingOption:
    """Offer one more date in a proposed meeting's poll; it must keep the rules today."""
    with transaction.atomic():
        plan, m = _lock_meeting(meeting)
        _refuse_unless_open(m)
        if not m.is_proposed:
            raise ValidationError(_("The date of this meeting is already decided."),
                                  code="decided")
        _lock_users([m.facilitator_id])
        starts_at, ends_at = plan.slot_times(slot)
        names = _members(m.group_id)
        _check(plan, Candidate(group_id=m.group_id, member_ids=tuple(names), date=date,
                               slot=slot, starts_at=starts_at, ends_at=ends_at,
                               facilitator_id=m.facilitator_id, meeting_id=m.pk), names)
        if m.options.filter(date=date, slot=slot).exists():
            raise ValidationError(_("%(date)s %(slot)s is already proposed.") % {
                "date": date_format(date, "SHORT_DATE_FORMAT"), "slot": slot}, code="duplicate")
        option = MeetingOption.objects.create(meeting=m, date=date, slot=slot,
                                              starts_at=starts_at, ends_at=ends_at)
        audit_log(organisation=plan.programme.organisation, actor=actor,
                  action="networks.option_added", obj=m,
                  summary=f"{m.group.name}: {date:%d.%m.%Y} {slot}")
        return option


# A leader's answers are the poll's busiest write: its reads are compiled once
# (lib.prepared). The meeting is locked with whether the leader is in its group.
_LOCK_FOR_VOTE: Prepared[NetworkMeeting] = Prepared(lambda meeting_id, leader_id: (
    NetworkMeeting.objects.select_for_update(of=("self",))
    .annotate(voter_is_member=Exists(NetworkMembership.objects.filter(
        group_id=OuterRef("group_id"), leader_id=leader_id)))
    .filter(pk=meeting_id)))


def meeting_vote(*, meeting: NetworkMeeting, leader: Leader, answers: dict[int, str],
                 actor: User | None) -> int:
    """Record a member's answers (yes / if need be / no) to a proposed meeting's dates.

    Guarantees one answer per member and date (a constraint; answers are written
    under the meeting's row lock), only while the meeting is proposed, only for
    the meeting's own dates. Returns how many answers were saved (an answer given
    again unchanged keeps its time).

    Five statements besides the transaction's: the locked meeting with whether the
    leader is in its group, its dates, its answers, one upsert of the new and changed
    answers, and the proposal moved to the leading date when that changed. The dates
    and answers read under the lock are the ones the leading date is worked out from.
    """
    with transaction.atomic():
        found = _LOCK_FOR_VOTE(meeting_id=meeting.pk, leader_id=leader.pk)
        if not found:
            raise NetworkMeeting.DoesNotExist
        m = found[0]
        _refuse_unless_open(m)
        if not m.is_proposed:
            raise ValidationError(_("The date of this meeting is already decided."),
                                  code="decided")
        if not m.voter_is_member:  # type: ignore[attr-defined]  # the annotation
            raise PermissionDenied(_("Only the group's members answer the date poll."))
        today = timezone.localdate()
        if m.poll_closes_on is not None and m.poll_closes_on < today:
            raise ValidationError(_("The poll closed on %(date)s.") % {
                "date": date_format(m.poll_closes_on, "DATE_FORMAT")}, code="poll_closed")
        options = OPTIONS_OF(meeting_id=m.pk)
        if not answers or set(answers) - {o.pk for o in options if o.date >= today}:
            raise ValidationError(_("Answer the dates proposed for this meeting."),
                                  code="invalid_answer")
        if any(a not in Answer.values for a in answers.values()):
            raise ValidationError(_("Answer yes, if need be or no for each date."),
                                  code="invalid_answer")
        votes = VOTES_OF(meeting_id=m.pk)
        mine = {v.option_id: v for v in votes if v.leader_id == leader.pk}
        now = timezone.now()
        saved = []
        for option_id, answer in sorted(answers.items()):
            vote = mine.get(option_id)
            if vote is not None and vote.answer == answer:
                continue
            if vote is None:
                votes.append(vote := MeetingVote(option_id=option_id, leader_id=leader.pk))
            vote.answer, vote.answered_at = answer, now
            saved.append(MeetingVote(option_id=option_id, leader_id=leader.pk, answer=answer,
                                     answered_at=now))
        if saved:
            # One statement for new and changed answers alike; the constraint is the key.
            MeetingVote.objects.bulk_create(
                saved, update_conflicts=True, unique_fields=["option", "leader"],
                update_fields=["answer", "answered_at"])
        follow_leading(m, options=options, votes=votes)
        return len(saved)


def meeting_confirm(*, meeting: NetworkMeeting, option: MeetingOption | None,
                    actor: User | None) -> NetworkMeeting:
    """Confirm a proposed meeting on one of its poll dates (or its proposed date).

    Guarantees the rules still hold at the moment of confirming (re-checked under
    the locks), a place or video link is given, the date is not past; then every
    member and the facilitator get an email in their own language.
    """
    with transaction.atomic():
        plan, m = _lock_meeting(meeting)
        _refuse_unless_open(m)
        if m.is_confirmed:
            raise ValidationError(_("The meeting is already confirmed."), code="confirmed")
        if not m.is_proposed or m.date is None:
            raise ValidationError(_("Give the meeting a date before confirming it."),
                                  code="date_missing")
        if option is None:
            # No date chosen: the poll's leading answer is the proposal.
            leading = leading_option(OPTIONS_OF(meeting_id=m.pk), VOTES_OF(meeting_id=m.pk))
            option = leading.option if leading else None
        if option is not None:
            if option.meeting_id != m.pk:
                raise ValidationError(_("Choose one of the dates proposed for this meeting."),
                                      code="invalid_option")
            m.date, m.slot = option.date, option.slot
            m.starts_at, m.ends_at = option.starts_at, option.ends_at
        if not (m.place or m.video_url):
            raise ValidationError(_("Give a place or a video link before confirming the "
                                    "meeting."), code="no_place")
        if m.date < timezone.localdate():
            raise ValidationError(_("The date has passed; choose a later one."), code="past")
        _lock_users([m.facilitator_id])
        names = _members(m.group_id)
        _check(plan, Candidate(group_id=m.group_id, member_ids=tuple(names), date=m.date,
                               slot=m.slot, starts_at=m.starts_at, ends_at=m.ends_at,
                               facilitator_id=m.facilitator_id, meeting_id=m.pk), names)
        m.status = MeetingStatus.CONFIRMED
        m.confirmed_at = timezone.now()
        _save(m, ["date", "slot", "starts_at", "ends_at", "status", "confirmed_at"])
        notifications.meeting_confirmed(meeting=m)
        audit_log(organisation=plan.programme.organisation, actor=actor,
                  action="networks.meeting_confirmed", obj=m,
                  summary=f"{m.group.name}: {m.date:%d.%m.%Y} {m.slot}")
        return m


def meeting_cancel(*, meeting: NetworkMeeting, actor: User | None) -> NetworkMeeting:
    """Cancel a meeting; its slot is free again. If it was confirmed, everyone is told."""
    with transaction.atomic():
        plan, m = _lock_meeting(meeting)
        _refuse_unless_open(m)
        was_confirmed = m.is_confirmed
        m.status = MeetingStatus.CANCELLED
        m.save(update_fields=["status"])
        if was_confirmed:
            notifications.meeting_calendar_change(meeting=m, cancelled=True)
        audit_log(organisation=plan.programme.organisation, actor=actor,
                  action="networks.meeting_cancelled", obj=m,
                  summary=f"{m.group.name}: {m.date:%d.%m.%Y} {m.slot}")
        return m


def meeting_note_save(*, meeting: NetworkMeeting, case: str, agreed: str,
                      actor: User | None) -> MeetingNote:
    """Keep the group's note of a meeting that has taken place (one note per meeting)."""
    with transaction.atomic():
        m = NetworkMeeting.objects.select_for_update().get(pk=meeting.pk)
        # Held (recorded by O&F or the adviser) or confirmed and begun: it took place.
        if not (m.is_held or (m.is_confirmed and m.start <= timezone.now())):
            raise ValidationError(_("The note is written after the meeting has taken place."),
                                  code="not_held")
        case, agreed = case.strip(), agreed.strip()
        if not (case or agreed):
            raise ValidationError(_("Write the case or what you agreed."), code="empty")
        note, _created = MeetingNote.objects.update_or_create(
            meeting=m, defaults={"case": case, "agreed": agreed, "updated_by": actor})
        return note


def meetings_poll_announce(*, plan: NetworkPlan, actor: User | None) -> int:
    """Ask every member with an open date poll to answer it; the emails go from a worker.

    Returns how many meetings have an open poll (refused when none has).
    """
    from ..tasks import poll_invitations_send

    with transaction.atomic():
        plan = lock_plan(plan)
        open_polls = NetworkMeeting.objects.filter(group__plan=plan,
                                                   status=MeetingStatus.PROPOSED,
                                                   date__gte=timezone.localdate()).count()
        if not open_polls:
            raise ValidationError(_("No meeting has an open date poll."), code="no_open_poll")
        audit_log(organisation=plan.programme.organisation, actor=actor,
                  action="networks.poll_announced", obj=plan,
                  summary=str(plan.programme))
        plan_id = plan.pk
        enqueue(poll_invitations_send, plan_id=plan_id)
        return open_polls


def poll_invitations_send(*, plan: NetworkPlan) -> int:
    """Email each member of a group with open polls the list of them (in their language).
    Returns the number of emails queued."""
    meetings = list(NetworkMeeting.objects.filter(group__plan=plan,
                                                  status=MeetingStatus.PROPOSED,
                                                  date__gte=timezone.localdate())
                    .select_related("group").order_by("date", "starts_at"))
    by_group: dict[int, list[NetworkMeeting]] = {}
    for m in meetings:
        by_group.setdefault(m.group_id, []).append(m)
    sent = 0
    for membership in (NetworkMembership.objects.filter(group_id__in=list(by_group),
                                                        leader__user__is_active=True)
                       .select_related("leader__user", "group")):
        notifications.poll_invitation(user=membership.leader.user, group=membership.group,
                                      meetings=by_group[membership.group_id])
        sent += 1
    return sent

