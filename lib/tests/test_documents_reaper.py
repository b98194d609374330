"""Builds whose worker died are sent again once, then failed with a message; none waits forever.

The clock is moved with ``documents_reap(now=…)``; the real-worker story is in
``test_documents_worker_killed.py``.
"""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.utils import timezone, translation

from lib.documents import (
    BuiltFile,
    DocumentBuilder,
    _lost_message,
    document_request,
    document_run,
    document_waits_for_broker,
    documents_reap,
    register_builder,
)
from lib.models import DocumentStatus, GeneratedDocument, OutboxTask

pytestmark = pytest.mark.django_db

KIND = "test.reaper"
register_builder(DocumentBuilder(
    kind=KIND, build=lambda document, progress: BuiltFile(b"Hei", "hei.txt", "text/plain"),
    may_view=lambda user, document: True))


def _document(personas, *, status=DocumentStatus.QUEUED, seen=None, language="nb", **fields):
    now = timezone.now()
    return GeneratedDocument.objects.create(
        organisation=personas.org_a, kind=KIND, title="Oversikt – Ålesund", status=status,
        language=language, expires_at=now + dt.timedelta(days=30), created_at=seen or now,
        heartbeat_at=seen, **fields)


def _later(**delta) -> dt.datetime:
    return timezone.now() + dt.timedelta(**delta)


def test_a_silent_running_build_is_sent_again_once_then_failed_in_the_readers_language(
        personas, django_capture_on_commit_callbacks):
    document = _document(personas, status=DocumentStatus.RUNNING, seen=timezone.now(),
                         attempts=1, language="nn")
    assert documents_reap(now=_later(seconds=30)) == 0  # still beating
    with django_capture_on_commit_callbacks():  # the job is recorded, not sent
        assert documents_reap(now=_later(seconds=61)) == 1
    document.refresh_from_db()
    assert document.status == DocumentStatus.QUEUED and document.requeued
    job = OutboxTask.objects.get(task="lib.tasks.document_build")
    assert job.args == [str(document.pk)]
    OutboxTask.objects.update(sent_at=timezone.now())  # the broker took it

    # The second worker dies too.
    GeneratedDocument.objects.filter(pk=document.pk).update(
        status=DocumentStatus.RUNNING, attempts=2, heartbeat_at=timezone.now())
    assert documents_reap(now=_later(seconds=61)) == 1
    document.refresh_from_db()
    assert document.status == DocumentStatus.FAILED and document.finished_at
    with translation.override("nn"):  # the language of the person who asked
        assert document.error == _lost_message()
    assert OutboxTask.objects.count() == 1  # failed, not sent a third time


def test_a_queued_job_that_left_the_outbox_but_never_started_is_sent_again(
        personas, django_capture_on_commit_callbacks):
    old = timezone.now() - dt.timedelta(minutes=16)
    lost = _document(personas, seen=old)
    OutboxTask.objects.create(task="lib.tasks.document_build", args=[str(lost.pk)],
                              sent_at=old)
    fresh = _document(personas)
    with django_capture_on_commit_callbacks():
        assert documents_reap() == 1
    lost.refresh_from_db()
    fresh.refresh_from_db()
    assert lost.status == DocumentStatus.QUEUED and lost.requeued
    assert not fresh.requeued
    OutboxTask.objects.update(sent_at=timezone.now())  # the broker took the jobs
    # Still nobody starts either: the resent one fails, the other is sent again.
    assert documents_reap(now=_later(minutes=16)) == 2
    lost.refresh_from_db()
    fresh.refresh_from_db()
    assert lost.status == DocumentStatus.FAILED
    assert fresh.status == DocumentStatus.QUEUED and fresh.requeued


def test_a_job_waiting_in_the_outbox_for_the_broker_is_not_lost(personas):
    old = timezone.now() - dt.timedelta(hours=3)
    document = _document(personas, seen=old)
    OutboxTask.objects.create(task="lib.tasks.document_build", args=[str(document.pk)])
    assert document_waits_for_broker(document)
    assert documents_reap() == 0
    document.refresh_from_db()
    assert document.status == DocumentStatus.QUEUED and not document.requeued


def test_finished_documents_are_left_alone(personas):
    old = timezone.now() - dt.timedelta(hours=3)
    done = _document(personas, status=DocumentStatus.DONE, seen=old)
    failed = _document(personas, status=DocumentStatus.FAILED, seen=old)
    assert documents_reap() == 0
    assert {d.status for d in GeneratedDocument.objects.filter(pk__in=[done.pk, failed.pk])} == {
        DocumentStatus.DONE, DocumentStatus.FAILED}


def test_a_build_records_its_attempt_and_heartbeat(personas, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        document = document_request(kind=KIND, organisation=personas.org_a,
                                    requested_by=personas.bob, title="Hilsen")
    document.refresh_from_db()
    assert document.status == DocumentStatus.DONE
    assert document.attempts == 1 and document.heartbeat_at is not None
    assert OutboxTask.objects.get().sent_at is not None


def test_a_build_that_kills_its_worker_every_time_is_failed_not_retried_forever(personas):
    document = _document(personas, status=DocumentStatus.RUNNING, attempts=3, language="en")
    result = document_run(str(document.pk))
    assert result.status == DocumentStatus.FAILED
    assert "Please ask for the file again" in result.error  # in the asker's language (en)


def test_a_job_for_a_purged_document_is_harmless(personas):
    document = _document(personas)
    pk = str(document.pk)
    document.delete()
    assert document_run(pk) is None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_touches_a_running_build(personas, settings):
    """The builder (in this thread) sees the heartbeat thread's committed updates."""
    settings.DOCUMENT_HEARTBEAT_SECONDS = 0.2
    seen: list[dt.datetime] = []

    def slow(document, progress):
        for _ in range(2):
            seen.append(GeneratedDocument.objects.get(pk=document.pk).heartbeat_at)
            time.sleep(1.0)
        return BuiltFile(b"Hei", "hei.txt", "text/plain")

    register_builder(DocumentBuilder(kind="test.reaper.slow", build=slow,
                                     may_view=lambda user, document: True))
    document = _document(personas)
    GeneratedDocument.objects.filter(pk=document.pk).update(kind="test.reaper.slow")
    result = document_run(str(document.pk))
    assert result.status == DocumentStatus.DONE
    assert seen[0] is not None and seen[1] > seen[0]
