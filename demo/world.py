"""The demo world: believable municipalities with invented people, and every track's data.

``python manage.py seed_demo`` makes "Fjordvik kommune" (about 650 leaders in
8 service areas and 60 enterprises, about 90 leader groups) and the small
"Lia kommune" (about 20 leaders) that proves isolation. ``--scale N``
multiplies the large one. Everything is bulk-inserted, and the same seed gives
the same data.

Every name is invented from common Norwegian first names and surnames; the
surnames that occur in the source documents are left out on purpose.

This app sits above every other (it may import any of them): it builds the
people, units and leader groups, then lets each app add its part through its
own ``<app>/demo.py``.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from accounts.models import Leader, LeaderLevel, Organisation, Unit, UnitKind, User
from coaching import demo as coaching_demo
from groups import demo as groups_demo
from groups.models import LeaderGroup, LeaderGroupMembership
from leaderplatform import demo as leaderplatform_demo
from networks import demo as networks_demo
from privacy import demo as privacy_demo
from programs import demo as programs_demo
from reports import demo as reports_demo
from surveys import demo as surveys_demo

__all__ = ["DEMO_ACCOUNTS", "DEMO_PASSWORD", "demo_delete", "demo_exists", "seed_all"]

# The apps that add demo data, in dependency order. Each ``<app>/demo.py`` has
# ``seed_demo(*, large, small, rng, today, scale) -> dict[str, int]`` and
# ``delete_demo(*, organisations)``.
TRACK_SEEDERS = [groups_demo, programs_demo, networks_demo, surveys_demo, coaching_demo,
                 reports_demo, privacy_demo,
                 leaderplatform_demo]
DEMO_SLUGS = ["fjordvik", "lia"]

FEMALE = [
    "Anne", "Inger", "Kari", "Marit", "Ingrid", "Liv", "Eva", "Berit", "Astrid", "Bjørg",
    "Hilde", "Anna", "Solveig", "Marianne", "Randi", "Ida", "Nina", "Maria", "Elisabeth",
    "Kristin", "Tone", "Heidi", "Silje", "Hanne", "Camilla", "Ragnhild", "Siri", "Gro",
    "Torill", "Wenche", "Mona", "Trine", "Elin", "Line", "Anita", "Lene", "Cecilie",
    "Tuva", "Sunniva", "Åse", "Turid", "Guri", "Sigrid", "Aud", "Bente", "Grete", "Vigdis",
]
MALE = [
    "Jan", "Per", "Bjørn", "Ole", "Lars", "Kjell", "Knut", "Arne", "Svein", "Thomas",
    "Hans", "Geir", "Tor", "Morten", "Terje", "Odd", "Erik", "Martin", "Andreas", "Rune",
    "Trond", "Harald", "Olav", "Stein", "Espen", "Øystein", "Eirik", "Håkon", "Sindre",
    "Magnus", "Jon", "Gunnar", "Leif", "Asbjørn", "Halvard", "Vegard", "Aslak", "Tore",
]
SURNAMES = [
    "Nilsen", "Andersen", "Kristiansen", "Karlsen", "Johnsen", "Pettersen", "Eriksen", "Berg",
    "Haugen", "Hagen", "Johannessen", "Andreassen", "Jacobsen", "Jørgensen", "Halvorsen",
    "Henriksen", "Lund", "Sørensen", "Jakobsen", "Moen", "Gundersen", "Iversen", "Solberg",
    "Svendsen", "Knutsen", "Paulsen", "Bakken", "Kristoffersen", "Mathisen", "Lie",
    "Amundsen", "Nguyen", "Rasmussen", "Ali", "Lunde", "Solheim", "Berge", "Nygård", "Bakke",
    "Fredriksen", "Holm", "Lien", "Hauge", "Christensen", "Andresen", "Nielsen", "Evensen",
    "Sæther", "Aas", "Myhre", "Ahmed", "Haugland", "Thomassen", "Sivertsen", "Simonsen",
    "Danielsen", "Berntsen", "Sandvik", "Rønning", "Arnesen", "Antonsen", "Næss", "Vik",
    "Haug", "Thorsen", "Edvardsen", "Birkeland", "Isaksen", "Gulbrandsen", "Ruud", "Aasen",
    "Strøm", "Myklebust", "Tangen", "Ødegård", "Eliassen", "Helland", "Bøe", "Aune",
    "Mikkelsen", "Tveit", "Brekke", "Abrahamsen", "Madsen", "Rød", "Fossum", "Grande",
]

# (service area, enterprises: (name, title of its leader))
SERVICE_AREAS: list[tuple[str, list[tuple[str, str]]]] = [
    ("Oppvekst og utdanning", [
        ("Nordby skole", "Rektor"), ("Sjøsiden skole", "Rektor"), ("Bakkehaugen skole", "Rektor"),
        ("Furulund barnehage", "Styrer"), ("Solsiden barnehage", "Styrer"),
        ("Pedagogisk-psykologisk tjeneste", "Leder PPT"), ("Helsestasjon og skolehelsetjeneste",
                                                          "Virksomhetsleder"),
        ("Barnevernstjenesten", "Barnevernleder"), ("Voksenopplæringen", "Rektor"),
    ]),
    ("Helse og velferd", [
        ("Fjordly sykehjem", "Virksomhetsleder"), ("Havgløtt sykehjem", "Virksomhetsleder"),
        ("Hjemmebaserte tjenester nord", "Virksomhetsleder"),
        ("Hjemmebaserte tjenester sør", "Virksomhetsleder"), ("NAV Fjordvik", "NAV-leder"),
        ("Legevakten", "Legevaktsjef"), ("Rus og psykisk helse", "Virksomhetsleder"),
        ("Bofellesskap og avlastning", "Virksomhetsleder"), ("Tildelingskontoret", "Leder"),
    ]),
    ("Bymiljø og utbygging", [
        ("Byggesak", "Virksomhetsleder"), ("Plan og arealforvaltning", "Plansjef"),
        ("Park og vei", "Virksomhetsleder"), ("Vann og avløp", "Virksomhetsleder"),
        ("Eiendom", "Eiendomssjef"), ("Miljø og klima", "Virksomhetsleder"),
        ("Brann og redning", "Brannsjef"),
    ]),
    ("Innbygger- og samfunnskontakt", [
        ("Servicetorget", "Virksomhetsleder"), ("Kommunikasjon", "Kommunikasjonssjef"),
        ("Innovasjon og utvikling", "Virksomhetsleder"), ("Frivillighet og inkludering",
                                                          "Virksomhetsleder"),
        ("Flyktningtjenesten", "Virksomhetsleder"), ("Bibliotek", "Biblioteksjef"),
        ("Politisk sekretariat", "Leder"),
    ]),
    ("Kultur og næring", [
        ("Kulturskolen", "Rektor"), ("Kulturhuset", "Virksomhetsleder"),
        ("Idrett og friluftsliv", "Virksomhetsleder"), ("Næringsutvikling", "Næringssjef"),
        ("Ungdom og fritid", "Virksomhetsleder"), ("Museum og kulturarv", "Virksomhetsleder"),
        ("Arrangement og reiseliv", "Virksomhetsleder"),
    ]),
    ("Økonomi og styring", [
        ("Regnskap", "Regnskapssjef"), ("Budsjett og analyse", "Virksomhetsleder"),
        ("Innkjøp", "Innkjøpssjef"), ("Skatt og innfordring", "Virksomhetsleder"),
        ("Lønn", "Lønnssjef"), ("Internkontroll", "Virksomhetsleder"),
        ("Eierstyring", "Virksomhetsleder"),
    ]),
    ("Organisasjon og digitalisering", [
        ("Organisasjon og forhandling (O&F)", "HR-sjef"), ("IT-drift", "IT-sjef"),
        ("Digitalisering", "Virksomhetsleder"), ("Dokumentsenteret", "Arkivleder"),
        ("Bedriftshelsetjenesten", "Virksomhetsleder"), ("Beredskap", "Beredskapssjef"),
        ("Juridisk avdeling", "Kommuneadvokat"),
    ]),
    ("Teknisk drift", [
        ("Renovasjon", "Virksomhetsleder"), ("Drift og vedlikehold bygg", "Driftssjef"),
        ("Kjøkken og kantine", "Virksomhetsleder"), ("Renhold", "Virksomhetsleder"),
        ("Havnevesenet", "Havnesjef"), ("Maskin og transport", "Virksomhetsleder"),
        ("Gravplassforvaltning", "Virksomhetsleder"),
    ]),
]
DEPARTMENTS = ["Avdeling nord", "Avdeling sør", "Avdeling øst", "Avdeling vest", "Fagavdeling",
               "Merkantil avdeling"]

@dataclass
class _PlannedLeader:
    first: str
    last: str
    title: str
    level: str
    unit_index: int
    above: _PlannedLeader | None
    leader_since: dt.date
    birth_year: int
    is_talent: bool = False
    email: str = ""
    pk: int | None = None
    reports: list[_PlannedLeader] = field(default_factory=list)

    @property
    def full_name(self) -> str:
        return f"{self.first} {self.last}"


class _Builder:
    """Plans one municipality in memory, then writes it with bulk inserts."""

    def __init__(self, organisation: Organisation, rng: random.Random, domain: str,
                 today: dt.date) -> None:
        self.org = organisation
        self.rng = rng
        self.domain = domain
        self.today = today
        self.units: list[Unit] = []
        self.children: dict[int, int] = {}
        self.parent_of: dict[int, int] = {}
        self.leaders: list[_PlannedLeader] = []
        self.emails: set[str] = set()
        self.next_root = _next_root_step()

    # -- units: paths are assigned here so the whole tree is one bulk insert --
    def unit(self, name: str, kind: str, parent_index: int | None = None) -> int:
        if parent_index is None:
            path = Unit._get_path(None, 1, self.next_root)
            self.next_root += 1
            depth = 1
        else:
            parent = self.units[parent_index]
            self.children[parent_index] = self.children.get(parent_index, 0) + 1
            depth = parent.depth + 1
            path = Unit._get_path(parent.path, depth, self.children[parent_index])
            parent.numchild += 1
            self.parent_of[len(self.units)] = parent_index
        # An ansvar (cost centre) per unit, as the accounting system numbers them.
        self.units.append(Unit(organisation=self.org, name=name, kind=kind, path=path,
                               depth=depth, numchild=0, code=str(10000 + 10 * len(self.units))))
        return len(self.units) - 1

    def leader(self, title: str, level: str, unit_index: int,
               above: _PlannedLeader | None, *, new: bool = False) -> _PlannedLeader:
        rng = self.rng
        female = rng.random() < 0.68
        first = rng.choice(FEMALE if female else MALE)
        last = rng.choice(SURNAMES)
        # Most leaders are in their fifties (as in the municipality's own statistics).
        age = rng.choices([rng.randint(30, 39), rng.randint(40, 49), rng.randint(50, 59),
                           rng.randint(60, 66)], weights=[10, 28, 47, 15])[0]
        if new:
            since = self.today - dt.timedelta(days=rng.randint(10, 350))
        else:
            years = rng.randint(1, max(1, min(30, age - 28)))
            since = self.today - dt.timedelta(days=365 * years + rng.randint(15, 300))
        planned = _PlannedLeader(first, last, title, level, unit_index, above, since,
                                 self.today.year - age)
        planned.email = self._email(first, last)
        if above is not None:
            above.reports.append(planned)
        self.leaders.append(planned)
        return planned

    def _email(self, first: str, last: str) -> str:
        base = f"{first}.{last}".lower()
        for a, b in (("æ", "ae"), ("ø", "o"), ("å", "aa"), (" ", "")):
            base = base.replace(a, b)
        email, n = f"{base}@{self.domain}", 1
        while email in self.emails:
            n += 1
            email = f"{base}{n}@{self.domain}"
        self.emails.add(email)
        return email

    def write(self, password_hash: str) -> None:
        Unit.objects.bulk_create(self.units, batch_size=1000)
        if any(u.pk is None for u in self.units):  # backends without RETURNING
            by_path = dict(Unit.objects.filter(organisation=self.org).values_list("path", "pk"))
            for u in self.units:
                u.pk = by_path[u.path]
        users = [User(email=p.email, full_name=p.full_name, organisation=self.org,
                      password=password_hash, language="nb") for p in self.leaders]
        User.objects.bulk_create(users, batch_size=1000)
        user_ids = dict(User.objects.filter(organisation=self.org).values_list("email", "pk"))
        # Leaders are written top-down so each one's leader-above already has an id.
        for depth_group in _by_depth(self.leaders):
            rows = [Leader(organisation=self.org, user_id=user_ids[p.email], title=p.title,
                           level=p.level, unit_id=self.units[p.unit_index].pk,
                           leader_above_id=p.above.pk if p.above else None,
                           leader_since=p.leader_since, is_talent=p.is_talent,
                           birth_year=p.birth_year) for p in depth_group]
            Leader.objects.bulk_create(rows, batch_size=1000)
            ids = dict(Leader.objects.filter(
                user_id__in=[user_ids[p.email] for p in depth_group]).values_list("user_id", "pk"))
            for p in depth_group:
                p.pk = ids[user_ids[p.email]]

    def write_groups(self, heads: list[tuple[_PlannedLeader, str]]) -> int:
        groups = [LeaderGroup(organisation=self.org, name=name,
                              unit_id=self.units[head.unit_index].pk, head_id=head.pk)
                  for head, name in heads]
        LeaderGroup.objects.bulk_create(groups, batch_size=1000)
        group_ids = dict(LeaderGroup.objects.filter(organisation=self.org)
                         .values_list("name", "pk"))
        memberships = [
            LeaderGroupMembership(group_id=group_ids[name], leader_id=member.pk)
            for head, name in heads for member in [head, *head.reports]
        ]
        LeaderGroupMembership.objects.bulk_create(memberships, batch_size=2000)
        return len(groups)


def _by_depth(leaders: list[_PlannedLeader]) -> list[list[_PlannedLeader]]:
    levels: dict[int, list[_PlannedLeader]] = {}
    for p in leaders:
        depth, above = 0, p.above
        while above is not None:
            depth, above = depth + 1, above.above
        levels.setdefault(depth, []).append(p)
    return [levels[d] for d in sorted(levels)]


def _next_root_step() -> int:
    last = Unit.objects.get_last_root_node()
    return Unit._str2int(last.path[: Unit.steplen]) + 1 if last else 1


def demo_exists() -> bool:
    return Organisation.objects.filter(slug__in=DEMO_SLUGS).exists()


def demo_delete() -> None:
    """Delete both demo municipalities and the demo accounts, each app's part first."""
    orgs = Organisation.objects.filter(slug__in=DEMO_SLUGS)
    for module in reversed(TRACK_SEEDERS):
        module.delete_demo(organisations=orgs)
    LeaderGroup.objects.filter(organisation__in=orgs).delete()
    Leader.objects.filter(organisation__in=orgs).update(leader_above=None)
    Leader.objects.filter(organisation__in=orgs).delete()
    Unit.objects.filter(organisation__in=orgs).delete()
    User.objects.filter(organisation__in=orgs).delete()
    User.objects.filter(email__in=DEMO_ACCOUNTS.values()).delete()
    orgs.delete()


def seed_all(*, scale: int = 1, seed: int = 2026) -> dict[str, int]:
    """Build the whole demo world (no check for an existing one); returns counts to print."""
    rng = random.Random(seed)
    today = timezone.localdate()
    password_hash = make_password(DEMO_PASSWORD)
    large = Organisation.objects.create(name="Fjordvik kommune", slug="fjordvik",
                                        org_number="999000111")
    small = Organisation.objects.create(name="Lia kommune", slug="lia", org_number="999000222")
    counts = _seed_large(large, rng, today, password_hash, scale)
    small_counts = _seed_small(small, rng, today, password_hash)
    _demo_staff(large, small, password_hash)
    totals = {"leaders": counts["leaders"] + small_counts["leaders"],
              "units": counts["units"] + small_counts["units"],
              "leader groups": counts["groups"] + small_counts["groups"]}
    for module in TRACK_SEEDERS:
        totals.update(module.seed_demo(large=large, small=small, rng=random.Random(seed),
                                       today=today, scale=scale))
    return totals


def _seed_large(org: Organisation, rng: random.Random, today: dt.date, password_hash: str,
                scale: int) -> dict[str, int]:
    b = _Builder(org, rng, "fjordvik.example", today)
    top_unit = b.unit("Kommunedirektøren", UnitKind.STAFF)
    director = b.leader("Kommunedirektør", LeaderLevel.MUNICIPAL_DIRECTOR, top_unit, None)
    groups: list[tuple[_PlannedLeader, str]] = [(director, "Kommunedirektørens ledergruppe")]
    new_quota = 180 * scale
    plain: list[_PlannedLeader] = []
    for copy in range(1, scale + 1):
        suffix = "" if copy == 1 else f" {copy}"
        for area_name, enterprises in SERVICE_AREAS:
            area = b.unit(area_name + suffix, UnitKind.SERVICE_AREA)
            head = b.leader("Kommunalsjef", LeaderLevel.MUNICIPAL_HEAD, area, director)
            groups.append((head, f"Ledergruppen for {area_name.lower()}{suffix}"))
            for ent_name, title in enterprises:
                ent = b.unit(ent_name + suffix, UnitKind.ENTERPRISE, area)
                ent_leader = b.leader(title, LeaderLevel.ENTERPRISE_LEADER, ent, head)
                groups.append((ent_leader, f"Ledergruppen i {ent_name}{suffix}"))
                for dep_name in rng.sample(DEPARTMENTS, rng.randint(2, 4)):
                    dep = b.unit(dep_name, UnitKind.DEPARTMENT, ent)
                    dep_leader = b.leader("Avdelingsleder", LeaderLevel.DEPARTMENT_LEADER, dep,
                                          ent_leader)
                    plain.append(dep_leader)
                    for _ in range(rng.choice([1, 2, 2, 3, 3])):
                        plain.append(b.leader("Teamleder", LeaderLevel.TEAM_LEADER, dep,
                                              dep_leader))
    # About 180 in 650 became leaders in the last year, mostly lower down.
    for p in rng.sample(plain, min(new_quota, len(plain))):
        p.leader_since = today - dt.timedelta(days=rng.randint(10, 350))
    for p in rng.sample(plain, min(12 * scale, len(plain))):
        p.is_talent = True
    # Some department heads lead their team leaders as a group too (≈ 90 groups in all).
    with_teams = [p for p in plain
                  if p.level == LeaderLevel.DEPARTMENT_LEADER and len(p.reports) >= 2]
    for p in with_teams[: 21 * scale]:
        enterprise = b.units[b.parent_of[p.unit_index]]
        groups.append((p, f"Teamledergruppen i {b.units[p.unit_index].name.lower()}, "
                          f"{enterprise.name}"))
    _pick_demo_leaders(b, director)
    b.write(password_hash)
    n_groups = b.write_groups(groups)
    return {"leaders": len(b.leaders), "units": len(b.units), "groups": n_groups}


def _pick_demo_leaders(b: _Builder, director: _PlannedLeader) -> None:
    """Give known emails to a kommunalsjef, an enterprise head and a team leader."""
    area_head = director.reports[0]
    group_head = area_head.reports[0]
    team_leader = next(p for p in group_head.reports[0].reports)
    for planned, key in ((area_head, "leader_above"), (group_head, "group_head"),
                         (team_leader, "leader")):
        b.emails.discard(planned.email)
        planned.email = DEMO_ACCOUNTS[key]


def _seed_small(org: Organisation, rng: random.Random, today: dt.date,
                password_hash: str) -> dict[str, int]:
    b = _Builder(org, rng, "lia.example", today)
    town_hall = b.unit("Rådhuset", UnitKind.STAFF)
    director = b.leader("Kommunedirektør", LeaderLevel.MUNICIPAL_DIRECTOR, town_hall, None)
    groups = [(director, "Leiargruppa i Lia")]
    for name, title in [("Lia skule", "Rektor"), ("Lia barnehage", "Styrar"),
                        ("Helse og omsorg", "Einingsleiar"), ("Teknisk eining", "Einingsleiar"),
                        ("Kultur og fritid", "Einingsleiar"), ("NAV Lia", "NAV-leiar")]:
        unit = b.unit(name, UnitKind.ENTERPRISE)
        head = b.leader(title, LeaderLevel.ENTERPRISE_LEADER, unit, director)
        for _ in range(2):
            b.leader("Avdelingsleiar", LeaderLevel.DEPARTMENT_LEADER, unit, head,
                     new=rng.random() < 0.3)
    groups.append((director.reports[0], "Leiargruppa i Lia skule"))
    b.write(password_hash)
    n_groups = b.write_groups(groups)
    return {"leaders": len(b.leaders), "units": len(b.units), "groups": n_groups}


def _demo_staff(large: Organisation, small: Organisation, password_hash: str) -> None:
    staff = [
        User(email=DEMO_ACCOUNTS["oaf"], full_name="Oda Fagerli", organisation=large,
             is_oaf_admin=True, password=password_hash),
        User(email=DEMO_ACCOUNTS["facilitator"], full_name="Frida Vangen", organisation=large,
             is_facilitator=True, password=password_hash),
        User(email=DEMO_ACCOUNTS["coach"], full_name="Cato Brenden", organisation=large,
             is_coach=True, password=password_hash),
        User(email=DEMO_ACCOUNTS["small_oaf"], full_name="Ola Heimdal", organisation=small,
             is_oaf_admin=True, password=password_hash, language="nn"),
        User(email=DEMO_ACCOUNTS["superuser"], full_name="Systemansvarlig", organisation=None,
             is_superuser=True, password=password_hash),
    ]
    User.objects.bulk_create(staff)
