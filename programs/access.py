"""Who may see and do what in the deepening track.

Everything is fetched through the user's municipality first (``visible_to``),
so another municipality's objects are a 404 whatever their id; inside the
municipality a user without a role on the object gets a 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.access import is_oaf_for, leader_for  # noqa: F401 (re-exported)
from accounts.approvals import Role, StepSpec
from accounts.models import Leader, User
from accounts.services.approvals import decisions_for, waiting_step_for
from lib.http import uuid_or_404
from lib.prepared import Prepared, Read, narrowed, place_children

from .approvals import KIND, subject_of
from .models import Enrollment, Gathering, Module, ModuleSession, ModuleStatus


def is_approver_for(user: User, enrollment: Enrollment) -> bool:
    """The enrolled leader's own leader above, or O&F of the municipality.

    Expects ``leader__leader_above`` and ``module__programme`` to be loaded.
    """
    if is_oaf_for(user, enrollment.module.programme.organisation_id):
        return True
    above = enrollment.leader.leader_above
    return above is not None and above.user_id == user.pk


@dataclass(frozen=True)
class ModuleAccess:
    module: Module
    leader: Leader | None
    can_manage: bool
    can_request: bool  # the audience includes the user's leader profile


_AUDIENCE_OF_MODULES: Prepared[Any] = Prepared(lambda module_ids: (
    Module.audience_units.through.objects.filter(module__any=module_ids)
    .select_related("unit").order_by("pk")))


def audience_read(modules: list[Module]) -> Read[Any]:
    """The read :func:`place_audience` makes, for a page that sends it with others."""
    return _AUDIENCE_OF_MODULES.read(module_ids=[module.pk for module in modules])


def place_audience(modules: list[Module]) -> None:
    """``module.audience_units.all()`` for every module without a query each: one query,
    compiled once per process, whatever the number of modules."""
    place_children(modules, "audience_units", ((row.module_id, row.unit) for row in
                                               audience_read(modules)()))


# Every module page reads its module this way: compiled once per process.
_ONE_MODULE: Prepared[Module] = Prepared(lambda organisation_id, module_uuid: (
    narrowed(Module.objects.all(), organisation_id).select_related("programme")
    .filter(uuid=module_uuid).order_by("pk")[:1]))


def get_module_for_user(user: User, module_uuid: UUID | str) -> ModuleAccess:
    """A module of the user's municipality, or 404; 403 for someone it is not for.

    Drafts exist only for O&F. A leader may open a module meant for them, one
    they are enrolled in, or one a leader reporting to them has asked for;
    facilitators open the modules they run.
    """
    found = _ONE_MODULE.visible_to(user, module_uuid=uuid_or_404(module_uuid))
    if not found:
        raise Http404
    module = found[0]
    place_audience([module])
    manage = is_oaf_for(user, module.programme.organisation_id)
    if not manage and module.status == ModuleStatus.DRAFT:
        raise Http404
    leader = leader_for(user)
    for_leader = leader is not None and module.is_for(leader)
    if manage or for_leader:
        return ModuleAccess(module, leader, manage, for_leader)
    enrolled = leader is not None and module.enrollments.filter(leader=leader).exists()
    if (enrolled or module.sessions.filter(facilitators=user).exists()
            or module.enrollments.filter(leader__leader_above__user=user).exists()):
        return ModuleAccess(module, leader, False, False)
    raise PermissionDenied(_("This module is not open to you."))


@dataclass(frozen=True)
class EnrollmentAccess:
    enrollment: Enrollment
    is_own: bool
    can_decide: bool  # approve / decline (the service judges the step)
    step: StepSpec | None = None  # the step waiting, when the user may decide it now
    role: Role | None = None


def approval_step_for(user: User, enrollment: Enrollment) -> tuple[StepSpec, Role] | None:
    """The waiting step of a request and why ``user`` may decide it, or None (four queries).

    The same rules as the approver's list (``accounts.approvals.role_for``):
    the leader above, a deputy today, a colleague it was handed to, whoever it
    was escalated to, O&F.
    """
    if not enrollment.is_requested:
        return None
    return waiting_step_for(user=user, subject=subject_of(enrollment))


def get_enrollment_for_user(user: User, enrollment_uuid: UUID | str) -> EnrollmentAccess:
    """The enrolment for the leader, their leader above or O&F; 404 outside, 403 else."""
    enrollment = (Enrollment.objects.visible_to(user)
                  .select_related("module__programme", "leader__user",
                                  "leader__leader_above__user",
                                  "leader__leader_above__leader_above__user", "leader__unit",
                                  "decided_by", "cancelled_by")
                  .filter(uuid=uuid_or_404(enrollment_uuid)).first())
    if enrollment is None:
        raise Http404
    own = enrollment.leader.user_id == user.pk
    waiting = approval_step_for(user, enrollment)
    decide = waiting is not None or is_approver_for(user, enrollment)
    # Whoever decided a step (a deputy, a colleague) may still read the request.
    if not (own or decide
            or any(d.decided_by_id == user.pk
                   for d in decisions_for(kind=KIND, ids=[enrollment.pk]).get(enrollment.pk, []))):
        raise PermissionDenied(_("This enrolment belongs to a leader who does not report "
                                 "to you."))
    return EnrollmentAccess(enrollment, own, decide,
                            step=waiting[0] if waiting else None,
                            role=waiting[1] if waiting else None)


def get_enrollment_for_approver(user: User, enrollment_uuid: UUID | str) -> Enrollment:
    """Edit variant: only the leader above or O&F; anyone else gets PermissionDenied."""
    access = get_enrollment_for_user(user, enrollment_uuid)
    if not access.can_decide:
        raise PermissionDenied(_("Only the leader's own leader above or O&F can approve or "
                                 "decline this request."))
    return access.enrollment


def get_session_for_user(user: User, session_uuid: UUID | str) -> ModuleSession:
    """A session whose module the user may open (same rules as the module)."""
    session = (ModuleSession.objects.visible_to(user).select_related("module__programme")
               .filter(uuid=uuid_or_404(session_uuid)).first())
    if session is None:
        raise Http404
    get_module_for_user(user, session.module.uuid)
    return session


def get_session_for_register(user: User, session_uuid: UUID | str) -> ModuleSession:
    """Attendance is kept by O&F and the session's own facilitators."""
    session = (ModuleSession.objects.visible_to(user).select_related("module__programme")
               .filter(uuid=uuid_or_404(session_uuid)).first())
    if session is None:
        raise Http404
    if is_oaf_for(user, session.module.programme.organisation_id):
        return session
    if session.facilitators.filter(pk=user.pk).exists():
        return session
    raise PermissionDenied(_("Only O&F and the session's facilitators keep attendance."))


def get_gathering_for_user(user: User, gathering_uuid: UUID | str) -> Gathering:
    """A gathering for its programme's participants, its advisers and O&F."""
    gathering = (Gathering.objects.visible_to(user).select_related("programme")
                 .filter(uuid=uuid_or_404(gathering_uuid)).first())
    if gathering is None:
        raise Http404
    if is_oaf_for(user, gathering.programme.organisation_id):
        return gathering
    if gathering.advisers.filter(pk=user.pk).exists():
        return gathering
    if gathering.programme.participations.filter(leader__user=user).exists():
        return gathering
    raise PermissionDenied(_("You do not take part in this programme."))
