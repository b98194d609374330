"""Files made by Celery jobs: PDFs and CSVs that a page asks for and then polls.

An app registers a builder for a ``kind`` (usually in ``AppConfig.ready``)::

    register_builder(DocumentBuilder(
        kind="groups.poster_pdf",
        build=build_poster_pdf,          # (document, progress) -> BuiltFile
        may_view=may_view_poster_pdf,    # (user, document) -> bool
    ))

A view calls :func:`document_request`; the task :func:`lib.tasks.document_build`
runs the builder, stores the file and marks the row done (or failed); the page
at ``lib:document_detail`` polls ``lib:document_status`` and offers the
download. The row is only ever built once, even if the task runs twice.

The job goes through the outbox (:mod:`lib.outbox`): with the broker down the
request still succeeds and the build starts when the broker is back. While a
worker builds, a heartbeat thread touches ``heartbeat_at``; the beat sweep
:func:`documents_reap` sends a build whose worker went silent (killed, lost its
machine) once more, and fails it with a message the second time, so no page
waits for ever.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connections, transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import DocumentStatus, GeneratedDocument
from .outbox import enqueue, outbox_pending
from .scoping import scope

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import Organisation, User

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class BuiltFile:
    content: bytes
    filename: str
    content_type: str = "application/pdf"


Progress = Callable[[int], None]


@dataclass(frozen=True)
class DocumentBuilder:
    kind: str
    build: Callable[[GeneratedDocument, Progress], BuiltFile]
    # Asked only for a signed-in user of the document's municipality (or a superuser).
    may_view: Callable[[User, GeneratedDocument], bool]
    label: Any = None  # what the admin's job list calls this kind (gettext_lazy)


_builders: dict[str, DocumentBuilder] = {}


def register_builder(builder: DocumentBuilder) -> None:
    _builders[builder.kind] = builder


def builder_for(kind: str) -> DocumentBuilder:
    try:
        return _builders[kind]
    except KeyError:
        raise ValidationError(_("Unknown kind of document."), code="unknown_kind") from None


def kind_label(kind: str) -> str:
    """The kind of document in the reader's language; the code only if nobody named it."""
    builder = _builders.get(kind)
    return str(builder.label) if builder is not None and builder.label else kind


def kind_choices() -> list[tuple[str, str]]:
    """Every registered kind with its name, by name (the admin's filter)."""
    return sorted(((kind, kind_label(kind)) for kind in _builders), key=lambda pair: pair[1])


def may_view(user: User | AnonymousUser, document: GeneratedDocument) -> bool:
    if not user.is_authenticated:
        return False
    if not user.is_superuser and user.organisation_id != document.organisation_id:
        return False
    return builder_for(document.kind).may_view(user, document)


def document_request(*, kind: str, organisation: Organisation,
                     requested_by: User | AnonymousUser | None, title: str,
                     params: dict[str, Any] | None = None,
                     language: str | None = None) -> GeneratedDocument:
    """Create a queued document and build it in Celery after the transaction commits.

    With the broker unreachable the document stays queued and its job waits in
    the outbox; :func:`document_waits_for_broker` tells the page so.
    """
    from .tasks import document_build

    builder_for(kind)  # refuse unknown kinds before anything is stored
    retention = dt.timedelta(days=getattr(settings, "DOCUMENT_RETENTION_DAYS", 30))
    requester = requested_by if requested_by and requested_by.is_authenticated else None
    with transaction.atomic():  # the document and its job exist together or not at all
        document = GeneratedDocument.objects.create(
            organisation=organisation, kind=kind, title=title[:200], params=params or {},
            requested_by=requester,
            language=(language or (requester.language if requester else None)
                      or settings.LANGUAGE_CODE),
            expires_at=timezone.now() + retention,
        )
        enqueue(document_build, str(document.pk))
    return document


def document_waits_for_broker(document: GeneratedDocument) -> bool:
    """Whether the document's job is still in the outbox (the broker was unreachable)."""
    from .tasks import document_build

    return (document.status == DocumentStatus.QUEUED
            and outbox_pending(task=document_build.name).filter(
                args=[str(document.pk)]).exists())


def _lost_message() -> str:
    return _("Making the file was interrupted because the server doing it stopped. "
             "Please ask for the file again.")


class _Heartbeat(threading.Thread):
    """Touches the row every ``DOCUMENT_HEARTBEAT_SECONDS`` while the build runs.

    A build may spend minutes inside one library call without reporting progress;
    the heartbeat tells :func:`documents_reap` that its worker is still alive.
    """

    def __init__(self, document_id: Any) -> None:
        super().__init__(name=f"heartbeat-{document_id}", daemon=True)
        self.document_id = document_id
        self.interval = float(getattr(settings, "DOCUMENT_HEARTBEAT_SECONDS", 15))
        self.done = threading.Event()

    def run(self) -> None:
        try:
            while not self.done.wait(self.interval):
                GeneratedDocument.objects.filter(
                    pk=self.document_id, status=DocumentStatus.RUNNING,
                ).update(heartbeat_at=timezone.now())
        except Exception:  # a missed beat is retried; a dead database fails the build anyway
            logger.warning("document %s: heartbeat failed", self.document_id, exc_info=True)
        finally:
            connections.close_all()  # this thread's own connection, if it opened one

    def stop(self) -> None:
        self.done.set()
        self.join(timeout=2)


def document_run(document_id: str) -> GeneratedDocument | None:
    """Build one document. Safe to call twice: a finished document is left alone.

    None if the row is gone (purged, or its municipality deleted) before a worker
    got to it. A document that has been started three times (a build that kills
    its worker each time) is failed instead of being tried again.
    """
    with transaction.atomic():
        document = GeneratedDocument.objects.select_for_update().filter(pk=document_id).first()
        if document is None or document.is_finished:
            return document
        if document.attempts >= 3:
            document.status = DocumentStatus.FAILED
            document.error = _translated(document, _lost_message)
            document.finished_at = timezone.now()
            document.save(update_fields=["status", "error", "finished_at"])
            return document
        document.status = DocumentStatus.RUNNING
        document.progress = max(document.progress, 1)
        document.attempts += 1
        document.heartbeat_at = timezone.now()
        document.save(update_fields=["status", "progress", "attempts", "heartbeat_at"])

    document_pk = document.pk

    def progress(percent: int) -> None:
        GeneratedDocument.objects.filter(pk=document_pk).update(
            progress=max(0, min(99, int(percent))), heartbeat_at=timezone.now())

    heartbeat = _Heartbeat(document.pk)
    heartbeat.start()
    try:
        # The build acts for the document's municipality: the ORM guard is armed.
        with scope(document.organisation_id):
            built = builder_for(document.kind).build(document, progress)
    except Exception as exc:
        logger.exception("document %s (%s) failed", document.pk, document.kind)
        GeneratedDocument.objects.filter(pk=document.pk).update(
            status=DocumentStatus.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000],
            finished_at=timezone.now())
        document.refresh_from_db()
        return document
    finally:
        heartbeat.stop()
    with transaction.atomic():
        document = GeneratedDocument.objects.select_for_update().get(pk=document_id)
        if document.is_finished:  # another worker got there first
            return document
        document.file.save(built.filename, ContentFile(built.content), save=False)
        document.content_type = built.content_type
        document.status = DocumentStatus.DONE
        document.progress = 100
        document.finished_at = timezone.now()
        document.save()
    return document


def documents_purge_expired(*, now: dt.datetime | None = None) -> int:
    """Delete expired documents and their files; returns how many went."""
    now = now or timezone.now()
    expired = list(GeneratedDocument.objects.filter(expires_at__lt=now))
    for document in expired:
        if document.file:
            document.file.delete(save=False)
        document.delete()
    return len(expired)


def _translated(document: GeneratedDocument, message: Callable[[], str]) -> str:
    """The message in the language of the person who asked (they read it on the page)."""
    with translation.override(document.language or settings.LANGUAGE_CODE):
        return str(message())


def documents_reap(*, now: dt.datetime | None = None) -> int:
    """Send again, or fail, documents whose build was lost (beat, every 30 seconds).

    * *running* with no heartbeat for ``DOCUMENT_STALE_SECONDS`` (60): its worker
      died. Sent again once; the second time it is failed with a message.
    * *queued* for ``DOCUMENT_QUEUED_MINUTES`` (15) although its job left the
      outbox: the message was lost (a worker killed while holding it). The same.

    A job still waiting in the outbox (broker down) is left alone: it is not lost.
    Returns how many documents were sent again or failed.
    """
    from .tasks import document_build

    now = now or timezone.now()
    stale = now - dt.timedelta(seconds=int(getattr(settings, "DOCUMENT_STALE_SECONDS", 60)))
    waited = now - dt.timedelta(minutes=int(getattr(settings, "DOCUMENT_QUEUED_MINUTES", 15)))
    waiting_for_broker = [
        args[0] for args in outbox_pending(task=document_build.name).values_list(
            "args", flat=True) if args]
    lost_ids = list(
        GeneratedDocument.objects.annotate(seen=Coalesce("heartbeat_at", "created_at"))
        .filter(Q(status=DocumentStatus.RUNNING, seen__lt=stale)
                | Q(status=DocumentStatus.QUEUED, seen__lt=waited))
        .exclude(pk__in=waiting_for_broker)
        .values_list("pk", flat=True))
    handled = 0
    for document_id in lost_ids:
        with transaction.atomic():
            document = (GeneratedDocument.objects.select_for_update(skip_locked=True)
                        .filter(pk=document_id).first())
            if document is None or document.is_finished:
                continue
            seen = document.heartbeat_at or document.created_at
            if seen >= (stale if document.status == DocumentStatus.RUNNING else waited):
                continue  # it came back to life since the query above
            if document.requeued:
                logger.error("document %s (%s) lost its build twice; failed",
                             document.pk, document.kind)
                document.status = DocumentStatus.FAILED
                document.error = _translated(document, _lost_message)
                document.finished_at = now
                document.save(update_fields=["status", "error", "finished_at"])
            else:
                logger.warning("document %s (%s) lost its build (%s); sent again",
                               document.pk, document.kind, document.status)
                document.status = DocumentStatus.QUEUED
                document.requeued = True
                document.heartbeat_at = now
                document.save(update_fields=["status", "requeued", "heartbeat_at"])
                enqueue(document_build, str(document.pk))
            handled += 1
    return handled
