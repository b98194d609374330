"""Change notices: an event moved or cancelled reaches everyone concerned with an
updated .ics, so their calendar program updates (or removes) the event it has.

Each track decides *what* changed and *who* is concerned and calls
:func:`calendar_change_notify` from its service, inside the service's
transaction. This module does the rest once:

- raises the events' SEQUENCE (``lib.models.CalendarSequence``, one row per UID,
  ``F() + 1`` under the row lock the UPDATE takes, so two changes never give the
  same number) — the feeds and downloads read the same rows
  (``lib.ical.calendar_publish``), so a subscribed calendar sees the change too;
- writes per recipient, in their language, a ``METHOD:REQUEST`` (moved) or
  ``METHOD:CANCEL`` / ``STATUS:CANCELLED`` (cancelled) calendar with the same UID
  the feeds use, TENTATIVE for a waiting-list seat;
- records one ``lib.SentReminder`` per recipient and notice (occasion
  ``calendar:<uid>:<sequence>``), whose job is queued through the outbox after
  commit; ``lib.tasks.reminder_send`` sends a row once under its row lock.

An event that is over (before and after the change) is not announced: nobody
needs a calendar update for the past. Its SEQUENCE is raised all the same.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation

from .ical import CalendarEvent, calendar_bytes
from .models import CalendarSequence
from .reminders import Due, reminder_queue

if TYPE_CHECKING:
    from accounts.models import Organisation, User

KIND = "calendar_notice"
TEMPLATE = "emails/lib/calendar_notice"


@dataclass(frozen=True)
class NoticeRecipient:
    user: User
    tentative: bool = False  # on the waiting list: the session is not certain for them


@dataclass
class CalendarChange:
    """One change to announce.

    ``events`` builds the events as they are now; it is called inside each
    reader's language, since a summary may be translated. ``key`` is the UID
    whose sequence names the notice: the one event's, or for a whole module
    its own key. ``before`` is the event as it was (moved only), for the email.
    """

    organisation: Organisation
    key: str
    events: Callable[[], Sequence[CalendarEvent]]
    recipients: Iterable[NoticeRecipient]
    cancelled: bool = False
    before: CalendarEvent | None = None
    title: str = ""  # the email's subject line; empty: the first event's summary
    url: str = ""
    template_base: str = TEMPLATE
    context: dict[str, Any] = field(default_factory=dict)


def is_moved(before: CalendarEvent, after: CalendarEvent) -> bool:
    """Whether a calendar would show the change: time or place."""
    return (before.start, before.end, before.location) != (after.start, after.end, after.location)


def sequence_bump(uids: Iterable[str]) -> dict[str, int]:
    """Raise each event's SEQUENCE by one; returns the new numbers (three queries).

    Must run in the transaction that changes the events: the UPDATE locks the rows
    until it commits, so a concurrent change waits and then counts on from ours.
    """
    wanted = sorted(set(uids))
    with transaction.atomic():
        CalendarSequence.objects.bulk_create(
            [CalendarSequence(uid=uid, sequence=0) for uid in wanted], ignore_conflicts=True)
        CalendarSequence.objects.filter(uid__in=wanted).update(
            sequence=F("sequence") + 1, changed_at=timezone.now())
        return dict(CalendarSequence.objects.filter(uid__in=wanted)
                    .values_list("uid", "sequence"))


def _still_ahead(events: Sequence[CalendarEvent], before: CalendarEvent | None,
                 now: dt.datetime) -> list[CalendarEvent]:
    ahead = [e for e in events if e.end > now]
    if not ahead and before is not None and before.end > now:
        return list(events)  # moved from the future into the past: still tell them
    return ahead


def calendar_change_notify(change: CalendarChange, *, now: dt.datetime | None = None) -> int:
    """Raise the SEQUENCE of the changed events and queue one notice per recipient.

    Returns how many notices were newly recorded (0 for an event in the past, or
    when this change was already announced). Nothing is sent before commit.
    """
    now = now or timezone.now()
    uids = [e.uid for e in change.events()]
    sequences = sequence_bump([*uids, change.key])
    occasion = f"calendar:{change.key}:{sequences[change.key]}"
    method = "CANCEL" if change.cancelled else "REQUEST"
    seen: set[int] = set()
    queued = 0
    for recipient in change.recipients:
        user = recipient.user
        if user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        with translation.override(user.language or None):
            events = _still_ahead(change.events(), change.before, now)
            if not events:
                continue
            events = [replace(e, sequence=sequences.get(e.uid, e.sequence),
                              cancelled=e.cancelled or change.cancelled,
                              tentative=e.tentative or recipient.tentative) for e in events]
            # One calendar per event: an iTIP message carries one UID.
            ics = b"".join(calendar_bytes([e], name=e.summary, method=method,
                                          attendee=user.email or "") for e in events)
            context = {**change.context, "cancelled": change.cancelled,
                       "tentative": recipient.tentative, "url": change.url,
                       "title": change.title or events[0].summary,
                       "events": [_shown(e) for e in events],
                       "before": _shown(change.before) if change.before else None}
        if reminder_queue(Due(organisation=change.organisation, occasion=occasion,
                              recipient=user, kind=KIND, template_base=change.template_base,
                              context=context, ics=ics)) is not None:
            queued += 1
    return queued


def _shown(event: CalendarEvent) -> dict[str, Any]:
    """What the email shows of an event, in local time."""
    return {"summary": event.summary, "start": timezone.localtime(event.start),
            "end": timezone.localtime(event.end), "location": event.location}
