"""GDPR for individual coaching: what a leader's export holds, what anonymising scrubs.

Registered in ``CoachingConfig.ready()`` with ``accounts.privacy``.

The export is for the leader themself, so it holds their development project
and reflection notes in full — the words nobody else reads. Anonymising
clears the free text written by or about the leader and keeps every course,
booking, status and minute, so invoice bases and statistics still add up.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch

from accounts.models import Leader, User

from .models import (
    AvailabilityException,
    Booking,
    CoachingCourse,
    CoachProfile,
    DevelopmentProject,
    ReflectionNote,
)

# The free-text fields anonymising clears, per model.
COURSE_TEXT = ("decision_note",)
PROJECT_TEXT = DevelopmentProject.ANSWER_FIELDS


def _when(value: Any) -> str | None:
    return value.isoformat() if value else None


def _booking(booking: Booking) -> dict[str, Any]:
    return {
        "starts_at": booking.starts_at.isoformat(), "ends_at": booking.ends_at.isoformat(),
        "minutes": booking.minutes, "mode": booking.mode, "status": booking.status,
        "times_moved": booking.times_moved, "booked": booking.created_at.isoformat(),
        "cancelled_at": _when(booking.cancelled_at),
        "cancelled_by": booking.cancelled_by.full_name if booking.cancelled_by else None,
    }


def _project(course: CoachingCourse) -> dict[str, Any] | None:
    try:
        project = course.project
    except DevelopmentProject.DoesNotExist:
        return None
    return {
        "answers": [{"question": question, "answer": answer}
                    for question, answer in project.answers()],
        "shared_with_coach": project.shared_with_coach,
        "changed": project.updated_at.isoformat(),
        "reflection_notes": [{"written": note.created_at.isoformat(), "reflection": note.body}
                             for note in project.notes.all()],
    }


def personal_data(user: User) -> dict[str, Any]:
    """The user's coaching courses with bookings, project and notes; their coach profile."""
    courses = (CoachingCourse.objects.filter(leader__user=user)
               .select_related("coach__user", "agreement__supplier", "programme",
                               "ordering_unit", "project")
               .prefetch_related(
                   Prefetch("bookings", queryset=Booking.objects.select_related("cancelled_by")
                            .order_by("starts_at")),
                   Prefetch("project__notes", queryset=ReflectionNote.objects.order_by(
                       "created_at")))
               .order_by("applied_at"))
    data: dict[str, Any] = {"courses": [{
        "semester": course.semester.label, "status": course.status,
        "coach": course.coach.name if course.coach else None,
        "supplier": course.agreement.supplier.name,
        "programme": course.programme.name if course.programme else None,
        "ordering_unit": course.ordering_unit.name,
        "how_development_areas_are_found": course.discovery_method,
        "sessions_allowed": course.sessions_allowed,
        "applied_at": course.applied_at.isoformat(), "decided_at": _when(course.decided_at),
        "reason_given": course.decision_note,
        "coach_assigned_at": _when(course.coach_assigned_at),
        "closed_at": _when(course.closed_at),
        "bookings": [_booking(b) for b in course.bookings.all()],
        "development_project": _project(course),
    } for course in courses]}
    profile = CoachProfile.objects.select_related("supplier").filter(user=user).first()
    if profile is not None:
        data["coach_profile"] = {"supplier": profile.supplier.name,
                                 "presentation": profile.presentation}
    return data


def anonymise(leader: Leader) -> None:
    """Clear the leader's free text; courses, bookings, statuses and minutes stay.

    Bookings hold no free text (their history rows neither), so the invoice
    basis and the booking history are left exactly as they were.
    """
    courses = CoachingCourse.objects.filter(leader=leader)
    courses.update(**dict.fromkeys(COURSE_TEXT, ""))
    DevelopmentProject.objects.filter(course__in=courses).update(
        shared_with_coach=False, **dict.fromkeys(PROJECT_TEXT, ""))
    ReflectionNote.objects.filter(project__course__in=courses).update(body="")
    # A leader who also coached: their presentation and notes on blocked time.
    CoachProfile.objects.filter(user_id=leader.user_id).update(presentation="")
    AvailabilityException.objects.filter(coach__user_id=leader.user_id).update(note="")
