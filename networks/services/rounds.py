"""A group's rounds by hand: add a meeting, record one held, keep the poll in step.

O&F and the group's adviser enter the plan a municipality actually makes —
partly unknown (a round "not yet proposed" has no date), partly vague (a date
whose time is to be agreed has no slot), partly past (a programme that started
before the portal: meetings entered directly as *held*). Every rule of the
planner applies with the same messages (:mod:`networks.rules`); the rules about
the past are for members' actions (answering a poll whose dates are gone), not
for O&F's record-keeping. Lock order as in :mod:`networks.services.meetings`:
plan → meeting → facilitators.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from lib.audit import audit_log
from lib.calendar_notices import is_moved
from lib.prepared import Prepared

from .. import notifications
from ..models import (
    Answer,
    MeetingOption,
    MeetingStatus,
    MeetingVote,
    NetworkGroup,
    NetworkMeeting,
    NetworkPlan,
    Slot,
)
from ..rules import Candidate
from .groups import lock_plan

# How a poll's answers weigh: a date where everyone can is better than one where
# some "if need be"; a "no" weighs nothing.
ANSWER_WEIGHT: dict[str, int] = {Answer.YES.value: 2, Answer.MAYBE.value: 1,
                                 Answer.NO.value: 0}
RECORDABLE = (MeetingStatus.NOT_PROPOSED, MeetingStatus.PROPOSED, MeetingStatus.CONFIRMED,
              MeetingStatus.HELD)


@dataclass(frozen=True)
class MeetingInput:
    """What O&F (or the adviser, or a spreadsheet row) says about one round."""

    status: str
    date: dt.date | None = None
    slot: str = ""
    starts_at: dt.time | None = None
    ends_at: dt.time | None = None
    place: str = ""
    video_url: str = ""
    facilitator: User | None = None
    focus: str = ""


def times_for(plan: NetworkPlan, slot: str, starts_at: dt.time | None,
              ends_at: dt.time | None) -> tuple[dt.time | None, dt.time | None]:
    """The times a meeting gets: none without a slot, the slot's defaults when not given."""
    if not slot:
        return None, None
    if starts_at is None or ends_at is None:
        return plan.slot_times(slot)
    return starts_at, ends_at


def _check_input(plan: NetworkPlan, group: NetworkGroup, data: MeetingInput,
                 meeting_id: int | None) -> tuple[dt.time | None, dt.time | None]:
    """Refuse what no round may be; return the times it gets. Runs the planner's rules."""
    from .meetings import _check, _lock_users, _members

    if data.status not in RECORDABLE:
        raise ValidationError(_("Choose the state of the meeting."), code="invalid_status")
    if data.slot and data.slot not in Slot.values:
        raise ValidationError(_("Choose morning, afternoon or time to be agreed."),
                              code="invalid_slot")
    if data.status == MeetingStatus.NOT_PROPOSED:
        if data.date is not None:
            raise ValidationError(_("A round that is not yet proposed has no date; choose "
                                    "«proposed» to give one."), code="date_not_proposed")
        return None, None
    if data.date is None:
        raise ValidationError(_("Give the date of the meeting, or choose «not yet proposed»."),
                              code="date_missing")
    today = timezone.localdate()
    if data.status == MeetingStatus.HELD and data.date > today:
        raise ValidationError(_("A meeting in the future cannot be recorded as held."),
                              code="held_in_future")
    if data.status in (MeetingStatus.PROPOSED, MeetingStatus.CONFIRMED) and data.date < today:
        raise ValidationError(_("The date has passed; record the meeting as held, or choose a "
                                "later date."), code="past")
    if data.status == MeetingStatus.CONFIRMED and not (data.place or data.video_url):
        raise ValidationError(_("Give a place or a video link before confirming the meeting."),
                              code="no_place")
    facilitator = data.facilitator
    if facilitator is not None and (
            not facilitator.is_facilitator
            or facilitator.organisation_id != plan.programme.organisation_id):
        raise ValidationError(_("Choose a facilitator of the municipality."),
                              code="invalid_facilitator")
    starts_at, ends_at = times_for(plan, data.slot, data.starts_at, data.ends_at)
    _lock_users([facilitator.pk if facilitator else None])
    names = _members(group.pk)
    _check(plan, Candidate(group_id=group.pk, member_ids=tuple(names), date=data.date,
                           slot=data.slot, starts_at=starts_at, ends_at=ends_at,
                           facilitator_id=facilitator.pk if facilitator else None,
                           meeting_id=meeting_id), names)
    return starts_at, ends_at


def _store(meeting: NetworkMeeting) -> None:
    try:
        with transaction.atomic():
            meeting.save()
    except IntegrityError as exc:
        from .meetings import _taken_message

        raise ValidationError(_taken_message(), code="slot_taken") from exc


def _apply(meeting: NetworkMeeting, data: MeetingInput, starts_at: dt.time | None,
           ends_at: dt.time | None) -> None:
    meeting.status = data.status
    meeting.date, meeting.slot = data.date, data.slot
    meeting.starts_at, meeting.ends_at = starts_at, ends_at
    meeting.place, meeting.video_url = data.place, data.video_url
    meeting.facilitator = data.facilitator
    meeting.focus = data.focus
    meeting.hand_made = True
    if (meeting.poll_closes_on is not None and meeting.date is not None
            and meeting.poll_closes_on >= meeting.date):
        # A poll closes before the meeting's day (meeting_update refuses otherwise): a
        # round re-recorded to an earlier day keeps its deadline, moved to the day before.
        meeting.poll_closes_on = meeting.date - dt.timedelta(days=1)
    if data.status in (MeetingStatus.CONFIRMED, MeetingStatus.HELD):
        meeting.confirmed_at = meeting.confirmed_at or timezone.now()


def meeting_record(*, group: NetworkGroup, actor: User | None, data: MeetingInput,
                   number: int | None = None, meeting: NetworkMeeting | None = None,
                   notify: bool = True) -> NetworkMeeting:
    """Add a round to a group by hand (O&F or the group's adviser), or replace what a
    round says when ``number`` names one the group already has (or ``meeting`` is
    that round: how a meeting recorded as held is corrected).

    Guarantees the planner's rules for a dated meeting under the plan's and the
    facilitator's row locks (same messages, same codes); a past date only as
    *held*; a future one never as held. A proposed meeting's date becomes its
    poll's only option (a round not yet proposed, or a date without a slot, has
    none) and, when a proposal moves, its members are told; a confirmed one is
    announced to the group.
    """
    with transaction.atomic():
        plan = lock_plan(NetworkPlan(pk=group.plan_id))
        existing = None
        if meeting is not None:
            existing = (NetworkMeeting.objects.select_for_update()
                        .filter(pk=meeting.pk, group=group).exclude(
                            status=MeetingStatus.CANCELLED).first())
            if existing is None:
                raise ValidationError(_("The meeting is cancelled."), code="cancelled")
            number = existing.number
        elif number is not None:
            existing = (NetworkMeeting.objects.select_for_update()
                        .filter(group=group, number=number).exclude(
                            status=MeetingStatus.CANCELLED).order_by("pk").first())
        starts_at, ends_at = _check_input(plan, group, data,
                                          existing.pk if existing else None)
        if existing is None:
            last = (NetworkMeeting.objects.filter(group=group)
                    .aggregate(last=Max("number"))["last"] or 0)
            meeting = NetworkMeeting(group=group, number=number or last + 1)
            was = ""
        else:
            meeting, was = existing, existing.status
        before = (notifications.meeting_calendar_before(meeting)
                  if was == MeetingStatus.CONFIRMED and meeting.date else None)
        moved = existing is not None and (existing.date, existing.slot) != (data.date, data.slot)
        _apply(meeting, data, starts_at, ends_at)
        _store(meeting)
        if data.status in (MeetingStatus.PROPOSED, MeetingStatus.NOT_PROPOSED):
            # The poll follows the round: its date is the one option (none without a
            # slot, none while not yet proposed), so members never answer a stale guess.
            _replace_options(meeting, data.date, data.slot, starts_at, ends_at)
            if notify and moved and was == data.status == MeetingStatus.PROPOSED:
                notifications.poll_changed(meeting=meeting)
        if (notify and data.status == MeetingStatus.CONFIRMED
                and was != MeetingStatus.CONFIRMED):
            notifications.meeting_confirmed(meeting=meeting)
        elif notify and before is not None and data.status in (
                MeetingStatus.CONFIRMED, MeetingStatus.CANCELLED):
            # A confirmed meeting re-recorded with a new time or place, or as cancelled.
            cancelled = data.status == MeetingStatus.CANCELLED
            if cancelled or is_moved(before, notifications.meeting_calendar_before(meeting)):
                notifications.meeting_calendar_change(meeting=meeting, cancelled=cancelled,
                                                      before=None if cancelled else before)
        audit_log(organisation=plan.programme.organisation, actor=actor,
                  action="networks.meeting_recorded", obj=meeting,
                  summary=f"{group.name} {meeting.number}: {meeting.get_status_display()}")
        return meeting


def meeting_mark_held(*, meeting: NetworkMeeting, actor: User | None) -> NetworkMeeting:
    """Record that a proposed or confirmed meeting whose day has come took place."""
    with transaction.atomic():
        lock_plan(NetworkPlan(pk=meeting.group.plan_id))
        m = (NetworkMeeting.objects.select_for_update(of=("self",))
             .select_related("group__plan__programme__organisation").get(pk=meeting.pk))
        if m.status not in (MeetingStatus.PROPOSED, MeetingStatus.CONFIRMED) or m.date is None:
            raise ValidationError(_("Only a planned meeting with a date can be recorded as "
                                    "held."), code="not_held")
        if m.date > timezone.localdate():
            raise ValidationError(_("A meeting in the future cannot be recorded as held."),
                                  code="held_in_future")
        m.status = MeetingStatus.HELD
        m.confirmed_at = m.confirmed_at or timezone.now()
        m.hand_made = True
        m.save(update_fields=["status", "confirmed_at", "hand_made"])
        audit_log(organisation=m.group.plan.programme.organisation, actor=actor,
                  action="networks.meeting_held", obj=m,
                  summary=f"{m.group.name} {m.number}: {m.date:%d.%m.%Y}")
        return m


def _replace_options(meeting: NetworkMeeting, date: dt.date | None, slot: str,
                     starts_at: dt.time | None, ends_at: dt.time | None) -> bool:
    """Make the meeting's date its poll's only option; True when old options (and their
    answers) went. Answers to the date itself are kept."""
    if date is None or not slot or starts_at is None or ends_at is None:
        stale = meeting.options.all()
    else:
        stale = meeting.options.exclude(date=date, slot=slot)
    removed = stale.exists()
    if removed:
        stale.delete()
    if date is not None and slot and starts_at is not None and ends_at is not None:
        MeetingOption.objects.update_or_create(
            meeting=meeting, date=date, slot=slot,
            defaults={"starts_at": starts_at, "ends_at": ends_at})
    return removed


# A meeting's proposed dates, earliest first: the poll's questions, read by the meeting
# page, the answer form and the answer itself (compiled once, lib.prepared).
OPTIONS_OF: Prepared[MeetingOption] = Prepared(lambda meeting_id: (
    MeetingOption.objects.filter(meeting_id=meeting_id).order_by("date", "starts_at")))
# Its answers, as the leading date is worked out from them.
VOTES_OF: Prepared[MeetingVote] = Prepared(lambda meeting_id: (
    MeetingVote.objects.filter(option__meeting_id=meeting_id).order_by("pk")))


@dataclass(frozen=True)
class Leading:
    option: MeetingOption
    score: int
    yes: int


def leading_option(options: list[MeetingOption], votes: list[MeetingVote]) -> Leading | None:
    """The date most members can: yes counts two, if-need-be one; ties go to the date
    with more yes, then the earlier one. None before anyone has answered."""
    if not votes:
        return None
    score = {o.pk: 0 for o in options}
    yes = {o.pk: 0 for o in options}
    for v in votes:
        if v.option_id in score:
            score[v.option_id] += ANSWER_WEIGHT.get(v.answer, 0)
            yes[v.option_id] += v.answer == Answer.YES
    best = min(options, key=lambda o: (-score[o.pk], -yes[o.pk], o.date, o.starts_at),
               default=None)
    if best is None:
        return None
    return Leading(best, score[best.pk], yes[best.pk])


def follow_leading(meeting: NetworkMeeting, *, options: list[MeetingOption] | None = None,
                   votes: list[MeetingVote] | None = None) -> bool:
    """Make a proposed meeting's date its poll's leading answer (under the caller's lock).

    The rules were checked when each date was offered; if the leading date has been
    taken since (a slot's unique constraint), the proposal stays where it was.
    ``options`` and ``votes``: the meeting's dates and answers as the caller holds them
    under the lock (read here when not given). Returns whether it moved.
    """
    if options is None:
        options = OPTIONS_OF(meeting_id=meeting.pk)
    if votes is None:
        votes = VOTES_OF(meeting_id=meeting.pk)
    leading = leading_option(options, votes)
    if leading is None:
        return False
    o = leading.option
    if (meeting.date, meeting.slot) == (o.date, o.slot):
        return False
    meeting.date, meeting.slot = o.date, o.slot
    meeting.starts_at, meeting.ends_at = o.starts_at, o.ends_at
    try:
        with transaction.atomic():
            meeting.save(update_fields=["date", "slot", "starts_at", "ends_at"])
    except IntegrityError:
        meeting.refresh_from_db()
        return False
    return True
