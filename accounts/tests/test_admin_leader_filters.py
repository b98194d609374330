"""Issue 21, item 19: O&F find leaders by unit subtree, level, new leader and unit name.

Askvik (A) has Oppvekst → Nordby skole → Småtrinnet, and a second «Nordby skole» under
Kultur (two units of one name); Brattli (B) has its own «Nordby skule». Alice is O&F of A.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import LeaderLevel, UnitKind
from tests.factories import LeaderFactory, UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(personas):
    a, b = personas.org_a, personas.org_b
    oppvekst = UnitFactory(organisation=a, name="Oppvekst", kind=UnitKind.SERVICE_AREA)
    nordby = UnitFactory(organisation=a, name="Nordby skole", parent=oppvekst)
    trinn = UnitFactory(organisation=a, name="Småtrinnet", kind=UnitKind.DEPARTMENT,
                        parent=nordby)
    kultur = UnitFactory(organisation=a, name="Kultur", kind=UnitKind.SERVICE_AREA)
    namesake = UnitFactory(organisation=a, name="Nordby skole", parent=kultur)
    elsewhere = UnitFactory(organisation=a, name="Sentrum bibliotek", parent=kultur)
    b_nordby = UnitFactory(organisation=b, name="Nordby skule")
    today = timezone.localdate()
    return {
        "rektor": LeaderFactory(organisation=a, unit=nordby, level=LeaderLevel.ENTERPRISE_LEADER,
                                user__full_name="Rita Rektor",
                                leader_since=today - dt.timedelta(days=2000)),
        "trinn": LeaderFactory(organisation=a, unit=trinn, user__full_name="Tor Trinnleder",
                               leader_since=today - dt.timedelta(days=100)),
        "namesake": LeaderFactory(organisation=a, unit=namesake,
                                  user__full_name="Nils Navnebror"),
        "elsewhere": LeaderFactory(organisation=a, unit=elsewhere,
                                   user__full_name="Berit Bibliotek",
                                   leader_since=today - dt.timedelta(days=30)),
        "b": LeaderFactory(organisation=b, unit=b_nordby, user__full_name="Brita Brattli"),
        "oppvekst": oppvekst, "nordby": nordby, "b_unit": b_nordby,
    }


def _names(client, **params):
    response = client.get(reverse("admin:accounts_leader_changelist"), params)
    assert response.status_code == 200
    return {leader.user.full_name for leader in response.context["cl"].result_list}


def test_search_on_a_unit_name_finds_the_leaders_of_the_units_below(client, personas, tree):
    client.force_login(personas.alice)
    assert _names(client, q="Nordby") == {"Rita Rektor", "Tor Trinnleder", "Nils Navnebror"}
    assert _names(client, q="nordby SKOLE") == {"Rita Rektor", "Tor Trinnleder",
                                                "Nils Navnebror"}
    assert _names(client, q="Rita") == {"Rita Rektor"}  # names still found as before


def test_unit_subtree_filter_is_scoped_to_the_municipality(client, personas, tree):
    client.force_login(personas.alice)
    assert _names(client, enhet=tree["oppvekst"].pk) == {"Rita Rektor", "Tor Trinnleder"}
    assert _names(client, enhet=tree["nordby"].pk) == {"Rita Rektor", "Tor Trinnleder"}
    assert _names(client, enhet=tree["b_unit"].pk) == set()
    assert _names(client, enhet="drop table") == set()
    choices = client.get(reverse("admin:accounts_leader_changelist")).content.decode()
    assert "Oppvekst" in choices and "Nordby skule" not in choices


def test_level_and_new_leader_filters(client, personas, tree):
    client.force_login(personas.alice)
    assert _names(client, level=LeaderLevel.ENTERPRISE_LEADER, enhet=tree["oppvekst"].pk) \
        == {"Rita Rektor"}
    new = _names(client, ny="ja")
    assert {"Tor Trinnleder", "Berit Bibliotek"} <= new
    assert "Rita Rektor" not in new and "Brita Brattli" not in new
    assert "Rita Rektor" in _names(client, ny="nei")
