"""The page's CSRF token (lib.csrf) is one Django accepts, fresh per page, evenly drawn."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from django.middleware.csrf import (
    CSRF_ALLOWED_CHARS,
    CSRF_SECRET_LENGTH,
    _get_new_csrf_string,
    _unmask_cipher_token,
)
from django.test import Client, RequestFactory
from django.urls import reverse

from lib.csrf import masked, page_token

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"')


def test_django_unmasks_every_token_to_the_secret():
    secret = _get_new_csrf_string()
    tokens = {masked(secret) for _ in range(2000)}
    assert len(tokens) == 2000  # a fresh mask each time
    assert {_unmask_cipher_token(token) for token in tokens} == {secret}
    assert all(len(t) == 2 * CSRF_SECRET_LENGTH and set(t) <= set(CSRF_ALLOWED_CHARS)
               for t in tokens)


def test_the_mask_draws_every_character_about_equally_often():
    counts = Counter("".join(masked("a" * CSRF_SECRET_LENGTH)[:CSRF_SECRET_LENGTH]
                             for _ in range(3000)))
    assert set(counts) == set(CSRF_ALLOWED_CHARS)
    expected = 3000 * CSRF_SECRET_LENGTH / len(CSRF_ALLOWED_CHARS)  # ≈ 1548
    # A byte mapped by "mod 62" without redrawing would make 8 characters 1.2 × as likely.
    assert max(counts.values()) < 1.1 * expected
    assert min(counts.values()) > 0.9 * expected


def test_a_request_without_a_secret_gets_one_from_django():
    request = RequestFactory().get("/")
    token = page_token(request)
    assert _unmask_cipher_token(token) == request.META["CSRF_COOKIE"]
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True


def test_a_request_with_a_secret_keeps_it_and_renews_the_cookie():
    request = RequestFactory().get("/")
    secret = _get_new_csrf_string()
    request.META["CSRF_COOKIE"] = secret
    assert _unmask_cipher_token(page_token(request)) == secret
    assert request.META["CSRF_COOKIE"] == secret
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True


@pytest.mark.django_db
def test_a_form_posted_with_the_pages_token_passes_django_s_check(personas):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.bob)
    first = client.get("/min-side/")
    second = client.get("/min-side/")
    tokens = [TOKEN.findall(r.content.decode()) for r in (first, second)]
    assert tokens[0] and tokens[1]
    assert len(set(tokens[0])) == 1  # one token per page, written wherever a form is
    assert tokens[0][0] != tokens[1][0]  # and a fresh one on the next page
    url = reverse("accounts:language_set")
    refused = client.post(url, {"language": "en", "next": "/min-side/"})
    assert refused.status_code == 403
    accepted = client.post(url, {"language": "en", "next": "/min-side/",
                                 "csrfmiddlewaretoken": tokens[1][0]})
    assert accepted.status_code == 302
    personas.bob.refresh_from_db()
    assert personas.bob.language == "en"
