"""Demo data: network groups with a year of meetings in Lia and in Fjordvik.

Lia (about 20 leaders, like Seljord) gets a leadership programme with four
gatherings — the one ``programs.demo`` made, if it made one — and four network
groups. Fjordvik gets a network programme of 34 leaders in six groups, with
the demo account ``leder@fjordvik.example`` in one of them. The groups and
meetings are made by the same services O&F uses (composer, planner); past
meetings are then marked held with notes, the next one confirmed and the rest
left as proposals with some answers in their date polls; each group ends with a
round not yet proposed.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db.models import QuerySet

from accounts.demo import DEMO_ACCOUNTS
from accounts.models import Leader, LeaderLevel, Organisation, User
from programs.models import Gathering, Programme, ProgrammeParticipant

from . import services
from .models import (
    MeetingNote,
    MeetingOption,
    MeetingStatus,
    MeetingVote,
    NetworkHoliday,
    NetworkMeeting,
    NetworkMembership,
    NetworkPlan,
)
from .services.rounds import follow_leading

LIA_THEMES = ["Felles leiarplattform", "Relasjonsleiing", "Meistringsorientert leiing",
              "Gjennomføring: styring og struktur"]
FJORDVIK_THEMES = ["Felles lederplattform", "Relasjonsledelse", "Mestringsorientert ledelse",
                   "Gjennomføring: styring og struktur"]
LIA_GROUPS = ["Stjernelaget", "Blåveis", "Gygrene", "Godt og blanda"]
FJORDVIK_GROUPS = ["Stjernelaget", "Blåveis", "Hvitveis", "Nordlyset", "Kompasset", "Fyrlykta"]
FOCUS = {
    "nb": ["Oppstart av utviklingsprosjektet: hva skal kjennetegne mitt lederskap?",
           "Kollegaveiledning: en vanskelig samtale jeg står i",
           "Relasjonsledelse i praksis: anerkjennelse og tilbakemelding",
           "Mestring: hvordan legger jeg til rette for at andre lykkes?",
           "Gjennomføring: fra vedtak til handling i egen enhet",
           "Hvordan vet jeg at jeg er på rett vei?"],
    "nn": ["Oppstart av utviklingsprosjektet: kva skal kjenneteikne leiarskapen min?",
           "Kollegarettleiing: ein vanskeleg samtale eg står i",
           "Relasjonsleiing i praksis: anerkjenning og tilbakemelding",
           "Meistring: korleis legg eg til rette for at andre lukkast?",
           "Gjennomføring: frå vedtak til handling i eiga eining",
           "Korleis veit eg at eg er på rett veg?"],
}
NOTES = {
    "nb": [("En ny avdelingsleder som skal lede tidligere kolleger.",
            "Vi prøver ut ukentlige korte én-til-én-samtaler og deler erfaringene neste gang."),
           ("Motstand mot en omorganisering i en barnehage.",
            "Hver av oss tar med ett eksempel på hvordan vi har involvert de ansatte.")],
    "nn": [("Ein ny avdelingsleiar som skal leie tidlegare kollegaer.",
            "Vi prøver ut korte ein-til-ein-samtalar kvar veke og deler røynslene neste gong."),
           ("Motstand mot ei omorganisering i ein barnehage.",
            "Kvar av oss tek med eitt døme på korleis vi har involvert dei tilsette.")],
}


def _easter(year: int) -> dt.date:
    """Gregorian Easter Sunday (the anonymous algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def _holidays(org: Organisation, years: range) -> list[NetworkHoliday]:
    rows = []
    for year in years:
        easter = _easter(year)
        week8 = dt.date.fromisocalendar(year, 8, 1)
        week40 = dt.date.fromisocalendar(year, 40, 1)
        for name, first, last in [
            ("Vinterferie", week8, week8 + dt.timedelta(days=4)),
            ("Påske", easter - dt.timedelta(days=6), easter + dt.timedelta(days=1)),
            ("1. mai", dt.date(year, 5, 1), dt.date(year, 5, 1)),
            ("17. mai", dt.date(year, 5, 17), dt.date(year, 5, 17)),
            ("Kristi himmelfartsdag", easter + dt.timedelta(days=39),
             easter + dt.timedelta(days=39)),
            ("2. pinsedag", easter + dt.timedelta(days=50), easter + dt.timedelta(days=50)),
            ("Sommerferie", dt.date(year, 7, 1), dt.date(year, 8, 10)),
            ("Høstferie", week40, week40 + dt.timedelta(days=4)),
            ("Juleferie", dt.date(year, 12, 21), dt.date(year + 1, 1, 2)),
        ]:
            rows.append(NetworkHoliday(organisation=org, name=name, starts_on=first,
                                       ends_on=last))
    return rows


def _weekday(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def _programme(org: Organisation, *, name: str, slug: str, today: dt.date, themes: list[str],
               place: str, advisers: list[User]) -> Programme:
    """A year-long programme begun about a third of a year ago, with four gatherings."""
    starts_on = today - dt.timedelta(days=110)
    programme = Programme.objects.create(organisation=org, name=name, slug=slug,
                                         starts_on=starts_on,
                                         ends_on=starts_on + dt.timedelta(days=364))
    for index, theme in enumerate(themes):
        gathering = Gathering.objects.create(
            programme=programme, theme=theme, place=place, starts_at=dt.time(9, 0),
            ends_at=dt.time(15, 30), date=_weekday(starts_on + dt.timedelta(days=91 * index)))
        gathering.advisers.set(advisers)
    return programme


def _advisers(org: Organisation, people: list[tuple[str, str, str]]) -> list[User]:
    password = User.objects.filter(email=DEMO_ACCOUNTS["oaf"]).values_list(
        "password", flat=True).first() or "!"
    users = []
    for email, name, language in people:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create(email=email, full_name=name, organisation=org,
                                       is_facilitator=True, language=language,
                                       password=password)
        users.append(user)
    return users


def _bring_to_life(plan: NetworkPlan, *, today: dt.date, rng: random.Random,
                   language: str) -> int:
    """Past meetings held (with notes), the next confirmed, the rest proposed with answers."""
    meetings = list(NetworkMeeting.objects.filter(group__plan=plan)
                    .order_by("group_id", "date", "starts_at"))
    next_seen: set[int] = set()
    members: dict[int, list[int]] = {}
    for group_id, leader_id in NetworkMembership.objects.filter(plan=plan).values_list(
            "group_id", "leader_id"):
        members.setdefault(group_id, []).append(leader_id)
    confirmed, notes = [], []
    now = dt.datetime.combine(today, dt.time(8, 0), tzinfo=dt.UTC)
    # Groups meeting in parallel (one slot of a gathering day) each get a room of their
    # own at the usual place, as O&F books them: the planner proposes the usual place for all.
    parallel: dict[tuple[dt.date, dt.time], int] = {}
    for m in meetings:
        nth = parallel[(m.date, m.starts_at)] = parallel.get((m.date, m.starts_at), 0) + 1
        if nth > 1 and m.place:
            m.place = f"{m.place}, grupperom {nth}"
    for m in meetings:
        m.focus = FOCUS[language][(m.number - 1) % len(FOCUS[language])]
        if m.date < today or m.group_id not in next_seen:
            if m.date >= today:
                next_seen.add(m.group_id)
            # What has taken place is recorded as held; the next one is confirmed.
            m.status = MeetingStatus.HELD if m.date < today else MeetingStatus.CONFIRMED
            m.confirmed_at = now
            confirmed.append(m)
            if m.date < today and rng.random() < 0.7:
                case, agreed = NOTES[language][m.number % len(NOTES[language])]
                notes.append(MeetingNote(meeting=m, case=case, agreed=agreed))
    NetworkMeeting.objects.bulk_update(meetings, ["focus", "place"])
    NetworkMeeting.objects.bulk_update(confirmed, ["status", "confirmed_at"])
    MeetingNote.objects.bulk_create(notes)
    proposed = {m.pk: m for m in meetings if m.status == MeetingStatus.PROPOSED}
    votes = []
    for option in MeetingOption.objects.filter(meeting_id__in=list(proposed)).order_by("pk"):
        for leader_id in members.get(proposed[option.meeting_id].group_id, []):
            if rng.random() < 0.6:
                votes.append(MeetingVote(option=option, leader_id=leader_id,
                                         answer=rng.choice(["ja", "ja", "kanskje", "nei"])))
    MeetingVote.objects.bulk_create(votes, batch_size=1000)
    # As when members answer on the page: each proposal moves to its poll's leading date.
    for m in proposed.values():
        follow_leading(m)
    return len(meetings)


def _network(programme: Programme, *, names: list[str], sizes: tuple[int, int],
             actor: User | None,
             advisers: list[User], today: dt.date, rng: random.Random,
             language: str) -> tuple[int, int]:
    plan, _created = NetworkPlan.objects.get_or_create(programme=programme)
    plan.default_place = programme.gatherings.values_list("place", flat=True).first() or ""
    plan.save(update_fields=["default_place"])
    plan.facilitators.set(advisers)
    proposal = services.network_groups_propose(programme=programme, actor=actor,
                                               min_size=sizes[0], max_size=sizes[1])
    for (group, _mix), name in zip(proposal.groups, names, strict=False):
        services.network_group_update(group=group, name=name, facilitator=None, actor=actor)
    services.network_groups_confirm(plan=plan, actor=actor)
    services.meetings_plan(plan=plan, actor=actor)
    count = _bring_to_life(plan, today=today, rng=rng, language=language)
    # Every group has one more round whose date nobody has proposed yet, entered by O&F:
    # members see it as "not yet set", never as a guess.
    for group in plan.groups.order_by("position"):
        services.meeting_record(group=group, actor=actor, notify=False,
                                data=services.MeetingInput(status=MeetingStatus.NOT_PROPOSED))
        count += 1
    return len(proposal.groups), count


def _seed_lia(small: Organisation, *, today: dt.date, rng: random.Random) -> tuple[int, int]:
    advisers = _advisers(small, [("radgjevar.nordbo@lia.example", "Hege Nordbø", "nn"),
                                 ("radgjevar.solvang@lia.example", "Henrik Solvang", "nn")])
    programme = (Programme.objects.filter(organisation=small, gatherings__isnull=False)
                 .distinct().order_by("starts_on").first())
    if programme is None:
        programme = _programme(small, name="Leiarutvikling i Lia 2026–2027",
                               slug="leiarutvikling-lia", today=today, themes=LIA_THEMES,
                               place="Kommunestyresalen", advisers=advisers)
    if not programme.participations.exists():
        ProgrammeParticipant.objects.bulk_create(
            [ProgrammeParticipant(programme=programme, leader_id=pk, joined_on=programme.starts_on)
             for pk in Leader.objects.filter(organisation=small).values_list("pk", flat=True)])
    actor = User.objects.filter(email=DEMO_ACCOUNTS["small_oaf"]).first()
    return _network(programme, names=LIA_GROUPS, sizes=(4, 5), actor=actor, advisers=advisers,
                    today=today, rng=rng, language="nn")


def _seed_fjordvik(large: Organisation, *, today: dt.date,
                   rng: random.Random) -> tuple[int, int]:
    facilitator = User.objects.filter(email=DEMO_ACCOUNTS["facilitator"]).first()
    advisers = [u for u in [facilitator] if u is not None]
    advisers += _advisers(large, [("radgiver@fjordvik.example", "Sindre Tveito", "nb")])
    programme = _programme(large, name="Nettverk for ledere 2026–2027",
                           slug=f"nettverk-ledere-{today.year}", today=today,
                           themes=FJORDVIK_THEMES, place="Fjordvik rådhus, Fjordsalen",
                           advisers=advisers)
    # Team and department leaders from across the municipality, the demo leader among them.
    pool = list(Leader.objects.filter(organisation=large, level__in=[
        LeaderLevel.DEPARTMENT_LEADER, LeaderLevel.TEAM_LEADER, LeaderLevel.ENTERPRISE_LEADER])
        .exclude(user__email=DEMO_ACCOUNTS["leader"]).order_by("pk").values_list("pk", flat=True))
    chosen = sorted(rng.sample(pool, min(33, len(pool))))
    demo_leader = Leader.objects.filter(user__email=DEMO_ACCOUNTS["leader"]).values_list(
        "pk", flat=True).first()
    if demo_leader is not None:
        chosen.append(demo_leader)
    ProgrammeParticipant.objects.bulk_create(
        [ProgrammeParticipant(programme=programme, leader_id=pk, joined_on=programme.starts_on)
         for pk in chosen])
    actor = User.objects.filter(email=DEMO_ACCOUNTS["oaf"]).first()
    return _network(programme, names=FJORDVIK_GROUPS, sizes=(5, 6), actor=actor,
                    advisers=advisers, today=today, rng=rng, language="nb")


def seed_demo(*, large: Organisation, small: Organisation, rng: random.Random,
              today: dt.date, scale: int) -> dict[str, int]:
    years = range(today.year - 1, today.year + 2)
    NetworkHoliday.objects.bulk_create([*_holidays(large, years), *_holidays(small, years)])
    lia_groups, lia_meetings = _seed_lia(small, today=today, rng=rng)
    fjord_groups, fjord_meetings = _seed_fjordvik(large, today=today, rng=rng)
    return {"network groups": lia_groups + fjord_groups,
            "network meetings": lia_meetings + fjord_meetings}


def delete_demo(*, organisations: QuerySet[Organisation]) -> None:
    NetworkPlan.objects.filter(programme__organisation__in=organisations).delete()
    NetworkHoliday.objects.filter(organisation__in=organisations).delete()
