"""Enrolment, seats, the waiting list and attendance: every write of the deepening track.

Views, admin actions and tasks all call these functions. Every function that
takes or frees a seat first locks the module row (``select_for_update``) and
only then reads the seat counts, inside one transaction, so two approvals can
never both take the last seat (the pretix pattern for quotas). The waiting
list is ordered by the time of approval, which is set under the same lock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.models import Leader, User
from accounts.services.approvals import (
    StepResult,
    refuse_own_request,
    step_decide,
    steps_decide_all,
)
from lib.audit import audit_log

from .. import notifications
from ..access import is_approver_for, is_oaf_for
from ..approvals import subject_of
from ..models import (
    ACTIVE_STATUSES,
    Attendance,
    Enrollment,
    EnrollmentStatus,
    Module,
    ModuleSession,
    ModuleStatus,
)
from ..seats import SeatKind, SeatState


def _lock_module(module: Module) -> Module:
    """Lock the module row for the rest of the transaction and return it fresh."""
    return (Module.objects.select_for_update(of=("self",)).select_related("programme")
            .get(pk=module.pk))


def _seat_state(module: Module, today: dt.date) -> SeatState:
    counts = Enrollment.objects.filter(module=module, status=EnrollmentStatus.SEATED).aggregate(
        seated=Count("pk"), talent=Count("pk", filter=Q(talent_seat=True)))
    return SeatState(capacity=module.capacity, reserved=module.talent_seats_reserved(today),
                     seated=counts["seated"], talent_seated=counts["talent"])


def _waiting_count(module: Module) -> int:
    return Enrollment.objects.filter(module=module, status=EnrollmentStatus.WAITING).count()


def _lock_enrollment(enrollment: Enrollment) -> Enrollment:
    return (Enrollment.objects.select_for_update(of=("self",))
            .select_related("leader__user", "leader__leader_above__user",
                            "leader__leader_above__leader_above__user", "module__programme")
            .get(pk=enrollment.pk))


def _place(enrollment: Enrollment, module: Module, today: dt.date, now: dt.datetime) -> bool:
    """Seat the (locked) enrolment if a seat fits the leader, else put it on the waiting list.

    Returns True when seated. The caller holds the module lock and has checked
    that the waiting list has room.
    """
    kind = _seat_state(module, today).seat_for(is_talent=enrollment.leader.is_talent)
    if kind is None:
        enrollment.status = EnrollmentStatus.WAITING
        return False
    enrollment.status = EnrollmentStatus.SEATED
    enrollment.seated_at = now
    enrollment.talent_seat = kind == SeatKind.TALENT
    return True


def _waiting_list_full(module: Module) -> bool:
    return (module.waiting_list_limit is not None
            and _waiting_count(module) >= module.waiting_list_limit)


def _refuse_if_full(module: Module, leader: Leader, today: dt.date) -> None:
    """Refuse when there is neither a seat for the leader nor room on the waiting list.

    The caller holds the module lock, so the answer still holds when it writes.
    """
    if (_seat_state(module, today).seat_for(is_talent=leader.is_talent) is None
            and _waiting_list_full(module)):
        raise ValidationError(_("The module is full, and so is its waiting list."), code="full")


@transaction.atomic
def enrollment_request(*, module: Module, leader: Leader, note: str, actor: User,
                       today: dt.date | None = None) -> Enrollment:
    """A leader asks for a place; the leader above (or O&F) is told by email.

    Guarantees: only for a published module whose enrolment window is open
    today and whose audience includes the leader; never a second live
    enrolment (also a database constraint); refused when there is neither a
    seat for the leader nor room on the waiting list. Nothing is written when
    it is refused.
    """
    today = today or timezone.localdate()
    module = _lock_module(module)
    if leader.user_id != actor.pk and not is_oaf_for(actor, module.programme.organisation_id):
        raise PermissionDenied(_("You can only ask for a place for yourself."))
    if module.programme.organisation_id != leader.organisation_id:
        raise ValidationError(_("This module is not open to you."), code="not_for_you")
    if module.status != ModuleStatus.PUBLISHED or not module.enrolment_is_open(today):
        raise ValidationError(_("Enrolment for this module is closed."), code="closed")
    if not module.is_for(leader, today):
        raise ValidationError(_("This module is not open to you."), code="not_for_you")
    if Enrollment.objects.filter(module=module, leader=leader,
                                 status__in=ACTIVE_STATUSES).exists():
        raise ValidationError(_("You have already asked for a place in this module."),
                              code="duplicate")
    _refuse_if_full(module, leader, today)
    enrollment = Enrollment.objects.create(module=module, leader=leader, note=note.strip(),
                                           requested_by=actor)
    audit_log(organisation=module.programme.organisation, actor=actor,
              action="programs.enrollment.requested", obj=enrollment,
              summary=f"{leader.name}: {module}", data={"module": str(module.uuid)})
    notifications.request_to_approvers(enrollment=enrollment)
    return enrollment


def _decide_step(enrollment: Enrollment, actor: User, *, approve: bool, reason: str,
                 step: int | None, today: dt.date, all_steps: bool = False) -> StepResult:
    """Record the step decision (caller holds the module and enrolment locks)."""
    if enrollment.status != EnrollmentStatus.REQUESTED:
        raise ValidationError(_("This request has already been dealt with."), code="decided")
    subject = subject_of(enrollment)
    if all_steps:
        made = steps_decide_all(subject=subject, actor=actor, reason=reason, today=today)
        if made:
            return StepResult(decision=made[-1], final=True, approved=True, next=None)
    refuse_own_request(subject, actor)
    if step is None and not is_approver_for(actor, enrollment):
        # Without the step the approver saw, only the leader above or O&F decide (as
        # before steps existed); deputies and colleagues decide from the lists.
        raise PermissionDenied(_("Only the leader's own leader above or O&F can approve or "
                                 "decline this request."))
    return step_decide(subject=subject, actor=actor, approve=approve, reason=reason,
                       step_number=step, today=today)


@transaction.atomic
def enrollment_approve(*, enrollment: Enrollment, actor: User, today: dt.date | None = None,
                       step: int | None = None, reason: str = "",
                       all_steps: bool = False) -> Enrollment:
    """Approve the request's current step; at the last step, a seat or the waiting list.

    Guarantees: the module row, then the enrolment row, are locked before the
    step is decided and the seats are counted, so the module is never
    overbooked however many approvals run at once; each step is decided once
    (``step_decided`` for the approver who comes second); only someone with a
    role on the step decides — the leader above, their deputy today, a colleague
    it was handed to, whoever it was escalated to, or O&F (``accounts.approvals``);
    the seat is taken only at the final step. ``step`` is the step the approver
    saw; without it only the leader above or O&F may approve. ``all_steps``: O&F
    approves every waiting step at once (a direct enrolment).
    """
    today = today or timezone.localdate()
    module = _lock_module(enrollment.module)
    enrollment = _lock_enrollment(enrollment)
    result = _decide_step(enrollment, actor, approve=True, reason=reason, step=step, today=today,
                          all_steps=all_steps)
    if not result.final:
        audit_log(organisation=module.programme.organisation, actor=actor,
                  action="programs.enrollment.step_approved", obj=enrollment,
                  summary=f"{enrollment.leader.name}: {module}",
                  data={"step": result.decision.step_number,
                        "on_behalf_of": result.decision.on_behalf_of_id})
        if result.next is not None:
            notifications.step_to_approvers(enrollment=enrollment, step=result.next)
        return enrollment
    now = timezone.now()
    # Leaders already waiting come first if seats were freed without a cancellation
    # (more seats, talent seats released): a new approval must not jump the queue.
    _fill_from_waiting_list(module, today, actor)
    _refuse_if_full(module, enrollment.leader, today)
    _place(enrollment, module, today, now)
    enrollment.decided_at, enrollment.decided_by = now, actor
    enrollment.save()
    audit_log(organisation=module.programme.organisation, actor=actor,
              action="programs.enrollment.approved", obj=enrollment,
              summary=f"{enrollment.leader.name}: {module}",
              data={"status": enrollment.status, "talent_seat": enrollment.talent_seat})
    notifications.decision_to_leader(enrollment=enrollment)
    return enrollment


@transaction.atomic
def enrollment_decline(*, enrollment: Enrollment, actor: User, reason: str = "",
                       step: int | None = None) -> Enrollment:
    """Decline the request at its current step (the roles of approving); the leader is told why."""
    module = _lock_module(enrollment.module)
    enrollment = _lock_enrollment(enrollment)
    _decide_step(enrollment, actor, approve=False, reason=reason, step=step,
                 today=timezone.localdate())
    enrollment.status = EnrollmentStatus.DECLINED
    enrollment.decided_at, enrollment.decided_by = timezone.now(), actor
    enrollment.decision_note = reason.strip()
    enrollment.save()
    audit_log(organisation=module.programme.organisation, actor=actor,
              action="programs.enrollment.declined", obj=enrollment,
              summary=f"{enrollment.leader.name}: {module}", data={"reason": reason[:300]})
    notifications.decision_to_leader(enrollment=enrollment)
    return enrollment


@transaction.atomic
def enrollment_cancel(*, enrollment: Enrollment, actor: User, reason: str = "",
                      today: dt.date | None = None) -> Enrollment:
    """Cancel a request, a waiting place or a seat; a freed seat goes to the waiting list.

    Guarantees: withdrawing is the leader's own act — the leader above, who
    approves, never cancels; O&F may cancel on the leader's behalf only with a
    reason, and the leader is told who did it and why. The leader cannot cancel
    after the module's cut-off day, O&F can; a freed seat is given, under the
    same module lock, to the first waiting leader it fits, who is told by email.
    """
    today = today or timezone.localdate()
    module = _lock_module(enrollment.module)
    enrollment = _lock_enrollment(enrollment)
    oaf = is_oaf_for(actor, module.programme.organisation_id)
    own = enrollment.leader.user_id == actor.pk
    reason = reason.strip()
    if not (oaf or own):
        raise PermissionDenied(_("Only the leader can withdraw their own enrolment; O&F can "
                                 "cancel it on their behalf."))
    if not own and not reason:
        raise ValidationError(_("Give the reason for cancelling on the leader's behalf; "
                                "the leader is told."), code="reason_required")
    if enrollment.status not in ACTIVE_STATUSES:
        raise ValidationError(_("This enrolment is no longer active."), code="inactive")
    if (not oaf and enrollment.status != EnrollmentStatus.REQUESTED
            and today > module.cancellation_cutoff_on):
        raise ValidationError(
            _("The last day to cancel was %(date)s. Contact O&F if you cannot take part.")
            % {"date": formats.date_format(module.cancellation_cutoff_on, "SHORT_DATE_FORMAT")},
            code="cutoff")
    was_seated = enrollment.status == EnrollmentStatus.SEATED
    previous = enrollment.status
    enrollment.status = EnrollmentStatus.CANCELLED
    enrollment.talent_seat = False
    enrollment.cancelled_at, enrollment.cancelled_by = timezone.now(), actor
    if not own:
        enrollment.cancel_reason = reason
    enrollment.save()
    audit_log(organisation=module.programme.organisation, actor=actor,
              action="programs.enrollment.cancelled", obj=enrollment,
              summary=f"{enrollment.leader.name}: {module}",
              data={"was": previous, "on_behalf": not own, "reason": reason[:300]})
    if not own:
        notifications.cancelled_to_leader(enrollment=enrollment)
    if was_seated:
        _fill_from_waiting_list(module, today, actor)
    return enrollment


def _fill_from_waiting_list(module: Module, today: dt.date, actor: User | None) -> list[Enrollment]:
    """Give free seats to waiting leaders in approval order. Caller holds the module lock."""
    promoted: list[Enrollment] = []
    waiting = list(Enrollment.objects.select_for_update(of=("self",))
                   .filter(module=module, status=EnrollmentStatus.WAITING)
                   .select_related("leader__user", "module__programme")
                   .order_by("decided_at", "pk"))
    state = _seat_state(module, today)
    for enrollment in waiting:
        if state.free == 0:
            break
        kind = state.seat_for(is_talent=enrollment.leader.is_talent)
        if kind is None:
            continue  # only kept talent seats are free; a talent further down may take one
        enrollment.status = EnrollmentStatus.SEATED
        enrollment.seated_at = timezone.now()
        enrollment.talent_seat = kind == SeatKind.TALENT
        enrollment.save(update_fields=["status", "seated_at", "talent_seat"])
        state = SeatState(capacity=state.capacity, reserved=state.reserved,
                          seated=state.seated + 1,
                          talent_seated=state.talent_seated + (kind == SeatKind.TALENT))
        audit_log(organisation=module.programme.organisation, actor=actor,
                  action="programs.enrollment.seat_from_waiting_list", obj=enrollment,
                  summary=f"{enrollment.leader.name}: {module}")
        notifications.seat_given_to_leader(enrollment=enrollment)
        promoted.append(enrollment)
    return promoted


@transaction.atomic
def module_fill_seats(*, module: Module, actor: User | None = None,
                      today: dt.date | None = None) -> list[Enrollment]:
    """Give any free seats to the waiting list, e.g. after more seats or a talent release."""
    module = _lock_module(module)
    return _fill_from_waiting_list(module, today or timezone.localdate(), actor)


@transaction.atomic
def enrollment_enrol(*, module: Module, leader: Leader, actor: User, note: str = "",
                     today: dt.date | None = None) -> Enrollment:
    """O&F enrols a leader directly: approved at once, a seat or the waiting list.

    O&F may enrol outside the window and the audience; the seat rules and the
    waiting-list limit still hold. A pending request of the leader is
    approved at every waiting step (``all_steps``) instead of creating a second
    enrolment.
    """
    today = today or timezone.localdate()
    module = _lock_module(module)
    if not is_oaf_for(actor, module.programme.organisation_id):
        raise PermissionDenied(_("Only O&F can enrol leaders directly."))
    if leader.organisation_id != module.programme.organisation_id:
        raise ValidationError(_("The leader belongs to another municipality."),
                              code="not_for_you")
    if module.status == ModuleStatus.CANCELLED:
        raise ValidationError(_("The module is cancelled."), code="closed")
    existing = Enrollment.objects.filter(module=module, leader=leader,
                                         status__in=ACTIVE_STATUSES).first()
    if existing is not None and existing.status != EnrollmentStatus.REQUESTED:
        raise ValidationError(_("%(name)s is already enrolled in this module.")
                              % {"name": leader.name}, code="duplicate")
    if existing is not None:
        return enrollment_approve(enrollment=existing, actor=actor, today=today, all_steps=True)
    _fill_from_waiting_list(module, today, actor)
    _refuse_if_full(module, leader, today)
    now = timezone.now()
    enrollment = Enrollment(module=module, leader=leader, note=note.strip(), requested_by=actor,
                            requested_at=now, decided_at=now, decided_by=actor)
    _place(enrollment, module, today, now)
    enrollment.save()
    audit_log(organisation=module.programme.organisation, actor=actor,
              action="programs.enrollment.enrolled", obj=enrollment,
              summary=f"{leader.name}: {module}", data={"status": enrollment.status})
    notifications.decision_to_leader(enrollment=enrollment)
    return enrollment


def attendance_may_start(session: ModuleSession, now: dt.datetime | None = None) -> None:
    """Refuse attendance for a session that has not started: nobody can have attended yet."""
    if (now or timezone.now()) < session.start:
        raise ValidationError(
            _("Attendance can be kept once the session has started (%(when)s).")
            % {"when": formats.date_format(timezone.localtime(session.start),
                                           "SHORT_DATETIME_FORMAT")},
            code="session_not_started")


@transaction.atomic
def attendance_mark(*, session: ModuleSession, enrollment_ids: Iterable[int], attended: bool,
                    actor: User) -> int:
    """Mark the given seated leaders as present (or absent) at one session.

    Guarantees: all-or-nothing; refuses enrolments that are not seated in the
    session's module (a tampered list changes nothing); one row per leader and
    session (also a database constraint). Returns how many were marked.
    """
    ids = set(enrollment_ids)
    if not is_oaf_for(actor, session.module.programme.organisation_id) \
            and not session.facilitators.filter(pk=actor.pk).exists():
        raise PermissionDenied(_("Only O&F and the session's facilitators keep attendance."))
    attendance_may_start(session)
    seated = set(Enrollment.objects.filter(pk__in=ids, module_id=session.module_id,
                                           status=EnrollmentStatus.SEATED)
                 .values_list("pk", flat=True))
    if ids - seated:
        raise ValidationError(_("Attendance can only be marked for leaders with a seat in "
                                "this module."), code="not_seated")
    now = timezone.now()
    existing = {a.enrollment_id: a for a in Attendance.objects.select_for_update()
                .filter(session=session, enrollment_id__in=ids)}
    changed = [a for a in existing.values() if a.attended != attended]
    for row in changed:
        row.attended, row.marked_at, row.marked_by = attended, now, actor
    Attendance.objects.bulk_update(changed, ["attended", "marked_at", "marked_by"])
    Attendance.objects.bulk_create([
        Attendance(session=session, enrollment_id=pk, attended=attended, marked_at=now,
                   marked_by=actor) for pk in sorted(ids - existing.keys())])
    if ids:
        audit_log(organisation=session.module.programme.organisation, actor=actor,
                  action="programs.attendance.marked", obj=session,
                  summary=f"{session}: {len(ids)}",
                  data={"attended": attended, "enrollments": sorted(ids)})
    return len(ids)


@transaction.atomic
def attendance_register(*, session: ModuleSession, present_ids: Iterable[int],
                        actor: User) -> tuple[int, int]:
    """Keep the whole list of a session at once: the ticked leaders present, the rest absent.

    Returns (present, absent). Same guarantees as :func:`attendance_mark`.
    """
    present = set(present_ids)
    attendance_may_start(session)
    seated = set(Enrollment.objects.filter(module_id=session.module_id,
                                           status=EnrollmentStatus.SEATED)
                 .values_list("pk", flat=True))
    if present - seated:
        raise ValidationError(_("Attendance can only be marked for leaders with a seat in "
                                "this module."), code="not_seated")
    attendance_mark(session=session, enrollment_ids=present, attended=True, actor=actor)
    attendance_mark(session=session, enrollment_ids=seated - present, attended=False,
                    actor=actor)
    return len(present), len(seated - present)
