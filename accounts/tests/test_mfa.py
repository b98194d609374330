"""Two-factor sign-in (allauth's MFA): required of O&F and superusers, a choice for leaders.

The requirement (``MFA_REQUIRED_FOR_STAFF``) is off in the test settings, as most
tests sign O&F in with ``force_login``; these tests turn it on. Codes are computed
from the secret with allauth's own TOTP helper, one time step apart where a test
needs two (allauth refuses a code used twice).
"""

from __future__ import annotations

import time

import pytest
from allauth.core import context
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    SECRET_SESSION_KEY,
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.contrib.messages import get_messages
from django.contrib.sessions.middleware import SessionMiddleware
from django.test import Client, RequestFactory
from django.urls import reverse

from accounts.mfa import mfa_gate, mfa_required
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
MFA_PAGES = ["mfa_index", "mfa_activate_totp", "mfa_deactivate_totp", "mfa_reauthenticate",
             "mfa_view_recovery_codes", "mfa_generate_recovery_codes",
             "mfa_download_recovery_codes", "account_reauthenticate"]


def code(secret: str, step: int = 0) -> str:
    """The authenticator app's code now (``step`` 30-second periods away: tolerance is 1)."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + step))


def with_authenticator(user) -> tuple[str, list[str]]:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret, RecoveryCodes.activate(user).generate_codes()


def password_login(client: Client, user, **extra: str):
    return client.post(LOGIN, {"username": user.email, "password": PASSWORD, **extra})


@pytest.fixture
def required(settings):
    settings.MFA_REQUIRED_FOR_STAFF = True


@pytest.fixture
def alice(personas):
    personas.alice.language = "en"
    personas.alice.save(update_fields=["language"])
    return personas.alice


def test_who_must_have_it(personas, settings):
    superuser = UserFactory(is_superuser=True, email="root@example.org")
    settings.MFA_REQUIRED_FOR_STAFF = False
    assert not mfa_required(personas.alice) and not mfa_required(superuser)
    settings.MFA_REQUIRED_FOR_STAFF = True
    assert mfa_required(personas.alice) and mfa_required(superuser)
    assert not mfa_required(personas.bob)


def test_oaf_without_authenticator_is_sent_to_set_one_up_from_admin_and_min_side(
        required, alice, client):
    client.force_login(alice)
    setup = reverse("mfa_activate_totp")
    for url in (reverse("admin:index"), reverse("accounts:min_side"),
                reverse("admin:accounts_leader_changelist")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == setup, url
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("two-factor" in m for m in messages)
    # The way out and the pages around it stay open.
    assert client.get(setup).status_code == 200
    assert client.get(reverse("privacy:privacy")).status_code == 200
    assert client.post(reverse("logout")).status_code == 302


def test_oaf_sets_up_the_app_and_then_reaches_the_admin(
        required, alice, client, django_capture_on_commit_callbacks):
    client.force_login(alice)
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    html = page.content.decode()
    assert secret in html  # the key as text, for typing it and for screen readers
    assert 'alt="QR code' in html and "<label" in html

    wrong = client.post(reverse("mfa_activate_totp"), {"code": "000000"})
    assert wrong.status_code == 200 and not Authenticator.objects.filter(user=alice).exists()

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(reverse("mfa_activate_totp"), {"code": code(secret)})
    assert done.status_code == 302 and done["Location"] == reverse("mfa_view_recovery_codes")
    assert set(Authenticator.objects.filter(user=alice).values_list("type", flat=True)) == {
        "totp", "recovery_codes"}
    assert client.get(reverse("admin:index")).status_code == 200
    codes = client.get(reverse("mfa_view_recovery_codes"))
    assert codes.status_code == 200 and codes.context["can_view_codes"]


def test_the_login_asks_for_the_code_and_refuses_a_wrong_one(required, alice):
    secret, _codes = with_authenticator(alice)
    client = Client()
    response = password_login(client, alice)
    assert response.status_code == 302 and response["Location"] == reverse("mfa_authenticate")
    # Not signed in until the code is given.
    assert client.get(reverse("admin:index")).status_code == 302
    assert "_auth_user_id" not in client.session

    wrong = client.post(reverse("mfa_authenticate"), {"code": "123456"})
    assert wrong.status_code == 200
    assert wrong.context["form"].has_error("code", "incorrect_code")
    assert 'id="error-summary"' in wrong.content.decode()  # and the page says so
    assert "_auth_user_id" not in client.session

    right = client.post(reverse("mfa_authenticate"), {"code": code(secret)})
    assert right.status_code == 302 and right["Location"] == reverse("accounts:min_side")
    assert client.get(reverse("admin:index")).status_code == 200


def test_the_login_keeps_next(required, alice):
    secret, _codes = with_authenticator(alice)
    client = Client()
    password_login(client, alice, next=reverse("admin:index"))
    right = client.post(reverse("mfa_authenticate"), {"code": code(secret)})
    assert right["Location"] == reverse("admin:index")


def test_a_recovery_code_works_once(required, alice):
    _secret, codes = with_authenticator(alice)
    first = Client()
    password_login(first, alice)
    assert first.post(reverse("mfa_authenticate"), {"code": codes[0]}).status_code == 302
    assert first.get(reverse("admin:index")).status_code == 200

    second = Client()
    password_login(second, alice)
    again = second.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert again.status_code == 200 and "_auth_user_id" not in second.session
    assert second.post(reverse("mfa_authenticate"), {"code": codes[1]}).status_code == 302


def test_the_admins_own_login_page_does_not_skip_the_code(required, alice):
    secret, _codes = with_authenticator(alice)
    client = Client()
    response = client.post(reverse("admin:login"), {
        "username": alice.email, "password": PASSWORD, "next": reverse("admin:index")})
    assert response.status_code == 302
    held = client.get(reverse("admin:index"))
    assert held.status_code == 302
    assert held["Location"].startswith(reverse("mfa_reauthenticate"))
    confirmed = client.post(held["Location"], {"code": code(secret)})
    assert confirmed.status_code == 302 and confirmed["Location"] == reverse("admin:index")
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_leader_is_not_forced_but_may_opt_in(required, personas,
                                               django_capture_on_commit_callbacks):
    bob = personas.bob
    client = Client()
    password_login(client, bob)
    assert client.get(reverse("programs:module_list")).status_code == 200
    index = client.get(reverse("mfa_index"))
    assert index.status_code == 200 and reverse("mfa_activate_totp") in index.content.decode()

    client.get(reverse("mfa_activate_totp"))
    secret = client.session[SECRET_SESSION_KEY]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("mfa_activate_totp"), {"code": code(secret, -1)})
    assert Authenticator.objects.filter(user=bob, type="totp").exists()
    assert client.get(reverse("programs:module_list")).status_code == 200

    # From now on bob's sign-in asks for his code too; and he may turn it off again.
    later = Client()
    assert password_login(later, bob)["Location"] == reverse("mfa_authenticate")
    assert later.post(reverse("mfa_authenticate"), {"code": code(secret)}).status_code == 302
    assert later.post(reverse("mfa_deactivate_totp")).status_code == 302
    assert not Authenticator.objects.filter(user=bob).exists()


def test_oaf_cannot_turn_it_off_while_it_is_required(required, alice):
    secret, _codes = with_authenticator(alice)
    client = Client()
    password_login(client, alice)
    client.post(reverse("mfa_authenticate"), {"code": code(secret)})
    response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 200
    assert Authenticator.objects.filter(user=alice, type="totp").exists()


def test_the_municipalitys_sign_in_asks_for_the_code_too(required, alice):
    """allauth runs its MFA stage for social logins as well (checked here, not assumed):
    O&F signing in with the municipality's account give their code like everyone."""
    from allauth.socialaccount.internal.flows.login import _login
    from allauth.socialaccount.models import SocialAccount, SocialLogin

    from accounts.models import IdentityProvider
    from accounts.services.sso import identity_provider_save

    provider = identity_provider_save(provider=IdentityProvider(
        organisation=alice.organisation, button_name="Askvik", client_id="portal",
        issuer="https://login.askvik.example/v2.0", client_secret="hemmelig"))
    with_authenticator(alice)
    request = RequestFactory().get("/konto/sso/kommune/askvik/login/callback/")
    SessionMiddleware(lambda r: None).process_request(request)
    from django.contrib.auth.models import AnonymousUser
    request.user = AnonymousUser()
    account = SocialAccount(provider="kommune", uid="alice", user=alice)
    login = SocialLogin(account=account, user=alice,
                        provider=provider.social_app.get_provider(None))
    login.state = {}
    login._did_authenticate_by_email = False  # set by lookup(), which needs the provider
    with context.request_context(request):
        response = _login(request, login)
    assert response.status_code == 302 and response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in request.session


# --- Access: every two-factor page -------------------------------------------------------

@pytest.mark.parametrize("name", MFA_PAGES + ["mfa_authenticate"])
def test_anonymous_is_sent_to_log_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    location = response["Location"]
    if location == reverse("account_login"):  # the login stage's own way there
        location = client.get(location)["Location"]
    assert location.startswith(LOGIN), name


def test_nobody_reaches_anothers_authenticators(required, personas):
    """The pages take no id: each shows the signed-in user's own, and 404s where there is none."""
    _secret, alice_codes = with_authenticator(personas.alice)
    client = Client()
    client.force_login(personas.bob)
    assert client.get(reverse("mfa_view_recovery_codes")).status_code == 404
    assert client.get(reverse("mfa_download_recovery_codes")).status_code == 404
    assert client.get(reverse("mfa_deactivate_totp")).status_code == 404
    index = client.get(reverse("mfa_index"))
    assert index.status_code == 200 and not index.context["authenticators"]
    for page in ("mfa_index", "mfa_generate_recovery_codes", "mfa_reauthenticate"):
        body = client.get(reverse(page)).content.decode()
        assert not any(c in body for c in alice_codes), page
    # A POST from bob changes nothing of alice's.
    client.post(reverse("mfa_deactivate_totp"))
    client.post(reverse("mfa_generate_recovery_codes"))
    assert Authenticator.objects.filter(user=personas.alice).count() == 2
    assert not Authenticator.objects.filter(user=personas.bob).exists()
    # Charlie (O&F of B, own authenticator) sees his codes, never alice's.
    _s, charlie_codes = with_authenticator(personas.charlie)
    other = Client()
    password_login(other, personas.charlie)
    other.post(reverse("mfa_authenticate"), {"code": charlie_codes[0]})
    body = other.get(reverse("mfa_view_recovery_codes")).content.decode()
    assert charlie_codes[1] in body and not any(c in body for c in alice_codes)


def test_the_gate_reads_only_the_session_for_people_who_need_nothing(personas, settings,
                                                                     django_assert_num_queries):
    settings.MFA_REQUIRED_FOR_STAFF = True
    request = RequestFactory().get("/min-side/")
    SessionMiddleware(lambda r: None).process_request(request)
    with django_assert_num_queries(0):
        assert mfa_gate(request, personas.bob, "accounts:min_side") is None


def test_setting_up_later_asks_for_the_password_again(personas):
    """Past allauth's five-minute window the set-up page wants the password once more
    (checked through the portal's backends), then goes on to the page."""
    from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY

    client = Client()
    password_login(client, personas.bob)
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {**r, "at": r["at"] - 3600} for r in session[AUTHENTICATION_METHODS_SESSION_KEY]]
    session.save()
    setup = reverse("mfa_activate_totp")
    asked = client.get(setup)
    assert asked.status_code == 302
    assert asked["Location"].startswith(reverse("account_reauthenticate"))
    page = client.get(asked["Location"])
    assert page.status_code == 200 and b'type="password"' in page.content
    wrong = client.post(asked["Location"], {"password": "feil"})
    assert wrong.status_code == 200 and wrong.context["form"].has_error("password")
    right = client.post(asked["Location"], {"password": PASSWORD})
    assert right.status_code == 302 and right["Location"] == setup
    assert client.get(setup).status_code == 200


def test_anonymising_a_leader_removes_the_authenticator(personas):
    from accounts.privacy import leader_anonymise

    with_authenticator(personas.bob)
    leader_anonymise(leader=personas.bob_leader, actor=None)
    assert not Authenticator.objects.filter(user=personas.bob).exists()
