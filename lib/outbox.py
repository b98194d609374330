"""Queue Celery work so that a broker outage loses nothing: the transactional outbox.

:func:`enqueue` is the one way the portal queues a job. It writes an
:class:`~lib.models.OutboxTask` row in the caller's transaction, so the job
exists exactly when the work request does, and sends it after the commit. If
the broker cannot be reached the row stays pending, the request still
succeeds, and the beat task ``lib.tasks.outbox_flush`` sends it again every
minute until the broker answers; the row is then marked sent.

A row is sent at least once: a process that dies between publishing and
marking the row sent leaves it pending, and the flush sends it again. Every
task queued here is therefore safe to run twice (a document is built once, a
reminder sent once under its row lock), except ``email_send``, which in that
narrow window may send a second copy.

Sent rows are deleted after :data:`KEEP_SENT` (they hold rendered emails).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any, Literal

from celery import Task, current_app
from celery.utils.imports import symbol_by_name
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone
from kombu.exceptions import OperationalError as KombuOperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from .models import OutboxTask

logger = logging.getLogger(__name__)

# What "the broker is unreachable" looks like when publishing.
BROKER_DOWN: tuple[type[BaseException], ...] = (
    KombuOperationalError, RedisConnectionError, RedisTimeoutError, OSError)
# One quick retry inside a request; the outbox does the patient retrying.
RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2,
                "interval_max": 0.2}
# A row being sent by one process is left alone by the others this long.
CLAIM_SECONDS = 30
KEEP_SENT = dt.timedelta(days=2)

SendResult = Literal["sent", "skipped", "broker_down"]


def enqueue(task: Task | str, *args: Any, **kwargs: Any) -> OutboxTask:
    """Record ``task(*args, **kwargs)`` in this transaction; send it when it commits.

    Arguments must be JSON (ids, strings), as for any Celery task. Returns the
    row; ``row.sent_at`` tells, after the commit, whether the broker took it.
    """
    name = task if isinstance(task, str) else task.name
    row = OutboxTask.objects.create(task=name, args=list(args), kwargs=kwargs)
    transaction.on_commit(lambda: outbox_send(row.pk))
    return row


def enqueue_many(task: Task | str, calls: list[tuple[Any, ...]]) -> list[OutboxTask]:
    """:func:`enqueue` for many calls of one task: one insert, one send after the commit."""
    if not calls:
        return []
    name = task if isinstance(task, str) else task.name
    rows = OutboxTask.objects.bulk_create(
        [OutboxTask(task=name, args=list(args), kwargs={}) for args in calls])
    ids = [row.pk for row in rows]
    transaction.on_commit(lambda: outbox_send_many(ids))
    return rows


CLAIM_CHUNK = 50  # rows claimed at a time: each chunk is published well inside CLAIM_SECONDS


def outbox_send_many(row_ids: list[int]) -> int:
    """Hand many pending rows to the broker, :data:`CLAIM_CHUNK` at a time: each chunk
    claimed in one update and marked sent in one (also when a publish fails midway, so
    what went out is never sent again). Stops at the first broker failure (the flush
    sends the rest); returns how many went."""
    sent_total = 0
    for first in range(0, len(row_ids), CLAIM_CHUNK):
        now = timezone.now()
        chunk = row_ids[first:first + CLAIM_CHUNK]
        claimable = Q(tried_at__isnull=True) | Q(
            tried_at__lt=now - dt.timedelta(seconds=CLAIM_SECONDS))
        OutboxTask.objects.filter(claimable, pk__in=chunk, sent_at__isnull=True).update(
            tried_at=now, attempts=F("attempts") + 1)
        # The rows this call claimed carry its tried_at; others are another process's.
        rows = list(OutboxTask.objects.filter(pk__in=chunk, sent_at__isnull=True, tried_at=now)
                    .order_by("pk"))
        sent: list[int] = []
        try:
            for row in rows:
                _publish(row)
                sent.append(row.pk)
        except BROKER_DOWN as exc:
            logger.warning("broker unreachable: %s of %s rows kept in the outbox: %s",
                           len(rows) - len(sent), len(rows), exc)
            done = set(sent)
            OutboxTask.objects.filter(pk__in=[r.pk for r in rows if r.pk not in done]).update(
                last_error=f"{type(exc).__name__}: {exc}"[:2000])
            return sent_total + len(sent)
        finally:
            if sent:
                OutboxTask.objects.filter(pk__in=sent).update(sent_at=timezone.now(),
                                                              last_error="")
        sent_total += len(sent)
    return sent_total


def _publish(row: OutboxTask) -> None:
    """Send one row's task to the broker (raises one of :data:`BROKER_DOWN` if it is down)."""
    task = _task(row.task)
    if task is not None:
        task.apply_async(args=row.args, kwargs=row.kwargs, retry=True,
                         retry_policy=RETRY_POLICY)
    else:  # a task only the workers know
        current_app.send_task(row.task, args=row.args, kwargs=row.kwargs, retry=True,
                              retry_policy=RETRY_POLICY)


def _claim(row_id: int, now: dt.datetime) -> OutboxTask | None:
    """Take the row for sending unless it is sent or another process is sending it."""
    claimed = OutboxTask.objects.filter(
        Q(tried_at__isnull=True) | Q(tried_at__lt=now - dt.timedelta(seconds=CLAIM_SECONDS)),
        pk=row_id, sent_at__isnull=True,
    ).update(tried_at=now, attempts=F("attempts") + 1)
    return OutboxTask.objects.filter(pk=row_id).first() if claimed else None


def _task(name: str) -> Task | None:
    """The registered task object (so eager mode in tests still runs it inline)."""
    app = current_app
    if name in app.tasks:
        return app.tasks[name]
    try:
        found = symbol_by_name(name)
    except (ImportError, AttributeError):
        return None
    return found if isinstance(found, Task) else None


def outbox_send(row_id: int) -> SendResult:
    """Try to hand one pending row to the broker."""
    row = _claim(row_id, timezone.now())
    if row is None:
        return "skipped"
    try:
        _publish(row)
    except BROKER_DOWN as exc:
        logger.warning("broker unreachable: %s kept in the outbox (row %s, attempt %s): %s",
                       row.task, row.pk, row.attempts, exc)
        OutboxTask.objects.filter(pk=row.pk).update(
            last_error=f"{type(exc).__name__}: {exc}"[:2000])
        return "broker_down"
    OutboxTask.objects.filter(pk=row.pk).update(sent_at=timezone.now(), last_error="")
    return "sent"


def outbox_pending(*, task: str | None = None) -> models.QuerySet[OutboxTask]:
    rows = OutboxTask.objects.filter(sent_at__isnull=True)
    return rows if task is None else rows.filter(task=task)


def outbox_flush(*, now: dt.datetime | None = None, limit: int = 1000) -> int:
    """Send pending rows, oldest first (run by beat every minute); returns how many went.

    Stops at the first broker failure: the rest would fail the same way.
    Also deletes rows sent more than :data:`KEEP_SENT` ago.
    """
    now = now or timezone.now()
    OutboxTask.objects.filter(sent_at__lt=now - KEEP_SENT).delete()
    sent = 0
    for row_id in outbox_pending().order_by("created_at").values_list("pk", flat=True)[:limit]:
        result = outbox_send(row_id)
        if result == "broker_down":
            break  # try again at the next flush
        if result == "sent":
            sent += 1
    return sent
