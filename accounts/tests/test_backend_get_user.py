"""The session's user is read by a prepared query (``RoleBackend.get_user``): the same
answers as Django's ``ModelBackend.get_user`` for every kind of stored id."""

from __future__ import annotations

import pytest
from django.contrib.auth.backends import ModelBackend
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.backends import RoleBackend
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_same_user_as_django_for_every_kind_of_stored_id(settings):
    settings.PREPARED_QUERIES_CHECK = False  # one query, as in production
    active = UserFactory(full_name="Åse\nØdegård")
    gone = UserFactory(is_active=False)
    ours, django_s = RoleBackend(), ModelBackend()
    for stored in (active.pk, str(active.pk), gone.pk, str(gone.pk), 987654321):
        assert ours.get_user(stored) == django_s.get_user(stored)
    assert ours.get_user(str(active.pk)).full_name == "Åse\nØdegård"
    assert ours.get_user(gone.pk) is None
    for broken in ("abc", "", None, "1; DROP TABLE"):
        assert ours.get_user(broken) is None
    with CaptureQueriesContext(connection) as queries:
        ours.get_user(str(active.pk))
    assert len(queries) == 1


def test_a_signed_in_page_sees_its_own_user(client):
    user = UserFactory(full_name="Per Olsen")
    client.force_login(user, backend="accounts.backends.RoleBackend")
    response = client.get("/min-side/")
    assert response.status_code == 200
    assert "Per Olsen" in response.content.decode()


def test_the_leader_profile_comes_with_the_user_and_asks_nothing_more(settings):
    """The signed-in user is read with their leader profile, unit and municipality in the
    same query, so ``leader_for`` (ten leader pages ask it) needs none; a user without a
    profile is known to have none, also without a query."""
    from accounts.access import leader_for
    from tests.factories import LeaderFactory, UnitFactory

    settings.PREPARED_QUERIES_CHECK = False
    unit = UnitFactory(name="Helse\nog omsorg")
    leader = LeaderFactory(unit=unit, organisation=unit.organisation, title="Rektor",
                           user__full_name="Åse Ødegård")
    adviser = UserFactory(full_name="Per\nOlsen")  # no leader profile
    backend = RoleBackend()
    with CaptureQueriesContext(connection) as queries:
        user = backend.get_user(str(leader.user_id))
        profile = leader_for(user)
        seen = (profile.pk, profile.title, profile.unit.name, profile.organisation.name,
                profile.user is user)
        nobody = backend.get_user(adviser.pk)
        assert leader_for(nobody) is None
    assert seen == (leader.pk, "Rektor", "Helse\nog omsorg", unit.organisation.name, True)
    assert len(queries) == 2  # one per user, nothing for the profiles
