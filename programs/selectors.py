"""Reads for the deepening pages, Min side and the calendar, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Q,
    QuerySet,
)
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.dashboard import now_on_page, shared_on_page
from accounts.models import ApprovalDecision, Leader, User
from lib.emails import absolute_url
from lib.ical import CalendarEvent
from lib.prepared import Prepared, Read, ahead, narrowed, place_children, together

from .access import ModuleAccess, audience_read, place_audience
from .approvals import KIND as APPROVAL_KIND
from .models import (
    ACTIVE_STATUSES,
    COMPLETED,
    Enrollment,
    EnrollmentStatus,
    Gathering,
    Module,
    ModuleSession,
    ModuleStatus,
    Programme,
    ProgrammeParticipant,
)
from .seats import SeatState

STATUS_LABELS = {
    EnrollmentStatus.REQUESTED: _("requested, waiting for approval"),
    EnrollmentStatus.WAITING: _("on the waiting list"),
    EnrollmentStatus.SEATED: _("seated"),
    EnrollmentStatus.DECLINED: _("request declined"),
    EnrollmentStatus.CANCELLED: _("enrolment cancelled"),
    COMPLETED: _("module completed"),
}


def waiting_positions(*, module_ids: Iterable[int]) -> dict[int, int]:
    """Waiting-list place of every waiting enrolment in these modules (one query).

    Derived from the approval order each time (``with_waiting_position``), so it
    can never drift.
    """
    ids = list(module_ids)
    if not ids:
        return {}
    rows = (Enrollment.objects.filter(module_id__in=ids, status=EnrollmentStatus.WAITING)
            .with_waiting_position().values_list("pk", "waiting_position"))
    return dict(rows)


@dataclass
class EnrollmentView:
    """An enrolment as a leader sees it: the derived status, place and next session."""

    enrollment: Enrollment
    attended: int = 0
    position: int | None = None
    next_session: ModuleSession | None = None

    @property
    def status(self) -> str:
        return self.enrollment.shown_status

    @property
    def is_completed(self) -> bool:
        return self.enrollment.is_completed

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])


def _next_session(sessions: Iterable[ModuleSession], today: dt.date) -> ModuleSession | None:
    return next((s for s in sessions if s.date >= today), None)


@dataclass
class ModuleCard:
    module: Module
    seats: SeatState
    mine: EnrollmentView | None
    can_request: bool
    is_open: bool
    for_me: bool = True
    sessions: list[ModuleSession] = field(default_factory=list)
    free_for_me: int = 0  # seats this leader could take now (kept talent seats count for talents)


def _free_for(module: Module, leader: Leader | None, today: dt.date) -> int:
    return module.seat_state(today).free_for(is_talent=leader is not None and leader.is_talent)


_OWN_ENROLMENTS: Prepared[Enrollment] = Prepared(lambda leader_id: (
    Enrollment.objects.filter(leader_id=leader_id).with_attendance().order_by("requested_at")))


def _own_enrolments_reads(leader: Leader | None) -> list[Read[Enrollment]]:
    """The leader's enrolments as a read to send with others; none without a leader."""
    return [_OWN_ENROLMENTS.read(leader_id=leader.pk)] if leader is not None else []


def _mine_among(rows: list[Enrollment], module_ids: list[int]) -> dict[int, Enrollment]:
    """The leader's live enrolment in each module, else their latest one, from the
    leader's enrolments (``_OWN_ENROLMENTS``)."""
    wanted = set(module_ids)
    mine: dict[int, Enrollment] = {}
    for row in rows:  # a leader has a handful
        if row.module_id not in wanted:
            continue
        current = mine.get(row.module_id)
        if current is None or row.status in ACTIVE_STATUSES \
                or current.status not in ACTIVE_STATUSES:
            mine[row.module_id] = row
    return mine


def _current_modules(organisation_id: int | None, today: dt.date,
                     published_only: bool) -> QuerySet[Module]:
    upcoming = Exists(ModuleSession.objects.filter(module=OuterRef("pk"), date__gte=today))
    modules = (narrowed(Module.objects.all(), organisation_id)
               .filter(Q(enrolment_closes_on__gte=today) | upcoming)
               .with_seat_counts().select_related("programme")
               .order_by("year", "-term", "topic"))
    return modules.filter(status=ModuleStatus.PUBLISHED) if published_only else modules


_CURRENT_MODULES: Prepared[Module] = Prepared(_current_modules)


def _sessions_of(module_ids: list[int]) -> QuerySet[ModuleSession]:
    return ModuleSession.objects.filter(module__any=module_ids).order_by("date", "starts_at")


_SESSIONS_OF_MODULES: Prepared[ModuleSession] = Prepared(_sessions_of)
# The module list's sessions, each marked when the user runs it (their modules are listed
# for them whether meant for them or not).
_SESSIONS_RUN_BY: Prepared[ModuleSession] = Prepared(lambda module_ids, user_id: (
    _sessions_of(module_ids).annotate(_run_by_user=Exists(
        ModuleSession.facilitators.through.objects.filter(modulesession=OuterRef("pk"),
                                                          user_id=user_id)))))
_FACILITATORS_OF_SESSIONS: Prepared[Any] = Prepared(lambda session_ids: (
    ModuleSession.facilitators.through.objects.filter(modulesession__any=session_ids)
    .select_related("user").order_by("user__full_name", "pk")))


def _place_sessions_and_audience(modules: list[Module], user: User) -> set[int]:
    """``module.sessions.all()`` (by date) and ``module.audience_units.all()`` for every
    module without a query each: two queries, compiled once per process, whatever the
    number of modules (``prefetch_related`` would compile its ``IN`` list each time).
    Returns the modules of which ``user`` runs a session."""
    sessions_read = _SESSIONS_RUN_BY.read(module_ids=[module.pk for module in modules],
                                          user_id=user.pk)
    with ahead([sessions_read, audience_read(modules)]):
        sessions = sessions_read()
        place_audience(modules)
    place_children(modules, "sessions", ((s.module_id, s) for s in sessions), back="module")
    return {s.module_id for s in sessions if s._run_by_user}  # type: ignore[attr-defined]


def module_list(*, user: User, leader: Leader | None,
                today: dt.date | None = None) -> list[ModuleCard]:
    """Current and coming modules for this user, with seats and their own status.

    Leaders see published modules meant for them (or that they are enrolled
    in), facilitators the modules they run; O&F see every module of the
    municipality. A fixed number of queries whatever the number of modules,
    sessions or enrolments: modules with seat counts with the leader's own enrolments
    (sent together), their sessions (marked when the user runs them) with their
    audience units (together), waiting positions.
    """
    today = today or timezone.localdate()
    manage = user.is_superuser or user.is_oaf_admin
    current = _CURRENT_MODULES.read_visible_to(user, today=today, published_only=not manage)
    if current is None:
        return []
    modules, *enrolments = together(current, *_own_enrolments_reads(leader))
    own_rows = enrolments[0] if enrolments else []
    if not modules:
        return []
    facilitated = _place_sessions_and_audience(modules, user)
    mine = _mine_among(own_rows, [m.pk for m in modules])
    positions = waiting_positions(module_ids=[m for m, e in mine.items()
                                              if e.status == EnrollmentStatus.WAITING])
    cards = []
    for module in modules:
        for_me = leader is not None and module.is_for(leader, today)
        own = mine.get(module.pk)
        if not (manage or for_me or own is not None or module.pk in facilitated):
            continue
        view = None
        if own is not None:
            own.module = module
            view = EnrollmentView(own, own.attended, positions.get(own.pk))
        is_open = module.enrolment_is_open(today)
        live = own is not None and own.status in ACTIVE_STATUSES
        cards.append(ModuleCard(
            module=module, seats=module.seat_state(today), mine=view, for_me=for_me,
            can_request=is_open and for_me and not live, is_open=is_open,
            sessions=list(module.sessions.all()), free_for_me=_free_for(module, leader, today)))
    return cards


@dataclass
class ModulePage:
    card: ModuleCard
    sessions: list[ModuleSession]
    can_manage: bool
    leader: Leader | None


# The module's seat counts (``with_seat_counts``), for the module the access helper read.
_SEAT_COUNTS: Prepared[tuple[int, int, int, int]] = Prepared(lambda module_id: (
    Module.objects.filter(pk=module_id).with_seat_counts().values_list(
        "seated_count", "talent_seated_count", "waiting_count", "requested_count")))
_SESSIONS_OF: Prepared[ModuleSession] = Prepared(lambda module_id: (
    ModuleSession.objects.filter(module_id=module_id).order_by("date", "starts_at")))


def module_page(*, access: ModuleAccess, user: User, today: dt.date | None = None) -> ModulePage:
    """A module with seats, sessions (with facilitators) and the user's own enrolment.

    Queries: the module's seat counts (the module is the access helper's), sessions
    and the leader's enrolments (sent together), the sessions' facilitators, and
    waiting positions if they wait.
    """
    today = today or timezone.localdate()
    module = access.module  # read by the access helper, with its programme and audience
    counts, sessions, *enrolments = together(_SEAT_COUNTS.read(module_id=module.pk),
                                             _SESSIONS_OF.read(module_id=module.pk),
                                             *_own_enrolments_reads(access.leader))
    own_rows = enrolments[0] if enrolments else []
    (module.seated_count, module.talent_seated_count, module.waiting_count,  # type: ignore[attr-defined]
     module.requested_count) = counts[0]  # type: ignore[attr-defined]
    place_children(sessions, "facilitators", ((row.modulesession_id, row.user) for row in
                                              _FACILITATORS_OF_SESSIONS(
                                                  session_ids=[s.pk for s in sessions])))
    mine = _mine_among(own_rows, [module.pk]).get(module.pk)
    view = None
    if mine is not None:
        mine.module = module
        position = None
        if mine.status == EnrollmentStatus.WAITING:
            position = waiting_positions(module_ids=[module.pk]).get(mine.pk)
        view = EnrollmentView(mine, mine.attended, position,
                              _next_session(sessions, today))
    is_open = module.enrolment_is_open(today)
    live = mine is not None and mine.status in ACTIVE_STATUSES
    card = ModuleCard(module=module, seats=module.seat_state(today), mine=view,
                      for_me=access.can_request,
                      can_request=is_open and access.can_request and not live, is_open=is_open,
                      sessions=sessions, free_for_me=_free_for(module, access.leader, today))
    return ModulePage(card=card, sessions=sessions, can_manage=access.can_manage,
                      leader=access.leader)


def enrollments_of(leader: Leader) -> list[Enrollment]:
    """Every enrolment of the leader with module, programme and ``attended_count``, newest
    module first (one query; on Min side one for all its panels, ``shared_on_page``)."""
    return shared_on_page(leader, "programs.enrollments", enrollments_read(leader))


def enrollments_read(leader: Leader) -> Read[Enrollment]:
    """:func:`enrollments_of`'s query, for Min side's reads sent ahead."""
    return _ENROLMENTS_OF.read(leader_id=leader.pk)


_ENROLMENTS_OF: Prepared[Enrollment] = Prepared(lambda leader_id: (
    Enrollment.objects.filter(leader_id=leader_id)
    .select_related("module__programme").with_attendance()
    .order_by("-module__year", "module__term", "module__topic", "-requested_at")))


def leader_enrollments(*, leader: Leader, today: dt.date | None = None) -> list[EnrollmentView]:
    """The leader's enrolments of current and recent modules, newest module first.

    Queries: the leader's enrolments (:func:`enrollments_of`), the modules'
    sessions, the waiting positions.
    """
    today = today or timezone.localdate()
    rows = [e for e in enrollments_of(leader)
            if e.module.year >= today.year - 1 and e.module.status != ModuleStatus.DRAFT]
    if rows:
        modules = [e.module for e in rows]
        place_children(modules, "sessions", ((s.module_id, s) for s in _SESSIONS_OF_MODULES(
            module_ids=sorted({m.pk for m in modules}))), back="module")
    positions = waiting_positions(module_ids={e.module_id for e in rows
                                              if e.status == EnrollmentStatus.WAITING})
    return [EnrollmentView(e, e.attended, positions.get(e.pk),
                           _next_session(e.module.sessions.all(), today)) for e in rows]


def pending_approvals(*, user: User) -> list[Enrollment]:
    """Requests from leaders who report to this user, waiting for their decision
    (what Min side's panel shows of them)."""
    return pending_read(user)()


def pending_read(user: User) -> Read[Enrollment]:
    """:func:`pending_approvals`' query, not yet run."""
    return _PENDING.read(user_id=user.pk)


def pending_approvals_queryset(*, user: User) -> QuerySet[Enrollment]:
    """The requests waiting for this user's decision as leader above (unevaluated).

    Once the leader above has decided the first step, a request waiting for a
    later step (``accounts.approvals``) is someone else's; the approver's list
    (``programs:approvals``) shows deputy duties and handed-over requests too.
    """
    return _pending(user.pk)


def _pending(user_id: int) -> QuerySet[Enrollment]:
    decided = ApprovalDecision.objects.filter(request_kind=APPROVAL_KIND,
                                              request_id=OuterRef("pk"))
    return (Enrollment.objects.filter(status=EnrollmentStatus.REQUESTED,
                                      leader__leader_above__user_id=user_id)
            .exclude(Exists(decided)))


_PENDING: Prepared[Enrollment] = Prepared(lambda user_id: (
    _pending(user_id).select_related("leader__user", "module")
    .only("uuid", "note", "leader__user__full_name", "module__topic", "module__term",
          "module__year")
    .order_by("requested_at")))


@dataclass
class ProgrammeModule:
    """A module on the programme page: linked only if opening it would not be refused."""

    module: Module
    can_open: bool


def programme_modules(*, programme: Programme, user: User, leader: Leader | None,
                      manage: bool, today: dt.date | None = None) -> list[ProgrammeModule]:
    """The programme's published (and cancelled) modules, each with whether the user may open it.

    The same rule as :func:`programs.access.get_module_for_user`, for many
    modules at once. Queries: the modules with their audience units, and the
    modules the user is enrolled in, facilitates or has a report enrolled in.
    """
    today = today or timezone.localdate()
    modules = list(programme.modules.exclude(status=ModuleStatus.DRAFT)
                   .select_related("programme").prefetch_related("audience_units")
                   .order_by("year", "-term", "topic"))
    ids = [m.pk for m in modules]
    reachable: set[int] = set()
    if not manage and ids:
        mine = Q(leader=leader) if leader is not None else Q(pk__in=[])
        reachable = set(Enrollment.objects.filter(mine | Q(leader__leader_above__user=user),
                                                  module_id__in=ids)
                        .values_list("module_id", flat=True))
        reachable |= set(ModuleSession.objects.filter(module_id__in=ids, facilitators=user)
                         .values_list("module_id", flat=True))
    return [ProgrammeModule(module=m, can_open=manage or m.pk in reachable
                            or (leader is not None and m.is_for(leader, today)))
            for m in modules]


@dataclass
class DecisionFacts:
    """What the approver sees beside a request: seats, the waiting list, the leader's modules."""

    enrollment: Enrollment
    seats: SeatState
    waiting: int
    free_for_leader: int
    others: list[Enrollment]


def decision_facts(enrollments: list[Enrollment],
                   today: dt.date | None = None) -> list[DecisionFacts]:
    """Seats now and the leaders' other enrolments for these requests (two queries).

    Queries: the modules with seat counts, the leaders' other enrolments with
    their modules — whatever the number of requests.
    """
    today = today or timezone.localdate()
    if not enrollments:
        return []
    modules = {m.pk: m for m in Module.objects.with_seat_counts()
               .filter(pk__in={e.module_id for e in enrollments})}
    others: dict[int, list[Enrollment]] = {}
    for row in (Enrollment.objects.filter(leader_id__in={e.leader_id for e in enrollments})
                .exclude(pk__in=[e.pk for e in enrollments])
                .exclude(module__status=ModuleStatus.DRAFT)
                .select_related("module").with_attendance()
                .order_by("-module__year", "module__term", "module__topic")):
        others.setdefault(row.leader_id, []).append(row)
    facts = []
    for enrollment in enrollments:
        module = modules[enrollment.module_id]
        seats = module.seat_state(today)
        facts.append(DecisionFacts(
            enrollment=enrollment, seats=seats,
            waiting=module.waiting_count,
            free_for_leader=seats.free_for(is_talent=enrollment.leader.is_talent),
            others=others.get(enrollment.leader_id, [])))
    return facts


def programmes_for_leader(*, leader: Leader, today: dt.date | None = None) -> list[Programme]:
    """Programmes the leader takes part in, each with ``coming`` gatherings (two queries)."""
    today = today or timezone.localdate()
    programmes = programmes_read(leader, today)()
    if programmes:
        by_id = {p.pk: p for p in programmes}
        for programme in programmes:
            programme.coming = []  # type: ignore[attr-defined]
        for gathering in _COMING_GATHERINGS(programme_ids=sorted(by_id), today=today):
            gathering.programme = by_id[gathering.programme_id]
            gathering.programme.coming.append(gathering)  # type: ignore[attr-defined]
    return programmes


def programmes_read(leader: Leader, today: dt.date) -> Read[Programme]:
    """:func:`programmes_for_leader`'s first query, not yet run."""
    return _PROGRAMMES_OF.read(leader_id=leader.pk, today=today)


_PROGRAMMES_OF: Prepared[Programme] = Prepared(lambda leader_id, today: (
    Programme.objects.filter(participations__leader_id=leader_id, ends_on__gte=today)
    .order_by("starts_on")))
_COMING_GATHERINGS: Prepared[Gathering] = Prepared(lambda programme_ids, today: (
    Gathering.objects.filter(programme__any=programme_ids, date__gte=today)
    .order_by("date", "starts_at", "pk")))


def facilitated_sessions(*, user: User, today: dt.date | None = None) -> list[ModuleSession]:
    """The next sessions this user facilitates, for keeping attendance (one query)."""
    today = today or timezone.localdate()
    return list(ModuleSession.objects.filter(facilitators=user, date__gte=today)
                .exclude(module__status=ModuleStatus.DRAFT)
                .select_related("module").order_by("date", "starts_at")[:10])


FACILITATED_PAST_DAYS = 90


def facilitated_past_sessions(*, user: User, now: dt.datetime | None = None,
                              limit: int = 10) -> list[ModuleSession]:
    """Sessions this user facilitated that have started (last 90 days, newest first), with
    ``n_marked`` (attendance rows kept), so the register is one click away (one query)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    rows = (ModuleSession.objects.filter(
        facilitators=user, date__lte=today,
        date__gte=today - dt.timedelta(days=FACILITATED_PAST_DAYS))
        .exclude(module__status=ModuleStatus.DRAFT)
        .annotate(n_marked=Count("attendances"))
        .select_related("module").order_by("-date", "-starts_at")[:limit + 5])
    return [s for s in rows if s.start <= now][:limit]


def min_side_reads(user: User, leader: Leader | None) -> list[Read[Any]]:
    """The panel's first reads (:attr:`accounts.dashboard.Panel.reads`)."""
    if leader is None:
        return []
    today = timezone.localdate(now_on_page(leader))
    return [enrollments_read(leader), programmes_read(leader, today), pending_read(user)]


def min_side_panel(user: User, leader: Leader | None) -> dict[str, Any] | None:
    """The Min side panel: own modules with status and next session, requests to decide.

    Queries: own enrolments, their sessions, waiting positions (only when the
    leader waits somewhere), requests to decide, programmes and their gatherings; for
    facilitators their next sessions.
    """
    now = now_on_page(leader)
    today = timezone.localdate(now)
    facilitating = [s for s in facilitated_sessions(user=user, today=today) if s.start > now] \
        if user.is_facilitator else []
    facilitated = facilitated_past_sessions(user=user, now=now) if user.is_facilitator else []
    if leader is None:
        return {"facilitating": facilitating, "facilitated": facilitated,
                "today": today} if facilitating or facilitated else None
    return {"enrollments": leader_enrollments(leader=leader, today=today),
            "approvals": pending_approvals(user=user),
            "programmes": programmes_for_leader(leader=leader, today=today),
            "facilitating": facilitating, "facilitated": facilitated, "leader": leader,
            "today": today}


def module_key(module: Module) -> str:
    """The SEQUENCE key of a module's cancellation notice (``lib.CalendarSequence``)."""
    return f"programs-module-{module.uuid}"


def session_event(session: ModuleSession, *, tentative: bool = False) -> CalendarEvent:
    """``tentative``: the reader is on the waiting list."""
    module = session.module
    summary = f"{module.topic}: {session.theme}" if session.theme else str(module.topic)
    return CalendarEvent(
        uid=f"programs-session-{session.uuid}", start=session.start, end=session.end,
        summary=summary, location=session.location,
        description=module.programme.name,
        url=absolute_url(reverse("programs:module_detail", args=[module.uuid])),
        tentative=tentative, cancelled=module.status == ModuleStatus.CANCELLED)


def gathering_event(gathering: Gathering) -> CalendarEvent:
    return CalendarEvent(
        uid=f"programs-gathering-{gathering.uuid}", start=gathering.start, end=gathering.end,
        summary=f"{gathering.programme.name}: {gathering.theme}", location=gathering.place,
        description=gathering.description,
        url=absolute_url(reverse("programs:programme_detail", args=[gathering.programme.slug])))


def calendar_events(user: User) -> list[CalendarEvent]:
    """The personal feed: seated and facilitated sessions (CONFIRMED), sessions of
    modules one waits for (TENTATIVE), gatherings taken part in. Sessions of a
    cancelled module stay, marked CANCELLED, so subscribed calendars remove them."""
    return [*(session_event(s, tentative=not (s.feed_seated or s.feed_facilitating))
              for s in _FEED_SESSIONS(user_id=user.pk)),
            *map(gathering_event, _FEED_GATHERINGS(user_id=user.pk))]


def _feed_sessions(user_id: int) -> QuerySet[ModuleSession]:
    seated = Enrollment.objects.filter(module=OuterRef("module"), leader__user_id=user_id,
                                       status=EnrollmentStatus.SEATED)
    waiting = Enrollment.objects.filter(module=OuterRef("module"), leader__user_id=user_id,
                                        status=EnrollmentStatus.WAITING)
    facilitated = ModuleSession.facilitators.through.objects.filter(
        modulesession=OuterRef("pk"), user_id=user_id)
    return (ModuleSession.objects
            .annotate(feed_seated=Exists(seated), feed_facilitating=Exists(facilitated))
            .filter(Q(feed_seated=True) | Q(feed_facilitating=True) | Exists(waiting))
            .exclude(module__status=ModuleStatus.DRAFT)
            .select_related("module__programme"))


def _feed_gatherings(user_id: int) -> QuerySet[Gathering]:
    participant = ProgrammeParticipant.objects.filter(programme=OuterRef("programme"),
                                                      leader__user_id=user_id)
    advising = Gathering.advisers.through.objects.filter(gathering=OuterRef("pk"),
                                                         user_id=user_id)
    return (Gathering.objects.filter(Exists(participant) | Exists(advising))
            .select_related("programme"))


# The calendar week page and the personal feed: compiled once per process.
_FEED_SESSIONS: Prepared[Any] = Prepared(_feed_sessions)  # with feed_* annotations
_FEED_GATHERINGS: Prepared[Gathering] = Prepared(_feed_gatherings)
