"""Askvik (the personas' municipality A) developing its leader platform.

``lp.group`` is a leader group of two: its head (boss, bob's leader above) and
bob; its process is facilitated by ``lp.facilitator``. ``lp.net_group`` is a
network group of Nina and Ola with its own facilitator. ``lp.other`` is a
leader of A in no group. ``lp.coach`` coaches bob in an active course.
Two units share the name «Bygg og eiendom»; a group's name holds a newline.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from coaching.tests.factories import CourseFactory
from groups.tests.factories import FacilitatorFactory, GroupProcessFactory
from networks.tests.factories import (
    MembershipFactory,
    NetworkGroupFactory,
    NetworkPlanFactory,
    ProgrammeFactory,
)
from tests.factories import (
    LeaderFactory,
    LeaderGroupFactory,
    LeaderGroupMembershipFactory,
    UnitFactory,
)

from .. import services
from ..models import Behaviour, CharacteristicStatus, PlatformVersion, Step, Theme


@dataclass
class LP:
    personas: Any
    org: Any
    oaf: Any
    head: Any  # Leader
    member: Any  # Leader (bob)
    group: Any
    facilitator: Any  # User
    net_group: Any
    net_facilitator: Any  # User
    nina: Any  # Leader
    ola: Any  # Leader
    other: Any  # Leader of A in no group
    coach: Any  # User
    course: Any
    version: PlatformVersion


def at_step(version: PlatformVersion, step: int) -> PlatformVersion:
    PlatformVersion.objects.filter(pk=version.pk).update(step=step)
    version.refresh_from_db()
    return version


@pytest.fixture
def standard_platform(db) -> None:
    """The standard platform migration 0003 makes, made again if a transactional test
    (``transaction=True`` empties every table) ran before in this worker."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "leaderplatform.migrations.0003_standard_three_orientations")
    migration.create_standard(apps, None)  # does nothing if it is there


@pytest.fixture
def lp(personas, standard_platform) -> LP:
    org = personas.org_a
    area = UnitFactory(organisation=org, name="Bygg og eiendom", kind="tjenesteomrade")
    UnitFactory(organisation=org, name="Bygg og eiendom", parent=area)
    group = LeaderGroupFactory(organisation=org, name="Ledergruppa Helse\nog velferd",
                               head=personas.boss_leader, unit=personas.boss_leader.unit)
    LeaderGroupMembershipFactory(group=group, leader=personas.boss_leader)
    LeaderGroupMembershipFactory(group=group, leader=personas.bob_leader)
    facilitator = FacilitatorFactory(organisation=org, full_name="Frida Fasilitator",
                                     email="frida@askvik.example")
    GroupProcessFactory(group=group, facilitator=facilitator)
    programme = ProgrammeFactory(organisation=org, name="Askviklederen", slug="askviklederen")
    plan = NetworkPlanFactory(programme=programme)
    net_facilitator = FacilitatorFactory(organisation=org, full_name="Nils Nettverksrådgiver",
                                         email="nils@askvik.example")
    net_group = NetworkGroupFactory(plan=plan, name="Blåveis", facilitator=net_facilitator)
    nina = LeaderFactory(organisation=org, unit=area, user__full_name="Nina Nettverk",
                         user__email="nina@askvik.example", level="avdelingsleder")
    ola = LeaderFactory(organisation=org, unit=area, user__full_name="Ola Østby",
                        user__email="ola@askvik.example", level="teamleder")
    MembershipFactory(group=net_group, leader=nina)
    MembershipFactory(group=net_group, leader=ola)
    other = LeaderFactory(organisation=org, user__full_name="Åse Annen",
                          user__email="ase@askvik.example")
    course = CourseFactory(organisation=org, leader=personas.bob_leader,
                           coach__user__full_name="Kari Coach",
                           coach__user__email="kari.coach@askvik.example")
    version = services.platform_version_create(organisation=org, actor=personas.alice)
    return LP(personas=personas, org=org, oaf=personas.alice, head=personas.boss_leader,
              member=personas.bob_leader, group=group, facilitator=facilitator,
              net_group=net_group, net_facilitator=net_facilitator, nina=nina, ola=ola,
              other=other, coach=course.coach.user, course=course, version=version)


PROPOSALS = ["Tydelig på mål og forventninger", "Ser hver enkelt medarbeider",
             "Tydelige mål – og forklarer hvorfor"]


def publish(lp: LP, *, announce: bool = False) -> PlatformVersion:
    """Run the version through all six steps with the services, as O&F and the groups do."""
    version = lp.version
    oaf = lp.oaf
    services.version_advance(version=version, actor=oaf)
    services.version_advance(version=version, actor=oaf)
    version.refresh_from_db()
    proposals = [services.proposal_submit(version=version, actor=lp.facilitator, text=text,
                                          leader_group=lp.group) for text in PROPOSALS]
    services.version_advance(version=version, actor=oaf)
    version.refresh_from_db()
    task = Theme.objects.create(version=version, position=1, name_nb="Oppgaveorientert ledelse",
                                name_nn="Oppgåveorientert leiing",
                                reflection_nb="Hva vil det si å være tydelig som leder?",
                                reflection_nn="Kva vil det seie å vere tydeleg som leiar?")
    relation = Theme.objects.create(version=version, position=2,
                                    name_nb="Relasjonsorientert ledelse",
                                    name_nn="Relasjonsorientert leiing",
                                    reflection_nb="Hvordan ser du den enkelte?")
    goals = services.candidate_create(version=version, actor=oaf, text=PROPOSALS[0], theme=task,
                                      proposals=[proposals[0], proposals[2]])
    seen = services.candidate_create(version=version, actor=oaf, text=PROPOSALS[1],
                                     theme=relation, proposals=[proposals[1]])
    dropped = services.candidate_create(version=version, actor=oaf, text="Alltid tilgjengelig")
    goals.text_nn = "Tydeleg på mål og forventningar"
    goals.save()
    Behaviour.objects.create(characteristic=goals, position=1,
                             text_nb="Bryter ned mål til konkrete oppgaver",
                             text_nn="Bryt ned mål til konkrete oppgåver")
    Behaviour.objects.create(characteristic=goals, position=2,
                             text_nb="Følger opp avtaler og frister")
    Behaviour.objects.create(characteristic=seen, position=1,
                             text_nb="Gir konkrete og ærlige tilbakemeldinger")
    services.version_advance(version=version, actor=oaf)
    version.refresh_from_db()
    for leader in (lp.head, lp.member, lp.nina, lp.ola, lp.other):
        services.ballot_cast(version=version, leader=leader,
                             scores={goals.pk: 5, seen.pk: 4, dropped.pk: 2})
    services.candidate_decide(characteristic=goals, adopted=True, actor=oaf)
    services.candidate_decide(characteristic=seen, adopted=True, actor=oaf)
    services.candidate_decide(characteristic=dropped, adopted=False, actor=oaf)
    services.version_advance(version=version, actor=oaf)
    version.refresh_from_db()
    assert version.step == Step.LAUNCH
    services.version_publish(version=version, actor=oaf, announce=announce)
    version.refresh_from_db()
    assert dropped.__class__.objects.get(pk=dropped.pk).status == CharacteristicStatus.REJECTED
    return version


def behaviour_ids(version: PlatformVersion) -> list[int]:
    return list(Behaviour.objects.filter(characteristic__version=version,
                                         characteristic__status=CharacteristicStatus.ADOPTED)
                .order_by("characteristic__position", "position").values_list("pk", flat=True))


def all_scores(version: PlatformVersion, score: int = 3) -> dict[int, int]:
    return dict.fromkeys(behaviour_ids(version), score)


def in_english(user: Any) -> Any:
    """Pages in English, so a test reads its messages without the catalogues."""
    user.language = "en"
    user.save(update_fields=["language"])
    return user
