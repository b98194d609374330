"""Demo data for individual coaching: a supplier, its agreement, coaches and courses.

Fjordvik gets "Fjordlys Lederutvikling AS" with a general agreement (three
sessions of an hour at 2 187.50 NOK), five coaches (the demo account
``coach@fjordvik.example`` is one) with weekly hours, and courses in every
state: ``leder@fjordvik.example`` has an approved course under way with a
held and a booked session, and a report of ``leders.leder@fjordvik.example``
waits for that leader's approval. Lia gets a small nynorsk supplier with four
sessions per leader (as in a programme like Seljord's). Everything is written
with bulk inserts; every name is invented.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.utils import timezone

from accounts.models import Leader, Organisation, User

from .models import (
    AvailabilityException,
    Booking,
    BookingStatus,
    CoachingCourse,
    CoachProfile,
    CourseStatus,
    DevelopmentProject,
    DiscoveryMethod,
    ExceptionKind,
    FrameworkAgreement,
    InvoiceSettings,
    ReflectionNote,
    Supplier,
    WeeklyAvailability,
)
from .semesters import Semester

DEMO_COACH = "coach@fjordvik.example"
DEMO_LEADER = "leder@fjordvik.example"
DEMO_LEADER_ABOVE = "leders.leder@fjordvik.example"
DEMO_GROUP_HEAD = "leder.gruppe@fjordvik.example"
SOON, UNMARKED = "soon", "unmarked"
LARGE_HOURS = (dt.time(8, 30), dt.time(15, 30))
SMALL_HOURS = (dt.time(9, 0), dt.time(15, 0))

LARGE_COACHES = [  # (full name, email, presentation, weekday hours)
    ("Sigrun Vatnedal", "sigrun.vatnedal@fjordlys.example",
     "Erfaren leder fra helse og omsorg. Relasjonsledelse og endring.", (0, 1, 2, 3, 4)),
    ("Eivind Lundhaug", "eivind.lundhaug@fjordlys.example",
     "Organisasjonspsykolog. Femfaktormodellen og lederteam.", (1, 2, 3)),
    ("Marte Solvoll", "marte.solvoll@fjordlys.example",
     "Tidligere rektor. Oppgave-, relasjons- og endringsorientering.", (0, 2, 4)),
    ("Henrik Askeland", "henrik.askeland@fjordlys.example",
     "Coach med bakgrunn fra teknisk sektor. Belbin-teamroller.", (0, 1, 3, 4)),
]

PROJECT_TEXT = {
    "leadership": ["Tydelighet og tillit: at medarbeiderne vet hva jeg forventer.",
                   "Å være til stede og lytte før jeg bestemmer.",
                   "Mestringsorientert ledelse som gir folk rom til å lykkes."],
    "development_points": ["Følge opp avtaler jeg gjør i personalmøtene.",
                           "Gi anerkjennelse oftere og mer konkret.",
                           "Sette retning i endringsarbeid, ikke bare drifte."],
    "first_action": ["Avslutte hvert møte med hvem som gjør hva innen når.",
                     "Ta en samtale med hver teamleder innen to uker.",
                     "Lage en enkel plan for endringen og dele den med alle."],
    "practice_when": ["I ukentlige avdelingsmøter.", "I medarbeidersamtalene denne våren.",
                      "Hver mandag morgen."],
    "progress_signs": ["Færre saker som blir liggende.", "Medarbeiderne tar mer initiativ.",
                       "Bedre svar i 10-FAKTOR på mestring og tillit."],
}
NOTES = ["Første samtale ga meg et nytt blikk på hvordan jeg gir tilbakemelding.",
         "Prøvde å avslutte møtet med konkrete avtaler. Det fungerte godt.",
         "Merker at jeg fortsatt tar for mange beslutninger alene."]


def demo_semester(today: dt.date) -> Semester:
    """The semester now running, or the next one if this one has under three weeks left."""
    current = Semester.current_or_next(today)
    return current.next() if (current.ends_on - today).days < 21 else current


def _aware(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


class _Planner:
    """Plans bookings for a municipality without double-booking any coach."""

    def __init__(self, rng: random.Random, today: dt.date, day_start: dt.time) -> None:
        self.rng = rng
        self.day_start = day_start  # the coaches' weekly hours start here: the slot grid
        self.today = today
        self.now = timezone.now()
        self.taken: set[tuple[int, dt.datetime]] = set()
        self.blocked: dict[int, list[tuple[dt.datetime, dt.datetime]]] = {}
        self.per_day: dict[tuple[int, dt.date], int] = {}

    def slot(self, coach: CoachProfile, weekdays: tuple[int, ...], first: dt.date,
             last: dt.date, *, future: bool, soon: bool = False) -> dt.datetime | None:
        """A free hour on the coach's slot grid (from their day's start), past or future."""
        if future:
            first = max(first, self.today + dt.timedelta(days=1))
            if soon:  # within the coming week, so the calendars show it at once
                last = min(last, self.today + dt.timedelta(days=7))
        else:
            last = min(last, self.today - dt.timedelta(days=1))
        if first > last:
            return None
        span = (last - first).days
        for _attempt in range(40):
            day = first + dt.timedelta(days=self.rng.randint(0, span))
            if day.weekday() not in weekdays:
                continue
            start = _aware(day, self.day_start.hour + self.rng.randint(0, 5),
                           self.day_start.minute)
            key = (coach.pk, start)
            if key in self.taken or self.per_day.get((coach.pk, day), 0) >= coach.daily_capacity:
                continue
            end = start + dt.timedelta(hours=1)
            if any(start < b_end and b_start < end for b_start, b_end in
                   self.blocked.get(coach.pk, [])):
                continue
            self.taken.add(key)
            self.per_day[(coach.pk, day)] = self.per_day.get((coach.pk, day), 0) + 1
            return start
        return None


def _project(course: CoachingCourse, rng: random.Random, *, shared: bool) -> DevelopmentProject:
    return DevelopmentProject(course_id=course.pk, shared_with_coach=shared,
                              **{name: rng.choice(texts) for name, texts in PROJECT_TEXT.items()})


def _coach_users(org: Organisation, coaches: list[tuple[str, str, str, tuple[int, ...]]],
                 password_hash: str) -> list[User]:
    users = [User(email=email, full_name=name, organisation=org, is_coach=True,
                  password=password_hash, language=org_language(org))
             for name, email, _text, _days in coaches]
    User.objects.bulk_create(users)
    return list(User.objects.filter(email__in=[u.email for u in users]).order_by("email"))


def org_language(org: Organisation) -> str:
    return "nn" if org.slug == "lia" else "nb"


def _make_coaches(org: Organisation, supplier: Supplier, entries: list[tuple[User, str,
                  tuple[int, ...]]], hours: tuple[dt.time, dt.time]) -> list[CoachProfile]:
    profiles = [CoachProfile(organisation=org, user=user, supplier=supplier,
                             presentation=text, daily_capacity=10,
                             offers_on_site=i % 2 == 0,
                             location="Rådhuset, møterom 3" if i % 2 == 0 else "")
                for i, (user, text, _days) in enumerate(entries)]
    CoachProfile.objects.bulk_create(profiles)
    profiles = list(CoachProfile.objects.filter(organisation=org).select_related("user")
                    .order_by("pk"))
    days_by_user = {user.pk: days for user, _text, days in entries}
    WeeklyAvailability.objects.bulk_create([
        WeeklyAvailability(coach=p, weekday=day, starts_at=hours[0], ends_at=hours[1])
        for p in profiles for day in days_by_user[p.user_id]])
    return profiles


def _write_courses(plans: list[dict[str, Any]], rng: random.Random,
                   planner: _Planner) -> tuple[int, int]:
    """Write planned courses, their projects, notes and bookings; return (courses, bookings)."""
    courses = [plan["course"] for plan in plans]
    CoachingCourse.objects.bulk_create(courses)
    if any(c.pk is None for c in courses):  # backends without RETURNING
        ids = dict(CoachingCourse.objects.filter(uuid__in=[c.uuid for c in courses])
                   .values_list("uuid", "pk"))
        for course in courses:
            course.pk = ids[course.uuid]
    projects = [_project(plan["course"], rng, shared=plan.get("shared", False)) for plan in plans]
    DevelopmentProject.objects.bulk_create(projects)
    project_ids = dict(DevelopmentProject.objects.filter(course__in=courses)
                       .values_list("course_id", "pk"))
    notes = [ReflectionNote(project_id=project_ids[plan["course"].pk], body=rng.choice(NOTES))
             for plan in plans if plan.get("notes")]
    ReflectionNote.objects.bulk_create(notes)
    bookings: list[Booking] = []
    for plan in plans:
        course: CoachingCourse = plan["course"]
        coach: CoachProfile | None = plan.get("coach")
        if coach is None:
            continue
        first, last = plan["window"]
        for kind in plan.get("bookings", []):
            # SOON: booked within a week; UNMARKED: past, still waiting for the coach to mark.
            status = BookingStatus.BOOKED if kind in (SOON, UNMARKED) else kind
            future = kind in (BookingStatus.BOOKED, SOON)
            start = planner.slot(coach, plan["weekdays"], first, last, future=future,
                                 soon=kind == SOON)
            if start is None and kind == SOON:  # no working day in the coming week
                start = planner.slot(coach, plan["weekdays"], first, last, future=True)
            if start is None:
                continue
            bookings.append(Booking(
                course_id=course.pk, coach=coach, starts_at=start,
                ends_at=start + dt.timedelta(minutes=60), minutes=60,
                mode=rng.choice(coach.modes), status=status, booked_by_id=plan["user_id"],
                created_at=min(start, planner.now) - dt.timedelta(days=7),
                cancelled_at=start - dt.timedelta(hours=3)
                if status == BookingStatus.LATE_CANCELLED else None,
                marked_at=start + dt.timedelta(hours=1)
                if status in (BookingStatus.HELD, BookingStatus.NO_SHOW) else None))
    Booking.objects.bulk_create(bookings, batch_size=1000)
    return len(courses), len(bookings)


def _course(org: Organisation, leader: Leader, agreement: FrameworkAgreement,
            semester: Semester, status: str, coach: CoachProfile | None, rng: random.Random,
            now: dt.datetime, **extra: Any) -> CoachingCourse:
    applied = now - dt.timedelta(days=rng.randint(20, 120))
    decided = status not in (CourseStatus.SUBMITTED,)
    return CoachingCourse(
        organisation=org, leader=leader, agreement=agreement, term=semester.term,
        year=semester.year, ordering_unit_id=leader.unit_id,
        discovery_method=rng.choice(DiscoveryMethod.values), status=status, coach=coach,
        sessions_allowed=agreement.sessions_per_leader, applied_at=applied,
        decided_at=applied + dt.timedelta(days=3) if decided else None,
        decided_by_id=leader.leader_above.user_id if decided and leader.leader_above else None,
        coach_assigned_at=applied + dt.timedelta(days=6) if coach else None,
        closed_at=now - dt.timedelta(days=10) if status in (CourseStatus.COMPLETED,
                                                             CourseStatus.WITHDRAWN) else None,
        **extra)


def _seed_large(org: Organisation, rng: random.Random, today: dt.date,
                scale: int) -> dict[str, int]:
    now = timezone.now()
    demo_coach = User.objects.get(email=DEMO_COACH)
    supplier = Supplier.objects.create(organisation=org, name="Fjordlys Lederutvikling AS",
                                       org_number="999333444",
                                       contact_email="faktura@fjordlys.example")
    agreement = FrameworkAgreement.objects.create(
        organisation=org, supplier=supplier, name="Rammeavtale lederveiledning",
        starts_on=dt.date(today.year - 1, 1, 1), ends_on=dt.date(today.year + 2, 12, 31),
        hourly_rate=Decimal("2187.50"), sessions_per_leader=3, session_minutes=60,
        cancellation_hours=24, supplier_reference="RA-2025-017")
    users = _coach_users(org, LARGE_COACHES, demo_coach.password)
    by_email = {u.email: u for u in users}
    entries = [(demo_coach, "Lederveileder med bakgrunn fra oppvekst. Relasjonsledelse.",
                (0, 1, 2, 3, 4))]
    entries += [(by_email[email], text, days) for _n, email, text, days in LARGE_COACHES]
    coaches = _make_coaches(org, supplier, entries, LARGE_HOURS)
    weekdays = {c.pk: days for c, (_u, _t, days) in zip(coaches, entries, strict=True)}
    cato = coaches[0]
    planner = _Planner(rng, today, LARGE_HOURS[0])
    next_wednesday = today + dt.timedelta(days=(2 - today.weekday()) % 7 or 7)
    planner.blocked[cato.pk] = [(_aware(next_wednesday, 12), _aware(next_wednesday, 15, 30))]
    AvailabilityException.objects.bulk_create([
        AvailabilityException(coach=cato, kind=ExceptionKind.BLOCKED,
                              starts_at=_aware(next_wednesday, 12),
                              ends_at=_aware(next_wednesday, 15, 30), note="Kurs",
                              created_by=demo_coach),
        AvailabilityException(coach=coaches[2], kind=ExceptionKind.EXTRA,
                              starts_at=_aware(next_wednesday + dt.timedelta(days=1), 16),
                              ends_at=_aware(next_wednesday + dt.timedelta(days=1), 19),
                              note="Kveldstimer", created_by=coaches[2].user),
    ])

    current = demo_semester(today)
    previous = Semester(current.year - 1, "host") if current.term == "var" \
        else Semester(current.year, "var")
    following = current.next()

    def window(semester: Semester) -> tuple[dt.date, dt.date]:
        return (max(semester.starts_on, agreement.starts_on),
                min(semester.ends_on, agreement.ends_on))

    leaders = list(Leader.objects.filter(organisation=org)
                   .select_related("user", "leader_above").order_by("pk"))
    by_user_email = {leader.user.email: leader for leader in leaders}
    demo_leader = by_user_email[DEMO_LEADER]
    leader_above = by_user_email[DEMO_LEADER_ABOVE]
    reserved = {DEMO_LEADER, DEMO_LEADER_ABOVE, DEMO_GROUP_HEAD}
    waiting_report = next(r for r in leaders if r.leader_above_id == leader_above.pk
                          and r.user.email not in reserved)
    reserved.add(waiting_report.user.email)
    pool = [leader for leader in leaders if leader.user.email not in reserved]
    rng.shuffle(pool)
    plans: list[dict[str, Any]] = []

    def plan(leader: Leader, semester: Semester, status: str, coach: CoachProfile | None,
             bookings: list[str], **extra: Any) -> None:
        shared = extra.pop("shared", False)
        notes = extra.pop("notes", False)
        plans.append({
            "course": _course(org, leader, agreement, semester, status, coach, rng, now,
                              **extra),
            "coach": coach, "bookings": bookings, "window": window(semester),
            "weekdays": weekdays[coach.pk] if coach else (), "user_id": leader.user_id,
            "shared": shared, "notes": notes,
        })

    held, booked = BookingStatus.HELD, BookingStatus.BOOKED
    plan(demo_leader, current, CourseStatus.ACTIVE, cato, [held, SOON], shared=True,
         notes=True)
    plan(waiting_report, following, CourseStatus.SUBMITTED, None, [])
    others = iter(pool)
    plan(next(others), current, CourseStatus.ACTIVE, cato, [held, UNMARKED, SOON])
    for i in range(12 * scale):
        coach = coaches[i % len(coaches)]
        kinds = rng.choice([[held], [held, held], [held, booked], [booked],
                            [held, BookingStatus.NO_SHOW, booked],
                            [held, BookingStatus.LATE_CANCELLED], []])
        plan(next(others), current, CourseStatus.ACTIVE, coach, kinds,
             shared=rng.random() < 0.5, notes=rng.random() < 0.3)
    for i in range(10 * scale):
        plan(next(others), previous, CourseStatus.COMPLETED, coaches[i % len(coaches)],
             [held, held, rng.choice([held, BookingStatus.LATE_CANCELLED])])
    for i in range(4 * scale):
        plan(next(others), current, CourseStatus.APPROVED, None, [],
             leader_may_choose_coach=i % 2 == 0)
    for _ in range(5 * scale):
        plan(next(others), following, CourseStatus.SUBMITTED, None, [])
    for _ in range(2 * scale):
        plan(next(others), following, CourseStatus.REJECTED, None, [],
             decision_note="Ikke rom i budsjettet dette semesteret.")
        plan(next(others), current, CourseStatus.WITHDRAWN, None, [])
    n_courses, n_bookings = _write_courses(plans, rng, planner)
    return {"coaches": len(coaches), "coaching courses": n_courses,
            "coaching bookings": n_bookings}


def _seed_small(org: Organisation, rng: random.Random, today: dt.date) -> dict[str, int]:
    now = timezone.now()
    password = User.objects.filter(organisation=org).values_list("password", flat=True).first()
    supplier = Supplier.objects.create(organisation=org, name="Vestlys Rettleiing",
                                       contact_email="post@vestlys.example")
    # Four sessions of an hour per leader, as in a small municipality's own programme.
    agreement = FrameworkAgreement.objects.create(
        organisation=org, supplier=supplier, name="Rammeavtale individuell rettleiing",
        starts_on=dt.date(today.year - 1, 8, 1), ends_on=dt.date(today.year + 1, 12, 31),
        hourly_rate=Decimal("2187.50"), sessions_per_leader=4, session_minutes=60,
        cancellation_hours=48)
    users = _coach_users(org, [("Torunn Haugvik", "torunn.haugvik@vestlys.example",
                                "Rettleiar på telefon og video.", (1, 3))], password or "!")
    coaches = _make_coaches(org, supplier, [(users[0], "Rettleiar på telefon og video.",
                                             (1, 3))], SMALL_HOURS)
    coach = coaches[0]
    current = demo_semester(today)
    window = (max(current.starts_on, agreement.starts_on),
              min(current.ends_on, agreement.ends_on))
    leaders = list(Leader.objects.filter(organisation=org).select_related("leader_above")
                   .exclude(leader_above=None).order_by("pk")[:3])
    states = [(CourseStatus.ACTIVE, coach, [BookingStatus.HELD, BookingStatus.BOOKED]),
              (CourseStatus.ACTIVE, coach, [BookingStatus.HELD]),
              (CourseStatus.SUBMITTED, None, [])]
    plans = [{"course": _course(org, leader, agreement, current, status, c, rng, now),
              "coach": c, "bookings": kinds, "window": window, "weekdays": (1, 3),
              "user_id": leader.user_id}
             for leader, (status, c, kinds) in zip(leaders, states, strict=False)]
    n_courses, n_bookings = _write_courses(plans, rng, _Planner(rng, today, SMALL_HOURS[0]))
    return {"coaches": 1, "coaching courses": n_courses, "coaching bookings": n_bookings}


def seed_demo(*, large: Organisation, small: Organisation, rng: random.Random, today: dt.date,
              scale: int) -> dict[str, int]:
    counts = _seed_large(large, rng, today, scale)
    small_counts = _seed_small(small, rng, today)
    # The large municipality posts coaching per virksomhet, the small one per ordering unit.
    InvoiceSettings.objects.bulk_create([InvoiceSettings(organisation=large),
                                         InvoiceSettings(organisation=small, paying_level="")])
    return {key: counts[key] + small_counts[key] for key in counts}


def delete_demo(*, organisations: Any) -> None:
    """Remove coaching rows first: bookings and courses protect leaders, units and coaches."""
    Booking.objects.filter(course__organisation__in=organisations).delete()
    AvailabilityException.objects.filter(coach__organisation__in=organisations).delete()
    WeeklyAvailability.objects.filter(coach__organisation__in=organisations).delete()
    ReflectionNote.objects.filter(project__course__organisation__in=organisations).delete()
    DevelopmentProject.objects.filter(course__organisation__in=organisations).delete()
    CoachingCourse.objects.filter(organisation__in=organisations).delete()
    CoachProfile.objects.filter(organisation__in=organisations).delete()
    FrameworkAgreement.objects.filter(organisation__in=organisations).delete()
    Supplier.objects.filter(organisation__in=organisations).delete()
    InvoiceSettings.objects.filter(organisation__in=organisations).delete()

