"""Reads of the cockpit: the programme dashboard and the Min side panel.

The dashboard counts "reached" exactly as the management report does
(:func:`reports.status.track_participants`) and prices money through the
report's cost model (:func:`reports.costs.cost_overview`); it adds the
population behind every share and the list behind every figure. A fixed
number of queries whatever the municipality's size.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Leader, LeaderLevel, Unit, User
from coaching.invoices import programme_courses
from coaching.models import USED, Booking, CoachingCourse
from coaching.models.courses import CourseStatus
from groups.models import GroupProcess
from groups.models.process import Phase as GroupPhase
from lib.money import hours
from lib.prepared import Prepared, Read
from programs.models import (
    Enrollment,
    EnrollmentStatus,
    Module,
    ModuleSession,
    ModuleStatus,
    Programme,
)
from programs.selectors import enrollments_of, enrollments_read
from reports.costs import CostOverview, cost_overview
from reports.documents import track_labels
from reports.status import TRACKS, track_participants
from surveys.models import Invitation, Round
from surveys.models.instruments import InstrumentKind
from surveys.models.rounds import Phase as SurveyPhase

from .models import CertificateSettings, DeliveryStatus, MessageDelivery

# Longer id lists would not fit in an address; the link then opens the whole list.
MAX_IDS_IN_LINK = 300


def changelist(name: str, **params: Any) -> str:
    query = urlencode({key: (",".join(map(str, value)) if isinstance(value, list | tuple | set)
                             else value) for key, value in params.items()})
    return reverse(f"admin:{name}_changelist") + (f"?{query}" if query else "")


def _leaders_link(ids: set[int] | list[int]) -> str:
    if len(ids) > MAX_IDS_IN_LINK:
        return changelist("accounts_leader")
    return changelist("accounts_leader", id__in=sorted(ids) or [0])


@dataclass(frozen=True)
class Bar:
    """One figure: a count, optionally out of a population, and the list behind it."""

    label: str
    value: int
    total: int | None
    url: str

    @property
    def share(self) -> float | None:
        return self.value / self.total * 100 if self.total else None


@dataclass(frozen=True)
class ModuleRow:
    module: Module
    capacity: int
    seated: int
    waiting: int
    completed: int
    url: str
    completed_url: str

    @property
    def fill(self) -> float | None:
        return self.seated / self.capacity * 100 if self.capacity else None


@dataclass(frozen=True)
class RoundRow:
    title: str
    invited: int
    answered: int
    url: str

    @property
    def share(self) -> float | None:
        return self.answered / self.invited * 100 if self.invited else None


@dataclass
class Dashboard:
    programme: Programme
    first: dt.date
    last: dt.date
    leaders: int = 0
    reached: Bar | None = None
    per_track: list[Bar] = field(default_factory=list)
    per_area: list[Bar] = field(default_factory=list)
    per_level: list[Bar] = field(default_factory=list)
    new_leaders: Bar | None = None
    modules: list[ModuleRow] = field(default_factory=list)
    phase_labels: list[str] = field(default_factory=list)
    waves: list[tuple[str, list[tuple[int, str]]]] = field(default_factory=list)
    rounds: list[RoundRow] = field(default_factory=list)
    coaching_agreed: Decimal = Decimal(0)
    coaching_used: Decimal = Decimal(0)
    coaching_courses: int = 0
    coaching_url: str = ""
    costs: CostOverview | None = None
    costs_url: str = ""


def _reach(board: Dashboard, programme: Programme, last: dt.date) -> None:
    org = programme.organisation_id
    tracks = track_participants(programme, last)
    reached = set().union(*tracks.values())
    # Plain tuples: thousands of leaders are counted, none shown.
    leaders = list(Leader.objects.filter(organisation_id=org, user__is_active=True)
                   .values_list("pk", "level", "unit__path"))
    board.leaders = len(leaders)
    population = {pk for pk, _level, _path in leaders}
    reached &= population
    board.reached = Bar(_("Leaders reached"), len(reached), board.leaders,
                        _leaders_link(reached))
    labels = track_labels()
    links = {
        "gatherings": reverse("admin:programs_programme_change", args=[programme.pk]),
        "modules": changelist("programs_enrollment", status__exact=EnrollmentStatus.SEATED,
                              module__programme__id__exact=programme.pk),
        "groups": changelist("groups_groupprocess", phase__in=[
            value for value, _label in GroupPhase.choices if value != GroupPhase.PLANNED]),
        "networks": changelist("networks_networkgroup", programme=programme.pk),
        "coaching": "",  # set by _coaching, which knows the programme's courses
    }
    board.per_track = [Bar(labels[key], len(tracks[key] & population), board.leaders,
                           links[key]) for key in TRACKS]
    areas = {u.path: u.name for u in Unit.objects.filter(organisation_id=org, depth=1)}
    area_of: dict[str, set[int]] = defaultdict(set)
    area_reached: dict[str, set[int]] = defaultdict(set)
    level_total: Counter[str] = Counter()
    level_reached: dict[str, set[int]] = defaultdict(set)
    for pk, level, path in leaders:
        area = areas.get((path or "")[:Unit.steplen], "")
        area_of[area].add(pk)
        level_total[level] += 1
        if pk in reached:
            area_reached[area].add(pk)
            level_reached[level].add(pk)
    board.per_area = [Bar(name or _("Outside the service areas"), len(area_reached[name]),
                          len(area_of[name]), _leaders_link(area_reached[name]))
                      for name in sorted(area_of, key=lambda n: (n == "", n))]
    board.per_level = [Bar(str(label), len(level_reached[value]), level_total[value],
                           changelist("accounts_leader", level__exact=value))
                       for value, label in LeaderLevel.choices if level_total[value]]
    new_ids = set(Leader.objects.filter(organisation_id=org, user__is_active=True)
                  .new_leaders(timezone.localdate()).values_list("pk", flat=True))
    board.new_leaders = Bar(_("New leaders (less than a year)"), len(new_ids & reached),
                            len(new_ids), _leaders_link(new_ids & reached))


def _modules(board: Dashboard, programme: Programme, first: dt.date, last: dt.date) -> None:
    modules = list(Module.objects.filter(programme=programme)
                   .exclude(status=ModuleStatus.DRAFT)
                   .filter(Exists(ModuleSession.objects.filter(
                       module=OuterRef("pk"), date__range=(first, last)))
                       | ~Exists(ModuleSession.objects.filter(module=OuterRef("pk"))))
                   .with_seat_counts().order_by("year", "-term", "topic", "pk"))
    completed: Counter[int] = Counter()
    for module_id, attended, needed in (
            Enrollment.objects.filter(module__in=[m.pk for m in modules],
                                      status=EnrollmentStatus.SEATED)
            .with_attendance().values_list("module_id", "attended_count",
                                           "module__min_sessions_attended")):
        if attended >= needed:
            completed[module_id] += 1
    board.modules = [ModuleRow(
        module=m, capacity=m.capacity, seated=m.seated_count,
        waiting=m.waiting_count, completed=completed[m.pk],
        url=changelist("programs_enrollment", module=m.pk, status__exact=EnrollmentStatus.SEATED),
        completed_url=reverse("admin:programs_module_change", args=[m.pk]))
        for m in modules]


def _phases(board: Dashboard, programme: Programme) -> None:
    rows = (GroupProcess.objects.filter(group__organisation_id=programme.organisation_id)
            .values("wave_id", "wave__number", "wave__name", "phase")
            .annotate(n=Count("pk")).order_by("wave__number"))
    waves: dict[int | None, tuple[str, dict[str, int]]] = {}
    for row in rows:
        label = (f"{row['wave__number']}. {row['wave__name']}" if row["wave_id"]
                 else _("Not in a wave"))
        waves.setdefault(row["wave_id"], (label, {}))[1][row["phase"]] = row["n"]
    board.phase_labels = [str(label) for _value, label in GroupPhase.choices]
    board.waves = []
    for wave_id, (label, counts) in waves.items():
        cells = []
        for value, _label in GroupPhase.choices:
            params: dict[str, Any] = {"phase__exact": value}
            if wave_id:
                params["wave__id__exact"] = wave_id
            else:
                params["wave__isnull"] = "True"
            cells.append((counts.get(value, 0), changelist("groups_groupprocess", **params)))
        board.waves.append((label, cells))


def _rounds(board: Dashboard, programme: Programme, first: dt.date, last: dt.date) -> None:
    """Each needs survey and evaluation of the programme on its own; the Effect surveys of
    the many leader groups added up per phase (before / after). Three queries."""
    rounds = (Round.objects.filter(organisation_id=programme.organisation_id,
                                   opened_at__isnull=False, opens_on__lte=last,
                                   closes_on__gte=first)
              .filter(Q(module_session__module__programme=programme)
                      | Q(gathering__programme=programme)
                      | Q(module_session__isnull=True, gathering__isnull=True)))
    counts = {row["round_id"]: row for row in (
        Invitation.objects.filter(round__in=rounds.exclude(kind=InstrumentKind.EFFECT))
        .values("round_id").annotate(invited=Count("pk"),
                                     answered=Count("pk", filter=Q(submitted=True))))}
    singles = (rounds.exclude(kind=InstrumentKind.EFFECT)
               .select_related("group", "module_session__module", "gathering", "instrument")
               .order_by("opens_on", "pk"))
    board.rounds = [RoundRow(r.display_title, counts.get(r.pk, {}).get("invited", 0),
                             counts.get(r.pk, {}).get("answered", 0),
                             changelist("surveys_invitation", round__id__exact=r.pk))
                    for r in singles]
    phases = dict(SurveyPhase.choices)
    for row in (Invitation.objects.filter(round__in=rounds.filter(kind=InstrumentKind.EFFECT))
                .values("round__phase").annotate(
                    groups=Count("round", distinct=True), invited=Count("pk"),
                    answered=Count("pk", filter=Q(submitted=True))).order_by("round__phase")):
        label = _("Effect survey %(phase)s (%(groups)d groups)") % {
            "phase": phases.get(row["round__phase"], ""), "groups": row["groups"]}
        board.rounds.append(RoundRow(label, row["invited"], row["answered"], changelist(
            "surveys_round", kind__exact=InstrumentKind.EFFECT,
            phase__exact=row["round__phase"])))


def _coaching(board: Dashboard, programme: Programme, first: dt.date, last: dt.date) -> None:
    courses = CoachingCourse.objects.filter(
        programme_courses(programme.pk), organisation_id=programme.organisation_id,
        status__in=[CourseStatus.APPROVED, CourseStatus.ACTIVE, CourseStatus.COMPLETED])
    ids = list(courses.order_by("pk").values_list("pk", flat=True))
    agreed = courses.aggregate(
        n=Count("pk"), minutes=Sum(F("sessions_allowed") * F("agreement__session_minutes")))
    used = Booking.objects.filter(programme_courses(programme.pk, "course__"),
                                  course__organisation_id=programme.organisation_id,
                                  status__in=USED, starts_at__date__range=(first, last)
                                  ).aggregate(minutes=Sum("minutes"))
    board.coaching_courses = agreed["n"] or 0
    board.coaching_agreed = hours(agreed["minutes"] or 0)
    board.coaching_used = hours(used["minutes"] or 0)
    board.coaching_url = (changelist("coaching_coachingcourse", id__in=ids or [0])
                          if len(ids) <= MAX_IDS_IN_LINK else changelist("coaching_coachingcourse"))
    board.per_track = [Bar(bar.label, bar.value, bar.total, bar.url or board.coaching_url)
                       for bar in board.per_track]


def programme_dashboard(*, programme: Programme, first: dt.date | None = None,
                        last: dt.date | None = None) -> Dashboard:
    """Every figure of the dashboard for one programme and period."""
    first = first or programme.starts_on
    last = last or programme.ends_on
    board = Dashboard(programme=programme, first=first, last=last)
    _reach(board, programme, last)
    _modules(board, programme, first, last)
    _phases(board, programme)
    _rounds(board, programme, first, last)
    _coaching(board, programme, first, last)
    board.costs = cost_overview(programme=programme, first=first, last=last)
    board.costs_url = changelist("reports_contractterm", programme__id__exact=programme.pk)
    return board


# --- Min side --------------------------------------------------------------------------

def completed_enrollments(leader: Leader) -> list[Enrollment]:
    """The leader's completed modules (the one rule, ``Enrollment.is_completed``), newest
    first; read with Min side's own modules (``programs.selectors.enrollments_of``)."""
    return [row for row in enrollments_of(leader) if row.is_completed]


_DELIVERED_TO: Prepared[MessageDelivery] = Prepared(lambda user_id: (
    MessageDelivery.objects.filter(recipient_id=user_id).exclude(status=DeliveryStatus.FAILED)
    .select_related("message").order_by("-message__created_at")[:10]))


def min_side_reads(user: User, leader: Leader | None) -> list[Read[Any]]:
    """The panel's reads (:attr:`accounts.dashboard.Panel.reads`)."""
    return [_delivered_to_read(user),
            *([enrollments_read(leader)] if leader is not None else [])]


def _delivered_to_read(user: User) -> Read[MessageDelivery]:
    return _DELIVERED_TO.read(user_id=user.pk)


def min_side_panel(user: User, leader: Leader | None) -> dict[str, Any] | None:
    """Messages O&F sent to this person, and their course certificates (two queries)."""
    messages = _delivered_to_read(user)()
    certificates = completed_enrollments(leader) if leader is not None else []
    if certificates and (user.organisation_id is None or not CertificateSettings.objects.filter(
            organisation_id=user.organisation_id).exists()):
        certificates = []  # nobody to sign them yet; O&F sets the signer in the admin
    if not messages and not certificates:
        return None
    return {"messages": [d.message for d in messages], "certificates": certificates}
