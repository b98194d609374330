"""Coaching applications as the approval engine (``accounts.approvals``) sees them.

Registered from ``CoachingConfig.ready()``. Step 1 is the leader above (O&F
only when the leader has none, as before); O&F may add steps to the
agreement (e.g. "kommunalsjef confirms more than 3 sessions") and to the
course's programme. The deadline is the semester's first day.
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
from lib.money import display, minutes_price
from programs.models import Programme

from .models import CoachingCourse, CourseStatus, FrameworkAgreement

KIND = "coaching.course"
_RELATED = ("organisation", "leader__user", "leader__unit",
            "leader__leader_above__leader_above__user", "leader__leader_above__user",
            "agreement__supplier", "coach__user", "ordering_unit")


def cost(course: CoachingCourse) -> str:
    """What the ordering unit pays at most: sessions × length × the agreement's rate."""
    agreement = course.agreement
    amount = minutes_price(course.sessions_allowed * agreement.session_minutes,
                           agreement.hourly_rate)
    return _("NOK %(amount)s ex. VAT, paid by %(unit)s") % {
        "amount": display(amount), "unit": course.ordering_unit.name}


class CourseSource(RequestSource):
    kind = KIND
    model = CoachingCourse
    waiting = {"status": CourseStatus.SUBMITTED}
    organisation_field = "organisation_id"
    requested_field = "applied_at"
    related = _RELATED
    targets = ((FrameworkAgreement, attrgetter("agreement_id")),
               (Programme, attrgetter("programme_id")))

    def subject_for(self, row: CoachingCourse, definitions: list[ApprovalStep]) -> Subject:
        leader = row.leader
        above, next_up = chain_of(leader)
        return Subject(
            kind=KIND, pk=row.pk, organisation_id=row.organisation_id,
            requester_user_id=leader.user_id, leader_above_user_id=above,
            next_up_user_id=next_up, definitions=numbered(definitions),
            is_talent=leader.is_talent, sessions=row.sessions_allowed,
            requested_at=row.applied_at, deadline=row.semester.starts_on,
            obj=row, title=f"{leader.user.full_name}: {_('coaching')} {row.semester.label}",
            url=reverse("coaching:course_decide", args=[row.uuid]))

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


SOURCE = CourseSource()


def subject_of(course: CoachingCourse) -> Subject:
    return SOURCE.subject_of(course)
