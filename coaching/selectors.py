"""Reads for the coaching pages and Min side panels, each in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, F, Min, OuterRef, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.dashboard import now_on_page
from accounts.models import ApprovalDecision, Leader, User
from lib.emails import absolute_url
from lib.ical import CalendarEvent
from lib.prepared import Prepared, Read, together

from .access import CourseAccess
from .approvals import KIND as APPROVAL_KIND
from .models import (
    USED,
    AvailabilityException,
    Booking,
    BookingStatus,
    CoachingCourse,
    CoachProfile,
    CourseStatus,
    DevelopmentProject,
    Mode,
    ReflectionNote,
    WeeklyAvailability,
)
from .slots import Slot, coach_time_load, free_slots

OPEN = (CourseStatus.SUBMITTED, CourseStatus.APPROVED, CourseStatus.ACTIVE)


def with_counts(qs: QuerySet[CoachingCourse], now: dt.datetime) -> QuerySet[CoachingCourse]:
    """Annotate sessions used, their minutes and the next booked start, in the same query."""
    used = Q(bookings__status__in=USED)
    return qs.annotate(
        used_count=Count("bookings", filter=used),
        used_minutes=Sum("bookings__minutes", filter=used),
        next_start=Min("bookings__starts_at", filter=Q(bookings__status=BookingStatus.BOOKED,
                                                       bookings__starts_at__gte=now)),
    )


def hours(minutes: int | None) -> Decimal:
    return (Decimal(minutes or 0) / 60).quantize(Decimal("0.01"))


def sessions_left(course: CoachingCourse) -> int:
    return max(0, course.sessions_allowed - course.used_count)  # type: ignore[attr-defined]


def courses_for_leader(*, leader: Leader, now: dt.datetime | None = None
                       ) -> list[CoachingCourse]:
    """All the leader's courses, newest first, with counts (one query, compiled once)."""
    return _COURSES_OF(leader_id=leader.pk, now=now or timezone.now())


_COURSES_OF: Prepared[CoachingCourse] = Prepared(lambda leader_id, now: (
    with_counts(CoachingCourse.objects.filter(leader_id=leader_id), now)
    .select_related("coach__user", "ordering_unit", "agreement")
    .order_by("-year", "-term", "-applied_at")))


@dataclass
class CoursePage:
    access: CourseAccess
    used: int
    used_minutes: int
    bookings: list[Booking] = field(default_factory=list)
    project: DevelopmentProject | None = None
    notes: list[ReflectionNote] = field(default_factory=list)
    project_shared: bool = False

    @property
    def left(self) -> int:
        return max(0, self.access.course.sessions_allowed - self.used)

    @property
    def hours(self) -> Decimal:
        return hours(self.used_minutes)


def course_page(*, access: CourseAccess) -> CoursePage:
    """What this user may see of a course: counts for all; bookings, project and notes by role.

    Queries: counts, bookings (if allowed) and project (owner and coach) sent together,
    then notes (if readable).
    """
    course = access.course
    sees_project = access.is_owner or access.is_coach
    counts, *rest = together(
        _USED.read(course_id=course.pk),
        *([_BOOKINGS_OF.read(course_id=course.pk)] if access.can_see_bookings else []),
        *([_PROJECT_OF.read(course_id=course.pk)] if sees_project else []))
    used, minutes = next(iter(counts), (0, 0))
    page = CoursePage(access=access, used=used, used_minutes=minutes or 0)
    if access.can_see_bookings:
        page.bookings = rest.pop(0)
    found = rest.pop(0) if sees_project else []
    for booking in page.bookings:
        booking.course = course  # as course.bookings would have set it
    if sees_project:
        project = found[0] if found else None
        page.project_shared = bool(project and project.shared_with_coach)
        if project is not None and access.can_read_project(project.shared_with_coach):
            page.project = project
            page.notes = _NOTES_OF(project_id=project.pk)
            for note in page.notes:
                note.project = project
    return page


# The course page's reads, compiled once per process.
_USED: Prepared[tuple[int, int | None]] = Prepared(lambda course_id: (
    Booking.objects.filter(course_id=course_id, status__in=USED).values("course")
    .annotate(n=Count("pk"), m=Sum("minutes")).order_by().values_list("n", "m")))
_BOOKINGS_OF: Prepared[Booking] = Prepared(lambda course_id: (
    Booking.objects.filter(course_id=course_id).select_related("coach__user")
    .order_by("starts_at")))
_PROJECT_OF: Prepared[DevelopmentProject] = Prepared(lambda course_id: (
    DevelopmentProject.objects.filter(course_id=course_id).order_by("pk")[:1]))
_NOTES_OF: Prepared[ReflectionNote] = Prepared(lambda project_id: (
    ReflectionNote.objects.filter(project_id=project_id)))


def coaches_with_room(*, course: CoachingCourse) -> list[CoachProfile]:
    """The agreement's active coaches with fewer courses this semester than their maximum."""
    taken = Count("courses", filter=Q(courses__year=course.year, courses__term=course.term,
                                      courses__status__in=[CourseStatus.ACTIVE,
                                                           CourseStatus.COMPLETED]))
    return list(CoachProfile.objects.filter(
        organisation_id=course.organisation_id, supplier_id=course.agreement.supplier_id,
        is_active=True, user__is_active=True,
    ).annotate(taken=taken).filter(taken__lt=F("max_courses")).select_related("user")
        .order_by("user__full_name"))


@dataclass
class SlotPage:
    first_day: dt.date
    last_day: dt.date
    window: tuple[dt.date, dt.date]
    days: list[tuple[dt.date, list[Slot]]]
    previous: dt.date | None
    next: dt.date | None

    @property
    def has_slots(self) -> bool:
        return any(slots for _day, slots in self.days)


SLOT_DAYS = 7


def slot_page(*, course: CoachingCourse, start: dt.date | None, now: dt.datetime | None = None,
              ignore_booking_id: int | None = None) -> SlotPage:
    """A week of the coach's free slots inside the course's booking window (3 queries)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    window_start, window_end = course.booking_window
    earliest = max(window_start, today)
    first = min(max(start or earliest, earliest), max(window_end, earliest))
    last = min(first + dt.timedelta(days=SLOT_DAYS - 1), window_end)
    days: list[tuple[dt.date, list[Slot]]] = []
    if course.coach is not None and first <= last:
        time = coach_time_load(course.coach, first_day=first, last_day=last,
                               ignore_booking_id=ignore_booking_id)
        per_day = free_slots(time, first_day=first, last_day=last,
                             minutes=course.agreement.session_minutes, not_before=now)
        days = [(day, slots) for day, slots in per_day.items() if slots]
    previous = None
    if first > earliest:
        previous = max(first - dt.timedelta(days=SLOT_DAYS), earliest)
    following = first + dt.timedelta(days=SLOT_DAYS)
    return SlotPage(first_day=first, last_day=last, window=(window_start, window_end), days=days,
                    previous=previous, next=following if following <= window_end else None)


@dataclass
class CoachWeek:
    coach: CoachProfile
    first_day: dt.date
    days: list[tuple[dt.date, list[Booking], list[AvailabilityException]]]
    weekly: list[WeeklyAvailability]
    to_mark: list[Booking]

    @property
    def previous(self) -> dt.date:
        return self.first_day - dt.timedelta(days=7)

    @property
    def next(self) -> dt.date:
        return self.first_day + dt.timedelta(days=7)

    @property
    def this_week(self) -> dt.date:
        today = timezone.localdate()
        return today - dt.timedelta(days=today.weekday())

    @property
    def is_this_week(self) -> bool:
        return self.first_day == self.this_week


def coach_week(*, coach: CoachProfile, first_day: dt.date,
               now: dt.datetime | None = None) -> CoachWeek:
    """The coach's week: sessions and exceptions per day, weekly hours, sessions to mark.

    Queries: bookings of the week (1), exceptions of the week (1), weekly
    hours (1), past sessions still to mark (1) — whatever the number of rows.
    Leaders' names and units are shown; never their project.
    """
    now = now or timezone.now()
    start = timezone.make_aware(dt.datetime.combine(first_day, dt.time.min))
    end = start + dt.timedelta(days=7)
    bookings = list(Booking.objects.filter(coach=coach, starts_at__gte=start, starts_at__lt=end)
                    .select_related("course__leader__user", "course__ordering_unit")
                    .order_by("starts_at"))
    exceptions = list(AvailabilityException.objects.filter(
        coach=coach, starts_at__lt=end, ends_at__gt=start).order_by("starts_at"))
    days = []
    for offset in range(7):
        day = first_day + dt.timedelta(days=offset)
        days.append((
            day,
            [b for b in bookings if timezone.localdate(b.starts_at) == day],
            [e for e in exceptions
             if timezone.localdate(e.starts_at) <= day <= timezone.localdate(e.ends_at)],
        ))
    to_mark = list(Booking.objects.filter(coach=coach, status=BookingStatus.BOOKED,
                                          starts_at__lte=now)
                   .select_related("course__leader__user").order_by("starts_at")[:50])
    return CoachWeek(coach=coach, first_day=first_day, days=days,
                     weekly=list(coach.weekly_hours.all()), to_mark=to_mark)


# --- Min side -------------------------------------------------------------------------------


_OPEN_COURSES_OF: Prepared[CoachingCourse] = Prepared(lambda leader_id, now: (
    with_counts(CoachingCourse.objects.filter(leader_id=leader_id, status__in=OPEN), now)
    .select_related("coach__user").order_by("year", "term")))


def min_side_leader_reads(user: User, leader: Leader | None) -> list[Read[Any]]:
    """The leader panel's read (:attr:`accounts.dashboard.Panel.reads`)."""
    if leader is None:
        return []
    return [_open_courses_read(leader)]


def _open_courses_read(leader: Leader) -> Read[CoachingCourse]:
    return _OPEN_COURSES_OF.read(leader_id=leader.pk, now=now_on_page(leader))


def min_side_leader_panel(user: User, leader: Leader | None) -> dict[str, Any] | None:
    """The leader's open courses with sessions used and left and the next booking (1 query)."""
    if leader is None:
        return None
    courses = _open_courses_read(leader)()
    for course in courses:
        course.left = sessions_left(course)  # type: ignore[attr-defined]
    return {"courses": courses}


def _waiting_for(leader_id: int) -> QuerySet[CoachingCourse]:
    # After the leader above's step, a later step (issue 26) is someone else's.
    decided = ApprovalDecision.objects.filter(request_kind=APPROVAL_KIND,
                                              request_id=OuterRef("pk"))
    return (CoachingCourse.objects.filter(leader__leader_above_id=leader_id,
                                          status=CourseStatus.SUBMITTED)
            .exclude(Exists(decided))
            .select_related("leader__user", "ordering_unit").order_by("applied_at"))


_WAITING_FOR: Prepared[CoachingCourse] = Prepared(_waiting_for)


def min_side_approvals_reads(user: User, leader: Leader | None) -> list[Read[Any]]:
    """The approvals panel's read (:attr:`accounts.dashboard.Panel.reads`)."""
    if leader is None:
        return []
    return [_WAITING_FOR.read(leader_id=leader.pk)]


def min_side_approvals_panel(user: User, leader: Leader | None) -> dict[str, Any] | None:
    """Applications from the leader's reports that wait for their decision (1 query)."""
    reads = min_side_approvals_reads(user, leader)
    pending = reads[0]() if reads else []
    if not pending:
        return None
    return {"pending": pending}


def min_side_coach_panel(user: User, leader: Leader | None) -> dict[str, Any] | None:
    """A coach's next sessions (2 queries: the profile, the sessions)."""
    if not user.is_coach:
        return None
    coach = CoachProfile.objects.filter(user=user).first()
    if coach is None:
        return None
    upcoming = list(Booking.objects.filter(coach=coach, status=BookingStatus.BOOKED,
                                           starts_at__gte=timezone.now())
                    .select_related("course__leader__user").order_by("starts_at")[:5])
    return {"coach": coach, "upcoming": upcoming}


# --- Calendar feed ---------------------------------------------------------------------------


def calendar_events(user: User) -> list[CalendarEvent]:
    """The user's sessions as leader or coach, from 90 days back (one query).

    Cancelled sessions stay in the feed as cancelled so calendar programs
    remove them. The description never holds the development project.
    """
    bookings = _FEED_BOOKINGS(user_id=user.pk, since=timezone.now() - dt.timedelta(days=90))
    return [booking_event(booking, for_coach=booking.coach.user_id == user.pk)
            for booking in bookings]


_FEED_BOOKINGS: Prepared[Booking] = Prepared(lambda user_id, since: (
    Booking.objects.filter(Q(course__leader__user_id=user_id) | Q(coach__user_id=user_id),
                           starts_at__gte=since)
    .select_related("coach__user", "course__leader__user")))


def booking_event(booking: Booking, *, for_coach: bool) -> CalendarEvent:
    """A session as a calendar event for the leader or the coach (no project text, ever)."""
    if for_coach:
        summary = _("Coaching: %(leader)s") % {"leader": booking.course.leader.name}
    else:
        summary = _("Coaching with %(coach)s") % {"coach": booking.coach.name}
    place = booking_location(booking)
    return CalendarEvent(
        uid=f"coaching-booking-{booking.uuid}", start=booking.starts_at, end=booking.ends_at,
        summary=summary, location=place,
        description=place if place != str(Mode(booking.mode).label) else "",
        url=absolute_url(reverse("coaching:course_detail", args=[booking.course.uuid])),
        cancelled=booking.is_cancelled)


def booking_location(booking: Booking) -> str:
    return meeting_place(booking.coach, booking.mode)


def meeting_place(coach: CoachProfile, mode: str) -> str:
    """Where a session with this coach in this way happens: the room, the video link, or how."""
    if mode == Mode.ON_SITE and coach.location:
        return coach.location
    if mode == Mode.VIDEO and coach.meeting_link:
        return coach.meeting_link
    return str(Mode(mode).label) if mode in Mode.values else ""
