from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from accounts import services
from accounts.models import Leader, Unit
from tests.factories import LeaderFactory, UnitFactory

pytestmark = pytest.mark.django_db


def test_years_as_leader_counts_whole_years(personas):
    leader = personas.bob_leader
    leader.leader_since = dt.date(2020, 6, 15)
    assert leader.years_as_leader(dt.date(2026, 6, 14)) == 5
    assert leader.years_as_leader(dt.date(2026, 6, 15)) == 6


def test_leader_above_from_another_municipality_is_refused(personas):
    leader = personas.bob_leader
    leader.leader_above = personas.dora_leader
    with pytest.raises(ValidationError) as exc:
        leader.full_clean()
    assert "leader_above" in exc.value.message_dict


def test_circle_of_leaders_is_refused(personas):
    boss = personas.boss_leader
    boss.leader_above = personas.bob_leader  # bob reports to boss already
    with pytest.raises(ValidationError) as exc:
        boss.full_clean()
    assert "leader_above" in exc.value.message_dict


def test_leader_cannot_be_own_leader_above_in_database(personas):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Leader.objects.filter(pk=personas.bob_leader.pk).update(leader_above=personas.bob_leader)


def test_unit_tree_any_depth_and_moves(personas):
    org = personas.org_a
    area = UnitFactory(organisation=org, name="Oppvekst", kind="tjenesteomrade")
    school = UnitFactory(organisation=org, name="Skole", parent=area)
    dept = UnitFactory(organisation=org, name="Trinn 1-4", parent=school, kind="avdeling")
    team = UnitFactory(organisation=org, name="Team 1", parent=dept, kind="team")
    assert [u.name for u in Unit.objects.get_ancestors(team)] == ["Oppvekst", "Skole", "Trinn 1-4"]
    other_area = UnitFactory(organisation=org, name="Kultur", kind="tjenesteomrade")
    services.unit_move(unit=school, parent=other_area)
    team.refresh_from_db()
    assert [u.name for u in Unit.objects.get_ancestors(team)] == ["Kultur", "Skole", "Trinn 1-4"]
    services.unit_move(unit=school, parent=None)
    school.refresh_from_db()
    assert school.depth == 1


def test_unit_cannot_join_another_municipality(personas):
    with pytest.raises(ValidationError):
        services.unit_create(organisation=personas.org_a, name="X",
                             parent=personas.dora_leader.unit)


def test_leader_create_makes_user_and_profile(personas):
    leader = services.leader_create(
        organisation=personas.org_a, email="Ny.Leder@Askvik.example", full_name="Ny Leder",
        title="Teamleder", level="teamleder", unit=personas.bob_leader.unit,
        leader_since=dt.date(2026, 1, 1), leader_above=personas.bob_leader)
    assert leader.user.email == "ny.leder@askvik.example"
    assert leader.user.organisation == personas.org_a
    assert not leader.user.has_usable_password()


def test_leader_create_refuses_foreign_unit_and_saves_nothing(personas):
    from accounts.models import User

    with pytest.raises(ValidationError):
        services.leader_create(
            organisation=personas.org_a, email="x@askvik.example", full_name="X",
            title="T", level="teamleder", unit=personas.dora_leader.unit,
            leader_since=dt.date(2026, 1, 1))
    assert not User.objects.filter(email="x@askvik.example").exists()


def test_oaf_admin_role_gives_admin_and_permissions(personas):
    alice = personas.alice
    assert alice.is_staff
    assert alice.has_perm("accounts.change_leader")
    assert not alice.has_perm("accounts.add_organisation")
    assert not alice.has_perm("auth.change_group")
    assert not personas.bob.is_staff
    assert not personas.bob.has_perm("accounts.view_leader")


def test_email_is_unique_regardless_of_case(personas):
    from django.db import IntegrityError, transaction

    from tests.factories import UserFactory

    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(email="BOB@askvik.example")


def test_scoping_helper_for_leaders(personas):
    LeaderFactory(organisation=personas.org_b)
    visible = Leader.objects.visible_to(personas.alice)
    assert {leader.organisation_id for leader in visible} == {personas.org_a.pk}
    assert Leader.objects.visible_to(personas.charlie).filter(
        organisation=personas.org_a).count() == 0
