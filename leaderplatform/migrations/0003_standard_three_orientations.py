"""The portal's standard leader platform: KS' three orientations (task, relation, change).

A leader whose municipality has not published its own platform takes the
self-assessment on this one. It has no municipality (shared by all, changed only by
system administrators), one published version, and for each orientation two
characteristics with observable behaviours in nb/nn/en. The texts are copied here
(not imported) so that later edits of the demo do not change history.
"""

from __future__ import annotations

import uuid

from django.db import migrations
from django.utils import timezone

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

REFLECTION_EN = [
    "What does it mean to be clear as a leader?\nHow do you follow up what has been decided?",
    "How do you make room for staff to use their skills?\n"
    "How do you help build a good culture in the organisation?",
    "How do you notice what happens around your organisation?\n"
    "What do you do so that new ideas get tried?",
]


def create_standard(apps, schema_editor):
    Platform = apps.get_model("leaderplatform", "Platform")
    PlatformVersion = apps.get_model("leaderplatform", "PlatformVersion")
    Theme = apps.get_model("leaderplatform", "Theme")
    Characteristic = apps.get_model("leaderplatform", "Characteristic")
    Behaviour = apps.get_model("leaderplatform", "Behaviour")
    if Platform.objects.filter(organisation__isnull=True).exists():
        return
    platform = Platform.objects.create(
        uuid=uuid.uuid4(), organisation=None, name_nb="God ledelse: tre orienteringer",
        name_nn="God leiing: tre orienteringar", name_en="Good leadership: three orientations")
    version = PlatformVersion.objects.create(
        uuid=uuid.uuid4(), platform=platform, number=1, status="publisert", step=6,
        published_at=timezone.now(),
        intro_nb="Oppgave-, relasjons- og endringsorientert ledelse i balanse (KS: Guide til "
                 "god ledelse).",
        intro_nn="Oppgåve-, relasjons- og endringsorientert leiing i balanse (KS: Guide til "
                 "god leiing).",
        intro_en="Task-, relation- and change-oriented leadership in balance (KS' guide to "
                 "good leadership).")
    for t_pos, (name_nb, name_nn, name_en, refl_nb, refl_nn, characteristics) in \
            enumerate(THEMES, start=1):
        theme = Theme.objects.create(version=version, position=t_pos, name_nb=name_nb,
                                     name_nn=name_nn, name_en=name_en, reflection_nb=refl_nb,
                                     reflection_nn=refl_nn, reflection_en=REFLECTION_EN[t_pos - 1])
        for c_pos, (text_nb, text_nn, text_en, behaviours) in enumerate(characteristics,
                                                                        start=1):
            characteristic = Characteristic.objects.create(
                version=version, theme=theme, position=t_pos * 10 + c_pos, text_nb=text_nb,
                text_nn=text_nn, text_en=text_en, status="vedtatt")
            Behaviour.objects.bulk_create(
                Behaviour(characteristic=characteristic, position=b_pos, text_nb=b_nb,
                          text_nn=b_nn, text_en=b_en)
                for b_pos, (b_nb, b_nn, b_en) in enumerate(behaviours, start=1))


def delete_standard(apps, schema_editor):
    Platform = apps.get_model("leaderplatform", "Platform")
    SelfAssessment = apps.get_model("leaderplatform", "SelfAssessment")
    SelfAssessment.objects.filter(version__platform__organisation__isnull=True).delete()
    Platform.objects.filter(organisation__isnull=True).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("leaderplatform", "0002_standard_platform_modules_and_instruments"),
    ]

    operations = [
        migrations.RunPython(create_standard, delete_standard),
    ]
