"""Login is rate-limited (django-axes) with a clear lockout message, the admin login too."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def axes_on(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3


@pytest.mark.parametrize("login_url", ["login", "admin:login"])
def test_too_many_failures_lock_the_account_with_a_clear_message(client, personas, axes_on,
                                                                 login_url):
    url = reverse(login_url)
    for _ in range(3):
        client.post(url, {"username": "bob@askvik.example", "password": "feil"})
    response = client.post(url, {"username": "bob@askvik.example", "password": PASSWORD})
    assert response.status_code == 429
    text = response.content.decode()
    assert "For mange forsøk" in text
    assert "15 minutter" in text
    assert "_auth_user_id" not in client.session


def test_other_accounts_are_not_locked(client, personas, axes_on):
    for _ in range(3):
        client.post(reverse("login"), {"username": "bob@askvik.example", "password": "feil"})
    response = client.post(reverse("login"), {"username": "alice@askvik.example",
                                              "password": PASSWORD})
    assert response.status_code == 302


def test_a_good_login_before_the_limit_resets_the_count(client, personas, axes_on):
    for _ in range(2):
        client.post(reverse("login"), {"username": "bob@askvik.example", "password": "feil"})
    assert client.post(reverse("login"), {"username": "bob@askvik.example",
                                          "password": PASSWORD}).status_code == 302
    client.logout()
    for _ in range(2):
        client.post(reverse("login"), {"username": "bob@askvik.example", "password": "feil"})
    assert client.post(reverse("login"), {"username": "bob@askvik.example",
                                          "password": PASSWORD}).status_code == 302


CASINGS = ["alice@askvik.example", "ALICE@ASKVIK.EXAMPLE", "Alice@Askvik.Example"]


@pytest.mark.parametrize("login_url", ["login", "admin:login"])
def test_every_casing_of_an_address_shares_one_counter_and_one_lockout(client, personas, axes_on,
                                                                       login_url):
    from axes.models import AccessAttempt

    url = reverse(login_url)
    # One failure per spelling (with stray spaces on one): three failures of one address.
    statuses = [client.post(url, {"username": spelling, "password": "feil"}).status_code
                for spelling in (CASINGS[0], f"  {CASINGS[1]} ", CASINGS[2])]
    assert statuses == [200, 200, 429]  # the third failure is the limit
    attempts = list(AccessAttempt.objects.values_list("username", "failures_since_start"))
    assert attempts == [("alice@askvik.example", 3)]
    # Locked: no spelling gets in, not even with the right password.
    for spelling in CASINGS + ["aLiCe@askvik.EXAMPLE"]:
        response = client.post(url, {"username": spelling, "password": PASSWORD})
        assert response.status_code == 429, spelling
        assert "_auth_user_id" not in client.session
    # Another address from the same computer is not affected.
    assert client.post(reverse("login"), {"username": "Bob@Askvik.example",
                                          "password": PASSWORD}).status_code == 302


def test_a_mixed_case_login_before_the_limit_logs_in_and_clears_the_count(client, personas,
                                                                          axes_on):
    from axes.models import AccessAttempt

    for spelling in CASINGS[:2]:
        client.post(reverse("login"), {"username": spelling, "password": "feil"})
    assert AccessAttempt.objects.get().failures_since_start == 2
    response = client.post(reverse("login"), {"username": CASINGS[2], "password": PASSWORD})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == personas.alice.pk
    assert not AccessAttempt.objects.exists()


@pytest.mark.parametrize(("language", "expected"), [
    ("nn", "Innlogginga på denne kontoen har feila for mange gonger"),
    ("en", "Logging in to this account has failed too many times"),
])
def test_the_lockout_page_is_in_the_readers_language(client, personas, axes_on, settings,
                                                     language, expected):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    for spelling in CASINGS:
        client.post(reverse("login"), {"username": spelling, "password": "feil"})
    response = client.post(reverse("login"), {"username": CASINGS[1], "password": PASSWORD})
    assert response.status_code == 429
    text = response.content.decode()
    assert expected in text
    assert f'lang="{language}"' in text
