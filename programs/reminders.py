"""Reminder sources of the deepening track: module sessions, gatherings, waiting approvals.

Registered from ``ProgramsConfig.ready``; run by ``lib.tasks.reminders_sweep``.
Each source reads its rows in a fixed number of queries, however many there are.
The seat given from the waiting list goes through the same once-only log from
``programs.notifications.seat_given_to_leader`` at the moment it happens.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from accounts.models import Leader, User
from lib.emails import absolute_url
from lib.ical import calendar_bytes
from lib.reminder_policy import lead_due, longest_lead, policies
from lib.reminders import Due, already_sent, register_reminder_source

from .models import (
    Enrollment,
    EnrollmentStatus,
    Gathering,
    ModuleSession,
    ModuleStatus,
)
from .selectors import gathering_event, session_event


def _organisations_in_window(model, lookup: str, today: dt.date, until: dt.date) -> list[int]:
    return list(model.objects.filter(date__gte=today, date__lte=until)
                .values_list(lookup, flat=True).order_by().distinct())


def session_reminders(now: dt.datetime) -> Iterator[Due]:
    """Seated leaders and facilitators, N days before each session of a published module."""
    today = timezone.localdate(now)  # the municipality's date: 23–24 UTC is tomorrow in Oslo
    org_ids = _organisations_in_window(ModuleSession, "module__programme__organisation_id",
                                       today, today + dt.timedelta(days=60))
    policy_map = policies(org_ids)
    lead = longest_lead(policy_map)
    sessions = (ModuleSession.objects
                .filter(date__gte=today, date__lte=today + dt.timedelta(days=lead),
                        module__status=ModuleStatus.PUBLISHED)
                .select_related("module__programme__organisation")
                .prefetch_related(
                    Prefetch("module__enrollments",
                             queryset=Enrollment.objects.filter(status=EnrollmentStatus.SEATED)
                             .select_related("leader__user"), to_attr="seated"),
                    "facilitators"))
    sent = already_sent(kind="session", since=now - dt.timedelta(days=lead + 1))
    for session in sessions:
        module = session.module
        policy = policy_map.get(module.programme.organisation_id)
        if policy is None or not policy.sessions_on:
            continue
        days = lead_due(session.start, now, policy)
        if days is None:
            continue
        occasion = f"programs.session:{session.pk}:{days}d"
        recipients = [e.leader.user for e in module.seated] + list(session.facilitators.all())
        ics = calendar_bytes([session_event(session)])
        context = {"session": session, "module": module, "days": days,
                   "url": absolute_url(reverse("programs:module_detail", args=[module.uuid]))}
        for user in recipients:
            if user.is_active and (occasion, user.pk) not in sent:
                yield Due(organisation=module.programme.organisation, occasion=occasion,
                          recipient=user, kind="session",
                          template_base="emails/programs/session_reminder",
                          context=context, ics=ics)


def gathering_reminders(now: dt.datetime) -> Iterator[Due]:
    """Programme participants and advisers, N days before each gathering."""
    today = timezone.localdate(now)  # the municipality's date: 23–24 UTC is tomorrow in Oslo
    org_ids = _organisations_in_window(Gathering, "programme__organisation_id",
                                       today, today + dt.timedelta(days=60))
    policy_map = policies(org_ids)
    lead = longest_lead(policy_map)
    gatherings = (Gathering.objects
                  .filter(date__gte=today, date__lte=today + dt.timedelta(days=lead))
                  .select_related("programme__organisation")
                  .prefetch_related(
                      Prefetch("programme__participants",
                               queryset=Leader.objects.select_related("user")),
                      "advisers"))
    sent = already_sent(kind="gathering", since=now - dt.timedelta(days=lead + 1))
    for gathering in gatherings:
        programme = gathering.programme
        policy = policy_map.get(programme.organisation_id)
        if policy is None or not policy.gatherings_on:
            continue
        days = lead_due(gathering.start, now, policy)
        if days is None:
            continue
        occasion = f"programs.gathering:{gathering.pk}:{days}d"
        recipients = ([leader.user for leader in programme.participants.all()]
                      + list(gathering.advisers.all()))
        ics = calendar_bytes([gathering_event(gathering)])
        context = {"gathering": gathering, "programme": programme, "days": days,
                   "url": absolute_url(reverse("programs:programme_detail", args=[programme.slug]))}
        for user in recipients:
            if user.is_active and (occasion, user.pk) not in sent:
                yield Due(organisation=programme.organisation, occasion=occasion,
                          recipient=user, kind="gathering",
                          template_base="emails/programs/gathering_reminder",
                          context=context, ics=ics)


def approval_reminders(now: dt.datetime) -> Iterator[Due]:
    """Module requests still waiting: the leader above (else O&F) every N days.

    The first request email goes from the service; reminders start one
    interval later. The occasion carries the interval bucket, so each bucket
    reminds once.
    """
    waiting = list(Enrollment.objects
                   .filter(status=EnrollmentStatus.REQUESTED,
                           requested_at__lte=now - dt.timedelta(days=1))
                   .select_related("leader__user", "leader__leader_above__user",
                                   "module__programme__organisation"))
    if not waiting:
        return
    org_ids = {e.module.programme.organisation_id for e in waiting}
    policy_map = policies(org_ids)
    sent = already_sent(kind="approval", since=now - dt.timedelta(days=61))
    admins: dict[int, list[User]] = {}
    for user in User.objects.filter(organisation_id__in=org_ids, is_oaf_admin=True,
                                    is_active=True):
        admins.setdefault(user.organisation_id, []).append(user)
    for enrollment in waiting:
        organisation = enrollment.module.programme.organisation
        policy = policy_map[organisation.pk]
        if not policy.approvals_on:
            continue
        bucket = (now - enrollment.requested_at).days // policy.approval_interval_days
        if bucket < 1:
            continue
        above = enrollment.leader.leader_above
        approvers = ([above.user] if above is not None and above.user.is_active
                     else admins.get(organisation.pk, []))
        occasion = f"programs.approval:{enrollment.pk}:{bucket}"
        context = {"enrollment": enrollment, "module": enrollment.module,
                   "leader": enrollment.leader,
                   "waiting_days": (now - enrollment.requested_at).days,
                   "url": absolute_url(reverse("programs:enrollment_detail",
                                           args=[enrollment.uuid]))}
        for user in approvers:
            if (occasion, user.pk) in sent:
                continue
            yield Due(organisation=organisation, occasion=occasion, recipient=user,
                      kind="approval", template_base="emails/programs/approval_reminder",
                      context=context)


def register() -> None:
    register_reminder_source("programs.sessions", session_reminders)
    register_reminder_source("programs.gatherings", gathering_reminders)
    register_reminder_source("programs.approvals", approval_reminders)
