"""Proposing, moving, renaming and confirming groups — with every rule and bad input."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from lib.models import AuditEntry
from lib.testing import assert_refused, refusal_codes
from tests.factories import LeaderFactory, UnitFactory

from .. import services
from ..models import NetworkGroup, NetworkMembership, NetworkPlan, PlanStatus
from .factories import (
    MeetingFactory,
    MembershipFactory,
    NetworkGroupFactory,
    NetworkPlanFactory,
    ParticipantFactory,
    ProgrammeFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def programme(personas):
    """Seventeen participants in three service areas, with bob and his leader above."""
    org = personas.org_a
    programme = ProgrammeFactory(organisation=org, slug="nettverk")
    leaders = [personas.bob_leader, personas.boss_leader]
    for a, area_name in enumerate(("Oppvekst", "Teknisk", "Kultur")):
        area = UnitFactory(organisation=org, name=area_name, kind="tjenesteomrade")
        for i in range(5):
            unit = UnitFactory(organisation=org, name=f"{area_name} {i}", parent=area)
            leaders.append(LeaderFactory(organisation=org, unit=unit,
                                         level=["avdelingsleder", "teamleder"][i % 2],
                                         user__full_name=f"Leder {a}-{i}"))
    for leader in leaders:
        ParticipantFactory(programme=programme, leader=leader)
    return programme


def _groups(plan):
    return {g.name: sorted(g.memberships.values_list("leader_id", flat=True))
            for g in plan.groups.all()}


def test_propose_places_everyone_once_within_the_sizes(personas, programme):
    result = services.network_groups_propose(programme=programme, actor=personas.alice,
                                             min_size=5, max_size=6)
    plan = result.plan
    assert [len(m) for m in _groups(plan).values()] == [6, 6, 5]
    assert NetworkMembership.objects.filter(plan=plan).count() == 17
    assert [g.name for g, _mix in result.groups] == ["Stjernelaget", "Blåveis", "Hvitveis"]
    # The proposal explains itself: areas and levels per group, and on average.
    assert all(mix.areas >= 3 for _g, mix in result.groups)
    assert "3 groups" in result.summary or "3 grupper" in result.summary
    assert AuditEntry.objects.filter(action="networks.groups_proposed").count() == 1


def test_propose_never_puts_bob_with_his_leader_above(personas, programme):
    plan = services.network_groups_propose(programme=programme, actor=personas.alice).plan
    bob = NetworkMembership.objects.get(plan=plan, leader=personas.bob_leader)
    boss = NetworkMembership.objects.get(plan=plan, leader=personas.boss_leader)
    assert bob.group_id != boss.group_id


def test_propose_is_the_same_for_the_same_input(personas, programme):
    first = _groups(services.network_groups_propose(programme=programme,
                                                    actor=personas.alice).plan)
    again = _groups(services.network_groups_propose(programme=programme,
                                                    actor=personas.alice).plan)
    assert first == again


def test_propose_warns_about_small_groups(personas, programme):
    result = services.network_groups_propose(programme=programme, actor=personas.alice,
                                             min_size=6, max_size=6)
    assert any("Hvitveis" in w for w in result.warnings)


@pytest.mark.parametrize(("low", "high"), [(1, 6), (6, 5), (5, 13)])
def test_propose_refuses_bad_sizes_and_changes_nothing(personas, programme, low, high):
    with assert_refused("invalid_group_size"):
        services.network_groups_propose(programme=programme, actor=personas.alice,
                                        min_size=low, max_size=high)
    assert not NetworkGroup.objects.exists()


def test_propose_refuses_too_few_participants(personas):
    programme = ProgrammeFactory(organisation=personas.org_a)
    ParticipantFactory(programme=programme, leader=personas.bob_leader)
    with assert_refused("too_few_participants"):
        services.network_groups_propose(programme=programme, actor=personas.alice)


def test_propose_refused_once_confirmed(personas, programme):
    plan = services.network_groups_propose(programme=programme, actor=personas.alice).plan
    services.network_groups_confirm(plan=plan, actor=personas.alice)
    before = _groups(plan)
    with assert_refused("confirmed"):
        services.network_groups_propose(programme=programme, actor=personas.alice)
    assert _groups(plan) == before


@pytest.fixture
def draft(personas):
    """Two draft groups: A with bob and four others (one place left), B with bob's boss."""
    plan = NetworkPlanFactory(programme__organisation=personas.org_a, status=PlanStatus.DRAFT,
                              confirmed_at=None, max_size=6)
    a = NetworkGroupFactory(plan=plan, name="Blåveis")
    b = NetworkGroupFactory(plan=plan, name="Stjernelaget")
    for leader in (personas.bob_leader, *[LeaderFactory(organisation=personas.org_a)
                                          for _ in range(4)]):
        ParticipantFactory(programme=plan.programme, leader=leader)
        MembershipFactory(group=a, leader=leader)
    ParticipantFactory(programme=plan.programme, leader=personas.boss_leader)
    MembershipFactory(group=b, leader=personas.boss_leader)
    return plan, a, b


def _add_participant(plan, group=None, **kwargs):
    leader = LeaderFactory(organisation=plan.programme.organisation, **kwargs)
    ParticipantFactory(programme=plan.programme, leader=leader)
    if group is not None:
        MembershipFactory(group=group, leader=leader)
    return leader


def test_move_into_a_group_with_room(personas, draft):
    plan, a, b = draft
    newcomer = _add_participant(plan, b)
    services.network_member_move(plan=plan, leader=newcomer, to_group=a, actor=personas.alice)
    assert NetworkMembership.objects.get(plan=plan, leader=newcomer).group == a


def test_move_beyond_the_maximum_is_refused(personas, draft):
    plan, a, b = draft
    _add_participant(plan, a)  # a is now full (6)
    newcomer = _add_participant(plan, b)
    with assert_refused("group_full"):
        services.network_member_move(plan=plan, leader=newcomer, to_group=a,
                                     actor=personas.alice)
    assert NetworkMembership.objects.get(plan=plan, leader=newcomer).group == b


def test_move_next_to_ones_leader_above_is_refused(personas, draft):
    plan, a, b = draft
    with assert_refused("reporting_line"):
        services.network_member_move(plan=plan, leader=personas.bob_leader, to_group=b,
                                     actor=personas.alice)
    assert NetworkMembership.objects.get(plan=plan, leader=personas.bob_leader).group == a


def test_move_next_to_a_direct_report_is_refused(personas, draft):
    plan, a, b = draft
    with assert_refused("reporting_line"):
        services.network_member_move(plan=plan, leader=personas.boss_leader, to_group=a,
                                     actor=personas.alice)
    assert NetworkMembership.objects.get(plan=plan, leader=personas.boss_leader).group == b


def test_move_places_a_participant_without_a_group(personas, draft):
    plan, a, b = draft
    newcomer = _add_participant(plan)
    services.network_member_move(plan=plan, leader=newcomer, to_group=b, actor=personas.alice)
    assert NetworkMembership.objects.get(plan=plan, leader=newcomer).group == b


def test_move_refuses_non_participants_and_foreign_groups(personas, draft):
    plan, a, b = draft
    stranger = LeaderFactory(organisation=personas.org_a)
    with assert_refused("not_participant"):
        services.network_member_move(plan=plan, leader=stranger, to_group=b,
                                     actor=personas.alice)
    other_group = NetworkGroupFactory(plan__programme__organisation=personas.org_a)
    with assert_refused("other_plan"):
        services.network_member_move(plan=plan, leader=personas.bob_leader,
                                     to_group=other_group, actor=personas.alice)
    assert not NetworkMembership.objects.filter(leader=stranger).exists()


def test_after_confirmation_a_late_joiner_is_placed_with_the_same_rules(personas, draft):
    plan, a, b = draft
    services.network_groups_confirm(plan=plan, actor=personas.alice)
    _add_participant(plan, a)  # a is full now
    late = _add_participant(plan)
    with assert_refused("group_full"):
        services.network_member_move(plan=plan, leader=late, to_group=a, actor=personas.alice)
    services.network_member_move(plan=plan, leader=late, to_group=b, actor=personas.alice)
    assert NetworkMembership.objects.get(plan=plan, leader=late).group == b


def test_rename_must_be_unique_and_not_empty(personas, draft):
    plan, a, b = draft
    with assert_refused("duplicate_name"):
        services.network_group_update(group=a, name=" stjernelaget ", facilitator=None,
                                      actor=personas.alice)
    with assert_refused("required"):
        services.network_group_update(group=a, name="   ", facilitator=None,
                                      actor=personas.alice)
    services.network_group_update(group=a, name="Gygrene", facilitator=None,
                                  actor=personas.alice)
    a.refresh_from_db()
    assert a.name == "Gygrene"


def test_facilitator_must_be_one_of_the_municipality(personas, draft):
    plan, a, b = draft
    with assert_refused("invalid_facilitator"):
        services.network_group_update(group=a, name=a.name, facilitator=personas.charlie,
                                      actor=personas.alice)


def test_create_and_delete_groups(personas, draft):
    plan, a, b = draft
    extra = services.network_group_create(plan=plan, name="Gygrene", actor=personas.alice)
    assert extra.position > 0
    with assert_refused("has_members"):
        services.network_group_delete(group=a, actor=personas.alice)
    services.network_group_delete(group=extra, actor=personas.alice)
    assert not NetworkGroup.objects.filter(pk=extra.pk).exists()
    planned = services.network_group_create(plan=plan, name="Med møte", actor=personas.alice)
    MeetingFactory(group=planned)
    with assert_refused("has_meetings"):
        services.network_group_delete(group=planned, actor=personas.alice)


def test_confirm_rechecks_every_rule(personas, draft):
    plan, a, b = draft
    # Bob's leader above is changed to a member of his group after the proposal.
    colleague = a.memberships.exclude(leader=personas.bob_leader).first().leader
    personas.bob_leader.leader_above = colleague
    personas.bob_leader.save()
    _add_participant(plan)  # nobody placed this one
    empty = NetworkGroupFactory(plan=plan, name="Tom")
    with pytest.raises(ValidationError) as info:
        services.network_groups_confirm(plan=plan, actor=personas.alice)
    assert set(refusal_codes(info.value)) == {"reporting_line", "unplaced", "group_empty"}
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT
    assert empty.pk


def test_confirm_refuses_a_group_beyond_the_maximum(personas, draft):
    plan, a, b = draft
    # O&F lowered the maximum in the admin after the groups were made.
    NetworkPlan.objects.filter(pk=plan.pk).update(max_size=4, min_size=2)
    with assert_refused("group_too_large"):
        services.network_groups_confirm(plan=plan, actor=personas.alice)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


def test_plan_create_once_per_programme_with_the_advisers(personas):
    from .factories import FacilitatorFactory, GatheringFactory

    programme = ProgrammeFactory(organisation=personas.org_a)
    adviser = FacilitatorFactory(organisation=personas.org_a)
    GatheringFactory(programme=programme).advisers.add(adviser)
    plan = services.network_plan_create(programme=programme, actor=personas.alice)
    assert list(plan.facilitators.all()) == [adviser]
    with assert_refused("duplicate"):
        services.network_plan_create(programme=programme, actor=personas.alice)
