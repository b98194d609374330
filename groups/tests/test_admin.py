"""O&F's admin: changelists scoped to the municipality, the rollout plan, and the
actions that start processes and plan sessions through the services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import timezone

from groups import services
from groups.models import GroupProcess, Phase, PurposePoster
from groups.rollout import rollout_plan_get
from lib.testing import assert_queries_stable
from tests.factories import LeaderGroupFactory, UnitFactory

from .conftest import save_version
from .factories import FacilitatorFactory, RolloutWaveFactory

pytestmark = pytest.mark.django_db

CHANGELISTS = ["groups_leadergroup", "groups_groupprocess", "groups_rolloutwave",
               "groups_purposeposter"]


@pytest.fixture
def foreign(personas):
    """A group in municipality B with a process, a wave and a poster."""
    group = LeaderGroupFactory(organisation=personas.org_b, name="Brattli-gruppa",
                               head=personas.dora_leader, unit=personas.dora_leader.unit)
    wave = RolloutWaveFactory(organisation=personas.org_b, number=1, name="Brattli-bølgen")
    facilitator = FacilitatorFactory(organisation=personas.org_b, full_name="Brattli Fasilitator")
    services.processes_plan(groups=[group], wave=wave, facilitator=facilitator,
                            actor=personas.charlie)
    PurposePoster.objects.create(group=group)
    return group


@pytest.mark.parametrize("changelist", CHANGELISTS)
def test_changelists_show_only_own_municipality(client, personas, world, foreign, changelist):
    save_version(world, world.member, ["Sette retning"])
    client.force_login(personas.alice)
    response = client.get(reverse(f"admin:{changelist}_changelist"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Brattli" not in text
    assert response.context["cl"].result_count >= 1


def test_change_view_of_another_municipality_is_unreachable(client, personas, foreign):
    client.force_login(personas.alice)
    process = GroupProcess.objects.get(group=foreign)
    response = client.get(reverse("admin:groups_groupprocess_change", args=[process.pk]))
    assert response.status_code == 404  # not in the outsider's rows


def test_leaders_have_no_admin(client, world):
    client.force_login(world.member)
    response = client.get(reverse("admin:groups_groupprocess_rollout"))
    assert response.status_code == 302 and "/admin/login/" in response.url


def test_rollout_plan_counts_waves_areas_and_facilitator_load(client, personas, world, foreign):
    org = personas.org_a
    area = UnitFactory(organisation=org, name="Oppvekst", kind="tjenesteomrade")
    planned = LeaderGroupFactory(organisation=org, unit=UnitFactory(organisation=org,
                                                                    parent=area))
    LeaderGroupFactory(organisation=org, unit=area)  # no process yet
    services.processes_plan(groups=[planned], wave=world.process.wave,
                            facilitator=world.facilitator, actor=personas.alice)
    services.sessions_plan(process=world.process, actor=personas.alice,
                           first_at=timezone.now() + dt.timedelta(days=1), interval_days=7)
    plan = rollout_plan_get(user=personas.alice)
    (wave_row,) = plan.waves
    phases = [value for value, _label in plan.phases]
    assert wave_row.total == 2
    assert wave_row.counts[phases.index(Phase.PLANNED)] == 1
    assert wave_row.counts[phases.index(Phase.START)] == 1
    areas = {a.name: a for a in plan.areas}
    assert (areas["Helse og velferd"].groups, areas["Helse og velferd"].underway) == (1, 1)
    assert (areas["Oppvekst"].groups, areas["Oppvekst"].planned,
            areas["Oppvekst"].not_planned) == (2, 1, 1)
    (frank,) = plan.facilitators
    assert frank.name == "Frank Fasilitator" and (frank.underway, frank.planned) == (1, 1)
    assert sum(frank.per_month) == 7  # start + 5 development + follow-up, all within a year
    # The page shows it, and nothing of municipality B.
    client.force_login(personas.alice)
    text = client.get(reverse("admin:groups_groupprocess_rollout")).content.decode()
    assert "Frank Fasilitator" in text and "Oppvekst" in text
    assert "Brattli" not in text


def test_rollout_plan_query_count_is_stable(client, personas, world):
    client.force_login(personas.alice)
    n = {"i": 0}

    def grow(times: int) -> None:
        for _ in range(times):
            n["i"] += 1
            area = UnitFactory(organisation=personas.org_a, kind="tjenesteomrade")
            group = LeaderGroupFactory(organisation=personas.org_a, unit=area)
            wave = RolloutWaveFactory(organisation=personas.org_a, number=10 + n["i"])
            facilitator = FacilitatorFactory(organisation=personas.org_a)
            services.processes_plan(groups=[group], wave=wave, facilitator=facilitator,
                                    actor=personas.alice)
            process = GroupProcess.objects.get(group=group)
            services.sessions_plan(process=process, actor=personas.alice,
                                   first_at=timezone.now())

    # session, user, the admin's two permission lookups; waves with phase counts;
    # processes without a wave; groups per service area; area names; facilitators
    # with process counts; sessions per facilitator and month; the admin's menu asks
    # whether the municipality has a privacy statement yet (its municipality, then the
    # statement: one per municipality, so "add" is offered only until it exists).
    assert_queries_stable(lambda: client.get(reverse("admin:groups_groupprocess_rollout")),
                          grow=grow, expected=12)


def _action(client, changelist, action, pks, **extra):
    data = {"action": action, ACTION_CHECKBOX_NAME: [str(pk) for pk in pks], **extra}
    return client.post(reverse(f"admin:{changelist}_changelist"), data, follow=True)


def test_action_puts_groups_into_a_wave(client, personas, world):
    others = [LeaderGroupFactory(organisation=personas.org_a) for _ in range(2)]
    wave2 = RolloutWaveFactory(organisation=personas.org_a, number=2, name="Bølge 2")
    client.force_login(personas.alice)
    pks = [world.group.pk, *[g.pk for g in others]]
    first = _action(client, "groups_leadergroup", "plan_into_wave", pks)
    assert "Legg inn i en utrullingsbølge" in first.content.decode()  # the question page
    done = _action(client, "groups_leadergroup", "plan_into_wave", pks, apply="1",
                   wave=wave2.pk, facilitator=world.facilitator.pk)
    assert "2 prosesser opprettet, 0 flyttet; 1 som allerede er i gang" in done.content.decode()
    assert GroupProcess.objects.filter(wave=wave2).count() == 2


def test_action_starts_processes_and_reports_refusals(client, personas, world):
    group = LeaderGroupFactory(organisation=personas.org_a)
    services.processes_plan(groups=[group], wave=None, facilitator=world.facilitator,
                            actor=personas.alice)
    process = GroupProcess.objects.get(group=group)
    client.force_login(personas.alice)
    response = _action(client, "groups_groupprocess", "start_process",
                       [process.pk, world.process.pk])
    text = response.content.decode()
    assert "1 prosesser startet." in text
    assert "har allerede startet" in text
    process.refresh_from_db()
    assert process.phase == Phase.START


def test_action_plans_sessions_with_a_form(client, personas, world):
    client.force_login(personas.alice)
    first = _action(client, "groups_groupprocess", "plan_sessions", [world.process.pk])
    assert "Planlegg samlingene" in first.content.decode()
    bad = _action(client, "groups_groupprocess", "plan_sessions", [world.process.pk],
                  apply="1", first_at="", development_sessions="9", interval_days="28",
                  duration_minutes="180")
    assert bad.status_code == 200 and not world.process.sessions.exists()
    done = _action(client, "groups_groupprocess", "plan_sessions", [world.process.pk],
                   apply="1", first_at="2027-02-02T09:00", development_sessions="6",
                   interval_days="21", duration_minutes="180", meeting="Ledermøte",
                   location="Rådhuset")
    assert "Samlinger planlagt for 1 grupper." in done.content.decode()
    assert world.process.sessions.count() == 8
    again = _action(client, "groups_groupprocess", "plan_sessions", [world.process.pk],
                    apply="1", first_at="2027-02-02T09:00", development_sessions="6",
                    interval_days="21", duration_minutes="180")
    assert "allerede planlagt" in again.content.decode()
    assert world.process.sessions.count() == 8


def test_action_finishes_only_started_processes(client, personas, world):
    client.force_login(personas.alice)
    response = _action(client, "groups_groupprocess", "finish_process", [world.process.pk])
    assert "1 prosesser avsluttet." in response.content.decode()
    world.process.refresh_from_db()
    assert world.process.phase == Phase.FINISHED


def test_process_form_refuses_a_non_facilitator(client, personas, world):
    from tests.factories import UserFactory

    plain = UserFactory(organisation=personas.org_a)
    client.force_login(personas.alice)
    url = reverse("admin:groups_groupprocess_change", args=[world.process.pk])
    response = client.post(url, {
        "group": world.group.pk, "wave": world.process.wave_id, "priority": 1,
        "facilitator": plain.pk, "notes": "",
        "sessions-TOTAL_FORMS": 0, "sessions-INITIAL_FORMS": 0,
        "tasks-TOTAL_FORMS": 0, "tasks-INITIAL_FORMS": 0})
    assert response.status_code == 200  # form shown again with the error
    world.process.refresh_from_db()
    assert world.process.facilitator == world.facilitator
