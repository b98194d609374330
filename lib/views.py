from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from .documents import document_waits_for_broker, may_view
from .models import GeneratedDocument


def get_document_for_user(user, pk) -> GeneratedDocument:
    """The document if this user may see it; otherwise 404 (never reveal it exists)."""
    document = GeneratedDocument.objects.visible_to(user).filter(pk=pk).first()
    if document is None or not may_view(user, document):
        raise Http404
    return document


def document_detail(request: HttpRequest, pk) -> HttpResponse:
    document = get_document_for_user(request.user, pk)
    return render(request, "lib/document_detail.html", {
        "document": document, "waits_for_broker": document_waits_for_broker(document)})


@never_cache
def document_status(request: HttpRequest, pk) -> JsonResponse:
    document = get_document_for_user(request.user, pk)
    return JsonResponse({
        "status": document.status,
        "status_display": document.get_status_display(),
        "progress": document.progress,
        "ready": document.is_ready,
        "download_url": reverse("lib:document_download", args=[document.pk])
        if document.is_ready else None,
    })


def document_download(request: HttpRequest, pk) -> FileResponse:
    document = get_document_for_user(request.user, pk)
    if not document.is_ready:
        raise Http404
    return FileResponse(document.file.open("rb"), as_attachment=True,
                        filename=document.file.name.rsplit("/", 1)[-1],
                        content_type=document.content_type or "application/octet-stream")


def explain_denied(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Show why access was refused, in the user's language, on the styled 403 page.

    Services raise ``PermissionDenied(reason)``; the reason is written for the
    person asking (e.g. "Only the leader above may approve this request").
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as exc:
            reason = str(exc) or _("You do not have permission to do this.")
            return render(request, "403.html", {"exception": reason}, status=403)

    return wrapper
