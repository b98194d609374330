"""The per-user fragment cache: fewer queries, never another person's page, never stale
after a change made through the portal, the admin or a task."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from lib.fragments import fragments_invalidate
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

MIN_SIDE = "/min-side/"


@pytest.fixture(autouse=True)
def fragments_on():
    cache.clear()
    with override_settings(FRAGMENT_CACHE_SECONDS=60):
        yield
    cache.clear()


def _queries(client: Client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def _calendar_address(html: str) -> str:
    return re.search(r'id="calendar-url" type="text" readonly value="([^"]+)"', html).group(1)


def test_second_view_is_served_from_the_cache_with_session_and_user_only(client, personas):
    client.force_login(personas.bob)
    first, html = _queries(client, MIN_SIDE)
    second, cached = _queries(client, MIN_SIDE)
    assert "Velkommen, Bob Leder" in html
    assert "Velkommen, Bob Leder" in cached
    assert first > 5
    assert second == 2  # the session and the user; the rest came from the cache


def test_each_user_gets_their_own_page(personas):
    bob, boss = Client(), Client()
    bob.force_login(personas.bob)
    boss.force_login(personas.boss_leader.user)
    for _ in range(2):  # the second round comes from the cache
        assert "Velkommen, Bob Leder" in _queries(bob, MIN_SIDE)[1]
        page = _queries(boss, MIN_SIDE)[1]
        assert "Velkommen, Berit Sjef" in page
        assert "Velkommen, Bob Leder" not in page


def test_a_change_through_the_portal_shows_at_once(client, personas):
    client.force_login(personas.bob)
    before = _calendar_address(_queries(client, MIN_SIDE)[1])
    response = client.post(reverse("accounts:calendar_token_reset"))
    assert response.status_code == 302
    after = _calendar_address(_queries(client, MIN_SIDE)[1])
    assert after != before
    personas.bob.refresh_from_db()
    assert after.endswith(f"{personas.bob.calendar_token}.ics")


def test_another_users_post_in_the_municipality_makes_the_page_fresh(personas):
    """Berit approving or O&F changing something must reach Bob's cached page."""
    bob, alice = Client(), Client()
    bob.force_login(personas.bob)
    alice.force_login(personas.alice)
    _queries(bob, MIN_SIDE)
    User.objects.filter(pk=personas.bob.pk).update(full_name="Bob Omdøpt")
    assert "Bob Omdøpt" not in _queries(bob, MIN_SIDE)[1]  # cached: no request changed it
    alice.post(reverse("accounts:calendar_token_reset"))  # any state change in Askvik
    assert "Bob Omdøpt" in _queries(bob, MIN_SIDE)[1]


def test_a_post_in_another_municipality_keeps_this_ones_cache(personas):
    bob, charlie = Client(), Client()
    bob.force_login(personas.bob)
    charlie.force_login(personas.charlie)
    _queries(bob, MIN_SIDE)
    charlie.post(reverse("accounts:calendar_token_reset"))
    assert _queries(bob, MIN_SIDE)[0] == 2


def test_a_finished_task_and_seed_demo_make_every_page_fresh(client, personas):
    from lib.tasks import documents_purge_expired

    client.force_login(personas.bob)
    _queries(client, MIN_SIDE)
    documents_purge_expired.delay()  # eager in tests: runs and finishes here
    assert _queries(client, MIN_SIDE)[0] > 2
    _queries(client, MIN_SIDE)
    fragments_invalidate()
    assert _queries(client, MIN_SIDE)[0] > 2


def test_language_is_part_of_the_key(client, personas):
    client.force_login(personas.bob)
    assert "Velkommen, Bob Leder" in _queries(client, MIN_SIDE)[1]
    client.post(reverse("accounts:language_set"), {"language": "nn", "next": MIN_SIDE})
    assert "Velkomen, Bob Leder" in _queries(client, MIN_SIDE)[1]


def test_forms_in_a_cached_page_carry_a_token_that_works(personas):
    """A cached fragment holds a CSRF token; it must match the browser's secret,
    also after logging out and in again (which rotates the secret)."""
    browser = Client(enforce_csrf_checks=True)
    for _ in range(2):
        response = browser.post(reverse("login"), {
            "username": "bob@askvik.example", "password": PASSWORD})
        if response.status_code == 403:  # the login form needs its own token first
            login_page = browser.get(reverse("login")).content.decode()
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page)[1]
            response = browser.post(reverse("login"), {
                "username": "bob@askvik.example", "password": PASSWORD,
                "csrfmiddlewaretoken": token})
        assert response.status_code == 302
        _queries(browser, MIN_SIDE)
        html = _queries(browser, MIN_SIDE)[1]  # from the cache
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]
        reset = browser.post(reverse("accounts:calendar_token_reset"),
                             {"csrfmiddlewaretoken": token})
        assert reset.status_code == 302
        logout_page = _queries(browser, MIN_SIDE)[1]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', logout_page)[1]
        assert browser.post(reverse("logout"), {"csrfmiddlewaretoken": token}).status_code == 302


def test_switched_off_it_renders_every_time(client, personas):
    client.force_login(personas.bob)
    with override_settings(FRAGMENT_CACHE_SECONDS=0):
        _queries(client, MIN_SIDE)  # the first view also records activity in the session
        first = _queries(client, MIN_SIDE)[0]
        assert _queries(client, MIN_SIDE)[0] == first > 2


def test_the_cached_menu_marks_the_current_page(client, personas):
    client.force_login(personas.bob)
    for _ in range(2):  # the second round comes from the cache
        min_side = _queries(client, MIN_SIDE)[1]
        modules = _queries(client, reverse("programs:module_list"))[1]
        assert re.search(r'active" aria-current="page" href="/min-side/"', min_side)
        assert not re.search(r'aria-current="page" href="/min-side/"', modules)
        assert re.search(r'aria-current="page"[^>]*href="/fordypning/"', modules)


def test_the_cached_menu_follows_a_role_change(client, personas):
    client.force_login(personas.bob)
    assert 'href="/admin/"' not in _queries(client, MIN_SIDE)[1]
    User.objects.filter(pk=personas.bob.pk).update(is_oaf_admin=True)
    fragments_invalidate(organisation_id=personas.org_a.pk)  # as any admin change does
    assert 'href="/admin/"' in _queries(client, MIN_SIDE)[1]


def test_the_language_form_returns_to_the_page_it_was_sent_from(client, personas):
    client.force_login(personas.bob)
    for path in (MIN_SIDE, reverse("programs:module_list"), MIN_SIDE):
        html = _queries(client, path)[1]
        assert f'name="next" value="{path}"' in html
