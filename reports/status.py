"""The programme status report for top management, assembled from each track's data.

Survey figures come only through the surveys app's own report functions, so
its anonymity thresholds decide what may be shown — this module never counts
answers itself.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import Leader, LeaderLevel, Unit
from coaching.invoices import programme_courses
from coaching.models import CoachingCourse
from coaching.models.courses import CourseStatus
from groups.models import GroupProcess
from groups.models.process import Phase as GroupPhase
from networks.models import NetworkMembership
from programs.models import Enrollment, EnrollmentStatus, Programme, ProgrammeParticipant
from surveys.models import Round
from surveys.models.instruments import InstrumentKind
from surveys.models.rounds import Phase as SurveyPhase
from surveys.reports.evaluation import evaluation_summary
from surveys.reports.group import group_report

TRACKS = ("gatherings", "modules", "groups", "networks", "coaching")


@dataclass
class EffectRow:
    dimension: str
    groups: int  # groups whose before and after both passed the thresholds
    before: float
    after: float

    @property
    def change(self) -> float:
        return self.after - self.before


@dataclass
class StatusReport:
    programme: Programme
    first: dt.date
    last: dt.date
    per_track: dict[str, int] = field(default_factory=dict)
    reached: int = 0
    leaders: int = 0
    per_area: list[tuple[str, dict[str, int], int]] = field(default_factory=list)
    per_level: list[tuple[str, int, int]] = field(default_factory=list)  # label, reached, of
    new_leaders: int = 0
    new_reached: int = 0
    phases: list[tuple[str, int]] = field(default_factory=list)
    effect: list[EffectRow] = field(default_factory=list)
    effect_pairs: int = 0
    effect_hidden: int = 0
    evaluations: list[tuple[str, int, float | None, int | None]] = field(default_factory=list)
    # Leaders coached under the municipality's general agreements: no programme's, so
    # shown beside the tracks and never counted as reached by this programme.
    coaching_outside: int = 0

    @property
    def is_empty(self) -> bool:
        return not (self.reached or self.effect_pairs or self.evaluations
                    or any(count for _label, count in self.phases))

    @property
    def new_share(self) -> float | None:
        return self.new_reached / self.new_leaders * 100 if self.new_leaders else None


def _participants(programme: Programme, last: dt.date) -> dict[str, set[int]]:
    """Leader ids per track that had started by ``last`` — one query each.

    ``first`` is not a cut-off: a leader seated before the period and still
    taking part counts as reached in it.
    """
    org = programme.organisation_id
    return {
        "gatherings": set(ProgrammeParticipant.objects.filter(programme=programme)
                          .values_list("leader_id", flat=True)),
        "modules": set(Enrollment.objects.filter(module__programme=programme,
                                                 status=EnrollmentStatus.SEATED,
                                                 seated_at__date__lte=last)
                       .values_list("leader_id", flat=True)),
        "groups": set(GroupProcess.objects.filter(group__organisation_id=org,
                                                  started_on__lte=last)
                      .exclude(phase=GroupPhase.PLANNED)
                      .values_list("group__memberships__leader_id", flat=True)) - {None},
        "networks": set(NetworkMembership.objects.filter(plan__programme=programme)
                        .values_list("leader_id", flat=True)),
        "coaching": _coached(programme_courses(programme.pk), org, last),
    }


def track_participants(programme: Programme, last: dt.date) -> dict[str, set[int]]:
    """Leader ids per track reached by ``last`` (one query per track), as this report counts
    them; the cockpit's dashboard reuses it so "reached" means the same everywhere."""
    return _participants(programme, last)


def _coached(courses: Q, org: int, last: dt.date) -> set[int]:
    """Leaders with an approved, active or completed course applied for by ``last``."""
    return set(CoachingCourse.objects.filter(
        courses, organisation_id=org, applied_at__date__lte=last,
        status__in=[CourseStatus.APPROVED, CourseStatus.ACTIVE, CourseStatus.COMPLETED])
        .values_list("leader_id", flat=True))


def status_report(*, programme: Programme, first: dt.date | None = None,
                  last: dt.date | None = None) -> StatusReport:
    first = first or programme.starts_on
    last = last or programme.ends_on
    report = StatusReport(programme=programme, first=first, last=last)
    org = programme.organisation_id
    tracks = _participants(programme, last)
    report.per_track = {key: len(ids) for key, ids in tracks.items()}
    reached = set().union(*tracks.values())
    report.reached = len(reached)
    report.coaching_outside = len(_coached(programme_courses(None), org, last))

    leaders = list(Leader.objects.filter(organisation_id=org, user__is_active=True)
                   .select_related("unit").only("pk", "level", "leader_since", "unit__path"))
    report.leaders = len(leaders)
    areas = {u.path: u.name for u in Unit.objects.filter(organisation_id=org, depth=1)}
    area_rows: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(TRACKS, 0))
    area_total: Counter[str] = Counter()
    level_reached: Counter[str] = Counter()
    level_total: Counter[str] = Counter()
    new_ids = set(Leader.objects.filter(organisation_id=org).new_leaders(
        timezone.localdate()).values_list("pk", flat=True))
    for leader in leaders:
        level_total[leader.level] += 1
        area = areas.get(leader.unit.path[:leader.unit.steplen], "") if leader.unit else ""
        area_total[area] += 0
        if leader.pk in reached:
            level_reached[leader.level] += 1
            area_total[area] += 1
            for key in TRACKS:
                if leader.pk in tracks[key]:
                    area_rows[area][key] += 1
    report.per_area = sorted(((name, area_rows[name], area_total[name])
                              for name in area_total if area_total[name]),
                             key=lambda row: row[0])
    labels = dict(LeaderLevel.choices)
    report.per_level = [(str(labels[level]), level_reached[level], level_total[level])
                        for level in labels if level_total[level]]
    report.new_leaders = len(new_ids)
    report.new_reached = len(new_ids & reached)

    counts = dict(GroupProcess.objects.filter(group__organisation_id=org)
                  .values_list("phase").annotate(n=Count("pk")).values_list("phase", "n"))
    report.phases = [(str(label), counts.get(value, 0)) for value, label in GroupPhase.choices]

    _effect(report, org, last)
    rounds = Round.objects.filter(organisation_id=org).filter(
        module_session__module__programme=programme) | Round.objects.filter(
        organisation_id=org, gathering__programme=programme)
    summary = evaluation_summary(rounds)
    report.evaluations = [(g.label, len(g.rows), g.total.mean if g.total else None,
                           g.total.n if g.total else None) for g in summary.groups]
    return report


def _effect(report: StatusReport, org: int, last: dt.date) -> None:
    """Average of the groups' before/after means, only where the surveys app shows both."""
    befores = (Round.objects.filter(organisation_id=org, kind=InstrumentKind.EFFECT,
                                    phase=SurveyPhase.BEFORE, opens_on__lte=last)
               .select_related("group", "instrument").order_by("pk"))
    sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0])
    for before in befores:
        result = group_report(before)
        if not result.paired:
            if result.after is not None:
                report.effect_hidden += 1
            continue
        report.effect_pairs += 1
        for row in result.rows:
            if row.before is not None and row.after is not None:
                entry = sums[row.dimension.name]
                entry[0] += row.before.mean
                entry[1] += row.after.mean
                entry[2] += 1
    report.effect = [EffectRow(dimension=name, groups=int(n), before=b / n, after=a / n)
                     for name, (b, a, n) in sums.items() if n]
