"""Demo data: Fjordvik's leader platform mid-process and Lia's published one (nynorsk).

Fjordvik published version 1 two years ago (themes after KS' three orientations:
task, relation, change) and is now developing version 2: steps 1–3 are behind it,
its leader groups and network groups have submitted proposals, and O&F is at
step 4, sorting them into candidates (some sorted, some not). Some of
Fjordvik's leaders — the demo leader among them — have taken the
self-assessment, so the profile and O&F's anonymous overview have something to
show. Lia, which writes nynorsk, has a published platform. In both, each published
module builds one of the published platform's characteristics. Leaders of a
municipality without a published platform assess themselves on the standard three
orientations (migration 0003), which the demo neither makes nor deletes.

Rows are written directly in their final state (the services' rules are tested
in ``leaderplatform/tests``); the demo must stay quick to seed.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from accounts.demo import DEMO_ACCOUNTS
from accounts.models import Leader, Organisation, User
from groups.models import LeaderGroup
from networks.models import NetworkGroup
from programs.models import Module, ModuleStatus

from .models import (
    Behaviour,
    Characteristic,
    CharacteristicStatus,
    Platform,
    PlatformVersion,
    Proposal,
    SelfAnswer,
    SelfAssessment,
    Step,
    StepPlan,
    Theme,
    VersionStatus,
)

# (theme nb, theme nn, theme en, reflection nb, reflection nn,
#  [(characteristic nb, nn, en, [(behaviour nb, nn, en), …]), …])
_Three = tuple[str, str, str]
_Characteristic = tuple[str, str, str, list[_Three]]
THEMES: list[tuple[str, str, str, str, str, list[_Characteristic]]] = [
    ("Oppgaveorientert ledelse", "Oppgåveorientert leiing", "Task-oriented leadership",
     "Hva vil det si å være tydelig som leder?\nHvordan følger du opp det som er bestemt?",
     "Kva vil det seie å vere tydeleg som leiar?\nKorleis følgjer du opp det som er bestemt?",
     [("Setter tydelige mål og følger dem opp", "Set tydelege mål og følgjer dei opp",
       "Sets clear goals and follows them up",
       [("Er god til å bryte ned mål til konkrete oppgaver",
         "Er god til å bryte ned mål til konkrete oppgåver",
         "Is good at breaking goals down into concrete tasks"),
        ("Følger opp avtaler og frister", "Følgjer opp avtalar og fristar",
         "Follows up agreements and deadlines")]),
      ("Skaper struktur og forutsigbarhet", "Skaper struktur og føreseielegheit",
       "Creates structure and predictability",
       [("Planlegger arbeidet sammen med de ansatte", "Planlegg arbeidet saman med dei tilsette",
         "Plans the work together with staff"),
        ("Evaluerer resultater og lærer av dem", "Evaluerer resultat og lærer av dei",
         "Evaluates results and learns from them")])]),
    ("Relasjonsorientert ledelse", "Relasjonsorientert leiing", "Relation-oriented leadership",
     "Hvordan legger du til rette for at medarbeiderne får brukt kompetansen sin?\n"
     "På hvilken måte er du med på å skape en god organisasjonskultur?",
     "Korleis legg du til rette for at medarbeidarane får bruke kompetansen sin?\n"
     "På kva måte er du med på å skape ein god organisasjonskultur?",
     [("Ser og anerkjenner den enkelte", "Ser og anerkjenner den einskilde",
       "Sees and recognises each person",
       [("Gir konkrete og ærlige tilbakemeldinger", "Gir konkrete og ærlege tilbakemeldingar",
         "Gives concrete and honest feedback"),
        ("Har jevnlige samtaler med hver medarbeider",
         "Har jamlege samtalar med kvar medarbeidar",
         "Has regular conversations with each member of staff")]),
      ("Bygger tillit og samarbeid", "Byggjer tillit og samarbeid", "Builds trust and cooperation",
       [("Involverer de ansatte i beslutninger som angår dem",
         "Involverer dei tilsette i avgjerder som gjeld dei",
         "Involves staff in decisions that concern them"),
        ("Tar tak i konflikter tidlig", "Tek tak i konfliktar tidleg",
         "Deals with conflicts early")])]),
    ("Endringsorientert ledelse", "Endringsorientert leiing", "Change-oriented leadership",
     "Hvordan fanger du opp det som skjer rundt virksomheten din?\n"
     "Hva gjør du for at nye ideer blir prøvd ut?",
     "Korleis fangar du opp det som skjer rundt verksemda di?\n"
     "Kva gjer du for at nye idear blir prøvde ut?",
     [("Skaper retning og begeistring for endring", "Skaper retning og engasjement for endring",
       "Gives direction and enthusiasm for change",
       [("Forklarer hvorfor en endring er nødvendig", "Forklarer kvifor ei endring er naudsynt",
         "Explains why a change is needed"),
        ("Er god til å tenke nye samarbeidspartnere inn i utviklingen av tjenestene",
         "Er god til å tenkje nye samarbeidspartnarar inn i utviklinga av tenestene",
         "Is good at bringing new partners into developing the services")]),
      ("Gir rom for å prøve og feile", "Gir rom for å prøve og feile",
       "Leaves room to try and fail",
       [("Oppmuntrer til nye ideer", "Oppmodar til nye idear", "Encourages new ideas"),
        ("Deler egne feil og hva hen lærte av dem", "Deler eigne feil og kva hen lærte av dei",
         "Shares own mistakes and what they learnt")])]),
]

PROPOSALS_NB = [
    "Tydelig på hva vi skal oppnå – og hvorfor",
    "Er til stede og tilgjengelig for de ansatte",
    "Gir ærlige tilbakemeldinger, også når det er krevende",
    "Tør å prøve nye løsninger sammen med brukerne",
    "Tydelig på mål og forventninger",
    "Ser hver enkelt medarbeider",
    "Involverer tillitsvalgte tidlig",
    "Står i vanskelige beslutninger og forklarer dem",
    "Lytter før vi bestemmer <ikke bare i møter>",
    "Deler kunnskap på tvers av enhetene\nog inviterer andre inn",
    "Følger opp det vi har bestemt",
    "Skaper trygghet i endring",
]
CANDIDATES_NB = ["Tydelig på mål og forventninger", "Ser og lytter til hver medarbeider",
                 "Trygg og åpen i endring"]


def _published_version(platform: Platform, number: int, when: dt.datetime, actor: User | None,
                       *, nynorsk_first: bool) -> PlatformVersion:
    version = PlatformVersion.objects.create(
        platform=platform, number=number, status=VersionStatus.PUBLISHED, step=Step.LAUNCH,
        published_at=when, published_by=actor,
        intro_nb=("Lederplattformen sier hva vi forventer av god ledelse hos oss. Den er "
                  "målrettet, forankret og konsistent."),
        intro_nn=("Leiarplattforma seier kva vi ventar av god leiing hjå oss. Ho er "
                  "målretta, forankra og konsistent."),
        intro_en=("The leader platform says what we expect of good leadership here. It is "
                  "targeted, rooted and consistent."))
    StepPlan.objects.bulk_create(StepPlan(version=version, step=step) for step in Step.values)
    for t_pos, (t_nb, t_nn, t_en, r_nb, r_nn, characteristics) in enumerate(THEMES, start=1):
        theme = Theme.objects.create(version=version, position=t_pos, name_nb=t_nb, name_nn=t_nn,
                                     name_en=t_en, reflection_nb=r_nb, reflection_nn=r_nn)
        for c_pos, (c_nb, c_nn, c_en, behaviours) in enumerate(characteristics, start=1):
            characteristic = Characteristic.objects.create(
                version=version, theme=theme, position=c_pos, text_nb=c_nb, text_nn=c_nn,
                text_en="" if nynorsk_first else c_en, status=CharacteristicStatus.ADOPTED)
            Behaviour.objects.bulk_create(
                Behaviour(characteristic=characteristic, position=b_pos, text_nb=b_nb,
                          text_nn=b_nn, text_en="" if nynorsk_first else b_en)
                for b_pos, (b_nb, b_nn, b_en) in enumerate(behaviours, start=1))
    return version


def _link_modules(version: PlatformVersion, org: Organisation) -> int:
    """Each published module builds one characteristic, in turn (shown on both pages)."""
    modules = list(Module.objects.filter(programme__organisation=org,
                                         status=ModuleStatus.PUBLISHED).order_by("pk")[:6])
    characteristics = list(version.characteristics.order_by("theme__position", "position"))
    if not characteristics:
        return 0
    Through = Characteristic.modules.through
    Through.objects.bulk_create(
        Through(characteristic_id=characteristics[i % len(characteristics)].pk,
                module_id=module.pk) for i, module in enumerate(modules))
    return len(modules)


def _assess(leader_id: int, version: PlatformVersion, behaviour_ids: list[int],
            rng: random.Random, when: dt.datetime) -> None:
    assessment = SelfAssessment.objects.create(leader_id=leader_id, version=version)
    SelfAssessment.objects.filter(pk=assessment.pk).update(created_at=when)
    SelfAnswer.objects.bulk_create(SelfAnswer(assessment=assessment, behaviour_id=pk,
                                              score=rng.choice([2, 3, 3, 4, 4, 5]))
                                   for pk in behaviour_ids)


def _seed_fjordvik(org: Organisation, rng: random.Random, today: dt.date) -> tuple[int, int]:
    now = timezone.now()
    oaf = User.objects.filter(email=DEMO_ACCOUNTS["oaf"]).first()
    platform = Platform.objects.create(organisation=org, name_nb="Lederplattform for Fjordvik",
                                       name_nn="Leiarplattform for Fjordvik",
                                       name_en="Fjordvik's leader platform")
    v1 = _published_version(platform, 1, now - dt.timedelta(days=730), oaf, nynorsk_first=False)
    _link_modules(v1, org)
    v2 = PlatformVersion.objects.create(platform=platform, number=2, step=Step.ANALYSE,
                                        intro_nb=v1.intro_nb, intro_nn=v1.intro_nn,
                                        intro_en=v1.intro_en)
    starts = today - dt.timedelta(days=120)
    StepPlan.objects.bulk_create(
        StepPlan(version=v2, step=step, starts_on=starts + dt.timedelta(days=30 * (step - 1)),
                 ends_on=starts + dt.timedelta(days=30 * step - 1),
                 note="Ledersamling" if step in (1, 3, 6) else "")
        for step in Step.values)
    for t_pos, (t_nb, t_nn, t_en, r_nb, r_nn, _c) in enumerate(THEMES, start=1):
        Theme.objects.create(version=v2, position=t_pos, name_nb=t_nb, name_nn=t_nn,
                             name_en=t_en, reflection_nb=r_nb, reflection_nn=r_nn)
    # Proposals from the demo group head's group first, then other groups.
    head_groups = list(LeaderGroup.objects.filter(organisation=org,
                                                  head__user__email=DEMO_ACCOUNTS["group_head"]))
    others = list(LeaderGroup.objects.filter(organisation=org)
                  .exclude(pk__in=[g.pk for g in head_groups]).order_by("pk")[:5])
    network = list(NetworkGroup.objects.filter(plan__programme__organisation=org)
                   .order_by("pk")[:3])
    sources: list[dict[str, Any]] = ([{"leader_group": g} for g in head_groups + others]
                                     + [{"network_group": g} for g in network])
    proposals = [Proposal(version=v2, text=text, **sources[i % len(sources)])
                 for i, text in enumerate(PROPOSALS_NB)] if sources else []
    Proposal.objects.bulk_create(proposals)
    themes = list(v2.themes.order_by("position"))
    candidates = [Characteristic.objects.create(version=v2, theme=themes[i], position=i + 1,
                                                text_nb=text)
                  for i, text in enumerate(CANDIDATES_NB)]
    sorted_into = {0: 0, 4: 0, 10: 0, 1: 1, 5: 1, 8: 1, 11: 2, 3: 2}
    for index, candidate_index in sorted_into.items():
        if index < len(proposals):
            proposals[index].characteristic = candidates[candidate_index]
    Proposal.objects.bulk_update(proposals, ["characteristic"])
    # Self-assessments of version 1: the demo leader twice, and a sample of others.
    behaviour_ids = list(Behaviour.objects.filter(characteristic__version=v1)
                         .values_list("pk", flat=True))
    demo_leader = Leader.objects.filter(user__email=DEMO_ACCOUNTS["leader"]).first()
    assessed = 0
    if demo_leader is not None:
        _assess(demo_leader.pk, v1, behaviour_ids, rng, now - dt.timedelta(days=200))
        _assess(demo_leader.pk, v1, behaviour_ids, rng, now - dt.timedelta(days=20))
        assessed += 2
    sample = list(Leader.objects.filter(organisation=org)
                  .exclude(user__email__in=DEMO_ACCOUNTS.values())
                  .order_by("pk").values_list("pk", flat=True)[:40])
    for leader_id in sample:
        _assess(leader_id, v1, behaviour_ids, rng, now - dt.timedelta(days=rng.randint(10, 300)))
        assessed += 1
    return len(proposals), assessed


def _seed_lia(org: Organisation, rng: random.Random) -> int:
    oaf = User.objects.filter(email=DEMO_ACCOUNTS["small_oaf"]).first()
    platform = Platform.objects.create(organisation=org, name_nb="Lederplattform for Lia",
                                       name_nn="Leiarplattform for Lia")
    version = _published_version(platform, 1, timezone.now() - dt.timedelta(days=60), oaf,
                                 nynorsk_first=True)
    _link_modules(version, org)
    return 1


def seed_demo(*, large: Organisation, small: Organisation, rng: random.Random,
              today: dt.date, scale: int) -> dict[str, int]:
    proposals, assessed = _seed_fjordvik(large, rng, today)
    platforms = 1 + _seed_lia(small, rng)
    return {"leader platforms": platforms, "platform proposals": proposals,
            "self-assessments": assessed}


def delete_demo(*, organisations: QuerySet[Organisation]) -> None:
    SelfAssessment.objects.filter(leader__organisation__in=organisations).delete()
    Platform.objects.filter(organisation__in=organisations).delete()
