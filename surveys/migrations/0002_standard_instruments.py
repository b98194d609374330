"""The three standard instruments, written for this portal in bokmål, nynorsk and English.

Standard instruments belong to no municipality: every municipality may use
them, and O&F copies one to change its wording. The effectiveness instrument's
dimensions follow the themes of Bang & Midelfart's work on effective leader
groups; the questions are our own.
"""

from django.db import migrations

AGREE = (("Helt uenig", "Heilt usamd", "Strongly disagree"),
         ("Helt enig", "Heilt samd", "Strongly agree"))
IMPORTANCE = (("Lite viktig", "Lite viktig", "Not important"),
              ("Svært viktig", "Svært viktig", "Very important"))
EXTENT = (("I liten grad", "I liten grad", "To a small extent"),
          ("I svært stor grad", "I svært stor grad", "To a very great extent"))
USEFUL = (("Lite nyttig", "Lite nyttig", "Not useful"),
          ("Svært nyttig", "Svært nyttig", "Very useful"))

EFFECT = {
    "key": "effect-standard", "kind": "effect",
    "name": ("Effektive ledergrupper – kartlegging", "Effektive leiargrupper – kartlegging",
             "Effective leader groups – survey"),
    "intro": (
        "Svar ut fra hvordan ledergruppen din fungerer i dag. Svarene er anonyme: ingen kan se "
        "hva du har svart, og resultater vises bare når mange nok har svart.",
        "Svar ut frå korleis leiargruppa di fungerer i dag. Svara er anonyme: ingen kan sjå "
        "kva du har svart, og resultat blir berre viste når mange nok har svart.",
        "Answer from how your leader group works today. Answers are anonymous: nobody can see "
        "what you answered, and results are shown only when enough people have answered."),
    "dimensions": [
        ("purpose", ("Formål og oppgaver", "Føremål og oppgåver", "Purpose and tasks"), 7, AGREE, [
            ("purpose_value", (
                "Vi er enige om hvilken merverdi ledergruppen vår skal skape for organisasjonen.",
                "Vi er samde om kva meirverdi leiargruppa vår skal skape for organisasjonen.",
                "We agree on the value our leader group is to create for the organisation.")),
            ("purpose_agenda", (
                "Sakene på møtene våre er saker som bare ledergruppen kan løse.",
                "Sakene på møta våre er saker som berre leiargruppa kan løyse.",
                "The matters on our agenda are ones only the leader group can resolve.")),
            ("purpose_role", (
                "Jeg vet hva som forventes av meg som medlem av ledergruppen.",
                "Eg veit kva som er venta av meg som medlem av leiargruppa.",
                "I know what is expected of me as a member of the leader group.")),
        ]),
        ("decisions", ("Beslutningskvalitet", "Avgjerdskvalitet", "Decision quality"), 7, AGREE, [
            ("decisions_sides", (
                "Vi belyser viktige saker fra flere sider før vi bestemmer oss.",
                "Vi lyser opp viktige saker frå fleire sider før vi bestemmer oss.",
                "We look at important matters from several sides before we decide.")),
            ("decisions_disagree", (
                "Uenighet kommer fram på møtene, ikke i gangen etterpå.",
                "Usemje kjem fram på møta, ikkje i gangen etterpå.",
                "Disagreement is voiced in the meetings, not in the corridor afterwards.")),
            ("decisions_clear", (
                "Det er tydelig når en beslutning er tatt, og hvem som har ansvaret.",
                "Det er tydeleg når ei avgjerd er teken, og kven som har ansvaret.",
                "It is clear when a decision has been made and who is responsible.")),
        ]),
        ("execution", ("Gjennomføringskraft", "Gjennomføringskraft", "Execution"), 7, AGREE, [
            ("execution_done", (
                "Det vi bestemmer i ledergruppen, blir gjennomført.",
                "Det vi bestemmer i leiargruppa, blir gjennomført.",
                "What we decide in the leader group gets done.")),
            ("execution_follow_up", (
                "Vi følger opp vedtak og holder hverandre ansvarlige.",
                "Vi følgjer opp vedtak og held kvarandre ansvarlege.",
                "We follow up decisions and hold each other to account.")),
            ("execution_united", (
                "Vi står samlet bak beslutningene overfor våre egne medarbeidere.",
                "Vi står samla bak avgjerdene overfor våre eigne medarbeidarar.",
                "We stand together behind our decisions when facing our own staff.")),
        ]),
        ("coordination", ("Helhetlig koordinering", "Heilskapleg koordinering",
                          "Coordinating the whole"), 7, AGREE, [
            ("coordination_whole", (
                "Vi prioriterer det som er best for helheten, også når det koster for egen enhet.",
                "Vi prioriterer det som er best for heilskapen, også når det kostar for eiga "
                "eining.",
                "We put the whole organisation first, even when it costs our own unit.")),
            ("coordination_share", (
                "Vi deler informasjon og ressurser på tvers av enhetene våre.",
                "Vi deler informasjon og ressursar på tvers av einingane våre.",
                "We share information and resources across our units.")),
            ("coordination_know", (
                "Vi vet nok om hverandres ansvarsområder til å se sammenhengene.",
                "Vi veit nok om ansvarsområda til kvarandre til å sjå samanhengane.",
                "We know enough about each other's areas to see how they connect.")),
        ]),
        ("change", ("Endring", "Endring", "Change"), 7, AGREE, [
            ("change_notice", (
                "Vi fanger opp endringer i omgivelsene tidlig.",
                "Vi fangar opp endringar i omgivnadene tidleg.",
                "We notice changes around us early.")),
            ("change_time", (
                "Vi setter av tid til å tenke nytt, ikke bare til drift.",
                "Vi set av tid til å tenkje nytt, ikkje berre til drift.",
                "We set aside time for new thinking, not only for day-to-day running.")),
            ("change_together", (
                "Vi leder nødvendige endringer sammen og i samme retning.",
                "Vi leier naudsynte endringar saman og i same retning.",
                "We lead necessary change together and in the same direction.")),
        ]),
        ("safety", ("Psykologisk trygghet og læring", "Psykologisk tryggleik og læring",
                    "Psychological safety and learning"), 7, AGREE, [
            ("safety_speak", (
                "Det er trygt å si ifra om feil og bekymringer i ledergruppen.",
                "Det er trygt å seie frå om feil og uro i leiargruppa.",
                "It is safe to raise mistakes and concerns in the leader group.")),
            ("safety_feedback", (
                "Vi gir hverandre ærlige og konstruktive tilbakemeldinger.",
                "Vi gir kvarandre ærlege og konstruktive tilbakemeldingar.",
                "We give each other honest and constructive feedback.")),
            ("safety_reflect", (
                "Vi ser jevnlig tilbake på hvordan vi jobber, og justerer.",
                "Vi ser jamleg tilbake på korleis vi arbeider, og justerer.",
                "We regularly look back at how we work, and adjust.")),
        ]),
        ("members", ("Medlemmenes tilfredshet og utvikling", "Trivsel og utvikling for medlemmene",
                     "Members' satisfaction and development"), 7, AGREE, [
            ("members_gain", (
                "Jeg får noe verdifullt ut av å være med i ledergruppen.",
                "Eg får noko verdfullt ut av å vere med i leiargruppa.",
                "I gain something of value from being in the leader group.")),
            ("members_grow", (
                "Ledergruppen hjelper meg å utvikle meg som leder.",
                "Leiargruppa hjelper meg å utvikle meg som leiar.",
                "The leader group helps me grow as a leader.")),
            ("members_look_forward", (
                "Jeg ser fram til møtene i ledergruppen.",
                "Eg ser fram til møta i leiargruppa.",
                "I look forward to our leader group meetings.")),
        ]),
    ],
    "texts": [
        ("improve", (
            "Hva er det viktigste ledergruppen kan gjøre bedre?",
            "Kva er det viktigaste leiargruppa kan gjere betre?",
            "What is the most important thing the leader group could do better?")),
    ],
}

TOPICS = [
    ("team", ("Teamledelse", "Teamleiing", "Team leadership")),
    ("dialogue", ("Ledelse gjennom dialog", "Leiing gjennom dialog", "Leading through dialogue")),
    ("change", ("Endringsledelse", "Endringsleiing", "Leading change")),
    ("diversity", ("Mangfoldsledelse", "Mangfaldsleiing", "Leading diversity")),
    ("communication", ("Kommunikasjon", "Kommunikasjon", "Communication")),
    ("relational", ("Relasjonsledelse", "Relasjonsleiing", "Relational leadership")),
    ("competence", ("Kompetanseledelse", "Kompetanseleiing", "Leading competence development")),
    ("strategy", ("Strategisk ledelse", "Strategisk leiing", "Strategic leadership")),
    ("conflict", ("Konflikthåndtering", "Konflikthandtering", "Handling conflict")),
]

NEEDS = {
    "key": "needs-standard", "kind": "needs",
    "name": ("Behovskartlegging for ledere", "Behovskartlegging for leiarar",
             "Leadership needs survey"),
    "intro": (
        "Hjelp oss å velge temaene i neste års lederutvikling. Svarene er anonyme. Område, "
        "nivå og år som leder hentes fra lederprofilen din og lagres bare grovt inndelt, og "
        "ingen resultater vises for små grupper.",
        "Hjelp oss å velje tema for leiarutviklinga neste år. Svara er anonyme. Område, nivå "
        "og år som leiar blir henta frå leiarprofilen din og berre lagra grovt inndelte, og "
        "ingen resultat blir viste for små grupper.",
        "Help us choose next year's leadership-development topics. Answers are anonymous. "
        "Area, level and years as a leader come from your leader profile and are stored only "
        "in broad bands, and no result is shown for small groups."),
    "dimensions": [
        ("abilities", ("Hva er viktigst for en leder på ditt nivå?",
                       "Kva er viktigast for ein leiar på ditt nivå?",
                       "What matters most for a leader at your level?"), 5, IMPORTANCE, [
            ("ability_direction", ("Sette retning og tydelige mål", "Setje retning og tydelege mål",
                                   "Setting direction and clear goals")),
            ("ability_communication", ("Kommunisere tydelig og lytte",
                                       "Kommunisere tydeleg og lytte",
                                       "Communicating clearly and listening")),
            ("ability_trust", ("Bygge tillit og gode relasjoner", "Byggje tillit og gode relasjonar",
                               "Building trust and good relationships")),
            ("ability_develop_staff", ("Utvikle medarbeidere og deres kompetanse",
                                       "Utvikle medarbeidarar og kompetansen deira",
                                       "Developing staff and their skills")),
            ("ability_change", ("Lede endring og innovasjon", "Leie endring og innovasjon",
                                "Leading change and innovation")),
            ("ability_conflict", ("Håndtere konflikter og krevende samtaler",
                                  "Handtere konfliktar og krevjande samtalar",
                                  "Handling conflict and difficult conversations")),
            ("ability_decide", ("Ta beslutninger og stå for dem", "Ta avgjerder og stå for dei",
                                "Making decisions and standing by them")),
            ("ability_follow_up", ("Følge opp mål, resultater og økonomi",
                                   "Følgje opp mål, resultat og økonomi",
                                   "Following up goals, results and budgets")),
            ("ability_across", ("Samarbeide på tvers av enheter", "Samarbeide på tvers av einingar",
                                "Working across units")),
            ("ability_wellbeing", ("Ivareta arbeidsmiljøet og egen og andres helse",
                                   "Ta vare på arbeidsmiljøet og eiga og andre si helse",
                                   "Looking after the work environment and people's health")),
            ("ability_diversity", ("Lede mangfold og inkludering", "Leie mangfald og inkludering",
                                   "Leading diversity and inclusion")),
        ]),
        ("topics_self", ("Hvilke tema vil styrke deg som leder?",
                         "Kva tema vil styrkje deg som leiar?",
                         "Which topics would strengthen you as a leader?"), 5, EXTENT,
         [(f"self_{key}", names) for key, names in TOPICS]),
        ("topics_group", ("Hvilke tema vil styrke ledergruppen din?",
                          "Kva tema vil styrkje leiargruppa di?",
                          "Which topics would strengthen your leader group?"), 5, EXTENT,
         [(f"group_{key}", names) for key, names in TOPICS]),
    ],
    "texts": [
        ("other_topics", (
            "Andre tema du ønsker deg i lederutviklingen?",
            "Andre tema du ønskjer deg i leiarutviklinga?",
            "Other topics you would like in leadership development?")),
    ],
}

EVALUATION = {
    "key": "evaluation-standard", "kind": "evaluation",
    "name": ("Evaluering av samling", "Evaluering av samling", "Session evaluation"),
    "intro": (
        "Takk for at du deltok. Svarene er anonyme og hjelper oss å gjøre neste samling bedre.",
        "Takk for at du deltok. Svara er anonyme og hjelper oss å gjere neste samling betre.",
        "Thank you for taking part. Answers are anonymous and help us make the next session "
        "better."),
    "texts": [
        ("good", ("Hva var bra, og hvorfor?", "Kva var bra, og kvifor?",
                  "What was good, and why?")),
        ("better", ("Hva kunne vært bedre, og hvordan?", "Kva kunne vore betre, og korleis?",
                    "What could have been better, and how?")),
    ],
    "dimensions": [
        ("overall", ("Helhetsinntrykk", "Heilskapsinntrykk", "Overall impression"), 5, USEFUL, [
            ("overall", ("Hvor nyttig var samlingen for deg alt i alt?",
                         "Kor nyttig var samlinga for deg alt i alt?",
                         "Overall, how useful was the session for you?")),
        ]),
    ],
    "texts_first": True,
}


def _three(prefix, values):
    return {f"{prefix}_nb": values[0], f"{prefix}_nn": values[1], f"{prefix}_en": values[2]}


def create(apps, schema_editor):
    Instrument = apps.get_model("surveys", "Instrument")
    Dimension = apps.get_model("surveys", "Dimension")
    Item = apps.get_model("surveys", "Item")
    for spec in (EFFECT, NEEDS, EVALUATION):
        instrument = Instrument.objects.create(
            organisation=None, kind=spec["kind"], key=spec["key"],
            **_three("name", spec["name"]), **_three("intro", spec["intro"]))
        order = 0
        texts = [(key, names) for key, names in spec.get("texts", [])]

        def add_texts(order):
            for key, question in texts:
                order += 10
                Item.objects.create(instrument=instrument, key=key, kind="text", order=order,
                                    required=False, scale_max=None, **_three("text", question))
            return order

        if spec.get("texts_first"):
            order = add_texts(order)
        for d_order, (d_key, d_name, scale, (low, high), items) in enumerate(spec["dimensions"]):
            dimension = Dimension.objects.create(instrument=instrument, key=d_key,
                                                 order=d_order + 1, **_three("name", d_name))
            for key, question in items:
                order += 10
                Item.objects.create(
                    instrument=instrument, dimension=dimension, key=key, kind="scale",
                    scale_max=scale, order=order, required=True, **_three("text", question),
                    **_three("low_label", low), **_three("high_label", high))
        if not spec.get("texts_first"):
            add_texts(order)


def remove(apps, schema_editor):
    Instrument = apps.get_model("surveys", "Instrument")
    Instrument.objects.filter(organisation=None,
                              key__in=["effect-standard", "needs-standard",
                                       "evaluation-standard"]).delete()


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_initial")]

    operations = [migrations.RunPython(create, remove)]
