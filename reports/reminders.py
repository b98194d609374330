"""The weekly digest for each facilitator: what they lead in the next two weeks.

It spans every track, so it lives here rather than in one track app. Sent on
the municipality's digest weekday; the occasion is the ISO week, so a week
gets one digest however many sweeps run that day. Five queries in all.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils import timezone

from accounts.models import User
from groups.models import ProcessSession
from lib.emails import absolute_url
from lib.reminder_policy import policies, register_policy_provider
from lib.reminders import Due, already_sent, register_reminder_source
from networks.models import MeetingStatus, NetworkMeeting
from programs.models import Gathering, ModuleSession, ModuleStatus

from .services import policies_get

DIGEST_DAYS = 14


@dataclass(frozen=True)
class DigestItem:
    start: dt.datetime
    what: str
    title: str
    place: str


def _items(user_ids: list[int], first: dt.date, last: dt.date) -> dict[int, list[DigestItem]]:
    items: dict[int, list[DigestItem]] = defaultdict(list)
    through = ModuleSession.facilitators.through
    for row in (through.objects.filter(user_id__in=user_ids, modulesession__date__gte=first,
                                       modulesession__date__lte=last,
                                       modulesession__module__status=ModuleStatus.PUBLISHED)
                .select_related("modulesession__module")):
        s = row.modulesession
        items[row.user_id].append(DigestItem(s.start, "module_session", str(s.module.topic),
                                             s.place))
    through = Gathering.advisers.through
    for row in (through.objects.filter(user_id__in=user_ids, gathering__date__gte=first,
                                       gathering__date__lte=last)
                .select_related("gathering__programme")):
        g = row.gathering
        items[row.user_id].append(DigestItem(g.start, "gathering",
                                             f"{g.programme.name}: {g.theme}", g.place))
    start = timezone.make_aware(dt.datetime.combine(first, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min))
    for s in (ProcessSession.objects.filter(process__facilitator_id__in=user_ids,
                                            planned_at__gte=start, planned_at__lt=end,
                                            held_on__isnull=True)
              .select_related("process__group")):
        items[s.process.facilitator_id].append(DigestItem(
            s.planned_at, "group_session", s.process.group.name, s.location))
    for m in (NetworkMeeting.objects.filter(facilitator_id__in=user_ids, date__gte=first,
                                            date__lte=last, status=MeetingStatus.CONFIRMED)
              .select_related("group")):
        begin = m.start  # a date whose time is to be agreed counts from the day's start
        items[m.facilitator_id].append(DigestItem(begin, "network_meeting", m.group.name,
                                                  m.place))
    for entries in items.values():
        entries.sort(key=lambda item: item.start)
    return items


def facilitator_digests(now: dt.datetime) -> Iterator[Due]:
    today = timezone.localdate(now)
    facilitators = list(User.objects.filter(is_facilitator=True, is_active=True,
                                            organisation__isnull=False)
                        .select_related("organisation"))
    if not facilitators:
        return
    policy_map = policies({u.organisation_id for u in facilitators})
    chosen = [u for u in facilitators
              if policy_map[u.organisation_id].digest_on
              and policy_map[u.organisation_id].digest_weekday == today.weekday()]
    if not chosen:
        return
    year, week, _ = today.isocalendar()
    occasion = f"reports.digest:{year}-W{week:02d}"
    sent = already_sent(kind="digest", since=now - dt.timedelta(days=7))
    chosen = [u for u in chosen if (occasion, u.pk) not in sent]
    last = today + dt.timedelta(days=DIGEST_DAYS - 1)
    items = _items([u.pk for u in chosen], today, last)
    for user in chosen:
        yield Due(organisation=user.organisation, occasion=occasion, recipient=user,
                  kind="digest", template_base="emails/reports/facilitator_digest",
                  context={"items": items.get(user.pk, []), "first": today, "last": last,
                           "url": absolute_url("/")})


def register() -> None:
    # The track apps' sources read the policy through lib, never importing reports.
    register_policy_provider(policies_get)
    register_reminder_source("reports.digest", facilitator_digests)
