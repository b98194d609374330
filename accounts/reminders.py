"""Reminders of waiting approval steps: once to the approver, once to whoever it is offered.

A step waiting the municipality's N working days
(``ApprovalPolicy``; sooner near an enrolment deadline) reminds its approver —
the step's principal, or O&F — once: the occasion names the request and the
step. The leader above's first step is reminded here only where O&F have turned
the track's periodic approval reminders off (``ReminderPolicy.approvals_on``):
otherwise those already remind the leader above every N days, and one request
gives one kind of email. When
``accounts.tasks.approvals_escalate`` has offered the step higher up, the new
approver is told once too. Both go through ``lib.reminders``' sent-log.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator

from django.db.models import Q
from django.utils import timezone

from lib.emails import absolute_url
from lib.reminder_policy import policies
from lib.reminders import Due, already_sent, register_reminder_source

from .approvals import LEADER_STEP, Subject, approval_sources, next_step
from .models import Organisation, User
from .services.approvals import policies_for, remind_on, routing_load

KIND = "approval_waiting"


def approval_waiting_reminders(now: dt.datetime) -> Iterator[Due]:
    """Queries: each kind's waiting requests and steps, the routing (four), the policies,
    the sent-log, the municipalities, the people to tell — whatever the number of requests."""
    today = timezone.localdate(now)
    subjects = [s for source in approval_sources() for s in source.subjects()]
    if not subjects:
        return
    routing = routing_load(subjects=subjects, today=today)
    policy_map = policies_for({s.organisation_id for s in subjects})
    reminder_policies = policies({s.organisation_id for s in subjects})
    sent = already_sent(kind=KIND, since=now - dt.timedelta(days=365))
    due: list[tuple[Subject, str, int | None, str]] = []
    for subject in subjects:
        step = next_step(subject, routing.decisions.get(subject.key, []))
        if step is None:
            continue
        ref = (subject.kind, subject.pk, step.number)
        remind = remind_on(subject, policy_map[subject.organisation_id])
        # The leader above's own step is reminded by the track's reminder policy every
        # N days (programs/coaching reminders.py) where O&F keep those on: no second email.
        periodic = step.number == LEADER_STEP and reminder_policies[
            subject.organisation_id].approvals_on
        if not periodic and remind is not None and today >= remind:
            due.append((subject, f"accounts.approval_wait:{subject.kind}:{subject.pk}:"
                        f"{step.number}", step.principal_id, "approval_waiting"))
        if ref in routing.escalations:
            due.append((subject, f"accounts.approval_escalated:{subject.kind}:{subject.pk}:"
                        f"{step.number}", routing.escalations[ref], "approval_escalated"))
    if not due:
        return
    org_ids = {s.organisation_id for s in subjects}
    organisations = Organisation.objects.in_bulk(org_ids)
    admins: dict[int, list[User]] = defaultdict(list)
    people: dict[int, User] = {}
    wanted = {user_id for _s, _o, user_id, _t in due if user_id is not None}
    for user in User.objects.filter(Q(pk__in=wanted) | Q(is_oaf_admin=True,
                                                         organisation_id__in=org_ids),
                                    is_active=True):
        people[user.pk] = user
        if user.is_oaf_admin and user.organisation_id is not None:
            admins[user.organisation_id].append(user)
    for subject, occasion, user_id, template in due:
        recipients = ([people[user_id]] if user_id is not None and user_id in people
                      else admins.get(subject.organisation_id, []))
        waiting = (today - timezone.localdate(subject.requested_at)).days \
            if subject.requested_at else 0
        for user in recipients:
            if (occasion, user.pk) in sent:
                continue
            yield Due(organisation=organisations[subject.organisation_id], occasion=occasion,
                      recipient=user, kind=KIND, template_base=f"emails/accounts/{template}",
                      context={"title": subject.title, "waiting_days": waiting,
                               "url": absolute_url(subject.url)})


def register() -> None:
    register_reminder_source("accounts.approvals_waiting", approval_waiting_reminders)
