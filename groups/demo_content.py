"""Invented Norwegian text for the demo: poster commitments, tasks, topics, comments."""

from __future__ import annotations

from .models import Purpose

LEAD_NB = ("Vår ledergruppe skal skape MERVERDI for organisasjonen og det enkelte medlem av "
           "gruppen ved å:")
LEAD_NN = ("Leiargruppa vår skal skape MEIRVERDI for organisasjonen og kvart einskilt medlem av "
           "gruppa ved å:")

# (early draft wording, final wording, purpose)
COMMITMENTS_NB = [
    ("Ha en felles retning", "Sette en tydelig retning for tjenestene våre og forklare hvorfor",
     Purpose.DIRECTION),
    ("Prioritere", "Prioritere det som betyr mest for innbyggerne, også når det betyr å si nei",
     Purpose.DIRECTION),
    ("Ta beslutninger sammen",
     "Ta beslutninger sammen, på et godt kunnskapsgrunnlag, og stå samlet bak dem",
     Purpose.DECISIONS),
    ("Bruke ulikhetene i gruppen",
     "Bruke ulikhetene i gruppen til å se saker fra flere sider før vi bestemmer oss",
     Purpose.DECISIONS),
    ("Følge opp vedtak", "Følge opp det vi har bestemt, til det er gjennomført", Purpose.EXECUTION),
    ("Konkrete avtaler", "Gjøre avtaler konkrete: hvem gjør hva, og når", Purpose.EXECUTION),
    ("Se helheten", "Se helheten og dele ressurser på tvers av avdelinger", Purpose.COORDINATION),
    ("Informere tidlig", "Informere hverandre tidlig når noe påvirker andre enheter",
     Purpose.COORDINATION),
    ("Gå foran i endringer", "Gå foran i endringer og involvere medarbeiderne underveis",
     Purpose.CHANGE),
    ("Prøve nye måter", "Prøve ut nye arbeidsmåter og lære av det som ikke virker",
     Purpose.CHANGE),
    ("Støtte hverandre", "Gi hverandre ærlige tilbakemeldinger og støtte når det stormer",
     Purpose.LEADERS),
    ("Trygge ledere", "Være trygge ledere som bygger mestring og tillit hos medarbeiderne",
     Purpose.LEADERS),
]

COMMITMENTS_NN = [
    ("Ha ei felles retning", "Setje ei tydeleg retning for tenestene og forklare kvifor",
     Purpose.DIRECTION),
    ("Ta avgjerder saman",
     "Ta avgjerder saman, på eit godt kunnskapsgrunnlag, og stå samla bak dei",
     Purpose.DECISIONS),
    ("Følgje opp", "Følgje opp det vi har vedteke, til det er gjennomført", Purpose.EXECUTION),
    ("Sjå heilskapen", "Sjå heilskapen og dele ressursar på tvers av einingane",
     Purpose.COORDINATION),
    ("Vere trygge leiarar", "Gje kvarandre ærlege tilbakemeldingar og støtte når det stormar",
     Purpose.LEADERS),
]

TASKS_NB = [
    ("Refleksjonslogg etter ledermøtet",
     "Skriv ned én situasjon fra ukens ledermøte: hva skjedde, hva tenkte du, hva lærte du, og "
     "hva vil du prøve neste gang?"),
    ("Still ett åpent spørsmål i hvert møte",
     "Øv på å spørre før du konkluderer. Noter hvordan det påvirket samtalen."),
    ("Gi konkret ros",
     "Gi minst tre medarbeidere konkret og ærlig ros denne uken, og reflekter over responsen."),
    ("Følg opp én beslutning",
     "Velg én beslutning fra forrige samling og følg den opp til den er gjennomført."),
    ("Be om tilbakemelding",
     "Be en kollega i ledergruppen om tilbakemelding på hvordan du bidrar i møtene."),
    ("Del en erfaring på tvers",
     "Fortell en annen enhet om noe som fungerer hos dere, og spør hva de har lært."),
]

TASKS_NN = [
    ("Refleksjonslogg etter leiarmøtet",
     "Skriv ned éin situasjon frå leiarmøtet: kva skjedde, kva tenkte du, kva lærte du, og kva "
     "vil du prøve neste gong?"),
    ("Spør før du konkluderer",
     "Still eitt ope spørsmål i kvart møte og noter korleis det påverka samtalen."),
]

TOPICS_NB = ["Formålet med ledergruppen", "Formålsplakaten: første utkast",
             "Beslutninger i ledergruppen", "Gjennomføringskraft", "Samspill og tillit",
             "Endring og helhet"]
TOPIC_START_NB = "Motivasjon og behov"
TOPIC_FOLLOW_UP_NB = "Oppfølging og forsterkning"
MEETINGS_NB = ["Ledermøte tirsdag 09–12", "Ledermøte torsdag 12–15", "Utvidet ledermøte",
               "Ledersamling, første mandag i måneden"]
NOTES_NB = ("Gruppen jobbet med temaet i par og i plenum. Vi ble enige om treningsoppgaven til "
            "neste gang og om å ta med erfaringene inn i arbeidet med formålsplakaten.")

COMMENTS_NB = [
    "Kan vi si dette kortere?",
    "Godt formulert – dette kjenner jeg meg igjen i.",
    "Mangler vi noe om medarbeiderne?",
    "Jeg foreslår at vi slår sammen punkt 2 og 3.",
    "Dette må vi kunne måle. Hvordan vet vi at vi lykkes?",
]
COMMENTS_NN = ["Kan vi seie dette kortare?", "Godt formulert – dette kjenner eg meg att i."]
