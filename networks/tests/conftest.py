"""A programme in Askvik (the personas' municipality A) with a confirmed network group.

``net.group`` («Blåveis») holds bob and four invented colleagues from other
units; bob's leader above (boss) is a participant in another group
(«Stjernelaget»). ``net.proposed`` is an upcoming proposed meeting with two
dates in its poll, ``net.past`` a confirmed meeting that has taken place.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from tests.factories import LeaderFactory, UnitFactory

from ..models import MeetingStatus, Slot
from .factories import (
    FacilitatorFactory,
    GatheringFactory,
    MeetingFactory,
    MembershipFactory,
    NetworkGroupFactory,
    NetworkPlanFactory,
    OptionFactory,
    ParticipantFactory,
    ProgrammeFactory,
    weekday_after,
)


@dataclass
class Net:
    programme: object
    plan: object
    group: object
    other_group: object
    facilitator: object
    members: list
    outsider_leader: object  # a leader of A in no group
    proposed: object
    options: list
    past: object
    gatherings: list


@pytest.fixture
def net(personas) -> Net:
    org = personas.org_a
    today = timezone.localdate()
    programme = ProgrammeFactory(organisation=org, name="Askviklederen", slug="askviklederen",
                                 starts_on=today - dt.timedelta(days=60),
                                 ends_on=today + dt.timedelta(days=300))
    gatherings = [GatheringFactory(programme=programme, theme=theme,
                                   date=weekday_after(today, offset))
                  for theme, offset in (("Felles plattform", -50), ("Relasjonsledelse", 70),
                                        ("Gjennomføring", 200))]
    facilitator = FacilitatorFactory(organisation=org, full_name="Fia Fasilitator",
                                     email="fia@askvik.example")
    plan = NetworkPlanFactory(programme=programme)
    plan.facilitators.add(facilitator)
    group = NetworkGroupFactory(plan=plan, name="Blåveis", facilitator=facilitator, position=0)
    other = NetworkGroupFactory(plan=plan, name="Stjernelaget", position=1)
    area = UnitFactory(organisation=org, name="Oppvekst", kind="tjenesteomrade")
    members = [personas.bob_leader]
    for name in ("Anna Aas", "Per Berg", "Kari Lund", "Ola Moen"):
        unit = UnitFactory(organisation=org, name=f"Enhet {name}", parent=area)
        members.append(LeaderFactory(organisation=org, unit=unit, user__full_name=name))
    for leader in members:
        ParticipantFactory(programme=programme, leader=leader)
        MembershipFactory(group=group, leader=leader)
    ParticipantFactory(programme=programme, leader=personas.boss_leader)
    MembershipFactory(group=other, leader=personas.boss_leader)
    outsider = LeaderFactory(organisation=org, user__full_name="Utenfor Gruppa",
                             user__email="utenfor@askvik.example")
    proposed = MeetingFactory(group=group, number=2, date=weekday_after(today, 21),
                              facilitator=facilitator)
    options = [OptionFactory(meeting=proposed),
               OptionFactory(meeting=proposed, date=weekday_after(today, 23),
                             slot=Slot.AFTERNOON, starts_at=dt.time(12, 30),
                             ends_at=dt.time(15, 0))]
    past = MeetingFactory(group=group, number=1, date=weekday_after(today, -20),
                          status=MeetingStatus.CONFIRMED, confirmed_at=timezone.now(),
                          facilitator=facilitator)
    return Net(programme=programme, plan=plan, group=group, other_group=other,
               facilitator=facilitator, members=members, outsider_leader=outsider,
               proposed=proposed, options=options, past=past, gatherings=gatherings)


@pytest.fixture
def english():
    """Service tests read the rules' messages in their source language (English); the view,
    email and browser tests check bokmål and nynorsk."""
    from django.utils import translation

    with translation.override("en"):
        yield
