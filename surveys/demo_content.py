"""Invented free-text answers for the demo data (bokmål for Fjordvik, nynorsk for Lia)."""

from __future__ import annotations

EFFECT_IMPROVE = [
    "Bruke mindre tid på orienteringssaker og mer på de store prioriteringene.",
    "Følge opp det vi vedtar, og si fra når noe ikke blir gjort.",
    "Tørre å være uenige i møtene, ikke etterpå.",
    "Dele mer på tvers av enhetene, særlig når budsjettet er stramt.",
    "Sette av tid til å se framover, ikke bare på driften.",
    "Bli tydeligere på hvem som har ansvaret etter hvert møte.",
    "Gi hverandre ærligere tilbakemeldinger.",
    "Lage sakslisten sammen, så alle vet hva vi skal bruke tiden på.",
    "Snakke mer om hvordan vi jobber som gruppe.",
    "Stå samlet bak beslutningene overfor egne ansatte.",
    "Ta opp vanskelige saker tidligere.",
    "Ha færre, men bedre forberedte saker.",
]

NEEDS_OTHER = [
    "Arbeidsrett og personaloppfølging i praksis.",
    "Økonomistyring for virksomhetsledere.",
    "Ledelse av ledere.",
    "Digitalisering og bruk av nye verktøy.",
    "Hvordan lede godt på avstand og i turnus.",
    "Sykefraværsoppfølging og tilrettelegging.",
    "Rekruttering og å beholde fagfolk.",
    "Å lede i krise og beredskap.",
    "Medarbeiderskap og involvering.",
    "Tid til refleksjon med andre ledere.",
]

EVALUATION_GOOD = [
    "God veksling mellom teori og egne eksempler.",
    "Nyttig å diskutere med ledere fra andre tjenesteområder.",
    "Konkrete verktøy jeg kan bruke allerede neste uke.",
    "Trygg stemning, og god tid til spørsmål.",
    "Godt forberedt og engasjert fasilitator.",
    "Refleksjonsoppgaven satte i gang gode tanker.",
    "Gruppearbeidet var det beste.",
    "Relevante eksempler fra kommunal sektor.",
]

EVALUATION_BETTER = [
    "Litt for mye stoff på kort tid.",
    "Mer tid i grupper og mindre forelesning.",
    "Sende ut lesestoff i forkant.",
    "Pausene kunne vært lengre.",
    "Flere eksempler fra tekniske fag.",
    "Tydeligere oppsummering på slutten.",
    "Lokalet var for lite til gruppearbeid.",
]

LIA_GOOD = [
    "Godt å møte leiarar frå heile kommunen.",
    "Nyttige verktøy for medarbeidarsamtalar.",
    "Gode samtalar i nettverksgruppa.",
    "Rådgjevarane var godt førebudde.",
    "Praktiske døme frå små kommunar.",
]

LIA_BETTER = [
    "Meir tid til eigne case.",
    "Kortare innlegg før lunsj.",
    "Sende program og lesestoff tidlegare.",
    "Fleire pausar.",
]

# Choice and ranking questions the demo municipalities add to their own copy of the needs
# survey (bokmål, nynorsk, English). The numbers shape the invented answers: for single
# choice relative weights, for multiple choice the chance of each being ticked, for ranking
# how much each is wanted (higher comes first).
NEEDS_CHOICE_ITEMS = [
    {"key": "format", "kind": "single", "required": True,
     "text": ("Hvilken form for lederutvikling passer deg best?",
              "Kva form for leiarutvikling passar deg best?",
              "Which form of leadership development suits you best?"),
     "choices": [(("Samlinger over flere dager", "Samlingar over fleire dagar",
                   "Gatherings over several days"), 3.0),
                 (("Korte økter på arbeidsplassen", "Korte økter på arbeidsplassen",
                   "Short sessions at work"), 4.0),
                 (("Nettkurs i eget tempo", "Nettkurs i eige tempo",
                   "Online courses at my own pace"), 1.5),
                 (("Veiledning en-til-en", "Rettleiing ein-til-ein",
                   "One-to-one coaching"), 2.0)]},
    {"key": "when", "kind": "multiple",
     "text": ("Når kan du delta? Velg alle som passer.",
              "Når kan du delta? Vel alle som passar.",
              "When can you take part? Choose all that apply."),
     "choices": [(("Formiddag", "Føremiddag", "Mornings"), 0.7),
                 (("Ettermiddag", "Ettermiddag", "Afternoons"), 0.45),
                 (("Hele dager", "Heile dagar", "Full days"), 0.35),
                 (("Digitalt", "Digitalt", "Online"), 0.5)]},
    {"key": "rank_topics", "kind": "ranking",
     "text": ("Ranger disse temaene for neste år (1 er viktigst).",
              "Ranger desse temaa for neste år (1 er viktigast).",
              "Rank these topics for next year (1 matters most)."),
     "choices": [(("Arbeidsmiljø og sykefravær", "Arbeidsmiljø og sjukefråvær",
                   "Work environment and sick leave"), 1.0),
                 (("Økonomi og prioritering", "Økonomi og prioritering",
                   "Budgets and priorities"), 0.6),
                 (("Rekruttering", "Rekruttering", "Recruitment"), 0.8),
                 (("Digitalisering", "Digitalisering", "Digitalisation"), 0.3)]},
]
