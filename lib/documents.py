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
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import DocumentStatus, GeneratedDocument

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
    may_view: Callable[[Any, GeneratedDocument], bool]


_builders: dict[str, DocumentBuilder] = {}


def register_builder(builder: DocumentBuilder) -> None:
    _builders[builder.kind] = builder


def builder_for(kind: str) -> DocumentBuilder:
    try:
        return _builders[kind]
    except KeyError:
        raise ValidationError(_("Unknown kind of document.")) from None


def may_view(user: Any, document: GeneratedDocument) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if not user.is_superuser and user.organisation_id != document.organisation_id:
        return False
    return builder_for(document.kind).may_view(user, document)


def document_request(*, kind: str, organisation: Any, requested_by: Any, title: str,
                     params: dict[str, Any] | None = None,
                     language: str | None = None) -> GeneratedDocument:
    """Create a queued document and build it in Celery after the transaction commits."""
    from .tasks import document_build

    builder_for(kind)  # refuse unknown kinds before anything is stored
    retention = dt.timedelta(days=getattr(settings, "DOCUMENT_RETENTION_DAYS", 30))
    document = GeneratedDocument.objects.create(
        organisation=organisation, kind=kind, title=title[:200], params=params or {},
        requested_by=requested_by if getattr(requested_by, "is_authenticated", False) else None,
        language=language or getattr(requested_by, "language", None) or settings.LANGUAGE_CODE,
        expires_at=timezone.now() + retention,
    )
    transaction.on_commit(lambda: document_build.delay(str(document.pk)))
    return document


def document_run(document_id: str) -> GeneratedDocument:
    """Build one document. Safe to call twice: a finished document is left alone."""
    with transaction.atomic():
        document = GeneratedDocument.objects.select_for_update().get(pk=document_id)
        if document.is_finished:
            return document
        document.status = DocumentStatus.RUNNING
        document.progress = max(document.progress, 1)
        document.save(update_fields=["status", "progress"])

    def progress(percent: int) -> None:
        GeneratedDocument.objects.filter(pk=document.pk).update(
            progress=max(0, min(99, int(percent))))

    try:
        built = builder_for(document.kind).build(document, progress)
    except Exception as exc:
        logger.exception("document %s (%s) failed", document.pk, document.kind)
        GeneratedDocument.objects.filter(pk=document.pk).update(
            status=DocumentStatus.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000],
            finished_at=timezone.now())
        document.refresh_from_db()
        return document
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
