from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from .documents import document_waits_for_broker, may_view
from .models import GeneratedDocument

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


def get_document_for_user(user: User | AnonymousUser, pk: UUID) -> GeneratedDocument:
    """The document if this user may see it; otherwise 404 (never reveal it exists)."""
    document = GeneratedDocument.objects.visible_to(user).filter(pk=pk).first()
    if document is None or not may_view(user, document):
        raise Http404
    return document


def document_detail(request: HttpRequest, pk: UUID) -> HttpResponse:
    document = get_document_for_user(request.user, pk)
    return render(request, "lib/document_detail.html", {
        "document": document, "waits_for_broker": document_waits_for_broker(document)})


@never_cache
def document_status(request: HttpRequest, pk: UUID) -> JsonResponse:
    document = get_document_for_user(request.user, pk)
    return JsonResponse({
        "status": document.status,
        "status_display": document.get_status_display(),
        "progress": document.progress,
        "ready": document.is_ready,
        "download_url": reverse("lib:document_download", args=[document.pk])
        if document.is_ready else None,
    })


def document_download(request: HttpRequest, pk: UUID) -> FileResponse:
    document = get_document_for_user(request.user, pk)
    if not document.is_ready or not document.file.name:
        raise Http404
    return FileResponse(document.file.open("rb"), as_attachment=True,
                        filename=document.file.name.rsplit("/", 1)[-1],
                        content_type=document.content_type or "application/octet-stream")

