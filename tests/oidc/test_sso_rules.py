"""Who a municipality's sign-in may be, and which ID tokens are refused (and logged)."""

from __future__ import annotations

import json
import logging
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.models import SocialAccount, SocialLogin
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from cryptography.hazmat.primitives.asymmetric import rsa
from django.test import RequestFactory

from accounts.models import IdentityProvider, MatchClaim
from accounts.services.sso import identity_provider_save, password_login_allowed, user_for_claims
from accounts.sso.adapter import PortalSocialAccountAdapter
from accounts.sso.provider import MunicipalityOIDCAdapter
from tests.factories import LeaderFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

ISSUER = "https://login.fjordvik.example/v2.0"
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


class _Keys(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(KEY.public_key()))
        body = json.dumps({"keys": [{**jwk, "kid": "k1", "alg": "RS256", "use": "sig"}]})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def jwks_url():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Keys)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/jwks"
    server.shutdown()


@pytest.fixture
def fjordvik():
    org = OrganisationFactory(name="Fjordvik kommune", slug="fjordvik")
    provider = identity_provider_save(provider=IdentityProvider(
        organisation=org, button_name="Fjordvik", issuer=ISSUER, client_id="portal",
        client_secret="hemmelig"))
    return provider


def _token(**claims: object) -> str:
    now = int(time.time())
    payload = {"iss": ISSUER, "aud": "portal", "sub": "ase", "iat": now, "exp": now + 300,
               "nonce": "n-1", **claims}
    return jwt.encode(payload, KEY, algorithm="RS256", headers={"kid": "k1"})


def _decode(provider: IdentityProvider, jwks_url: str, token: str) -> dict:
    adapter = MunicipalityOIDCAdapter(RequestFactory().get("/"), "fjordvik")
    adapter._openid_config = {"issuer": ISSUER, "jwks_uri": jwks_url}
    return adapter._decode_id_token(provider.social_app, token)


def test_a_good_token_is_accepted(fjordvik, jwks_url):
    assert _decode(fjordvik, jwks_url, _token())["sub"] == "ase"


@pytest.mark.parametrize("claims", [
    {"iss": "https://login.brattli.example/v2.0"},
    {"aud": "another-client"},
    {"exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200},
])
def test_wrong_issuer_audience_or_expiry_is_refused_and_logged(fjordvik, jwks_url, claims,
                                                                caplog):
    with caplog.at_level(logging.WARNING, logger="accounts.sso"), pytest.raises(OAuth2Error):
        _decode(fjordvik, jwks_url, _token(**claims))
    assert "ID token refused for provider fjordvik" in caplog.text


def test_a_token_signed_by_another_key_is_refused(fjordvik, jwks_url, caplog):
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = jwt.encode({"iss": ISSUER, "aud": "portal", "sub": "x", "exp": time.time() + 60},
                        other, algorithm="RS256", headers={"kid": "k1"})
    with caplog.at_level(logging.WARNING, logger="accounts.sso"), pytest.raises(OAuth2Error):
        _decode(fjordvik, jwks_url, forged)
    assert "refused" in caplog.text


def _sociallogin(provider: IdentityProvider, id_token: dict, state_nonce: str | None):
    app = provider.social_app
    account = SocialAccount(provider=app.provider_id, uid=id_token.get("sub", "ase"),
                            extra_data={"id_token": id_token, "userinfo": {}})
    login = SocialLogin(account=account, user=None, provider=app.get_provider(None))
    login.state = {"nonce": state_nonce} if state_nonce else {}
    return login


def _pre_login(login):
    request = RequestFactory().get("/")
    request.session = {}
    PortalSocialAccountAdapter(request).pre_social_login(request, login)


@pytest.mark.parametrize(("token_nonce", "state_nonce"), [
    ("n-1", "n-2"), (None, "n-1"), ("n-1", None)])
def test_a_wrong_or_missing_nonce_is_refused_and_logged(fjordvik, token_nonce, state_nonce,
                                                        caplog):
    user = UserFactory(organisation=fjordvik.organisation, email="ase@fjordvik.example")
    claims = {"sub": "ase", "email": user.email, "email_verified": True}
    if token_nonce:
        claims["nonce"] = token_nonce
    login = _sociallogin(fjordvik, claims, state_nonce)
    with caplog.at_level(logging.WARNING, logger="accounts.sso"), \
            pytest.raises(ImmediateHttpResponse) as refused:
        _pre_login(login)
    assert refused.value.response.status_code == 403
    assert "nonce" in caplog.text
    assert not SocialAccount.objects.exists()


def test_the_right_nonce_connects_the_municipalitys_user(fjordvik):
    user = UserFactory(organisation=fjordvik.organisation, email="ase@fjordvik.example")
    login = _sociallogin(fjordvik, {"sub": "ase", "email": "ASE@fjordvik.example",
                                    "email_verified": True, "nonce": "n-1"}, "n-1")
    _pre_login(login)
    assert SocialAccount.objects.get().user == user


def test_matching_only_by_a_verified_claim_and_only_in_the_providers_municipality(fjordvik):
    org = fjordvik.organisation
    ase = UserFactory(organisation=org, email="ase@fjordvik.example")
    outsider = UserFactory(organisation=OrganisationFactory(), email="per@brattli.example")
    assert user_for_claims(provider=fjordvik, claims={
        "email": "ase@fjordvik.example", "email_verified": True}) == ase
    assert user_for_claims(provider=fjordvik, claims={"email": "ase@fjordvik.example"}) is None
    assert user_for_claims(provider=fjordvik, claims={
        "email": "ase@fjordvik.example", "email_verified": False}) is None
    assert user_for_claims(provider=fjordvik, claims={
        "email": outsider.email, "email_verified": True}) is None
    fjordvik.trust_email = True  # Entra ID sends no email_verified
    assert user_for_claims(provider=fjordvik, claims={"email": "ase@fjordvik.example"}) == ase
    # By employee number (from the HR import), in this municipality only.
    leader = LeaderFactory(organisation=org, employee_number="1001")
    LeaderFactory(organisation=outsider.organisation, employee_number="2002")
    fjordvik.match_claim, fjordvik.employee_number_claim = MatchClaim.EMPLOYEE_NUMBER, "employeeid"
    assert user_for_claims(provider=fjordvik, claims={"employeeid": "1001"}) == leader.user
    assert user_for_claims(provider=fjordvik, claims={"employeeid": "2002"}) is None
    assert user_for_claims(provider=fjordvik, claims={"email": ase.email,
                                                      "email_verified": True}) is None


def test_password_login_can_be_switched_off_for_leaders_not_for_external_coaches(
        fjordvik, client):
    org = fjordvik.organisation
    leader = LeaderFactory(organisation=org, user=UserFactory(organisation=org,
                                                              email="leder@fjordvik.example"))
    coach = UserFactory(organisation=org, email="coach@konsulent.example", is_coach=True)
    assert password_login_allowed(user=leader.user)
    fjordvik.password_login_for_employees = False
    fjordvik.save()
    assert not password_login_allowed(user=leader.user)
    assert password_login_allowed(user=coach)
    response = client.post("/konto/logg-inn/", {"username": "leder@fjordvik.example",
                                                "password": "riktig-passord-123"})
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    response = client.post("/konto/logg-inn/", {"username": "coach@konsulent.example",
                                                "password": "riktig-passord-123"})
    assert response.status_code == 302 and "_auth_user_id" in client.session


def test_the_login_page_offers_the_municipality_button_and_allows_its_origin(fjordvik, client):
    response = client.get("/konto/logg-inn/")
    page = response.content.decode()
    assert "/konto/sso/kommune/fjordvik/login/" in page and "Fjordvik" in page
    assert "https://login.fjordvik.example" in response["Content-Security-Policy"]
