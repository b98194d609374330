from __future__ import annotations

import json

import pytest
from django.urls import reverse

from accounts.models import Leader, User
from accounts.privacy import leader_anonymise
from lib.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_leader_downloads_own_data_as_json(client, personas):
    client.force_login(personas.bob)
    response = client.get(reverse("accounts:my_data"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data["profile"]["name"] == "Bob Leder"
    assert data["profile"]["leader"]["leader_above"] == "Berit Sjef"
    assert "Dora" not in response.content.decode()


def test_my_data_requires_login(client):
    response = client.get(reverse("accounts:my_data"))
    assert response.status_code == 302


def test_anonymise_removes_identity_and_keeps_statistics(personas):
    bob = personas.bob_leader
    bob.title = "Virksomhetsleder Solbakken"
    bob.birth_year = 1970
    bob.save()
    leader_anonymise(leader=bob, actor=personas.alice)
    bob = Leader.objects.select_related("user").get(pk=bob.pk)
    user = bob.user
    assert "Bob" not in user.full_name and "bob" not in user.email
    assert not user.is_active and not user.has_usable_password()
    assert bob.birth_year is None and "Solbakken" not in bob.title
    assert bob.level == "virksomhetsleder" and bob.unit == personas.bob_leader.unit
    assert bob.leader_above == personas.boss_leader
    assert not User.history.filter(full_name="Bob Leder").exists()
    assert not Leader.history.filter(title="Virksomhetsleder Solbakken").exists()
    entry = AuditEntry.objects.get(action="accounts.leader.anonymised")
    assert entry.actor == personas.alice and "Bob" not in entry.summary


def test_admin_action_asks_before_anonymising(client, personas):
    client.force_login(personas.alice)
    url = reverse("admin:accounts_leader_changelist")
    data = {"action": "anonymise_leaders", "_selected_action": [personas.bob_leader.pk]}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Bob Leder" in response.content.decode()
    assert User.objects.filter(full_name="Bob Leder").exists()
    response = client.post(url, {**data, "confirm": "yes"})
    assert response.status_code == 302
    assert not User.objects.filter(full_name="Bob Leder").exists()


def test_admin_cannot_anonymise_another_municipalitys_leader(client, personas):
    client.force_login(personas.alice)
    client.post(reverse("admin:accounts_leader_changelist"), {
        "action": "anonymise_leaders", "_selected_action": [personas.dora_leader.pk],
        "confirm": "yes"})
    assert User.objects.filter(full_name="Dora Leiar").exists()
