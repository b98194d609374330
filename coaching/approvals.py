"""Coaching applications as the approval engine (``accounts.approvals``) sees them.

Registered from ``CoachingConfig.ready()``. Step 1 is the leader above (O&F
only when the leader has none, as before); O&F may add steps to the
agreement (e.g. "kommunalsjef confirms more than 3 sessions") and to the
course's programme. The deadline is the semester's first day.
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
from lib.money import display, minutes_price
from programs.models import Programme

from .models import CoachingCourse, CourseStatus, FrameworkAgreement

KIND = "coaching.course"
_RELATED = ("organisation", "leader__user", "leader__unit",
            "leader__leader_above__leader_above__user", "leader__leader_above__user",
            "agreement__supplier", "coach__user", "ordering_unit")


def _definitions(rows: Sequence[CoachingCourse]) -> dict[int, list[ApprovalStep]]:
    """Each application's extra steps: its agreement's, then its programme's (one query)."""
    if not rows:
        return {}
    agreement_ct = ContentType.objects.get_for_model(FrameworkAgreement)
    programme_ct = ContentType.objects.get_for_model(Programme)
    by_target: dict[tuple[int, int], list[ApprovalStep]] = defaultdict(list)
    for step in ApprovalStep.objects.filter(
            Q(content_type=agreement_ct, object_id__in={r.agreement_id for r in rows})
            | Q(content_type=programme_ct,
                object_id__in={r.programme_id for r in rows if r.programme_id})
    ).order_by("position", "pk"):
        by_target[(step.content_type_id, step.object_id)].append(step)
    return {r.pk: [*by_target.get((agreement_ct.pk, r.agreement_id), []),
                   *by_target.get((programme_ct.pk, r.programme_id or 0), [])] for r in rows}


def subject_for(course: CoachingCourse, definitions: list[ApprovalStep]) -> Subject:
    leader = course.leader
    above = leader.leader_above
    active_above = above if above is not None and above.user.is_active else None
    next_up = active_above.leader_above if active_above is not None else None
    ordered = [ApprovalStep(pk=d.pk, position=i, label=d.label, kind=d.kind,
                            person_id=d.person_id, condition=d.condition,
                            condition_value=d.condition_value)
               for i, d in enumerate(definitions, start=1)]
    return Subject(
        kind=KIND, pk=course.pk, organisation_id=course.organisation_id,
        requester_user_id=leader.user_id,
        leader_above_user_id=active_above.user_id if active_above is not None else None,
        next_up_user_id=(next_up.user_id if next_up is not None and next_up.user.is_active
                         else None),
        definitions=ordered, is_talent=leader.is_talent, sessions=course.sessions_allowed,
        requested_at=course.applied_at, deadline=course.semester.starts_on,
        obj=course, title=f"{leader.user.full_name}: {_('coaching')} {course.semester.label}",
        url=reverse("coaching:course_decide", args=[course.uuid]))


def subject_of(course: CoachingCourse) -> Subject:
    return subject_for(course, _definitions([course]).get(course.pk, []))


def cost(course: CoachingCourse) -> str:
    """What the ordering unit pays at most: sessions × length × the agreement's rate."""
    agreement = course.agreement
    amount = minutes_price(course.sessions_allowed * agreement.session_minutes,
                           agreement.hourly_rate)
    return _("NOK %(amount)s ex. VAT, paid by %(unit)s") % {
        "amount": display(amount), "unit": course.ordering_unit.name}


class CourseSource:
    kind = KIND

    def lock_subject(self, pk: int) -> Subject:
        course = (CoachingCourse.objects.select_for_update(of=("self",))
                  .select_related(*_RELATED)
                  .filter(pk=pk, status=CourseStatus.SUBMITTED).first())
        if course is None:
            raise Http404
        return subject_of(course)

    def subjects(self, *, organisation_ids: Sequence[int] | None = None,
                 candidates: Any = None) -> list[Subject]:
        qs = CoachingCourse.objects.filter(status=CourseStatus.SUBMITTED)
        if organisation_ids is not None:
            qs = qs.filter(organisation_id__in=list(organisation_ids))
        if candidates is not None:
            qs = qs.filter(candidates)
        rows = list(qs.select_related(*_RELATED).order_by("applied_at", "pk"))
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
        return q & Q(organisation_id=user.organisation_id)

    def items(self, *, user: User, pairs: list[tuple[Subject, StepSpec, Role]],
              today: dt.date) -> list[ApprovalItem]:
        items = []
        for subject, step, role in pairs:
            course: CoachingCourse = subject.obj
            above = course.leader.leader_above
            items.append(ApprovalItem(
                subject=subject, step=step, role=role, title=subject.title,
                requester_name=course.leader.user.full_name,
                requester_line=f"{course.leader.title}, {course.leader.unit.name}",
                url=subject.url, kind_label=_("Coaching"), cost=cost(course),
                principal_name=(above.user.full_name if above is not None
                                and role.on_behalf_of_id == above.user_id else "")))
        return items

    def decide(self, *, pk: int, step: int, actor: User, approve: bool, reason: str) -> None:
        from . import services

        course = CoachingCourse.objects.filter(pk=pk).first()
        if course is None:
            raise Http404
        services.course_decide(course=course, actor=actor, approve=approve, note=reason,
                               step=step)
