"""What a new municipality's statements say before O&F edit them, in nb, nn and en.

This is content O&F take over and change (like the standard survey instruments),
not interface text, so it is written here in all three languages rather than
run through gettext. It describes what the portal actually does; the retention
periods are not repeated here: the statement page shows the municipality's
retention schedule itself.
"""

from __future__ import annotations

from typing import Any

Texts = dict[str, str]  # language → text


ACCESSIBILITY_SCOPE: Texts = {
    "nb": "Erklæringen gjelder portalen for lederutvikling: sidene for ledere, ledergrupper, "
          "fasilitatorer og coacher, administrasjonssidene for O&F, og PDF-filene portalen "
          "lager (formålsplakater, rapporter, fakturagrunnlag, dashbord, kursbevis, "
          "lederplattformen og behandlingsprotokollen).",
    "nn": "Erklæringa gjeld portalen for leiarutvikling: sidene for leiarar, leiargrupper, "
          "fasilitatorar og coachar, administrasjonssidene for O&F, og PDF-filene portalen "
          "lagar (formålsplakatar, rapportar, fakturagrunnlag, dashbord, kursbevis, "
          "leiarplattforma og behandlingsprotokollen).",
    "en": "This statement covers the leadership-development portal: the pages for leaders, "
          "leader groups, facilitators and coaches, the administration pages for O&F, and the "
          "PDF files the portal makes (purpose posters, reports, invoice bases, dashboards, "
          "course certificates, the leader platform and the record of processing).",
}

ACCESSIBILITY_FEEDBACK: Texts = {
    "nb": "Vi svarer innen to uker. Får du ikke svar, eller er du ikke fornøyd med svaret, kan "
          "du klage til Tilsynet for universell utforming av IKT (uutilsynet.no).",
    "nn": "Vi svarar innan to veker. Får du ikkje svar, eller er du ikkje nøgd med svaret, kan "
          "du klage til Tilsynet for universell utforming av IKT (uutilsynet.no).",
    "en": "We answer within two weeks. If you get no answer, or are not satisfied with it, you "
          "can complain to the Norwegian Authority for Universal Design of ICT (uutilsynet.no).",
}

# The portal's own known deviations. The pages for leaders pass axe-core (WCAG 2.1 A/AA)
# on every page and the keyboard journeys (tests/test_accessibility_walk.py,
# tests/test_keyboard_journeys.py). The administration pages are not in those tests; the
# last axe-core run on nine of them (6 December 2026: the front page, leader and user
# lists, a leader, the privacy statement form, the retention preview, a new module, a new
# survey round, the invoice basis) found the faults below in two forms, and no page that
# scrolls sideways at 320 px (wide lists scroll inside their own box).
KNOWN_DEVIATIONS: list[dict[str, Any]] = [
    {"criterion": "4.1.2", "area": "admin", "description": {
        "nb": "I skjemaene for ny modul og ny undersøkelsesrunde har to søkbare nedtrekkslister "
              "fra Djangos administrasjon ikke et navn som skjermlesere kan lese opp. Vi "
              "følger dette opp med Djangos egne rettelser.",
        "nn": "I skjemaa for ny modul og ny undersøkingsrunde har to søkbare nedtrekkslister "
              "frå administrasjonen i Django ikkje eit namn som skjermlesarar kan lese opp. Vi "
              "følgjer dette opp med rettingane frå Django.",
        "en": "In the forms for a new module and a new survey round, two searchable drop-down "
              "lists from Django's admin have no name that screen readers can read out. We "
              "follow this up with Django's own fixes."}},
    {"criterion": "3.3.2", "area": "admin", "description": {
        "nb": "I skjemaet for ny modul mangler ett felt fra Djangos administrasjon en ledetekst "
              "som er koblet til feltet.",
        "nn": "I skjemaet for ny modul manglar eitt felt frå administrasjonen i Django ein "
              "leietekst som er kopla til feltet.",
        "en": "In the form for a new module, one field from Django's admin lacks a label "
              "connected to it."}},
    {"criterion": "1.3.1", "area": "pdf", "description": {
        "nb": "PDF-filene er merket (PDF/UA-1) med overskrifter, tabelloverskrifter, språk og "
              "alternativ tekst til diagrammer, men de er ikke kontrollert med en PDF/UA-"
              "validator som veraPDF. Det samme innholdet finnes alltid som nettside.",
        "nn": "PDF-filene er merka (PDF/UA-1) med overskrifter, tabelloverskrifter, språk og "
              "alternativ tekst til diagram, men dei er ikkje kontrollerte med ein PDF/UA-"
              "validator som veraPDF. Det same innhaldet finst alltid som nettside.",
        "en": "The PDF files are tagged (PDF/UA-1) with headings, table headers, language and "
              "alternative text for charts, but they have not been checked with a PDF/UA "
              "validator such as veraPDF. The same content is always available as a web page."}},
]

PRIVACY: dict[str, Texts] = {
    "purposes": {
        "nb": "Vi behandler opplysninger om deg for å gjennomføre kommunens lederutvikling: "
              "påmelding til moduler og samlinger, ledergruppeutvikling og formålsplakater, "
              "nettverksgrupper, coaching med leverandør under rammeavtale, spørreundersøkelser "
              "og evalueringer, påminnelser, og rapporter om deltakelse og kostnader til "
              "kommunens ledelse.",
        "nn": "Vi behandlar opplysningar om deg for å gjennomføre kommunen si leiarutvikling: "
              "påmelding til modular og samlingar, leiargruppeutvikling og formålsplakatar, "
              "nettverksgrupper, coaching med leverandør under rammeavtale, "
              "spørjeundersøkingar og evalueringar, påminningar, og rapportar om deltaking og "
              "kostnader til leiinga i kommunen.",
        "en": "We process data about you to run the municipality's leadership development: "
              "enrolment in modules and gatherings, leader-group development and purpose "
              "posters, network groups, coaching from a supplier under a framework agreement, "
              "surveys and evaluations, reminders, and reports on participation and cost to "
              "the municipality's management.",
    },
    "legal_basis": {
        "nb": "Personvernforordningen artikkel 6 nr. 1 bokstav e (oppgave i allmennhetens "
              "interesse og utøvelse av offentlig myndighet) og bokstav c (rettslig "
              "forpliktelse), sammen med arbeidsgivers styringsrett og plikt til å sørge for "
              "forsvarlig ledelse etter arbeidsmiljøloven og kommuneloven. Anonyme "
              "spørreundersøkelser lagrer ikke hvem som svarte.",
        "nn": "Personvernforordninga artikkel 6 nr. 1 bokstav e (oppgåve i ålmenta si interesse "
              "og utøving av offentleg styresmakt) og bokstav c (rettsleg plikt), saman med "
              "styringsretten til arbeidsgivaren og plikta til å syte for forsvarleg leiing "
              "etter arbeidsmiljølova og kommunelova. Anonyme spørjeundersøkingar lagrar ikkje "
              "kven som svarte.",
        "en": "The General Data Protection Regulation, Article 6(1)(e) (a task carried out in "
              "the public interest and in the exercise of official authority) and (c) (a legal "
              "obligation), together with the employer's right and duty to organise sound "
              "management under the Working Environment Act and the Local Government Act. "
              "Anonymous surveys do not store who answered.",
    },
    "categories": {
        "nb": "Navn, e-postadresse og språk; stilling, ledernivå, enhet, leder over deg, år som "
              "leder, om du er ledertalent og eventuelt fødselsår; påmeldinger og oppmøte; "
              "medlemskap i ledergrupper og nettverksgrupper; coachingforløp og timer; svar på "
              "ikke-anonyme undersøkelser og evalueringer; påminnelser som er sendt til deg; "
              "logg over endringer du har gjort. Utviklingsprosjektet og refleksjonsnotatene "
              "dine leses bare av deg, og av coachen din når du deler dem.",
        "nn": "Namn, e-postadresse og språk; stilling, leiarnivå, eining, leiaren over deg, år "
              "som leiar, om du er leiartalent og eventuelt fødselsår; påmeldingar og oppmøte; "
              "medlemskap i leiargrupper og nettverksgrupper; coachingforløp og timar; svar på "
              "ikkje-anonyme undersøkingar og evalueringar; påminningar som er sende til deg; "
              "logg over endringar du har gjort. Utviklingsprosjektet og refleksjonsnotata "
              "dine blir berre lesne av deg, og av coachen din når du deler dei.",
        "en": "Name, email address and language; job title, leader level, unit, the leader "
              "above you, years as a leader, whether you are a leader talent and, if given, "
              "year of birth; enrolments and attendance; membership of leader groups and "
              "network groups; coaching courses and sessions; answers to surveys and "
              "evaluations that are not anonymous; reminders sent to you; a log of changes you "
              "made. Your development project and reflection notes are read only by you, and "
              "by your coach when you share them.",
    },
    "recipients": {
        "nb": "O&F i kommunen, lederen over deg (for godkjenning av påmeldinger og coaching), "
              "fasilitatorer og rådgivere for gruppene og modulene du er med i, og coacher hos "
              "leverandøren under kommunens rammeavtale for coaching (navn, enhet og timene "
              "dine). Leverandøren som drifter portalen er databehandler. Opplysningene blir "
              "ikke overført til land utenfor EØS.",
        "nn": "O&F i kommunen, leiaren over deg (for godkjenning av påmeldingar og coaching), "
              "fasilitatorar og rådgivarar for gruppene og modulane du er med i, og coachar hos "
              "leverandøren under rammeavtalen kommunen har for coaching (namn, eining og "
              "timane dine). Leverandøren som driftar portalen er databehandlar. Opplysningane "
              "blir ikkje overførte til land utanfor EØS.",
        "en": "O&F in the municipality, the leader above you (to approve enrolments and "
              "coaching), facilitators and advisers of the groups and modules you take part "
              "in, and coaches at the supplier under the municipality's framework agreement "
              "for coaching (your name, unit and sessions). The company that runs the portal "
              "is a data processor. The data is not transferred to countries outside the EEA.",
    },
    "rights": {
        "nb": "Du har rett til innsyn i opplysningene om deg, og til å få dem rettet eller "
              "slettet når vilkårene er oppfylt. Du kan be om begrenset behandling og protestere "
              "mot behandlingen. Kontakt O&F eller personvernombudet. Mener du at vi behandler "
              "opplysningene i strid med regelverket, kan du klage til Datatilsynet "
              "(datatilsynet.no).",
        "nn": "Du har rett til innsyn i opplysningane om deg, og til å få dei retta eller "
              "sletta når vilkåra er oppfylte. Du kan be om avgrensa behandling og protestere "
              "mot behandlinga. Kontakt O&F eller personvernombodet. Meiner du at vi behandlar "
              "opplysningane i strid med regelverket, kan du klage til Datatilsynet "
              "(datatilsynet.no).",
        "en": "You have the right to see the data about you, and to have it corrected or "
              "erased when the conditions are met. You can ask for processing to be "
              "restricted and object to it. Contact O&F or the data protection officer. If you "
              "believe we process the data unlawfully, you can complain to the Norwegian Data "
              "Protection Authority (datatilsynet.no).",
    },
}


def multilingual(name: str, texts: Texts) -> dict[str, str]:
    """``{"<name>_nb": …, "<name>_nn": …, "<name>_en": …}`` for a model's fields."""
    return {f"{name}_{language}": text for language, text in texts.items()}
