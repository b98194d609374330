"""Reminder sources of the coaching track: booked sessions, applications waiting.

Registered from ``CoachingConfig.ready``; run by ``lib.tasks.reminders_sweep``.
Each source is a fixed number of queries however many rows there are. The
reminder never carries the leader's development project.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.urls import reverse

from accounts.models import User
from lib.emails import absolute_url
from lib.ical import CalendarEvent, calendar_bytes
from lib.reminder_policy import lead_due, longest_lead, policies
from lib.reminders import Due, already_sent, register_reminder_source

from .models import Booking, BookingStatus, CoachingCourse
from .models.courses import CourseStatus
from .selectors import booking_location


def booking_reminders(now: dt.datetime) -> Iterator[Due]:
    """The leader and the coach, N days before each booked session."""
    booked = Booking.objects.filter(status=BookingStatus.BOOKED, starts_at__gt=now)
    org_ids = set(booked.filter(starts_at__lte=now + dt.timedelta(days=60))
                  .values_list("course__organisation_id", flat=True).order_by().distinct())
    policy_map = policies(org_ids)
    lead = longest_lead(policy_map)
    bookings = (booked.filter(starts_at__lte=now + dt.timedelta(days=lead))
                .select_related("course__organisation", "course__leader__user", "coach__user"))
    sent = already_sent(kind="booking", since=now - dt.timedelta(days=lead + 1))
    for booking in bookings:
        course = booking.course
        policy = policy_map.get(course.organisation_id)
        if policy is None or not policy.bookings_on:
            continue
        days = lead_due(booking.starts_at, now, policy)
        if days is None:
            continue
        occasion = f"coaching.booking:{booking.pk}:{days}d"
        leader_user, coach_user = course.leader.user, booking.coach.user
        location = booking_location(booking)
        for user, other in ((leader_user, coach_user), (coach_user, leader_user)):
            if not user.is_active or (occasion, user.pk) in sent:
                continue
            ics = calendar_bytes([CalendarEvent(
                uid=f"coaching-booking-{booking.uuid}", start=booking.starts_at,
                end=booking.ends_at, summary=f"Coaching: {other.full_name}",
                location=location)])
            yield Due(organisation=course.organisation, occasion=occasion, recipient=user,
                      kind="booking", template_base="emails/coaching/booking_reminder",
                      context={"booking": booking, "other": other, "location": location,
                               "days": days,
                               "url": absolute_url(reverse("coaching:course_detail",
                                                       args=[course.uuid]))},
                      ics=ics)


def application_reminders(now: dt.datetime) -> Iterator[Due]:
    """Applications still waiting: the leader above (else O&F) once per interval."""
    waiting = list(CoachingCourse.objects
                   .filter(status=CourseStatus.SUBMITTED,
                           applied_at__lte=now - dt.timedelta(days=1))
                   .select_related("organisation", "leader__user", "leader__leader_above__user"))
    if not waiting:
        return
    org_ids = {c.organisation_id for c in waiting}
    policy_map = policies(org_ids)
    admins: dict[int, list[User]] = {}
    for user in User.objects.filter(organisation_id__in=org_ids, is_oaf_admin=True,
                                    is_active=True):
        admins.setdefault(user.organisation_id, []).append(user)
    sent = already_sent(kind="approval", since=now - dt.timedelta(days=61))
    for course in waiting:
        policy = policy_map[course.organisation_id]
        if not policy.approvals_on:
            continue
        bucket = (now - course.applied_at).days // policy.approval_interval_days
        if bucket < 1:
            continue
        above = course.leader.leader_above
        approvers = ([above.user] if above is not None and above.user.is_active
                     else admins.get(course.organisation_id, []))
        occasion = f"coaching.application:{course.pk}:{bucket}"
        context = {"course": course, "leader": course.leader,
                   "waiting_days": (now - course.applied_at).days,
                   "url": absolute_url(reverse("coaching:course_decide", args=[course.uuid]))}
        for user in approvers:
            if (occasion, user.pk) not in sent:
                yield Due(organisation=course.organisation, occasion=occasion, recipient=user,
                          kind="approval",
                          template_base="emails/coaching/application_reminder",
                          context=context)


def register() -> None:
    register_reminder_source("coaching.bookings", booking_reminders)
    register_reminder_source("coaching.applications", application_reminders)
