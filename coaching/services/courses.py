"""Applying for a course, the leader above's decision, the coach, and the private project.

Views, admin actions and the demo all call these functions. Every function
that changes a course locks its row first (``select_for_update``), then
checks, then writes, inside one transaction; choosing a coach also locks the
coach's row, so two leaders cannot both take a coach's last place.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Leader, Unit, User
from accounts.services.approvals import refuse_own_request, step_decide
from lib.audit import audit_log
from programs.models import Programme

from .. import notifications
from ..access import is_approver_for, is_oaf_for
from ..approvals import subject_of
from ..models import (
    OPEN_STATUSES,
    BookingStatus,
    CoachingCourse,
    CoachProfile,
    CourseStatus,
    DevelopmentProject,
    DiscoveryMethod,
    FrameworkAgreement,
    ReflectionNote,
)
from ..semesters import Semester


def _lock_course(course: CoachingCourse) -> CoachingCourse:
    """Lock the course row for the rest of the transaction and return it fresh."""
    return (CoachingCourse.objects.select_for_update(of=("self",))
            .select_related("organisation", "leader__user",
                            "leader__leader_above__leader_above__user",
                            "leader__leader_above__user", "agreement__supplier", "coach__user")
            .get(pk=course.pk))


def agreement_for(*, organisation_id: int, semester: Semester, programme: Programme | None = None,
                  today: dt.date | None = None) -> FrameworkAgreement | None:
    """The agreement that covers what is left of the semester (a programme's own if given)."""
    today = today or timezone.localdate()
    return (FrameworkAgreement.objects.select_related("supplier")
            .filter(organisation_id=organisation_id, programme=programme,
                    starts_on__lte=semester.ends_on,
                    ends_on__gte=max(semester.starts_on, today))
            .order_by("-starts_on").first())


@transaction.atomic
def course_apply(*, leader: Leader, actor: User, semester: Semester, ordering_unit: Unit,
                 discovery_method: str, answers: dict[str, str],
                 programme: Programme | None = None,
                 today: dt.date | None = None) -> CoachingCourse:
    """Create a submitted course with the leader's private development project.

    Guarantees: only the leader applies for themself; the semester has not
    ended; the ordering unit is in the leader's municipality; a framework
    agreement covers the semester; a leader has one open course per semester
    (checked under a lock on the leader's row and backed by a unique
    constraint). The leader above (or O&F) is asked to approve.
    """
    today = today or timezone.localdate()
    if leader.user_id != actor.pk:
        raise PermissionDenied(_("You can only apply for yourself."))
    leader = (Leader.objects.select_for_update(of=("self",))
              .select_related("organisation", "user", "leader_above__user").get(pk=leader.pk))
    if semester.ends_on < today:
        raise ValidationError(_("That semester is over. Choose a later one."),
                              code="semester_over")
    if ordering_unit.organisation_id != leader.organisation_id:
        raise ValidationError(_("Choose an ordering unit in your own municipality."),
                              code="other_municipality")
    if discovery_method not in DiscoveryMethod.values:
        raise ValidationError(_("Choose how you will find your development areas."),
                              code="invalid_discovery_method")
    if programme is not None and programme.organisation_id != leader.organisation_id:
        raise ValidationError(_("The programme belongs to another municipality."),
                              code="other_municipality")
    agreement = agreement_for(organisation_id=leader.organisation_id, semester=semester,
                              programme=programme, today=today)
    if agreement is None:
        raise ValidationError(_("No coaching agreement covers %(semester)s. Ask O&F.")
                              % {"semester": semester.label}, code="no_agreement")
    if CoachingCourse.objects.filter(leader=leader, year=semester.year, term=semester.term,
                                     status__in=OPEN_STATUSES).exists():
        raise ValidationError(_("You have already applied for %(semester)s.")
                              % {"semester": semester.label}, code="duplicate")
    course = CoachingCourse(
        organisation=leader.organisation, leader=leader, agreement=agreement,
        programme=programme, term=semester.term, year=semester.year,
        ordering_unit=ordering_unit, discovery_method=discovery_method,
        sessions_allowed=agreement.sessions_per_leader, applied_at=timezone.now())
    try:
        with transaction.atomic():
            course.save()
    except IntegrityError:
        raise ValidationError(_("You have already applied for %(semester)s.")
                              % {"semester": semester.label}, code="duplicate") from None
    DevelopmentProject.objects.create(
        course=course, **{name: (answers.get(name) or "").strip()
                          for name in DevelopmentProject.ANSWER_FIELDS})
    # The audit trail records that an application was made, never what the project says.
    audit_log(organisation=leader.organisation, actor=actor, action="coaching.course.applied",
              obj=course, summary=f"{leader.name}: {semester.label}",
              data={"semester": semester.key, "ordering_unit": ordering_unit.pk,
                    "agreement": str(agreement.uuid)})
    notifications.application_to_approvers(course=course)
    return course


@transaction.atomic
def course_decide(*, course: CoachingCourse, actor: User, approve: bool,
                  note: str = "", step: int | None = None) -> CoachingCourse:
    """Decide the application's current step; it is approved when its last step is.

    Guarantees: the course row is locked first; each step is decided once
    (``step_decided`` for whoever comes second); only someone with a role on
    the step decides — the leader above (O&F when the leader has none), their
    deputy today, a colleague it was handed to, whoever it was escalated to, a
    named person or O&F for steps O&F added (``accounts.approvals``); the
    requester never (``own_request``). ``step`` is the step the approver saw;
    without it only the leader above (or O&F) may decide. A decided
    application cannot be decided again.
    """
    course = _lock_course(course)
    if course.status != CourseStatus.SUBMITTED:
        raise ValidationError(_("This application has already been decided."), code="decided")
    subject = subject_of(course)
    refuse_own_request(subject, actor)
    if step is None and not is_approver_for(actor, course):
        raise PermissionDenied(_("Only the leader's leader above can decide on this application."))
    result = step_decide(subject=subject, actor=actor, approve=approve, reason=note,
                         step_number=step)
    if not result.final:
        audit_log(organisation=course.organisation, actor=actor,
                  action="coaching.course.step_approved", obj=course,
                  summary=f"{course.leader.name}: {course.semester.label}",
                  data={"step": result.decision.step_number,
                        "on_behalf_of": result.decision.on_behalf_of_id})
        if result.next is not None:
            notifications.step_to_approvers(course=course, step=result.next)
        return course
    course.status = CourseStatus.APPROVED if approve else CourseStatus.REJECTED
    course.decided_at = timezone.now()
    course.decided_by = actor
    course.decision_note = note.strip()[:2000]
    course.save(update_fields=["status", "decided_at", "decided_by", "decision_note"])
    audit_log(organisation=course.organisation, actor=actor,
              action="coaching.course.approved" if approve else "coaching.course.rejected",
              obj=course, summary=f"{course.leader.name}: {course.semester.label}",
              data={"status": course.status})
    notifications.decision_to_leader(course=course)
    return course


def _coach_problem(course: CoachingCourse, coach: CoachProfile) -> str | None:
    """Why ``coach`` cannot take ``course`` (call with the coach row locked), or None."""
    if coach.organisation_id != course.organisation_id:
        return _("The coach belongs to another municipality.")
    if coach.supplier_id != course.agreement.supplier_id:
        return _("The coach does not work for the agreement's supplier.")
    if not coach.is_active or not coach.user.is_active:
        return _("The coach takes no new leaders.")
    taken = CoachingCourse.objects.filter(
        coach=coach, year=course.year, term=course.term,
        status__in=[CourseStatus.ACTIVE, CourseStatus.COMPLETED]).exclude(pk=course.pk).count()
    if taken >= coach.max_courses:
        return _("%(coach)s has no room for more leaders this semester.") % {"coach": coach.name}
    return None


def coach_problem(course: CoachingCourse, coach: CoachProfile) -> str | None:
    """The same check without a lock, for forms that want to show it early."""
    return _coach_problem(course, coach)


def _set_coach(course: CoachingCourse, coach: CoachProfile) -> CoachingCourse:
    coach = (CoachProfile.objects.select_for_update(of=("self",)).select_related("user")
             .get(pk=coach.pk))
    problem = _coach_problem(course, coach)
    if problem:
        raise ValidationError(problem, code="coach_unavailable")
    if course.coach_id and course.coach_id != coach.pk \
            and course.bookings.filter(status=BookingStatus.BOOKED).exists():
        raise ValidationError(_("The leader has booked sessions with the present coach. "
                                "Cancel them before changing coach."), code="coach_has_bookings")
    course.coach = coach
    course.status = CourseStatus.ACTIVE
    course.leader_may_choose_coach = False
    course.coach_assigned_at = timezone.now()
    course.save(update_fields=["coach", "status", "leader_may_choose_coach",
                               "coach_assigned_at"])
    return course


@transaction.atomic
def course_assign_coach(*, course: CoachingCourse, coach: CoachProfile,
                        actor: User) -> CoachingCourse:
    """O&F gives an approved course its coach (or changes it); the course is then under way.

    Guarantees: the coach works for the agreement's supplier in the same
    municipality and has room this semester (counted under the coach's lock).
    """
    course = _lock_course(course)
    if not is_oaf_for(actor, course.organisation_id):
        raise PermissionDenied(_("Only O&F can assign a coach."))
    if course.status not in (CourseStatus.APPROVED, CourseStatus.ACTIVE):
        raise ValidationError(_("Only an approved course can get a coach."), code="not_approved")
    if course.coach_id == coach.pk:
        return course
    _set_coach(course, coach)
    audit_log(organisation=course.organisation, actor=actor,
              action="coaching.course.coach_assigned", obj=course,
              summary=f"{course.leader.name}: {coach.name}", data={"coach": str(coach.uuid)})
    notifications.coach_to_leader_and_coach(course=course)
    return course


@transaction.atomic
def course_open_coach_choice(*, course: CoachingCourse, actor: User) -> CoachingCourse:
    """O&F lets the leader of an approved course choose among the coaches with room."""
    course = _lock_course(course)
    if not is_oaf_for(actor, course.organisation_id):
        raise PermissionDenied(_("Only O&F can let the leader choose a coach."))
    if course.status != CourseStatus.APPROVED:
        raise ValidationError(_("Only an approved course without a coach can do this."),
                              code="not_approved")
    if not course.leader_may_choose_coach:
        course.leader_may_choose_coach = True
        course.save(update_fields=["leader_may_choose_coach"])
        audit_log(organisation=course.organisation, actor=actor,
                  action="coaching.course.coach_choice_opened", obj=course,
                  summary=f"{course.leader.name}: {course.semester.label}")
        notifications.coach_choice_to_leader(course=course)
    return course


@transaction.atomic
def course_choose_coach(*, course: CoachingCourse, coach: CoachProfile,
                        actor: User) -> CoachingCourse:
    """The leader picks their coach, when O&F has allowed it; the coach must have room."""
    course = _lock_course(course)
    if course.leader.user_id != actor.pk:
        raise PermissionDenied(_("Only the leader can choose their coach."))
    if not course.leader_can_choose_coach:
        raise ValidationError(_("You cannot choose a coach for this course."),
                              code="coach_choice_closed")
    _set_coach(course, coach)
    audit_log(organisation=course.organisation, actor=actor,
              action="coaching.course.coach_chosen", obj=course,
              summary=f"{course.leader.name}: {coach.name}", data={"coach": str(coach.uuid)})
    notifications.coach_to_leader_and_coach(course=course)
    return course


@transaction.atomic
def course_withdraw(*, course: CoachingCourse, actor: User) -> CoachingCourse:
    """The leader withdraws an application that has no coach yet."""
    course = _lock_course(course)
    if course.leader.user_id != actor.pk:
        raise PermissionDenied(_("Only the leader can withdraw their application."))
    if not course.may_be_withdrawn:
        raise ValidationError(_("A course that is under way cannot be withdrawn."),
                              code="under_way")
    previous = course.status
    course.status = CourseStatus.WITHDRAWN
    course.closed_at = timezone.now()
    course.save(update_fields=["status", "closed_at"])
    audit_log(organisation=course.organisation, actor=actor, action="coaching.course.withdrawn",
              obj=course, summary=f"{course.leader.name}: {course.semester.label}",
              data={"was": previous})
    return course


@transaction.atomic
def course_complete(*, course: CoachingCourse, actor: User) -> CoachingCourse:
    """O&F closes a course under way; it must have no session still booked."""
    course = _lock_course(course)
    if not is_oaf_for(actor, course.organisation_id):
        raise PermissionDenied(_("Only O&F can complete a course."))
    if course.status != CourseStatus.ACTIVE:
        raise ValidationError(_("Only a course under way can be completed."),
                              code="not_under_way")
    if course.bookings.filter(status=BookingStatus.BOOKED).exists():
        raise ValidationError(_("The course still has booked sessions."), code="has_bookings")
    course.status = CourseStatus.COMPLETED
    course.closed_at = timezone.now()
    course.save(update_fields=["status", "closed_at"])
    audit_log(organisation=course.organisation, actor=actor, action="coaching.course.completed",
              obj=course, summary=f"{course.leader.name}: {course.semester.label}")
    return course


def _own_project(course: CoachingCourse, actor: User) -> DevelopmentProject:
    if course.leader.user_id != actor.pk:
        raise PermissionDenied(_("Only the leader can write in their development project."))
    project, _created = DevelopmentProject.objects.select_for_update().get_or_create(
        course=course)
    return project


@transaction.atomic
def project_update(*, course: CoachingCourse, actor: User, answers: dict[str, str],
                   shared_with_coach: bool) -> DevelopmentProject:
    """The leader rewrites their project and decides whether their coach may read it.

    The audit entry records only whether sharing changed, never the text.
    """
    project = _own_project(course, actor)
    was_shared = project.shared_with_coach
    for name in DevelopmentProject.ANSWER_FIELDS:
        setattr(project, name, (answers.get(name) or "").strip())
    project.shared_with_coach = shared_with_coach
    project.full_clean(exclude=["course"])
    project.save()
    audit_log(organisation=course.organisation, actor=actor, action="coaching.project.updated",
              obj=course, summary=f"{course.leader.name}",
              data={"shared_with_coach": shared_with_coach,
                    "sharing_changed": was_shared != shared_with_coach})
    return project


@transaction.atomic
def reflection_add(*, course: CoachingCourse, actor: User, body: str) -> ReflectionNote:
    """Add a reflection note to the leader's own project."""
    body = (body or "").strip()
    if not body:
        raise ValidationError(_("Write something first."), code="empty")
    if len(body) > 5000:
        raise ValidationError(_("Keep the note under 5000 characters."), code="too_long")
    project = _own_project(course, actor)
    return ReflectionNote.objects.create(project=project, body=body)


@transaction.atomic
def course_adjust(*, course: CoachingCourse, actor: User, ordering_unit: Unit,
                  sessions_allowed: int) -> CoachingCourse:
    """O&F corrects who pays or how many sessions the leader gets.

    Guarantees: the unit is in the course's municipality; the allowance is
    1–20 and never below the sessions already used.
    """
    course = _lock_course(course)
    if not is_oaf_for(actor, course.organisation_id):
        raise PermissionDenied(_("Only O&F can change the course."))
    if ordering_unit.organisation_id != course.organisation_id:
        raise ValidationError(_("Choose an ordering unit in the course's municipality."),
                              code="other_municipality")
    used = course.bookings.used().count()
    if not 1 <= sessions_allowed <= 20 or sessions_allowed < used:
        raise ValidationError(_("Give between %(low)d and 20 sessions (%(used)d are used).")
                              % {"low": max(1, used), "used": used},
                              code="sessions_out_of_range")
    changes = {}
    if course.ordering_unit_id != ordering_unit.pk:
        changes["ordering_unit"] = [course.ordering_unit_id, ordering_unit.pk]
    if course.sessions_allowed != sessions_allowed:
        changes["sessions_allowed"] = [course.sessions_allowed, sessions_allowed]
    if not changes:
        return course
    course.ordering_unit = ordering_unit
    course.sessions_allowed = sessions_allowed
    course.save(update_fields=["ordering_unit", "sessions_allowed"])
    audit_log(organisation=course.organisation, actor=actor, action="coaching.course.adjusted",
              obj=course, summary=f"{course.leader.name}: {course.semester.label}", data=changes)
    return course
