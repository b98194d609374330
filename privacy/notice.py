"""The privacy statement at first login: each user is sent to it once per version.

At login (``user_logged_in``) one query asks whether the user's municipality has
a statement the user has not been shown in its current version; if so the
session remembers it, and :class:`PrivacyNoticeMiddleware` sends the next page
request there once (then the flag is gone, whatever the user does). Reading it
and going on records the version (``privacy_acknowledge``), so the next login
goes straight to Min side. A municipality without a statement sends no one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode

SESSION_KEY = "privacy_notice"
# Where the notice never interrupts: the admin, the statement itself, files and feeds.
PASS_THROUGH = ("/admin/", "/personvern/", "/tilgjengelighet/", "/static/", "/media/",
                "/konto/", "/kalender/", "/dokumenter/", "/healthz", "/favicon.ico", "/sprak/")


def notice_on_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    from .services import privacy_pending

    if request is None or not hasattr(request, "session"):
        return
    if privacy_pending(user=user) is not None:
        request.session[SESSION_KEY] = True


class PrivacyNoticeMiddleware:
    """Send a user who has a pending privacy statement to it, once, on a page GET."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if (session is not None and request.method == "GET" and session.get(SESSION_KEY)
                and not request.path.startswith(PASS_THROUGH)
                and request.headers.get("x-requested-with") != "XMLHttpRequest"):
            del session[SESSION_KEY]
            target = reverse("privacy:privacy")
            return HttpResponseRedirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
