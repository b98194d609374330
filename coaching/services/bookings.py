"""Booking, moving, cancelling and marking sessions, and the coach's blocked time.

The pretix pattern for quotas: inside one transaction the course row is locked
(so one leader cannot overspend their sessions from two tabs), then the
coach's row (so two leaders cannot take the same slot or the coach's last
place of the day), then the free time is read and checked, then the booking
is written. The database backs this with a partial unique constraint on
(coach, start) for occupying bookings and, on PostgreSQL, an exclusion
constraint on overlapping times; a violation becomes the same "just taken"
message. Locks are always taken in the order course → coach → booking.

Every write is a ``save()`` with ``_history_user`` set to the actor, so the booking's
history (django-simple-history) names who acted, from the portal, an admin action or a task.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from lib.audit import audit_log

from .. import notifications
from ..access import is_oaf_for
from ..models import (
    AvailabilityException,
    Booking,
    BookingStatus,
    CoachingCourse,
    CoachProfile,
    CourseStatus,
    ExceptionKind,
)
from ..slots import Problem, coach_time_load, slot_problem
from .courses import _lock_course


def taken_message() -> str:
    return _("That time was just booked by someone else. Choose another time.")


def _lock_coach(coach_id: int) -> CoachProfile:
    return (CoachProfile.objects.select_for_update(of=("self",))
            .select_related("user", "organisation").get(pk=coach_id))


def _lock_booking(booking: Booking) -> Booking:
    return (Booking.objects.select_for_update(of=("self",))
            .select_related("coach__user").get(pk=booking.pk))


def cancellation_deadline(booking: Booking, course: CoachingCourse) -> dt.datetime:
    """Until this moment a cancellation frees the session; later it counts as used."""
    return booking.starts_at - dt.timedelta(hours=course.agreement.cancellation_hours)


def _local(value: dt.datetime) -> str:
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


def _check_time(course: CoachingCourse, start: dt.datetime, now: dt.datetime) -> None:
    """Refuse a past time, or one outside the agreement's period or the course's semester."""
    if start < now:
        raise ValidationError(_("That time has passed. Choose a later time."), code="past")
    day = timezone.localdate(start)
    agreement = course.agreement
    if not agreement.covers(day):
        raise ValidationError(
            _("That time is outside the framework agreement's period (%(start)s–%(end)s).")
            % {"start": formats.date_format(agreement.starts_on, "SHORT_DATE_FORMAT"),
               "end": formats.date_format(agreement.ends_on, "SHORT_DATE_FORMAT")},
            code="outside_agreement")
    semester = course.semester
    if not semester.starts_on <= day <= semester.ends_on:
        raise ValidationError(_("That time is outside your course's semester (%(semester)s).")
                              % {"semester": semester.label}, code="outside_semester")


def _check_slot(coach: CoachProfile, start: dt.datetime, minutes: int, now: dt.datetime,
                *, ignore_booking_id: int | None = None) -> None:
    """With the coach row locked: is ``start`` one of the coach's free slots?"""
    day = timezone.localdate(start)
    time = coach_time_load(coach, first_day=day, last_day=day,
                           ignore_booking_id=ignore_booking_id)
    problem = slot_problem(time, start=start, minutes=minutes, now=now)
    if problem == Problem.PAST:
        raise ValidationError(_("That time has passed. Choose a later time."), code="past")
    if problem == Problem.HOURS:
        raise ValidationError(_("The coach does not work at that time. Choose one of the free "
                                "times."), code="coach_not_working")
    if problem == Problem.TAKEN:
        raise ValidationError(taken_message(), code="slot_taken")
    if problem == Problem.FULL:
        raise ValidationError(_("The coach is fully booked that day. Choose another day."),
                              code="coach_day_full")


def _save(booking: Booking, update_fields: list[str] | None = None) -> None:
    """Write the booking; a constraint violation means someone else got the slot first."""
    try:
        with transaction.atomic():
            booking.save(update_fields=update_fields)
    except IntegrityError:
        raise ValidationError(taken_message(), code="slot_taken") from None


@transaction.atomic
def booking_create(*, course: CoachingCourse, actor: User, starts_at: dt.datetime, mode: str,
                   now: dt.datetime | None = None) -> Booking:
    """Book a session for the leader of ``course`` with their coach.

    Guarantees: only the course's own leader books; the course has a coach;
    the time is in the future, inside the agreement's period and the
    semester; the leader has sessions left; the time is one of the coach's
    free slots and the coach's day is not full. Never two occupying bookings
    of one coach at one time, even under concurrent requests.
    """
    now = now or timezone.now()
    course, coach, minutes = _refuse_booking(course=course, actor=actor, starts_at=starts_at,
                                             mode=mode, now=now)
    booking = Booking(course=course, coach=coach, starts_at=starts_at,
                      ends_at=starts_at + dt.timedelta(minutes=minutes), minutes=minutes,
                      mode=mode, booked_by=actor, created_at=now)
    booking._history_user = actor  # type: ignore[attr-defined]
    _save(booking)
    audit_log(organisation=course.organisation, actor=actor, action="coaching.booking.created",
              obj=booking, summary=f"{course.leader.name}: {_local(starts_at)}",
              data={"course": str(course.uuid), "coach": str(coach.uuid),
                    "starts_at": starts_at.isoformat(), "mode": mode})
    notifications.booking_to_both(booking=booking, moved=False)
    return booking


def _refuse_booking(*, course: CoachingCourse, actor: User, starts_at: dt.datetime, mode: str,
                    now: dt.datetime) -> tuple[CoachingCourse, CoachProfile, int]:
    """Every check of a new booking, under the course and coach locks; raises the refusal.

    Returns the locked course, the locked coach and the session's minutes.
    """
    course = _lock_course(course)
    if course.leader.user_id != actor.pk:
        raise PermissionDenied(_("You can only book sessions in your own course."))
    if course.status != CourseStatus.ACTIVE or course.coach_id is None:
        raise ValidationError(_("The course has no coach yet, so no sessions can be booked."),
                              code="no_coach")
    _check_time(course, starts_at, now)
    used = course.bookings.used().count()
    if used >= course.sessions_allowed:
        raise ValidationError(ngettext(
            "You have used the %(count)d session of your course.",
            "You have used all %(count)d sessions of your course.",
            course.sessions_allowed) % {"count": course.sessions_allowed},
            code="sessions_used_up")
    coach = _lock_coach(course.coach_id)
    if mode not in coach.modes:
        raise ValidationError(_("The coach does not offer that way of meeting."),
                              code="mode_not_offered")
    minutes = course.agreement.session_minutes
    _check_slot(coach, starts_at, minutes, now)
    return course, coach, minutes


@transaction.atomic
def booking_check(*, course: CoachingCourse, actor: User, starts_at: dt.datetime, mode: str,
                  now: dt.datetime | None = None) -> None:
    """Whether :func:`booking_create` would book this time now; writes nothing.

    The confirmation step runs it so a refusal shows before the leader
    confirms; the booking itself checks everything again under its locks.
    """
    _refuse_booking(course=course, actor=actor, starts_at=starts_at, mode=mode,
                    now=now or timezone.now())


@transaction.atomic
def booking_reschedule(*, booking: Booking, actor: User, starts_at: dt.datetime,
                       now: dt.datetime | None = None) -> Booking:
    """Move a booked session to another free time, up to the cancellation deadline.

    Guarantees: only the leader moves their own booking; after the deadline
    the session stays where it is; the new time passes every check a new
    booking does (its own old time does not count against it).
    """
    now = now or timezone.now()
    course, booking = _refuse_move(booking=booking, actor=actor, starts_at=starts_at, now=now)
    old = booking.starts_at
    booking.starts_at = starts_at
    booking.ends_at = starts_at + dt.timedelta(minutes=booking.minutes)
    booking.times_moved += 1
    booking._history_user = actor  # type: ignore[attr-defined]
    _save(booking, ["starts_at", "ends_at", "times_moved"])
    booking.course = course
    audit_log(organisation=course.organisation, actor=actor,
              action="coaching.booking.rescheduled", obj=booking,
              summary=f"{course.leader.name}: {_local(old)} → {_local(starts_at)}",
              data={"from": old.isoformat(), "to": starts_at.isoformat()})
    notifications.booking_to_both(booking=booking, moved=True)
    return booking


def _refuse_move(*, booking: Booking, actor: User, starts_at: dt.datetime,
                 now: dt.datetime) -> tuple[CoachingCourse, Booking]:
    """Every check of a move, under the course → coach → booking locks; raises the refusal.

    Returns the locked course and booking."""
    course = _lock_course(booking.course)
    coach = _lock_coach(booking.coach_id)  # a booking never changes coach
    booking = _lock_booking(booking)
    if course.leader.user_id != actor.pk:
        raise PermissionDenied(_("You can only move your own bookings."))
    if booking.status != BookingStatus.BOOKED:
        raise ValidationError(_("Only a booked session can be moved."), code="not_booked")
    if now > cancellation_deadline(booking, course):
        raise ValidationError(_("It is too late to move this session. Cancelling it now "
                                "counts as a used session."), code="too_late")
    if starts_at == booking.starts_at:
        raise ValidationError(_("Choose a different time from the one you have."),
                              code="same_time")
    _check_time(course, starts_at, now)
    _check_slot(coach, starts_at, booking.minutes, now, ignore_booking_id=booking.pk)
    return course, booking


@transaction.atomic
def booking_reschedule_check(*, booking: Booking, actor: User, starts_at: dt.datetime,
                             now: dt.datetime | None = None) -> None:
    """Whether :func:`booking_reschedule` would move the session to this time now; writes
    nothing. The confirmation page runs it so a refusal shows before the leader confirms;
    the move itself checks everything again under its locks."""
    _refuse_move(booking=booking, actor=actor, starts_at=starts_at, now=now or timezone.now())


@transaction.atomic
def booking_cancel(*, booking: Booking, actor: User, now: dt.datetime | None = None) -> Booking:
    """Cancel a booked session before it starts.

    Guarantees: only the leader or the coach cancels. A leader who cancels
    after the agreement's deadline uses up the session (cancelled late,
    invoiced); a coach's cancellation never costs the leader a session.
    """
    now = now or timezone.now()
    course = _lock_course(booking.course)
    booking = _lock_booking(booking)
    by_leader = course.leader.user_id == actor.pk
    by_coach = booking.coach.user_id == actor.pk
    if not (by_leader or by_coach):
        raise PermissionDenied(_("You can only cancel your own bookings."))
    if booking.status != BookingStatus.BOOKED:
        raise ValidationError(_("This session is no longer booked."), code="not_booked")
    if now >= booking.starts_at:
        raise ValidationError(_("The session has started and can no longer be cancelled."),
                              code="started")
    late = by_leader and now > cancellation_deadline(booking, course)
    booking.status = BookingStatus.LATE_CANCELLED if late else BookingStatus.CANCELLED
    booking.cancelled_at = now
    booking.cancelled_by = actor
    booking._history_user = actor  # type: ignore[attr-defined]
    booking.save(update_fields=["status", "cancelled_at", "cancelled_by"])
    booking.course = course
    audit_log(organisation=course.organisation, actor=actor,
              action="coaching.booking.late_cancelled" if late
              else "coaching.booking.cancelled",
              obj=booking, summary=f"{course.leader.name}: {_local(booking.starts_at)}",
              data={"by": "leader" if by_leader else "coach", "late": late})
    notifications.cancellation_to_other(booking=booking, by=actor)
    return booking


@transaction.atomic
def booking_mark(*, booking: Booking, actor: User, status: str,
                 now: dt.datetime | None = None) -> Booking:
    """The coach (or O&F) records that a session was held, or that the leader did not come.

    Guarantees: only once the session has started; a cancelled session
    cannot be marked; held and no-show may be corrected into each other.
    """
    now = now or timezone.now()
    if status not in (BookingStatus.HELD, BookingStatus.NO_SHOW):
        raise ValidationError(_("Mark the session as held or as no-show."),
                              code="invalid_status")
    course = _lock_course(booking.course)
    booking = _lock_booking(booking)
    if booking.coach.user_id != actor.pk and not is_oaf_for(actor, course.organisation_id):
        raise PermissionDenied(_("Only the coach can mark this session."))
    if booking.status not in (BookingStatus.BOOKED, BookingStatus.HELD, BookingStatus.NO_SHOW):
        raise ValidationError(_("A cancelled session cannot be marked."), code="cancelled")
    if booking.starts_at > now:
        raise ValidationError(_("A session can be marked only once it has started."),
                              code="not_started")
    if booking.status == status:
        return booking
    previous = booking.status
    booking.status = status
    booking.marked_at = now
    booking.marked_by = actor
    booking._history_user = actor  # type: ignore[attr-defined]
    booking.save(update_fields=["status", "marked_at", "marked_by"])
    booking.course = course
    audit_log(organisation=course.organisation, actor=actor,
              action="coaching.booking.held" if status == BookingStatus.HELD
              else "coaching.booking.no_show",
              obj=booking, summary=f"{course.leader.name}: {_local(booking.starts_at)}",
              data={"was": previous})
    return booking


@transaction.atomic
def block_create(*, coach: CoachProfile, actor: User, starts_at: dt.datetime,
                 ends_at: dt.datetime, note: str = "",
                 now: dt.datetime | None = None) -> AvailabilityException:
    """The coach blocks time; no new sessions can be booked in it.

    Guarantees: only the coach (or O&F) blocks; the time is in the future;
    it holds no booked session (checked under the coach's lock, which every
    booking takes too, so none slips in meanwhile).
    """
    now = now or timezone.now()
    coach = _lock_coach(coach.pk)
    if coach.user_id != actor.pk and not is_oaf_for(actor, coach.organisation_id):
        raise PermissionDenied(_("You can only block your own time."))
    if ends_at <= starts_at:
        raise ValidationError(_("The end must be after the start."), code="end_before_start")
    if ends_at <= now:
        raise ValidationError(_("Blocked time must lie in the future."), code="past")
    clashes = Booking.objects.filter(coach=coach, status=BookingStatus.BOOKED,
                                     starts_at__lt=ends_at, ends_at__gt=starts_at).count()
    if clashes:
        raise ValidationError(ngettext(
            "You have %(count)d booked session in that time. Cancel or move it first.",
            "You have %(count)d booked sessions in that time. Cancel or move them first.",
            clashes) % {"count": clashes}, code="has_bookings")
    block = AvailabilityException.objects.create(
        coach=coach, kind=ExceptionKind.BLOCKED, starts_at=starts_at, ends_at=ends_at,
        note=note.strip()[:200], created_by=actor, created_at=now)
    audit_log(organisation=coach.organisation, actor=actor, action="coaching.block.created",
              obj=block, summary=f"{coach.name}: {_local(starts_at)} – {_local(ends_at)}")
    return block


@transaction.atomic
def block_delete(*, block: AvailabilityException, actor: User) -> None:
    """The coach opens blocked time again."""
    coach = _lock_coach(block.coach_id)
    if coach.user_id != actor.pk and not is_oaf_for(actor, coach.organisation_id):
        raise PermissionDenied(_("You can only change your own time."))
    audit_log(organisation=coach.organisation, actor=actor, action="coaching.block.deleted",
              obj=block, summary=f"{coach.name}: {_local(block.starts_at)}")
    AvailabilityException.objects.filter(pk=block.pk).delete()
