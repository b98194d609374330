"""Two response rules that hold for every view: private pages are not stored
by any cache, and a request body has a size limit.

``PrivateCacheMiddleware`` marks every response to a signed-in user, every
file download and every calendar file ``Cache-Control: private, no-store``
(a shared PC's browser cache or a proxy must not keep Min side, an export or
someone's feed), unless the view chose its own ``Cache-Control``. Static
files never reach it: WhiteNoise answers them earlier, with its own caching.

``RequestSizeLimitMiddleware`` refuses a body larger than an ordinary form
can be (``FORM_POST_MAX_BYTES``) with a 413 page, before CSRF or any view reads
it. Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE`` does not cover the file parts of
a multipart body, so without this any POST would accept (and spool to disk)
30 MB. A view that takes files declares its own limit with :func:`allow_upload`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

PRIVATE = "private, no-store"
# Responses that are files, whoever asked for them.
FILE_TYPES = ("text/calendar", "text/csv", "application/pdf", "application/json",
              "application/vnd.openxmlformats", "application/vnd.ms-excel",
              "application/octet-stream", "application/zip")

View = TypeVar("View", bound=Callable[..., Any])
UPLOAD_ATTRIBUTE = "upload_max_bytes"


def is_file_response(response: HttpResponse) -> bool:
    content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
    return response.has_header("Content-Disposition") or content_type.startswith(FILE_TYPES)


class PrivateCacheMiddleware:
    """``Cache-Control: private, no-store`` on personal pages, downloads and feeds."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.has_header("Cache-Control"):
            return response  # the view decided (the admin's never_cache, say)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or is_file_response(response):
            response["Cache-Control"] = PRIVATE
        return response


def allow_upload(max_bytes: int) -> Callable[[View], View]:
    """Let a view receive a request body (files) of up to ``max_bytes``.

    No view takes files today; one that will is decorated, and the body limit
    of ordinary forms stays small for every other address.
    """

    def decorate(view: View) -> View:
        setattr(view, UPLOAD_ATTRIBUTE, max_bytes)
        return view

    return decorate


def body_limit(view: Callable[..., Any]) -> int:
    """The largest body ``view`` accepts: its declared upload limit or an ordinary form's."""
    declared = getattr(view, UPLOAD_ATTRIBUTE, None)
    if declared is None:  # a class-based view's as_view() keeps the class on .view_class
        declared = getattr(getattr(view, "view_class", None), UPLOAD_ATTRIBUTE, None)
    return int(declared if declared is not None else settings.FORM_POST_MAX_BYTES)


def content_length(request: HttpRequest) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0  # Django reads no body it cannot size


class RequestSizeLimitMiddleware:
    """413 for a body above the view's limit, before CSRF or the view reads it.

    Sits before ``CsrfViewMiddleware``: its ``process_view`` reads the POST
    body, and ``process_view`` hooks run in the order of ``MIDDLEWARE``.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view: Callable[..., Any], args: Any,
                     kwargs: Any) -> HttpResponse | None:
        length = content_length(request)
        if length <= settings.FORM_POST_MAX_BYTES:
            return None
        limit = body_limit(view)
        if length <= limit:
            return None
        return render(request, "lib/request_too_large.html",
                      {"limit_mb": limit / 1_000_000}, status=413)
