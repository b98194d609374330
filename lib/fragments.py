"""Per-user caching of the expensive parts of the busiest pages, with safe invalidation.

Min side, the module list, a survey's answer page and a purpose poster are read far
more often than anything on them changes. Their main content is rendered once and
kept in the shared cache (Redis) under a key made of

* the fragment's name and the view's own arguments,
* the user, the active language and today's date,
* the user's CSRF secret (forms inside the fragment carry a token for it),
* two generation stamps: one for the user's municipality and one for everything.

Access is always checked by the view *before* it asks for a fragment; the cache only
saves the rendering. Nothing is ever served across users.

Invalidation is coarse on purpose, so it cannot be forgotten by a new feature:

* every state-changing request (POST, PUT, PATCH, DELETE — the portal's and the
  admin's) bumps the generation of the acting user's municipality when it ends
  (:class:`FragmentInvalidationMiddleware`); a user without a municipality (a
  superuser) or an anonymous one (a signed survey link) bumps the global one;
* every Celery task that finishes bumps the global generation (reminders, seat
  release, imports: see ``lib.apps``);
* ``seed_demo`` bumps the global generation;
* a fragment lives at most ``FRAGMENT_CACHE_SECONDS`` (60 s by default), which bounds
  what only the clock changes within a day ("starts in 10 minutes").

When Redis is unreachable, the cache (:mod:`lib.cache`) answers every call as a miss
and pages are rendered afresh. A bump lost in such an outage could leave stale
fragments behind once Redis answers again, so for ``FRAGMENT_CACHE_SECONDS`` after
the last failure nothing is served from the cache: by then every older entry has expired.

``FRAGMENT_CACHE_SECONDS = 0`` switches caching off. It is off when the cache is
process-local (no ``REDIS_URL``: the web server and the worker could not see each
other's bumps) and in the test settings, where tests change rows directly; the
tests of this module switch it on.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone, translation

from .cache import cache_failed_within

GLOBAL_KEY = "fragments:gen:all"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def _org_key(organisation_id: int | None) -> str:
    return f"fragments:gen:org:{organisation_id}"


def fragment_seconds() -> int:
    return int(getattr(settings, "FRAGMENT_CACHE_SECONDS", 0))


def fragments_invalidate(*, organisation_id: int | None = None) -> None:
    """Make every cached fragment of one municipality (or, with None, of all) stale."""
    if not fragment_seconds():
        return
    stamp = time.time_ns()
    key = GLOBAL_KEY if organisation_id is None else _org_key(organisation_id)
    # A fresh stamp rather than incr(): no race on a missing key, and a restarted
    # cache never hands out an old generation again.
    cache.set(key, stamp, timeout=None)


def fragment[T](request: HttpRequest, name: str, render: Callable[[], T],
                *, parts: Iterable[Any] = ()) -> T:
    """The rendered fragment ``name`` for this request's user, from the cache or ``render()``.

    ``parts`` are the view's own arguments (a round id, a group id) that select
    what is shown. The caller has already checked that the user may see it.
    ``render()`` usually returns HTML; it may return a tuple of strings when a
    page needs a second piece (its ``<title>``) that costs queries to work out.
    """
    seconds = fragment_seconds()
    user = request.user
    if not seconds or not user.is_authenticated or cache_failed_within(seconds):
        return render()
    identity = "\x1f".join(str(p) for p in (*parts, _request_identity(request)))
    # Hashed: parts may be long paths with any characters; keys stay short and safe.
    key = f"fragments:{name}:{hashlib.blake2b(identity.encode(), digest_size=16).hexdigest()}"
    html = cache.get(key)
    if html is None:
        html = render()
        cache.set(key, html, timeout=seconds)
    return html


def _request_identity(request: HttpRequest) -> str:
    """What every fragment of this request shares in its key; worked out once per request.

    A page asks for up to three fragments (its content, the navigation, the footer);
    the generation stamps are read from the cache once for all of them.
    """
    user = request.user
    # Keyed by user and language: a login or a language switch within a request
    # (rare, but possible) must not reuse the identity worked out before it.
    memo_key = (user.pk, translation.get_language())
    memo = getattr(request, "_fragment_identity", None)
    if memo is None or memo[0] != memo_key:
        org_key = _org_key(getattr(user, "organisation_id", None))
        stamps = cache.get_many([GLOBAL_KEY, org_key])
        identity = "\x1f".join(str(p) for p in (
            *memo_key, timezone.localdate().isoformat(), _csrf_secret_hash(request),
            stamps.get(GLOBAL_KEY, 0), stamps.get(org_key, 0)))
        memo = (memo_key, identity)
        request._fragment_identity = memo  # type: ignore[attr-defined]
    return memo[1]


def _csrf_secret_hash(request: HttpRequest) -> str:
    """A hash of the CSRF secret that this request's forms are masked against.

    Cached fragments hold forms whose tokens belong to that secret. Without a
    secret yet, ``get_token`` makes one and has its cookie sent with the response;
    with one, nothing needs doing (each ``get_token`` call costs a new random mask).
    """
    if not request.META.get("CSRF_COOKIE"):
        get_token(request)
    secret = (request.META.get("CSRF_COOKIE") or "").encode()
    return hashlib.blake2b(secret, digest_size=8).hexdigest()


class FragmentInvalidationMiddleware:
    """After any state-changing request, make the actor's municipality's fragments stale.

    It runs for every unsafe request, also a refused or invalid one: a bump costs
    one cache write, and guessing which rows a view touched is how caches go wrong.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.method not in SAFE_METHODS:
            user = getattr(request, "user", None)
            organisation_id = None
            if user is not None and user.is_authenticated and not user.is_superuser:
                organisation_id = getattr(user, "organisation_id", None)
            fragments_invalidate(organisation_id=organisation_id)
        return response
