"""Who may see and do what with courses, bookings and coaches' calendars.

Everything is fetched through the user's municipality first (``visible_to``),
so another municipality's rows are a 404 whatever their id. Inside the
municipality:

* the leader owns their course: they see everything, write the development
  project, book, move and cancel;
* their leader above sees the course's status and counts (and decides on the
  application); never the project, the notes or the booking times;
* the course's coach sees the course and its bookings, and the project and
  notes only while the leader shares them; marks sessions held or no-show;
* O&F administrators see status and counts (they work in the admin);
* anyone else gets 404: a colleague's coaching is not theirs to know about.

Read-only roles asking to change something get 403.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from accounts.access import is_oaf_for, leader_for  # noqa: F401 (re-exported)
from accounts.approvals import Role, StepSpec
from accounts.models import User
from accounts.services.approvals import waiting_step_for
from lib.http import uuid_or_404
from lib.prepared import Prepared, narrowed

from .approvals import subject_of
from .models import AvailabilityException, Booking, CoachingCourse, CoachProfile, CourseStatus

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


def leader_above_user_id(course: CoachingCourse) -> int | None:
    """The user id of the course leader's leader above, if they have an active one."""
    above = course.leader.leader_above
    if above is None or not above.user.is_active:
        return None
    return above.user_id


def is_approver_for(user: User, course: CoachingCourse) -> bool:
    """The leader above decides; only a leader with none is decided on by O&F."""
    above_id = leader_above_user_id(course)
    if above_id is not None:
        return above_id == user.pk
    return is_oaf_for(user, course.organisation_id)


@dataclass(frozen=True)
class CourseAccess:
    course: CoachingCourse
    is_owner: bool
    is_leader_above: bool
    is_coach: bool
    is_oaf: bool
    is_approver: bool
    step: StepSpec | None = None  # the approval step waiting for this user
    role: Role | None = None

    @property
    def can_view(self) -> bool:
        return (self.is_owner or self.is_leader_above or self.is_coach or self.is_oaf
                or self.is_approver)

    @property
    def can_edit(self) -> bool:
        """Write the project and notes, book, move, cancel, withdraw, choose a coach."""
        return self.is_owner

    @property
    def can_see_bookings(self) -> bool:
        return self.is_owner or self.is_coach or self.is_oaf

    @property
    def can_decide(self) -> bool:
        return self.is_approver

    def can_read_project(self, shared: bool) -> bool:
        """The leader always; the coach only while the leader shares; nobody else ever."""
        return self.is_owner or (self.is_coach and shared)


def courses_with_relations(user: User) -> QuerySet[CoachingCourse]:
    return _with_relations(CoachingCourse.objects.visible_to(user))


def _with_relations(courses: QuerySet[CoachingCourse]) -> QuerySet[CoachingCourse]:
    return courses.select_related("leader__user", "leader__leader_above__user",
                                  "leader__leader_above__leader_above__user", "leader__unit",
                                  "coach__user", "coach__supplier", "agreement__supplier",
                                  "ordering_unit", "programme")


# Every course page reads its course this way: compiled once per process.
_ONE_COURSE: Prepared[CoachingCourse] = Prepared(lambda organisation_id, public_id: (
    _with_relations(narrowed(CoachingCourse.objects.all(), organisation_id))
    .filter(uuid=public_id).order_by("pk")[:1]))


def course_access(user: User, course: CoachingCourse) -> CourseAccess:
    above_id = leader_above_user_id(course)
    return CourseAccess(
        course=course,
        is_owner=course.leader.user_id == user.pk,
        is_leader_above=above_id is not None and above_id == user.pk,
        is_coach=course.coach is not None and course.coach.user_id == user.pk,
        is_oaf=is_oaf_for(user, course.organisation_id),
        is_approver=is_approver_for(user, course),
    )


def get_course_for_user(user: User, public_id: UUID | str) -> CourseAccess:
    """The course and the user's roles on it; 404 if the user has none."""
    found = _ONE_COURSE.visible_to(user, public_id=uuid_or_404(public_id))
    if not found:
        raise Http404
    course = found[0]
    access = course_access(user, course)
    step = approval_step_for(user, course)
    if step is not None:
        access = replace(access, is_approver=True, step=step[0], role=step[1])
    elif access.is_approver and course.status == CourseStatus.SUBMITTED:
        # A later step waits for someone else (or nobody may decide today).
        access = replace(access, is_approver=False)
    if not access.can_view:
        raise Http404
    return access


def approval_step_for(user: User, course: CoachingCourse) -> tuple[StepSpec, Role] | None:
    """The waiting step of an application and why ``user`` may decide it, or None.

    The same rules as the approver's list (``accounts.approvals.role_for``).
    """
    if course.status != CourseStatus.SUBMITTED:
        return None
    return waiting_step_for(user=user, subject=subject_of(course))


def get_course_for_edit(user: User, public_id: UUID | str, *, permission: str = "can_edit"
                        ) -> CourseAccess:
    """As :func:`get_course_for_user`, then PermissionDenied unless ``access.<permission>``."""
    access = get_course_for_user(user, public_id)
    if not getattr(access, permission):
        raise PermissionDenied
    return access


@dataclass(frozen=True)
class BookingAccess:
    booking: Booking
    is_owner: bool
    is_coach: bool
    is_oaf: bool

    @property
    def can_view(self) -> bool:
        return self.is_owner or self.is_coach or self.is_oaf

    @property
    def can_move(self) -> bool:
        return self.is_owner

    @property
    def can_cancel(self) -> bool:
        return self.is_owner or self.is_coach

    @property
    def can_mark(self) -> bool:
        return self.is_coach


def get_booking_for_user(user: User, public_id: UUID | str) -> BookingAccess:
    """The booking for its leader, its coach and O&F; 404 for everyone else."""
    booking = (Booking.objects.visible_to(user)
               .select_related("course__leader__user", "course__agreement__supplier",
                               "course__coach__user", "coach__user", "coach__supplier")
               .filter(uuid=uuid_or_404(public_id)).first())
    if booking is None:
        raise Http404
    access = BookingAccess(
        booking=booking,
        is_owner=booking.course.leader.user_id == user.pk,
        is_coach=booking.coach.user_id == user.pk,
        is_oaf=is_oaf_for(user, booking.course.organisation_id),
    )
    if not access.can_view:
        raise Http404
    return access


def get_booking_for_edit(user: User, public_id: UUID | str, *, permission: str) -> BookingAccess:
    access = get_booking_for_user(user, public_id)
    if not getattr(access, permission):
        raise PermissionDenied
    return access


@dataclass(frozen=True)
class CoachAccess:
    coach: CoachProfile
    is_self: bool
    is_oaf: bool

    @property
    def can_manage(self) -> bool:
        """Mark sessions, block time: the coach themself."""
        return self.is_self


def get_coach_for_user(user: User, public_id: UUID | str) -> CoachAccess:
    """A coach's calendar: the coach and O&F read it; other users of the municipality 403."""
    coach = (CoachProfile.objects.visible_to(user).select_related("user", "supplier")
             .filter(uuid=uuid_or_404(public_id)).first())
    if coach is None:
        raise Http404
    access = CoachAccess(coach=coach, is_self=coach.user_id == user.pk,
                         is_oaf=is_oaf_for(user, coach.organisation_id))
    if not (access.is_self or access.is_oaf):
        raise PermissionDenied
    return access


def get_coach_for_edit(user: User, public_id: UUID | str) -> CoachAccess:
    access = get_coach_for_user(user, public_id)
    if not access.can_manage:
        raise PermissionDenied
    return access


def get_block_for_edit(user: User, public_id: UUID | str) -> AvailabilityException:
    """A coach's own exception; O&F (read-only here) 403, others of the municipality 403."""
    block = (AvailabilityException.objects.visible_to(user).select_related("coach__user")
             .filter(uuid=uuid_or_404(public_id)).first())
    if block is None:
        raise Http404
    if block.coach.user_id != user.pk:
        raise PermissionDenied
    return block



def own_coach_profile(user: User | AnonymousUser) -> CoachProfile | None:
    if not user.is_authenticated or not user.is_coach:
        return None
    return CoachProfile.objects.filter(user=user).select_related("supplier").first()
