"""The CSRF token of a page, masked as Django masks it, from one draw of random bytes.

Django masks the secret afresh for each token (BREACH) with ``get_random_string``: 32
calls of ``secrets.choice``, each reading the system's random source on its own —
80 µs a page on a 2-core machine, more than a tenth of a bare request. Here the 32
mask characters come from one ``os.urandom`` read, each byte mapped evenly onto the
62 characters (bytes from 248 up are drawn again, so no character is likelier than
another), and the cipher is Django's own: character ``i`` of the token is
``(secret[i] + mask[i]) mod 62``, so Django's ``CsrfViewMiddleware`` checks these
tokens as its own (``lib/tests/test_csrf.py`` unmasks them with Django's code).

A request without a CSRF secret yet (its first page) goes through Django's
``get_token``, which makes the secret and its cookie.
"""

from __future__ import annotations

import os
from typing import Any

from django.http import HttpRequest
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH, get_token
from django.utils.functional import SimpleLazyObject

_CHARS = CSRF_ALLOWED_CHARS
_COUNT = len(_CHARS)
_INDEX = {char: i for i, char in enumerate(_CHARS)}
_EVEN_BELOW = 256 - 256 % _COUNT  # bytes below this map onto every character equally often


def _random_indexes(count: int) -> list[int]:
    drawn: list[int] = []
    while len(drawn) < count:
        drawn += [byte % _COUNT for byte in os.urandom(count + 8) if byte < _EVEN_BELOW]
    return drawn[:count]


def masked(secret: str) -> str:
    """A fresh token for ``secret``: the mask, then the secret shifted by the mask."""
    mask = _random_indexes(len(secret))
    return "".join([_CHARS[i] for i in mask]) + "".join(
        [_CHARS[(_INDEX[char] + shift) % _COUNT] for char, shift in zip(secret, mask, strict=True)]
    )


def page_token(request: HttpRequest) -> str:
    """What Django's ``get_token`` returns, with the same side effect on the cookie."""
    secret = request.META.get("CSRF_COOKIE")
    if not isinstance(secret, str) or len(secret) != CSRF_SECRET_LENGTH or \
            not all(char in _INDEX for char in secret):
        return get_token(request)
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True  # as get_token: renew the cookie's age
    return masked(secret)


def csrf(request: HttpRequest) -> dict[str, Any]:
    """Context processor in place of Django's built-in one (it runs after it)."""
    return {"csrf_token": SimpleLazyObject(lambda: page_token(request))}
