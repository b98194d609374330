from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers


class LanguageMiddleware:
    """Pick the page language: the account's choice, else the cookie, else bokmål.

    Replaces Django's LocaleMiddleware on purpose: the browser's
    Accept-Language is ignored, because many municipal PCs run English
    browsers while the portal's default language is Norwegian bokmål. Runs
    after AuthenticationMiddleware so the choice follows the person to any
    device.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.available = {code for code, _ in settings.LANGUAGES}

    def language_for(self, request: HttpRequest) -> str:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language in self.available:
            return user.language
        cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if cookie in self.available:
            return cookie
        return settings.LANGUAGE_CODE

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = self.language_for(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


class SessionActivityMiddleware:
    """Keep a login alive while it is used, writing the session at most once a minute.

    A login expires after ``SESSION_COOKIE_AGE`` seconds without activity. Django's
    ``SESSION_SAVE_EVERY_REQUEST`` would do that with a database write on every
    page view; this touches the session only when the last recorded activity is
    older than ``SESSION_ACTIVITY_RESOLUTION`` seconds (60), so the expiry is
    exact to the minute and a busy leader's pages cost no write. Sits after
    SessionMiddleware, which saves a touched session and renews its expiry.
    """

    KEY = "_last_activity"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.resolution = int(getattr(settings, "SESSION_ACTIVITY_RESOLUTION", 60))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is not None and user is not None and user.is_authenticated:
            now = int(time.time())
            if now - int(session.get(self.KEY, 0)) >= self.resolution:
                session[self.KEY] = now
        return response


class MFARequiredMiddleware:
    """Two-factor sign-in before any page (:func:`accounts.mfa.mfa_gate`): O&F and
    superusers without an authenticator set one up; a session that signed in past the
    code (the admin's login page) gives one. Runs after the messages middleware, and in
    ``process_view`` so it knows the page by its URL name."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: Callable, view_args: tuple,
                     view_kwargs: dict) -> HttpResponse | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        from .mfa import mfa_gate

        match = request.resolver_match
        return mfa_gate(request, user, match.view_name if match else "")
