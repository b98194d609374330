"""The browser's Accept-Language never picks the page language (issue 24).

Many municipal PCs run English browsers while the portal speaks bokmål by default
(``accounts.middleware.LanguageMiddleware``): the account's choice decides, else
the language cookie, else bokmål. A plain request test, so the rule does not
depend on a browser journey to be noticed.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

BROWSERS = ["en-US,en;q=0.9", "nn-NO,nn;q=0.9,en;q=0.5", "en"]


@pytest.mark.parametrize("accept", BROWSERS)
def test_an_anonymous_visitor_gets_bokmal_whatever_the_browser_asks(client, accept):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE=accept)
    assert response.status_code == 200
    assert response["Content-Language"] == "nb"
    assert 'lang="nb"' in response.content.decode()


@pytest.mark.parametrize("accept", BROWSERS)
def test_the_cookie_decides_over_the_browser(client, accept):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nn"
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE=accept)
    assert response["Content-Language"] == "nn"


def test_the_account_decides_over_the_browser(client, personas):
    client.force_login(personas.bob)  # bokmål on his account
    response = client.get(reverse("accounts:min_side"), HTTP_ACCEPT_LANGUAGE="en-US,en")
    assert response.status_code == 200
    assert response["Content-Language"] == "nb"
    assert "Min side" in response.content.decode()
