"""Demo data for the deepening track and the programme gatherings.

Fjordvik gets a two-year programme with two modules a semester (the
semester before this one, this one and the next two), sessions, enrolments in
every state, waiting lists and attendance. The demo accounts see real things:
``leder@`` has completed one module, sits in one and waits for another;
``leder.gruppe@`` has asked for a place that ``leders.leder@`` must approve.
Lia gets a one-year programme of four themed gatherings with two advisers
each, for all its leaders. Dates follow today, so the demo never goes stale.
Everything is bulk-inserted.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from typing import Any

from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.utils import timezone

from accounts.demo import DEMO_PASSWORD
from accounts.models import (
    ApprovalPolicy,
    ApprovalStep,
    Deputy,
    Leader,
    LeaderLevel,
    Organisation,
    StepKind,
    Unit,
    User,
)
from accounts.services.approvals import escalations_make

from .models import (
    Attendance,
    Audience,
    Enrollment,
    EnrollmentStatus,
    Gathering,
    Module,
    ModuleSession,
    ModuleStatus,
    Programme,
    ProgrammeParticipant,
    Term,
)

# (semester 0–3, topic, description, audience, extra). Semester 0 is the one before
# this one, 1 this one, 2 and 3 the next two.
MODULES: list[tuple[int, str, str, str, Any]] = [
    (0, "Teamledelse", "Hvordan bygge et team som tar ansvar for felles mål: roller, "
     "tillit og oppfølging i hverdagen.", Audience.EVERYONE, None),
    (0, "Ledelse gjennom dialog", "Samtalen som lederverktøy: utviklingssamtalen, krevende "
     "samtaler og medarbeiderskap.", Audience.EVERYONE, None),
    (1, "Endringsledelse", "Å starte, lede og forankre endring – og ta vare på folk "
     "underveis.", Audience.EVERYONE, None),
    (1, "Mangfoldsledelse", "Ledelse av ulikhet som ressurs: inkludering, kultur og språk.",
     Audience.EVERYONE, None),
    (2, "Relasjonsledelse", "Oppmerksomhet, støtte og anerkjennelse – relasjonsorientert "
     "ledelse i praksis.", Audience.LEVELS,
     [LeaderLevel.DEPARTMENT_LEADER, LeaderLevel.TEAM_LEADER]),
    (2, "Kommunikasjon og konflikthåndtering", "Tydelig kommunikasjon, og å ta tak i "
     "konflikter før de vokser.", Audience.EVERYONE, None),
    (2, "Ny som leder", "For ledere med under ett års erfaring: rollen, ansvaret og de første "
     "samtalene.", Audience.NEW_LEADERS, None),
    (3, "Kompetanseledelse i helse og velferd", "Planlegge, utvikle og ta i bruk kompetanse i "
     "tjenestene.", Audience.UNITS, "Helse og velferd"),
    (3, "Strategisk ledelse", "Retning, prioritering og gjennomføringskraft for øverste "
     "ledernivå.", Audience.LEVELS, [LeaderLevel.MUNICIPAL_HEAD, LeaderLevel.ENTERPRISE_LEADER]),
]
FULL = {4}  # besides the started ones: the module where leder@ waits
THEMES = ["Oppstart og egen praksis", "Verktøy og trening", "Erfaringer og veien videre"]
PLACES = ["Rådhuset, møterom Fjorden", "Kulturhuset, sal 2", "Fjordly sykehjem, kantina"]
FACILITATORS = [("Henrik Tveito", "henrik.tveito@fjordvik.example"),
                ("Maja Solstad", "maja.solstad@fjordvik.example")]
LIA_ADVISERS = [("Sunniva Holt", "sunniva.holt@radgiving.example"),
                ("Aksel Rønnestad", "aksel.ronnestad@radgiving.example"),
                ("Marte Lysne", "marte.lysne@radgiving.example")]
LIA_GATHERINGS = ["Felles leiarplattform", "Relasjonsleiing", "Meistringsorientert leiing",
                  "Gjennomføring: styring og struktur"]


def _semesters(today: dt.date) -> list[tuple[str, int]]:
    """The semester before this one, this one and the next two."""
    current = (Term.SPRING, today.year) if today.month < 7 else (Term.AUTUMN, today.year)
    order = [(Term.SPRING, y) if i % 2 == 0 else (Term.AUTUMN, y)
             for y in range(today.year - 1, today.year + 3) for i in range(2)]
    start = order.index(current) - 1
    return order[start:start + 4]


def _first_session(term: str, year: int) -> dt.date:
    day = dt.date(year, 2 if term == Term.SPRING else 9, 10)
    return day + dt.timedelta(days=(1 - day.weekday()) % 7)  # a Tuesday


def _with_pks(model: type, rows: list, key: str = "uuid") -> list:
    """bulk_create, then make sure every row has its id (for backends without RETURNING)."""
    model.objects.bulk_create(rows, batch_size=1000)
    missing = [r for r in rows if r.pk is None]
    if missing:
        ids = dict(model.objects.filter(**{f"{key}__in": [getattr(r, key) for r in missing]})
                   .values_list(key, "pk"))
        for r in missing:
            r.pk = ids[getattr(r, key)]
    return rows


def _staff(org: Organisation, people: Sequence[tuple[str, str]], language: str) -> list[User]:
    password = make_password(DEMO_PASSWORD)
    users = [User(email=email, full_name=name, organisation=org, is_facilitator=True,
                  password=password, language=language) for name, email in people]
    return _with_pks(User, users, key="email")


def seed_demo(*, large: Organisation, small: Organisation, rng: random.Random, today: dt.date,
              scale: int) -> dict[str, int]:
    counts = _seed_large(large, rng, today)
    counts["gatherings"] = _seed_small(small, rng, today)
    return counts


def _eligible(module: Module, leaders: list[Leader], units: dict[int, str],
              today: dt.date) -> list[Leader]:
    if module.audience == Audience.NEW_LEADERS:
        return [p for p in leaders if p.is_new(today)]
    if module.audience == Audience.LEVELS:
        return [p for p in leaders if p.level in module.audience_levels]
    if module.audience == Audience.UNITS:
        prefix = module._demo_unit_path  # type: ignore[attr-defined]
        return [p for p in leaders if units[p.unit_id].startswith(prefix)]
    return leaders


def _seed_large(org: Organisation, rng: random.Random, today: dt.date) -> dict[str, int]:
    facilitators = [*User.objects.filter(email="fasilitator@fjordvik.example"),
                    *_staff(org, FACILITATORS, "nb")]
    oaf = User.objects.filter(email="oaf@fjordvik.example").first()
    leaders = list(Leader.objects.filter(organisation=org)
                   .select_related("user", "leader_above__user"))
    units = dict(Unit.objects.filter(organisation=org).values_list("pk", "path"))
    by_email = {p.user.email: p for p in leaders}
    semesters = _semesters(today)
    first_year = semesters[0][1]
    programme = Programme.objects.create(
        organisation=org, name=f"Fjordviklederen {first_year}–{first_year + 1}",
        slug=f"fjordviklederen-{first_year}", starts_on=dt.date(first_year, 1, 1),
        ends_on=dt.date(semesters[-1][1], 12, 31),
        description="Fjordvik kommunes lederprogram: ledelsesfordypning med fire moduler i "
                    "året, lærende grupper mellom samlingene og ledergruppeutvikling.")
    service_areas = dict(Unit.objects.filter(organisation=org, depth=1)
                         .values_list("name", "path"))
    modules: list[Module] = []
    sessions: list[ModuleSession] = []
    for index, (semester, topic, description, audience, extra) in enumerate(MODULES):
        term, year = semesters[semester]
        first = _first_session(term, year) + dt.timedelta(weeks=index % 3)
        module = Module(
            programme=programme, topic=topic, description=description, term=term, year=year,
            status=ModuleStatus.PUBLISHED, audience=audience,
            audience_levels=extra if audience == Audience.LEVELS else [],
            capacity=20 if audience != Audience.EVERYONE else 25, talent_seats=5,
            waiting_list_limit=15,
            talent_seats_release_on=first - dt.timedelta(weeks=4),
            enrolment_opens_on=min(first - dt.timedelta(weeks=26), today - dt.timedelta(days=7)),
            enrolment_closes_on=first - dt.timedelta(weeks=2),
            cancellation_cutoff_on=first - dt.timedelta(days=7), min_sessions_attended=2)
        module._demo_unit_path = (  # type: ignore[attr-defined]
            service_areas.get(extra, "") if isinstance(extra, str) else "")
        modules.append(module)
        for n, theme in enumerate(THEMES):
            morning = rng.random() < 0.6
            video = n == 1 and index % 3 == 0
            sessions.append(ModuleSession(
                module=module, theme=theme, date=first + dt.timedelta(weeks=6 * n),
                starts_at=dt.time(9) if morning else dt.time(12, 30),
                ends_at=dt.time(12) if morning else dt.time(15, 30),
                place="" if video else PLACES[(index + n) % len(PLACES)],
                video_url="https://video.fjordvik.example/fordypning" if video else ""))
    _with_pks(Module, modules)
    unit_targets = [m for m in modules if m.audience == Audience.UNITS]
    Module.audience_units.through.objects.bulk_create([
        Module.audience_units.through(module_id=m.pk, unit_id=unit_pk)
        for m in unit_targets for unit_pk, path in units.items()
        if path == m._demo_unit_path])  # type: ignore[attr-defined]
    for s in sessions:
        s.module_id = s.module.pk
    _with_pks(ModuleSession, sessions)
    ModuleSession.facilitators.through.objects.bulk_create([
        ModuleSession.facilitators.through(modulesession_id=s.pk, user_id=f.pk)
        for i, s in enumerate(sessions) for f in (facilitators[0], facilitators[1 + i % 2])])

    enrollments, demo_plan = _plan_enrollments(modules, sessions, leaders, units, by_email,
                                               rng, today, oaf)
    _with_pks(Enrollment, enrollments)
    attendance = _plan_attendance(enrollments, sessions, rng, today, oaf, demo_plan)
    Attendance.objects.bulk_create(attendance, batch_size=2000)
    approvals = _seed_approvals(org, modules, by_email, today)
    return {**approvals, "programmes": 1, "modules": len(modules), "sessions": len(sessions),
            "enrolments": len(enrollments), "attendance": len(attendance)}


def _seed_approvals(org: Organisation, modules: list[Module], by_email: dict[str, Leader],
                    today: dt.date) -> dict[str, int]:
    """Issue 26: the group head is away this week with a colleague as deputy; the module
    the group head asked for has a second step where O&F confirms; waiting requests
    that are overdue are offered higher up (so O&F's needs-action list shows them)."""
    ApprovalPolicy.objects.create(organisation=org)
    head = by_email.get("leder.gruppe@fjordvik.example")
    deputies = 0
    if head is not None and head.leader_above_id is not None:
        peer = (Leader.objects.filter(organisation=org, leader_above_id=head.leader_above_id)
                .exclude(pk=head.pk).select_related("user").order_by("pk").first())
        if peer is not None:
            monday = today - dt.timedelta(days=today.weekday())
            Deputy.objects.create(organisation=org, leader_id=head.user_id,
                                  deputy_id=peer.user_id, starts_on=monday,
                                  ends_on=monday + dt.timedelta(days=6))
            deputies = 1
    steps = 0
    if len(modules) > 8:
        ApprovalStep.objects.create(
            organisation=org, content_type=ContentType.objects.get_for_model(Module),
            object_id=modules[8].pk, position=1, label="O&F bekrefter plassen",
            kind=StepKind.OAF)
        steps = 1
    escalated = len(escalations_make(organisation_ids=[org.pk]))
    return {"deputies": deputies, "approval steps": steps, "escalated requests": escalated}


def _plan_enrollments(modules: list[Module], sessions: list[ModuleSession],
                      leaders: list[Leader], units: dict[int, str],
                      by_email: dict[str, Leader], rng: random.Random, today: dt.date,
                      oaf: User | None) -> tuple[list[Enrollment], dict[str, Any]]:
    """Enrolments in every state; the demo accounts get hand-picked ones."""
    leader = by_email.get("leder@fjordvik.example")
    group_head = by_email.get("leder.gruppe@fjordvik.example")
    now = timezone.now()
    first_of = {m.pk: min(s.date for s in sessions if s.module_id == m.pk) for m in modules}
    rows: list[Enrollment] = []
    # Who the demo accounts are in which module: (module index, leader, status).
    report = next((p for p in by_email.values() if group_head is not None
                   and p.leader_above_id == group_head.pk), None)
    fixed: list[tuple[int, Leader | None, str]] = [
        (0, leader, "completed"), (2, leader, EnrollmentStatus.SEATED),
        (4, leader, EnrollmentStatus.WAITING), (8, group_head, EnrollmentStatus.REQUESTED),
        (5, report, EnrollmentStatus.REQUESTED),
    ]
    for index, module in enumerate(modules):
        started = first_of[module.pk] <= today
        base = now - dt.timedelta(days=(today - module.enrolment_opens_on).days)
        mine = [(who, status) for i, who, status in fixed if i == index and who is not None]
        taken = {who.pk for who, _ in mine}
        pool = [p for p in _eligible(module, leaders, units, today) if p.pk not in taken]
        rng.shuffle(pool)
        full = index in FULL or started
        # Before the release day the talent seats stay free for talents, so "full"
        # means every open seat is taken.
        general = module.capacity - module.talent_seats_reserved(today)
        if full and general < module.capacity:
            pool = [p for p in pool if not p.is_talent]  # talents would take the kept seats
        seats = general if full else rng.randint(8, general - 6)
        seated_mine = [(w, s) for w, s in mine if s in (EnrollmentStatus.SEATED, "completed")]
        other_mine = [(w, s) for w, s in mine if (w, s) not in seated_mine]
        plan: list[tuple[Leader, str]] = [
            *seated_mine,
            *[(p, EnrollmentStatus.SEATED) for p in pool[:seats - len(seated_mine)]]]
        extra = [EnrollmentStatus.WAITING] * (3 if full else 0) + [EnrollmentStatus.CANCELLED] * 2
        extra += [EnrollmentStatus.DECLINED] + [EnrollmentStatus.REQUESTED] * (0 if started else 4)
        plan += [*other_mine,
                 *zip(pool[seats - len(seated_mine):], extra, strict=False)]
        talents_seated = 0
        latest = now - dt.timedelta(hours=1)
        for order, (person, status) in enumerate(plan):
            requested = min(base + dt.timedelta(hours=3 * order + rng.randint(0, 2)),
                            latest - dt.timedelta(hours=1))
            decided = min(requested + dt.timedelta(days=rng.randint(1, 4)), latest)
            real = EnrollmentStatus.SEATED if status == "completed" else status
            talent = (real == EnrollmentStatus.SEATED and person.is_talent
                      and talents_seated < module.talent_seats)
            talents_seated += talent
            rows.append(Enrollment(
                module=module, leader=person, status=real, requested_at=requested,
                requested_by=person.user,
                note=rng.choice(["Jeg vil bli tryggere i rollen.",
                                 "Avdelingen står foran store endringer.",
                                 "Anbefalt av min leder i utviklingssamtalen.",
                                 "Ny i rollen og trenger verktøy."]),
                decided_at=None if real == EnrollmentStatus.REQUESTED else decided,
                decided_by=None if real == EnrollmentStatus.REQUESTED else (
                    person.leader_above.user if person.leader_above_id else oaf),
                decision_note="Vi prioriterer andre i år." if real == "avslatt" else "",
                seated_at=decided if real == EnrollmentStatus.SEATED else None,
                talent_seat=talent,
                cancelled_at=min(decided + dt.timedelta(days=5), now)
                if real == "avmeldt" else None,
                cancelled_by=person.user if real == "avmeldt" else None))
    return rows, {"leader": leader, "completed_module": modules[0].pk}


def _plan_attendance(enrollments: list[Enrollment], sessions: list[ModuleSession],
                     rng: random.Random, today: dt.date, oaf: User | None,
                     demo_plan: dict[str, Any]) -> list[Attendance]:
    """Attendance for every past session: most seated leaders came."""
    by_module: dict[int, list[ModuleSession]] = {}
    for s in sessions:
        by_module.setdefault(s.module_id, []).append(s)
    leader = demo_plan["leader"]
    rows = []
    for e in enrollments:
        if e.status != EnrollmentStatus.SEATED:
            continue
        for s in by_module[e.module_id]:
            if s.date >= today:
                continue
            if leader is not None and e.leader_id == leader.pk:
                # leder@ completed the first module and has one session so far in this one.
                came = (e.module_id == demo_plan["completed_module"]
                        or s == by_module[e.module_id][0])
            else:
                came = rng.random() < 0.85
            rows.append(Attendance(session=s, enrollment=e, attended=came,
                                   marked_by=oaf, marked_at=timezone.make_aware(
                                       dt.datetime.combine(s.date, s.ends_at))))
    return rows


def _seed_small(org: Organisation, rng: random.Random, today: dt.date) -> int:
    """A Seljord-like one-year programme: four themed day gatherings, two advisers each."""
    advisers = _staff(org, LIA_ADVISERS, "nn")
    start = today - dt.timedelta(days=70)
    programme = Programme.objects.create(
        organisation=org, name=f"Lia-leiaren {start.year}–{start.year + 1}",
        slug=f"lia-leiaren-{start.year}", starts_on=start,
        ends_on=start + dt.timedelta(days=330),
        description="Eitt år med fire leiarsamlingar, nettverksgrupper og individuell "
                    "rettleiing for alle leiarane i Lia kommune.")
    gatherings = [Gathering(programme=programme, theme=theme,
                            date=start + dt.timedelta(days=14 + 90 * n),
                            starts_at=dt.time(9), ends_at=dt.time(15, 30),
                            place="Lia samfunnshus")
                  for n, theme in enumerate(LIA_GATHERINGS)]
    _with_pks(Gathering, gatherings)
    Gathering.advisers.through.objects.bulk_create([
        Gathering.advisers.through(gathering_id=g.pk, user_id=a.pk)
        for n, g in enumerate(gatherings) for a in (advisers[n % 3], advisers[(n + 1) % 3])])
    ProgrammeParticipant.objects.bulk_create([
        ProgrammeParticipant(programme=programme, leader_id=pk, joined_on=start)
        for pk in Leader.objects.filter(organisation=org).values_list("pk", flat=True)])
    return len(gatherings)


def delete_demo(*, organisations: QuerySet[Organisation]) -> None:
    """Remove the enrolments (a module with enrolments is protected), the programmes (and
    with them modules and gatherings) and the approval steps attached to them (a generic
    relation does not cascade)."""
    ApprovalStep.objects.filter(organisation__in=organisations).delete()
    Enrollment.objects.filter(module__programme__organisation__in=organisations).delete()
    Programme.objects.filter(organisation__in=organisations).delete()
