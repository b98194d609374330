"""Reminder source of the network track: confirmed network meetings N days before.

Registered from ``NetworksConfig.ready``; run by ``lib.tasks.reminders_sweep``.
Members and the meeting's facilitator get the calendar file; a fixed number
of queries however many meetings there are.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from lib.emails import absolute_url
from lib.ical import calendar_bytes
from lib.reminder_policy import lead_due, longest_lead, policies
from lib.reminders import Due, already_sent, register_reminder_source

from .models import MeetingStatus, MeetingVote, NetworkMeeting, NetworkMembership
from .selectors import meeting_event


def meeting_reminders(now: dt.datetime) -> Iterator[Due]:
    today = timezone.localdate(now)  # the municipality's date: 23–24 UTC is tomorrow in Oslo
    confirmed = NetworkMeeting.objects.filter(status=MeetingStatus.CONFIRMED, date__gte=today)
    org_ids = set(confirmed.filter(date__lte=today + dt.timedelta(days=60))
                  .values_list("group__plan__programme__organisation_id", flat=True)
                  .order_by().distinct())
    policy_map = policies(org_ids)
    lead = longest_lead(policy_map)
    meetings = (confirmed.filter(date__lte=today + dt.timedelta(days=lead))
                .select_related("group__plan__programme__organisation", "facilitator")
                .prefetch_related(Prefetch(
                    "group__memberships",
                    queryset=NetworkMembership.objects.select_related("leader__user"))))
    sent = already_sent(kind="network_meeting", since=now - dt.timedelta(days=lead + 1))
    for meeting in meetings:
        organisation = meeting.group.plan.programme.organisation
        policy = policy_map.get(organisation.pk)
        if policy is None or not policy.network_meetings_on:
            continue
        days = lead_due(meeting.start, now, policy)
        if days is None:
            continue
        occasion = f"networks.meeting:{meeting.pk}:{days}d"
        people = [m.leader.user for m in meeting.group.memberships.all()]
        if meeting.facilitator is not None:
            people.append(meeting.facilitator)
        ics = calendar_bytes([meeting_event(meeting)])
        context = {"meeting": meeting, "group": meeting.group, "days": days,
                   "url": absolute_url(reverse("networks:meeting_detail", args=[meeting.uuid]))}
        for user in people:
            if user.is_active and (occasion, user.pk) not in sent:
                yield Due(organisation=organisation, occasion=occasion, recipient=user,
                          kind="network_meeting",
                          template_base="emails/networks/meeting_reminder", context=context,
                          ics=ics)


POLL_REMINDER_DAYS = 2  # members who have not answered hear once, this close to the deadline


def poll_reminders(now: dt.datetime) -> Iterator[Due]:
    """Members who have not answered an open date poll, once, in the last days before it
    closes (four queries whatever the number of polls)."""
    today = timezone.localdate(now)  # the municipality's date: 23–24 UTC is tomorrow in Oslo
    meetings = list(NetworkMeeting.objects
                    .filter(status=MeetingStatus.PROPOSED, poll_closes_on__gte=today,
                            poll_closes_on__lte=today + dt.timedelta(days=POLL_REMINDER_DAYS))
                    .select_related("group__plan__programme__organisation")
                    .prefetch_related(Prefetch(
                        "group__memberships",
                        queryset=NetworkMembership.objects.select_related("leader__user"))))
    if not meetings:
        return
    answered = set(MeetingVote.objects.filter(option__meeting__in=meetings)
                   .values_list("option__meeting_id", "leader_id").distinct())
    policy_map = policies({m.group.plan.programme.organisation_id for m in meetings})
    sent = already_sent(kind="network_poll", since=now - dt.timedelta(days=60))
    for meeting in meetings:
        assert meeting.poll_closes_on is not None
        policy = policy_map.get(meeting.group.plan.programme.organisation_id)
        if policy is None or not policy.network_meetings_on:
            continue
        occasion = f"networks.poll:{meeting.pk}:{meeting.poll_closes_on:%Y%m%d}"
        context = {"meeting": meeting, "group": meeting.group,
                   "closes": date_format(meeting.poll_closes_on, "DATE_FORMAT"),
                   "url": absolute_url(reverse("networks:meeting_detail", args=[meeting.uuid]))}
        for membership in meeting.group.memberships.all():
            user = membership.leader.user
            if ((meeting.pk, membership.leader_id) in answered or not user.is_active
                    or (occasion, user.pk) in sent):
                continue
            yield Due(organisation=meeting.group.plan.programme.organisation,
                      occasion=occasion, recipient=user, kind="network_poll",
                      template_base="networks/emails/poll_reminder", context=context)


def register() -> None:
    register_reminder_source("networks.meetings", meeting_reminders)
    register_reminder_source("networks.polls", poll_reminders)
