"""Seat requests as the approval engine (``accounts.approvals``) sees them.

Registered from ``ProgramsConfig.ready()``. A request's extra steps are those
O&F added to its module, then to its programme (``accounts.ApprovalStep``
through a generic relation); step 1 is the leader above, and O&F may decide it
as before. The enrolment deadline is the module's last enrolment day.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.approvals import ApprovalItem, Role, StepSpec, Subject
from accounts.models import ApprovalDecision, ApprovalStep, DecisionOutcome, User

from .models import Enrollment, EnrollmentStatus, Module, Programme

KIND = "programs.enrollment"
_RELATED = ("leader__user", "leader__unit", "leader__leader_above__user",
            "leader__leader_above__leader_above__user", "module__programme")


def _definitions(rows: Sequence[Enrollment]) -> dict[int, list[ApprovalStep]]:
    """Each request's extra steps: its module's, then its programme's (one query)."""
    if not rows:
        return {}
    module_ct = ContentType.objects.get_for_model(Module)
    programme_ct = ContentType.objects.get_for_model(Programme)
    by_target: dict[tuple[int, int], list[ApprovalStep]] = defaultdict(list)
    for step in ApprovalStep.objects.filter(
            Q(content_type=module_ct, object_id__in={r.module_id for r in rows})
            | Q(content_type=programme_ct,
                object_id__in={r.module.programme_id for r in rows})).order_by("position", "pk"):
        by_target[(step.content_type_id, step.object_id)].append(step)
    return {r.pk: [*by_target.get((module_ct.pk, r.module_id), []),
                   *by_target.get((programme_ct.pk, r.module.programme_id), [])]
            for r in rows}


def subject_for(enrollment: Enrollment, definitions: list[ApprovalStep]) -> Subject:
    """Expects the relations of ``_RELATED`` loaded."""
    leader = enrollment.leader
    above = leader.leader_above
    active_above = above if above is not None and above.user.is_active else None
    next_up = active_above.leader_above if active_above is not None else None
    # Steps are numbered by position: keep module steps before the programme's.
    ordered = [ApprovalStep(pk=d.pk, position=i, label=d.label, kind=d.kind,
                            person_id=d.person_id, condition=d.condition,
                            condition_value=d.condition_value)
               for i, d in enumerate(definitions, start=1)]
    return Subject(
        kind=KIND, pk=enrollment.pk, organisation_id=enrollment.module.programme.organisation_id,
        requester_user_id=leader.user_id,
        leader_above_user_id=active_above.user_id if active_above is not None else None,
        next_up_user_id=(next_up.user_id if next_up is not None and next_up.user.is_active
                         else None),
        definitions=ordered, is_talent=leader.is_talent, requested_at=enrollment.requested_at,
        deadline=enrollment.module.enrolment_closes_on, oaf_decides_leader_step=True,
        obj=enrollment, title=f"{leader.user.full_name}: {enrollment.module.topic}",
        url=reverse("programs:enrollment_detail", args=[enrollment.uuid]))


def subject_of(enrollment: Enrollment) -> Subject:
    """One request's subject (one query for its steps; relations must be loaded)."""
    return subject_for(enrollment, _definitions([enrollment]).get(enrollment.pk, []))


class EnrollmentSource:
    kind = KIND

    def lock_subject(self, pk: int) -> Subject:
        enrollment = (Enrollment.objects.select_for_update(of=("self",))
                      .select_related(*_RELATED).filter(pk=pk,
                                                        status=EnrollmentStatus.REQUESTED).first())
        if enrollment is None:
            raise Http404
        return subject_of(enrollment)

    def subjects(self, *, organisation_ids: Sequence[int] | None = None,
                 candidates: Any = None) -> list[Subject]:
        qs = Enrollment.objects.filter(status=EnrollmentStatus.REQUESTED)
        if organisation_ids is not None:
            qs = qs.filter(module__programme__organisation_id__in=list(organisation_ids))
        if candidates is not None:
            qs = qs.filter(candidates)
        rows = list(qs.select_related(*_RELATED).order_by("requested_at", "pk"))
        definitions = _definitions(rows)
        return [subject_for(r, definitions.get(r.pk, [])) for r in rows]

    def candidates_for(self, *, user: User, principal_ids: set[int], request_ids: set[int],
                       later_steps: bool) -> Q:
        q = Q(leader__leader_above__user_id__in=principal_ids) | Q(pk__in=request_ids)
        if later_steps:
            q |= Q(Exists(ApprovalDecision.objects.filter(
                request_kind=KIND, request_id=OuterRef("pk"),
                outcome=DecisionOutcome.APPROVED)))
            if user.is_oaf_admin:
                q |= Q(leader__leader_above__isnull=True) | Q(
                    leader__leader_above__user__is_active=False)
        return q & Q(module__programme__organisation_id=user.organisation_id)

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
