"""Emails of individual coaching, each in its reader's language.

Called by the services inside their transaction; ``queue_email`` sends after
commit, so a refused or rolled-back change sends nothing. No email ever holds
the leader's development project or notes.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from accounts.approvals import StepSpec
from accounts.models import User
from lib.emails import Attachment, absolute_url, queue_email
from lib.ical import calendar_bytes

from .access import leader_above_user_id
from .models import Booking, CoachingCourse
from .selectors import booking_event, booking_location


def _send(user: User, template: str, course: CoachingCourse,
          attachments: list[Attachment] | None = None, **extra: object) -> None:
    if not user.is_active or not user.email:
        return
    context = {
        "recipient": user,
        "course": course,
        "leader": course.leader,
        "semester": course.semester,
        "course_url": absolute_url(reverse("coaching:course_detail", args=[course.uuid])),
        **extra,
    }
    queue_email(to=user.email, template_base=f"coaching/emails/{template}", context=context,
                language=user.language, attachments=attachments)


def application_to_approvers(*, course: CoachingCourse) -> None:
    """Ask the leader above to decide; with no leader above, O&F decides."""
    above_id = leader_above_user_id(course)
    if above_id is not None:
        approvers = [course.leader.leader_above.user]
    else:
        approvers = list(User.objects.filter(organisation_id=course.organisation_id,
                                             is_oaf_admin=True, is_active=True))
    decide_url = absolute_url(reverse("coaching:course_decide", args=[course.uuid]))
    for user in approvers:
        _send(user, "application", course, decide_url=decide_url)


def step_to_approvers(*, course: CoachingCourse, step: StepSpec) -> None:
    """A further approval step: its named decider, or O&F."""
    if step.principal_id is not None:
        approvers = list(User.objects.filter(pk=step.principal_id, is_active=True))
    else:
        approvers = list(User.objects.filter(organisation_id=course.organisation_id,
                                             is_oaf_admin=True, is_active=True))
    decide_url = absolute_url(reverse("coaching:course_decide", args=[course.uuid]))
    for user in approvers:
        _send(user, "application", course, decide_url=decide_url)


def decision_to_leader(*, course: CoachingCourse) -> None:
    _send(course.leader.user, "decision", course)


def coach_to_leader_and_coach(*, course: CoachingCourse) -> None:
    _send(course.leader.user, "coach_assigned", course, coach=course.coach)
    calendar_url = absolute_url(reverse("coaching:coach_calendar", args=[course.coach.uuid]))
    _send(course.coach.user, "new_leader", course, coach=course.coach, calendar_url=calendar_url)


def coach_choice_to_leader(*, course: CoachingCourse) -> None:
    _send(course.leader.user, "choose_coach", course,
          choose_url=absolute_url(reverse("coaching:coach_choose", args=[course.uuid])))


def booking_to_both(*, booking: Booking, moved: bool) -> None:
    """Confirm a new or moved session to the leader and the coach, with a calendar file."""
    course = booking.course
    ics_url = absolute_url(reverse("coaching:booking_ics", args=[booking.uuid]))
    for user in (course.leader.user, booking.coach.user):
        for_coach = user.pk == booking.coach.user_id
        with translation.override(user.language or settings.LANGUAGE_CODE):
            event = booking_event(booking, for_coach=for_coach)
            ics = calendar_bytes([event], name=event.summary).decode()
        _send(user, "booking", course, attachments=[("coaching.ics", ics, "text/calendar")],
              booking=booking, moved=moved, ics_url=ics_url, coach=booking.coach,
              for_coach=for_coach, place=booking_location(booking),
              deadline=booking.starts_at - dt.timedelta(hours=course.agreement.cancellation_hours))


def cancellation_to_other(*, booking: Booking, by: User) -> None:
    """Tell the other party that a session was cancelled."""
    course = booking.course
    other = booking.coach.user if by.pk == course.leader.user_id else course.leader.user
    _send(other, "booking_cancelled", course, booking=booking, coach=booking.coach,
          for_coach=other.pk == booking.coach.user_id)
