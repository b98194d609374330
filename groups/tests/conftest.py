"""A leader group in municipality A, with the people the groups tests need.

* head: ``personas.boss_leader`` (Berit Sjef), who publishes;
* members: bob (``personas.bob``) and ``other_member`` (Cecilie Medlem);
* ``facilitator``: Frank Fasilitator, who runs the sessions;
* ``outsider_leader``: Nils Utenfor, a leader in A who is not a member;
* alice (O&F of A) follows read-only; charlie and dora (B) see nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from groups import services
from groups.models import GroupProcess, LeaderGroup
from tests.factories import LeaderFactory, LeaderGroupFactory, LeaderGroupMembershipFactory

from .factories import FacilitatorFactory, RolloutWaveFactory

LEAD = ("Vår ledergruppe skal skape MERVERDI for organisasjonen og det enkelte medlem av gruppen "
        "ved å:")


@dataclass
class World:
    group: LeaderGroup
    process: GroupProcess
    head: object
    member: object
    other_member: object
    facilitator: object
    outsider_leader: object


@pytest.fixture
def world(personas) -> World:
    org = personas.org_a
    boss = personas.boss_leader
    group = LeaderGroupFactory(organisation=org, name="Ledergruppen i Helse og velferd",
                               unit=boss.unit, head=boss)
    other = LeaderFactory(organisation=org, leader_above=boss, title="Virksomhetsleder",
                          user__full_name="Cecilie Medlem", user__email="cecilie@askvik.example")
    for leader in (boss, personas.bob_leader, other):
        LeaderGroupMembershipFactory(group=group, leader=leader)
    outsider = LeaderFactory(organisation=org, title="Avdelingsleder",
                             user__full_name="Nils Utenfor", user__email="nils@askvik.example")
    facilitator = FacilitatorFactory(organisation=org, full_name="Frank Fasilitator",
                                     email="frank@askvik.example")
    wave = RolloutWaveFactory(organisation=org, number=1, name="Bølge 1: tjenesteområdene")
    services.processes_plan(groups=[group], wave=wave, facilitator=facilitator,
                            actor=personas.alice)
    process = GroupProcess.objects.get(group=group)
    services.process_start(process=process, actor=personas.alice,
                           started_on=timezone.localdate() - dt.timedelta(days=40))
    process.refresh_from_db()
    return World(group=group, process=process, head=boss.user, member=personas.bob,
                 other_member=other.user, facilitator=facilitator, outsider_leader=outsider.user)


def save_version(world: World, author, commitments: list[str], *, base: int | None = None,
                 lead: str = LEAD):
    return services.poster_version_save(
        group=world.group, author=author, base_number=base, lead=lead,
        commitments=[services.CommitmentInput(text) for text in commitments])
