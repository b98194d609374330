"""Reminder source of the leader-group track: the group's process sessions.

Registered from ``GroupsConfig.ready``; run by ``lib.tasks.reminders_sweep``.
Members, the head and the facilitator are reminded N days before each session
not yet held, with the calendar file attached — a fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models import Prefetch
from django.urls import reverse

from lib.emails import absolute_url
from lib.ical import CalendarEvent, calendar_bytes
from lib.reminder_policy import lead_due, longest_lead, policies
from lib.reminders import Due, already_sent, register_reminder_source

from .models import LeaderGroupMembership, ProcessSession


def session_reminders(now: dt.datetime) -> Iterator[Due]:
    horizon = now + dt.timedelta(days=60)
    org_ids = set(ProcessSession.objects
                  .filter(planned_at__gt=now, planned_at__lte=horizon, held_on__isnull=True)
                  .values_list("process__group__organisation_id", flat=True).order_by().distinct())
    policy_map = policies(org_ids)
    lead = longest_lead(policy_map)
    sessions = (ProcessSession.objects
                .filter(planned_at__gt=now, planned_at__lte=now + dt.timedelta(days=lead),
                        held_on__isnull=True)
                .select_related("process__group__organisation", "process__group__head__user",
                                "process__facilitator")
                .prefetch_related(Prefetch(
                    "process__group__memberships",
                    queryset=LeaderGroupMembership.objects.select_related("leader__user"))))
    sent = already_sent(kind="group_session", since=now - dt.timedelta(days=lead + 1))
    for session in sessions:
        group = session.process.group
        policy = policy_map.get(group.organisation_id)
        if policy is None or not policy.sessions_on:
            continue
        days = lead_due(session.planned_at, now, policy)
        if days is None:
            continue
        occasion = f"groups.session:{session.pk}:{days}d"
        people = {m.leader.user.pk: m.leader.user for m in group.memberships.all()}
        people[group.head.user.pk] = group.head.user
        if session.process.facilitator is not None:
            people[session.process.facilitator.pk] = session.process.facilitator
        url = absolute_url(reverse("groups:progress", args=[group.public_id]))
        ics = calendar_bytes([CalendarEvent(
            uid=f"groups-session-{session.pk}", start=session.planned_at, end=session.ends_at,
            summary=f"{session.get_kind_display().capitalize()}: {group.name}",
            location=session.location, description=session.topic or session.meeting, url=url)])
        context = {"session": session, "group": group, "days": days, "url": url}
        for user in people.values():
            if user.is_active and (occasion, user.pk) not in sent:
                yield Due(organisation=group.organisation, occasion=occasion, recipient=user,
                          kind="group_session", template_base="emails/groups/session_reminder",
                          context=context, ics=ics)


def register() -> None:
    register_reminder_source("groups.sessions", session_reminders)
