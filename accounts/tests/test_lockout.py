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
