"""Seat requests as the approval engine (``accounts.approvals``) sees them.

Registered from ``ProgramsConfig.ready()``. A request's extra steps are those
O&F added to its module, then to its programme (``accounts.ApprovalStep``
through a generic relation); step 1 is the leader above, and O&F may decide it
as before. The enrolment deadline is the module's last enrolment day.
"""

from __future__ import annotations

import datetime as dt
from operator import attrgetter

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.approvals import (
    ApprovalItem,
    RequestSource,
    Role,
    StepSpec,
    Subject,
    chain_of,
    numbered,
)
from accounts.models import ApprovalStep, User

from .models import Enrollment, EnrollmentStatus, Module, Programme

KIND = "programs.enrollment"
_RELATED = ("leader__user", "leader__unit", "leader__leader_above__user",
            "leader__leader_above__leader_above__user", "module__programme")


class EnrollmentSource(RequestSource):
    kind = KIND
    model = Enrollment
    waiting = {"status": EnrollmentStatus.REQUESTED}
    organisation_field = "module__programme__organisation_id"
    requested_field = "requested_at"
    related = _RELATED
    targets = ((Module, attrgetter("module_id")), (Programme, attrgetter("module.programme_id")))

    def subject_for(self, row: Enrollment, definitions: list[ApprovalStep]) -> Subject:
        """Expects the relations of ``_RELATED`` loaded."""
        leader = row.leader
        above, next_up = chain_of(leader)
        return Subject(
            kind=KIND, pk=row.pk, organisation_id=row.module.programme.organisation_id,
            requester_user_id=leader.user_id, leader_above_user_id=above,
            next_up_user_id=next_up, definitions=numbered(definitions),
            is_talent=leader.is_talent, requested_at=row.requested_at,
            deadline=row.module.enrolment_closes_on, oaf_decides_leader_step=True,
            obj=row, title=f"{leader.user.full_name}: {row.module.topic}",
            url=reverse("programs:enrollment_detail", args=[row.uuid]))

    def items(self, *, user: User, pairs: list[tuple[Subject, StepSpec, Role]],
              today: dt.date) -> list[ApprovalItem]:
        from .selectors import decision_facts

        facts = {f.enrollment.pk: f for f in decision_facts([s.obj for s, _step, _r in pairs],
                                                            today=today)}
        items = []
        for subject, step, role in pairs:
            enrollment: Enrollment = subject.obj
            fact = facts[enrollment.pk]
            above = enrollment.leader.leader_above
            items.append(ApprovalItem(
                subject=subject, step=step, role=role, title=subject.title,
                requester_name=enrollment.leader.user.full_name,
                requester_line=f"{enrollment.leader.title}, {enrollment.leader.unit.name}",
                url=subject.url, kind_label=_("Seat in a module"),
                # Seats, the waiting list and what approving gives are in the decision facts.
                extra=fact, include="programs/includes/decision_facts.html",
                principal_name=(above.user.full_name if above is not None
                                and role.on_behalf_of_id == above.user_id else "")))
        return items

    def decide(self, *, pk: int, step: int, actor: User, approve: bool, reason: str) -> None:
        from . import services

        enrollment = Enrollment.objects.filter(pk=pk).first()
        if enrollment is None:
            raise Http404
        if approve:
            services.enrollment_approve(enrollment=enrollment, actor=actor, step=step,
                                        reason=reason)
        else:
            services.enrollment_decline(enrollment=enrollment, actor=actor, step=step,
                                        reason=reason)


SOURCE = EnrollmentSource()


def subject_of(enrollment: Enrollment) -> Subject:
    """One request's subject (one query for its steps; relations must be loaded)."""
    return SOURCE.subject_of(enrollment)
