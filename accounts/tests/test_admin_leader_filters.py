"""Issue 21, item 19: O&F find leaders by unit subtree, level, new leader and unit name.

Askvik (A) has Oppvekst → Nordby skole → Småtrinnet, and a second «Nordby skole» under
Kultur (two units of one name); Brattli (B) has its own «Nordby skule». Alice is O&F of A.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import LeaderLevel, UnitKind, User
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


def test_leaders_are_listed_by_name_then_user_in_an_order_the_name_index_serves(
        client, personas, tree):
    """Issue 23: the list pages 6,500 leaders by name. Ordered by name and the user (one
    per leader, so a total order), PostgreSQL reads a page from the users' name index;
    Django's added "-pk" (the leader's) made it join and sort every leader first
    (44 ms → 4 ms for the first page at 10×). Two leaders of one name keep one order."""
    a = personas.org_a
    twins = [LeaderFactory(organisation=a, unit=tree["nordby"], user__full_name="Åse Ødegård")
             for _ in range(2)]
    client.force_login(personas.alice)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("admin:accounts_leader_changelist"))
    twins_listed = [leader.user_id for leader in response.context["cl"].result_list
                    if leader in twins]
    assert twins_listed == sorted(leader.user_id for leader in twins)
    listed = next(q["sql"] for q in queries if q["sql"].startswith(
        'SELECT "accounts_leader"."id", "accounts_leader"."organisation_id"'))
    assert listed.split("ORDER BY")[1].split("LIMIT")[0].strip() == (
        '"accounts_user"."full_name" ASC, "accounts_leader"."user_id" ASC')
    index = {i.name: i.fields for i in User._meta.indexes}
    assert index["user_full_name_order"] == ["full_name", "id"]


def test_users_are_listed_by_name_then_id_in_the_order_the_name_index_serves(
        client, personas, tree):
    """The user list has the same index to page by: name, then the id (not Django's
    "-pk", which no index in name order serves)."""
    client.force_login(personas.alice)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("admin:accounts_user_changelist"))
    assert response.status_code == 200
    listed = next(q["sql"] for q in queries if q["sql"].startswith(
        'SELECT "accounts_user"."id", "accounts_user"."password"') and "ORDER BY" in q["sql"]
        and not q["sql"].endswith("LIMIT 1"))
    assert listed.split("ORDER BY")[1].split("LIMIT")[0].strip() == (
        '"accounts_user"."full_name" ASC, "accounts_user"."id" ASC')
