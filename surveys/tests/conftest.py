"""Fixtures for the surveys app: instruments, a leader group with a before round."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from tests.factories import LeaderFactory, LeaderGroupFactory, LeaderGroupMembershipFactory

from .factories import make_round, standard_instruments


@pytest.fixture
def instruments(db) -> dict[str, Any]:
    return standard_instruments()


@dataclass
class GroupSetup:
    group: Any
    head: Any
    members: list[Any]  # leaders other than the head and bob
    before: Any


@pytest.fixture
def team(personas, instruments) -> GroupSetup:
    """Berit's leader group in Askvik: Berit (head), Bob and four more; a before round open.

    Askvik has raised its leader-group threshold to five (the default is three), so the
    tests of hiding can stay below it with four answers in a group of six.
    """
    from surveys import services

    services.thresholds_set(organisation=personas.org_a, min_respondents=5,
                            min_text_respondents=10, min_group_respondents=5)
    group = LeaderGroupFactory(organisation=personas.org_a, head=personas.boss_leader,
                               unit=personas.boss_leader.unit, name="Ledergruppen i Helse")
    LeaderGroupMembershipFactory(group=group, leader=personas.boss_leader)
    LeaderGroupMembershipFactory(group=group, leader=personas.bob_leader)
    members = []
    for n in range(4):
        leader = LeaderFactory(organisation=personas.org_a, leader_above=personas.boss_leader,
                               user__full_name=f"Medlem Nummer{n}")
        LeaderGroupMembershipFactory(group=group, leader=leader)
        members.append(leader)
    before = make_round(organisation=personas.org_a, instrument=instruments["effect"],
                        group=group, phase="before")
    return GroupSetup(group=group, head=personas.boss_leader, members=members, before=before)


@pytest.fixture
def today():
    return timezone.localdate()


@dataclass
class SessionSetup:
    session: Any
    module: Any
    facilitator: Any
    participants: list[Any]  # seated leaders, Bob first


@pytest.fixture
def held_session(personas, instruments) -> SessionSetup:
    """A module session in Askvik that ended yesterday, six leaders seated, one facilitator."""
    import datetime as dt

    from programs.models import Enrollment, EnrollmentStatus
    from programs.tests.factories import ModuleFactory, ModuleSessionFactory, ProgrammeFactory
    from tests.factories import UserFactory

    now = timezone.now()
    programme = ProgrammeFactory(organisation=personas.org_a, name="Askvikleiaren")
    module = ModuleFactory(programme=programme, topic="Endringsledelse")
    session = ModuleSessionFactory(module=module, theme="Endring i praksis",
                                   date=timezone.localdate() - dt.timedelta(days=1))
    facilitator = UserFactory(organisation=personas.org_a, is_facilitator=True,
                              full_name="Frode Fasilitator")
    session.facilitators.add(facilitator)
    participants = [personas.bob_leader] + [
        LeaderFactory(organisation=personas.org_a, user__full_name=f"Deltaker Nummer{n}")
        for n in range(5)]
    for leader in participants:
        Enrollment.objects.create(module=module, leader=leader, status=EnrollmentStatus.SEATED,
                                  decided_at=now, seated_at=now)
    return SessionSetup(session=session, module=module, facilitator=facilitator,
                        participants=participants)
