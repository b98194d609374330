"""Reminders that go at most once per recipient and occasion.

Track apps register *sources*: functions that, given the time now, yield the
reminders due (``Due``). The beat task ``lib.tasks.reminders_sweep`` runs every
source and calls :func:`reminder_queue` for each; the database's unique
constraint on (occasion, recipient) makes a second sweep, a racing worker or a
retried task harmless. Sending happens in ``lib.tasks.reminder_send`` under a
row lock, so the row flips to ``sent`` in the same transaction that sent it.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.utils import timezone

from .emails import render_email
from .ical import calendar_method, split_calendars
from .models import ReminderStatus, SentReminder
from .outbox import enqueue, enqueue_many

if TYPE_CHECKING:
    from accounts.models import Organisation, User

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Due:
    organisation: Organisation
    occasion: str  # stable key, e.g. "programs.session:42:7d"
    recipient: User
    kind: str  # e.g. "session", "survey", "approval", "digest"
    template_base: str  # emails/<...> triple
    context: dict[str, Any]
    ics: bytes | None = None


Source = Callable[[dt.datetime], Iterable[Due]]
_sources: dict[str, Source] = {}


def register_reminder_source(key: str, source: Source) -> None:
    _sources[key] = source


def reminder_queue(due: Due) -> SentReminder | None:
    """Record and enqueue one reminder; None if it was already recorded.

    A recipient without an email address is recorded as skipped (and logged),
    never retried.
    """
    from .tasks import reminder_send

    reminder = _reminder_row(due)
    try:
        with transaction.atomic():
            reminder.save(force_insert=True)
            if reminder.status == ReminderStatus.PENDING:  # the row and its job, together
                enqueue(reminder_send, reminder.pk)
    except IntegrityError:
        return None
    _log_if_skipped(reminder)
    return reminder


def _log_if_skipped(reminder: SentReminder) -> None:
    if reminder.status == ReminderStatus.SKIPPED:
        logger.warning("reminder %s skipped: user %s has no email", reminder.occasion,
                       reminder.recipient_id)


def _reminder_row(due: Due) -> SentReminder:
    """The unsaved row of one reminder, its email rendered in the recipient's language;
    pending, or skipped when the recipient has no email address."""
    user = due.recipient
    email = render_email(to=user.email or "", template_base=due.template_base,
                         context={**due.context, "recipient": user},
                         language=getattr(user, "language", None))
    return SentReminder(
        organisation=due.organisation, occasion=due.occasion[:120], recipient=user,
        kind=due.kind, status=ReminderStatus.PENDING if user.email else ReminderStatus.SKIPPED,
        subject=email.subject[:300], body=email.body, html=email.html,
        ics=(due.ics or b"").decode("utf-8"))


def already_sent(*, kind: str, since: dt.datetime) -> set[tuple[str, int]]:
    """(occasion, recipient) pairs recorded for ``kind`` since ``since``: one query.

    Sources skip these before rendering to keep a sweep fast; the unique
    constraint on (occasion, recipient) is what guarantees once-only, not this set.
    """
    return set(SentReminder.objects.filter(kind=kind, created_at__gte=since)
               .values_list("occasion", "recipient_id"))


BATCH = 500  # reminders recorded per transaction by a sweep


def reminders_sweep(*, now: dt.datetime | None = None) -> int:
    """Queue every reminder that is due now; returns how many were new.

    Recorded in batches (:func:`reminders_queue_many`): a survey opening for every
    leader of a large municipality makes thousands at once.
    """
    now = now or timezone.now()
    queued = 0
    for key in sorted(_sources):
        batch: list[Due] = []
        for due in _sources[key](now):
            batch.append(due)
            if len(batch) >= BATCH:
                queued += reminders_queue_many(batch)
                batch = []
        queued += reminders_queue_many(batch)
    return queued


def reminders_queue_many(dues: list[Due]) -> int:
    """:func:`reminder_queue` for many: the rows in one insert and their jobs in another,
    in one transaction; returns how many were new.

    Pairs recorded already are left out first; if another sweep records one of the
    rest in between, the unique constraint refuses the insert and the batch is
    recorded one by one instead, each row deciding for itself.
    """
    if not dues:
        return 0
    from .tasks import reminder_send

    keys = {(due.occasion[:120], due.recipient.pk) for due in dues}
    recorded = set(SentReminder.objects.filter(
        occasion__in={occasion for occasion, _ in keys},
        recipient_id__in={recipient for _, recipient in keys})
        .values_list("occasion", "recipient_id"))
    new: dict[tuple[str, int], Due] = {}
    for due in dues:
        key = (due.occasion[:120], due.recipient.pk)
        if key not in recorded:
            new.setdefault(key, due)
    if not new:
        return 0
    rows = [_reminder_row(due) for due in new.values()]
    try:
        with transaction.atomic():
            SentReminder.objects.bulk_create(rows)
            enqueue_many(reminder_send, [(row.pk,) for row in rows
                                         if row.status == ReminderStatus.PENDING])
    except IntegrityError:  # a racing sweep recorded one of them: each row on its own
        return sum(1 for due in new.values() if reminder_queue(due) is not None)
    for row in rows:
        _log_if_skipped(row)
    return len(rows)


def reminder_deliver(reminder_id: int) -> str:
    """Send one recorded reminder unless it is already sent; returns the final status.

    The row stays locked while the message goes out, so two workers cannot
    both send it. If the process dies between sending and commit, the row is
    still pending and the redelivered task sends again: mail is at-least-once
    only inside that window, at-most-once everywhere else.
    """
    with transaction.atomic():
        reminder = (SentReminder.objects.select_for_update().select_related("recipient")
                    .get(pk=reminder_id))
        if reminder.status != ReminderStatus.PENDING:
            return reminder.status
        reminder.attempts += 1
        message = EmailMultiAlternatives(subject=reminder.subject, body=reminder.body,
                                         to=[reminder.recipient.email])
        message.attach_alternative(reminder.html, "text/html")
        for ics in split_calendars(reminder.ics):
            # A change notice is an iTIP message: its METHOD in the MIME type lets
            # Outlook update (or remove) the event already in the calendar.
            method = calendar_method(ics)
            message.attach("invitasjon.ics", ics,
                           f"text/calendar; method={method}" if method else "text/calendar")
        message.send()
        reminder.status = ReminderStatus.SENT
        reminder.sent_at = timezone.now()
        reminder.last_error = ""
        reminder.save(update_fields=["attempts", "status", "sent_at", "last_error"])
        return reminder.status


def reminder_record_failure(reminder_id: int, error: str, *, final: bool) -> None:
    with transaction.atomic():
        reminder = SentReminder.objects.select_for_update().get(pk=reminder_id)
        if reminder.status == ReminderStatus.SENT:
            return
        reminder.attempts += 1
        reminder.last_error = error[:2000]
        if final:
            reminder.status = ReminderStatus.FAILED
        reminder.save(update_fields=["attempts", "last_error", "status"])
