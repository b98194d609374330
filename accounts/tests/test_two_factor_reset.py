"""A lost phone: O&F reset a colleague's two-factor sign-in from the user list.

Olga is a second O&F administrator of Askvik (A) who lost her phone; Alice resets it.
Charlie (Brattli, B) cannot reach her; nobody resets their own or, below a superuser, a
superuser's. Olga is told by email in her language, and her next sign-in asks her to set
up a new authenticator before anything else.
"""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.services import user_reset_two_factor
from lib.models import AuditEntry
from lib.testing import assert_queries_stable, assert_refused
from tests.factories import UserFactory

from .test_mfa import password_login, with_authenticator

pytestmark = pytest.mark.django_db

USERS = reverse("admin:accounts_user_changelist")


@pytest.fixture
def olga(personas):
    olga = UserFactory(organisation=personas.org_a, email="olga@askvik.example",
                       full_name="Olga Ødegård-Øvre", is_oaf_admin=True, language="nn")
    with_authenticator(olga)
    return olga


def _reset(client, *users):
    return client.post(USERS, {"action": "reset_two_factor",
                               ACTION_CHECKBOX_NAME: [u.pk for u in users]}, follow=True)


def test_oaf_resets_a_colleagues_lost_phone(client, personas, olga, settings,
                                            django_capture_on_commit_callbacks):
    client.force_login(personas.alice)
    listing = client.get(USERS).content.decode()
    assert "reset_two_factor" in listing  # the action is offered
    with django_capture_on_commit_callbacks(execute=True):
        page = _reset(client, olga).content.decode()
    assert not Authenticator.objects.filter(user=olga).exists()
    assert "Olga Ødegård-Øvre" in page
    (message,) = mail.outbox
    assert message.to == ["olga@askvik.example"]
    assert message.subject == "Tofaktorinnlogginga di er nullstilt"  # nynorsk
    assert "Alice Admin" in message.body and reverse("login") in message.body
    entry = AuditEntry.objects.get(action="accounts.two_factor_reset")
    assert (entry.organisation_id, entry.actor_id) == (personas.org_a.pk, personas.alice.pk)
    # Her next sign-in: the password, then straight to setting up a new authenticator.
    settings.MFA_REQUIRED_FOR_STAFF = True
    fresh = Client()
    assert password_login(fresh, olga).status_code == 302
    response = fresh.get(reverse("admin:index"))
    assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")


def test_a_second_reset_and_someone_without_one_are_refused_with_a_reason(
        client, personas, olga):
    client.force_login(personas.alice)
    _reset(client, olga)
    page = _reset(client, olga, personas.bob).content.decode()
    assert page.count("har ingen tofaktorinnlogging å nullstille") == 2  # Alice reads nb


def test_another_municipality_cannot_reach_her(client, personas, olga):
    client.force_login(personas.charlie)
    _reset(client, olga)
    assert Authenticator.objects.filter(user=olga).count() == 2  # app and recovery codes
    assert mail.outbox == []
    assert_refused("permission_denied",
                   lambda: user_reset_two_factor(user=olga, actor=personas.charlie))
    assert_refused("permission_denied",  # a leader is no administrator
                   lambda: user_reset_two_factor(user=olga, actor=personas.bob))


def test_not_ones_own_and_not_a_superusers_below_a_superuser(personas, olga):
    assert_refused("own_account", lambda: user_reset_two_factor(user=olga, actor=olga))
    root = UserFactory(organisation=personas.org_a, is_superuser=True, email="drift@askvik.example")
    with_authenticator(root)
    assert_refused("superuser_target",
                   lambda: user_reset_two_factor(user=root, actor=personas.alice))
    other_root = UserFactory(organisation=None, is_superuser=True, email="root@example.org")
    assert user_reset_two_factor(user=root, actor=other_root) == 2
    assert Authenticator.objects.filter(user=olga).count() == 2  # untouched throughout


def test_the_list_shows_who_has_two_factor_in_a_fixed_number_of_queries(
        client, personas, olga):
    client.force_login(personas.alice)
    response = client.get(USERS)
    rows = {u.email: u.has_two_factor for u in response.context["cl"].result_list}
    assert rows["olga@askvik.example"] is True and rows["alice@askvik.example"] is False
    made = iter(range(100))

    def grow(batches):
        for _ in range(batches):
            n = next(made)
            with_authenticator(UserFactory(organisation=personas.org_a,
                                           email=f"o{n}@askvik.example"))

    assert_queries_stable(lambda: client.get(USERS), grow=grow)
