"""The whole redirect flow in Chromium against real OpenID Connect providers.

A Fjordvik leader clicks "Logg inn med Fjordvik-konto", signs in at Fjordvik's
provider and lands on Min side. Brattli's provider vouches for a person with the
same address and the same subject: that sign-in never reaches Fjordvik.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation
from django.utils.translation import gettext

from accounts.models import IdentityProvider, Leader
from accounts.services.sso import identity_provider_save
from tests.factories import LeaderFactory, OrganisationFactory, UnitFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.node, pytest.mark.django_db(transaction=True)]

PERSON = {"email": "ase.ostby@fjordvik.example", "email_verified": True,
          "name": "Åse Østby", "employee_number": "1001"}


def _button(name: str) -> str:
    with translation.override("nb"):
        return gettext("Log in with %(name)s account") % {"name": name}


def _provider(org, server, name: str) -> IdentityProvider:
    return identity_provider_save(provider=IdentityProvider(
        organisation=org, button_name=name, issuer=server.issuer, client_id=server.client_id,
        client_secret=server.client_secret))


def _sign_in_at_provider(page, login: str) -> None:
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("any password works here")
    page.locator("button[type=submit]").click()
    page.locator("button[type=submit]", has_text="Continue").click()  # consent


def test_leader_signs_in_with_the_municipality_account_and_another_provider_cannot(
        live_server, page, oidc_provider):
    fjordvik = OrganisationFactory(name="Fjordvik kommune", slug="fjordvik")
    brattli = OrganisationFactory(name="Brattli kommune", slug="brattli")
    LeaderFactory(organisation=fjordvik, unit=UnitFactory(organisation=fjordvik, name="Nordli"),
                  user=UserFactory(organisation=fjordvik, email=PERSON["email"],
                                   full_name="Åse Østby"),
                  leader_since=dt.date(2019, 8, 1))
    callback = live_server.url + "/konto/sso/kommune/{}/login/callback/"
    server_a = oidc_provider(redirect_uris=[callback.format("fjordvik")],
                             accounts={"ase": PERSON})
    # Brattli's provider says the very same thing about its "ase".
    server_b = oidc_provider(redirect_uris=[callback.format("brattli")],
                             accounts={"ase": PERSON})
    _provider(fjordvik, server_a, "Fjordvik")
    _provider(brattli, server_b, "Brattli")

    page.goto(f"{live_server.url}/")
    page.get_by_role("button", name=_button("Fjordvik")).click()
    page.wait_for_url(f"{server_a.issuer}/interaction/**")
    _sign_in_at_provider(page, "ase")
    page.wait_for_url(f"{live_server.url}/min-side/")
    assert "Åse Østby" in page.locator("h1").inner_text()
    leader = Leader.objects.get(user__email=PERSON["email"])
    assert leader.user.socialaccount_set.get().provider == "fjordvik"

    # A fresh browser: Brattli's provider cannot sign anyone into Fjordvik.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/")
    page.get_by_role("button", name=_button("Brattli")).click()
    page.wait_for_url(f"{server_b.issuer}/interaction/**")
    _sign_in_at_provider(page, "ase")
    page.wait_for_url(f"{live_server.url}/konto/sso/kommune/brattli/login/callback/**")
    assert page.locator("h1").inner_text() in {"Innlogging avvist", "Sign-in refused"}
    page.goto(f"{live_server.url}/min-side/")
    assert page.url.startswith(f"{live_server.url}/konto/logg-inn/")
    assert leader.user.socialaccount_set.count() == 1
