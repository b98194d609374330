"""Reads of the leader platform: the published document, rating results, profiles, aggregates.

Every anonymity comparison goes through ``surveys.reports.anonymity.enough_answered``
with the municipality's threshold from ``surveys.selectors.thresholds_for``, so the
platform keeps the same promise as the surveys.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from statistics import mean
from typing import Any

from django.db.models import Avg, Count, F, Max, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from accounts.models import Leader, LeaderLevel, Unit, User
from lib.content import kept_by_content
from lib.kept import Kept
from lib.prepared import Prepared, Read, place_children
from programs.models import Module, ModuleStatus
from surveys.models import InstrumentKind
from surveys.reports.anonymity import enough_answered
from surveys.selectors import thresholds_for

from .models import (
    Behaviour,
    Characteristic,
    CharacteristicStatus,
    FeedbackAnswer,
    FeedbackInvitation,
    FeedbackRound,
    PlatformVersion,
    Proposal,
    RaterGroup,
    Rating,
    SelfAnswer,
    SelfAssessment,
    Step,
    StepPlan,
    Theme,
    VersionStatus,
)


def score_threshold(organisation_id: int) -> int:
    """Fewest respondents before a score is shown (the surveys' own setting)."""
    return thresholds_for(organisation_id)[0]


def _version_in(organisation_id: int, status: str) -> QuerySet[PlatformVersion]:
    return (PlatformVersion.objects.filter(platform__organisation_id=organisation_id,
                                           status=status)
            .select_related("platform").order_by("pk")[:1])


_VERSION: Prepared[PlatformVersion] = Prepared(_version_in)  # read on every platform page


def published_version(organisation_id: int) -> PlatformVersion | None:
    found = _VERSION(organisation_id=organisation_id, status=str(VersionStatus.PUBLISHED))
    return found[0] if found else None


def standard_version() -> PlatformVersion | None:
    """The portal's standard platform (the three orientations), shipped in migration 0003."""
    return (PlatformVersion.objects.filter(platform__organisation__isnull=True,
                                           status=VersionStatus.PUBLISHED)
            .select_related("platform").first())


def assessment_version(organisation_id: int) -> PlatformVersion | None:
    """What a leader of the municipality assesses themself on: its published platform,
    else the standard three orientations."""
    return published_version(organisation_id) or standard_version()


def draft_version(organisation_id: int) -> PlatformVersion | None:
    found = _VERSION(organisation_id=organisation_id, status=str(VersionStatus.DRAFT))
    return found[0] if found else None


# What a version's platform page shows of it: its themes, their characteristics and
# behaviours, and the modules that build each characteristic (lib.content).
_PAGE_CONTENT = (
    """SELECT row_to_json(t)::text AS row, t.id AS ord FROM leaderplatform_theme t
       WHERE t.version_id = %(version)s""",
    """SELECT row_to_json(c)::text AS row, c.id AS ord FROM leaderplatform_characteristic c
       JOIN leaderplatform_theme t ON t.id = c.theme_id WHERE t.version_id = %(version)s""",
    """SELECT row_to_json(b)::text AS row, b.id AS ord FROM leaderplatform_behaviour b
       JOIN leaderplatform_characteristic c ON c.id = b.characteristic_id
       JOIN leaderplatform_theme t ON t.id = c.theme_id WHERE t.version_id = %(version)s""",
    """SELECT row_to_json(m)::text || ':' || cm.characteristic_id AS row, cm.id AS ord
       FROM leaderplatform_characteristic_modules cm
       JOIN programs_module m ON m.id = cm.module_id
       JOIN leaderplatform_characteristic c ON c.id = cm.characteristic_id
       JOIN leaderplatform_theme t ON t.id = c.theme_id WHERE t.version_id = %(version)s""",
)
_kept_pages: Kept[list[Theme]] = Kept(most=64)


def platform_page_themes(version: PlatformVersion) -> list[Theme]:
    """:func:`themes_with_content` with the modules, for the platform page every leader
    of the municipality opens: read once per process for each content of the version
    (one digest query instead of four, and no instances built; :mod:`lib.content`).
    The page only reads them."""
    return kept_by_content(_kept_pages, version.pk, _PAGE_CONTENT, {"version": version.pk},
                           lambda: themes_with_content(version, with_modules=True))


def themes_with_content(version: PlatformVersion, *, with_modules: bool = False) -> list[Theme]:
    """Themes in order with their adopted characteristics and behaviours: three queries
    (a fourth with ``with_modules``: the published modules that build each one), each
    compiled once per process.

    ``theme.characteristics.all()`` and ``characteristic.behaviours.all()`` answer from
    what was read, as after ``prefetch_related``; the modules are in
    ``characteristic.published_modules``.
    """
    themes = _THEMES(version_id=version.pk)
    if not themes:
        return themes
    characteristics = _ADOPTED(version_id=version.pk, status=str(CharacteristicStatus.ADOPTED))
    place_children(themes, "characteristics",  # theme__version_id: theme_id is never None
                   ((c.theme_id, c) for c in characteristics), back="theme")  # type: ignore[misc]
    place_children(characteristics, "behaviours", (
        (b.characteristic_id, b) for b in _BEHAVIOURS(
            version_id=version.pk, status=str(CharacteristicStatus.ADOPTED))),
        back="characteristic")
    if with_modules:
        modules: dict[int, list[Module]] = {c.pk: [] for c in characteristics}
        for m in _MODULES_BUILDING(version_id=version.pk,
                                   status=str(CharacteristicStatus.ADOPTED),
                                   module_status=str(ModuleStatus.PUBLISHED)):
            modules[m.builds_id].append(m)  # type: ignore[attr-defined]
        for c in characteristics:
            c.published_modules = modules[c.pk]  # type: ignore[attr-defined]
    return themes


_THEMES: Prepared[Theme] = Prepared(lambda version_id: (
    Theme.objects.filter(version_id=version_id).order_by("position", "pk")))
_ADOPTED: Prepared[Characteristic] = Prepared(lambda version_id, status: (
    Characteristic.objects.filter(theme__version_id=version_id, status=status)
    .order_by("position", "pk")))
_BEHAVIOURS: Prepared[Behaviour] = Prepared(lambda version_id, status: (
    Behaviour.objects.filter(characteristic__theme__version_id=version_id,
                             characteristic__status=status)
    .order_by("position", "pk")))
# One row per (module, characteristic it builds): the M2M prefetch's rows, read by the
# characteristics' version instead of their ids.
_MODULES_BUILDING: Prepared[Module] = Prepared(lambda version_id, status, module_status: (
    Module.objects.filter(status=module_status,
                          platform_characteristics__theme__version_id=version_id,
                          platform_characteristics__status=status)
    .annotate(builds_id=F("platform_characteristics__pk"))
    .order_by("-year", "topic", "pk")))
_STEP_PLANS: Prepared[Any] = Prepared(lambda version_id: (
    StepPlan.objects.filter(version_id=version_id).order_by("step")))


def step_plans(version: PlatformVersion) -> list[Any]:
    """The version's step plans by step (one query, compiled once per process)."""
    plans = _STEP_PLANS(version_id=version.pk)
    for plan in plans:
        plan.version = version  # as version.step_plans would have set it
    return plans


# -- step 4: proposals and candidates --------------------------------------------------------
def proposals_of(version: PlatformVersion) -> list[Proposal]:
    """Every proposal with its group and candidate (one query)."""
    return list(Proposal.objects.filter(version=version)
                .select_related("leader_group", "network_group", "characteristic")
                .order_by("created_at", "pk"))


def candidates_of(version: PlatformVersion) -> list[Characteristic]:
    """Characteristics with their theme and the groups that proposed them (two queries)."""
    return list(Characteristic.objects.filter(version=version)
                .select_related("theme")
                .prefetch_related(Prefetch(
                    "proposals", queryset=Proposal.objects.select_related(
                        "leader_group", "network_group").order_by("created_at", "pk")))
                .order_by("position", "pk"))


# -- step 5: results -----------------------------------------------------------------------
@dataclass
class CandidateResult:
    characteristic: Characteristic
    mean: float | None  # None: fewer leaders rated than the threshold
    counts: list[int] = field(default_factory=list)  # how many gave 1, 2, 3, 4, 5


@dataclass
class RatingResults:
    ballots: int
    threshold: int
    rows: list[CandidateResult]

    @property
    def shown(self) -> bool:
        return enough_answered(self.ballots, self.threshold)


def rating_results(version: PlatformVersion) -> RatingResults:
    """Mean and distribution per candidate, only once enough leaders have rated (3 queries)."""
    threshold = score_threshold(version.owner.pk)
    ballots = version.ballots.count()
    candidates = list(Characteristic.objects.filter(version=version)
                      .select_related("theme").order_by("position", "pk"))
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    if enough_answered(ballots, threshold):
        for row in (Rating.objects.filter(characteristic__version=version)
                    .values("characteristic_id", "score").annotate(n=Count("pk"))):
            counts[row["characteristic_id"]][row["score"] - 1] = row["n"]
    rows = []
    for candidate in candidates:
        dist = counts.get(candidate.pk)
        total = sum(dist) if dist else 0
        value = (sum((i + 1) * n for i, n in enumerate(dist)) / total
                 if dist and total else None)
        rows.append(CandidateResult(candidate, value, dist or []))
    rows.sort(key=lambda r: -(r.mean or 0))
    return RatingResults(ballots, threshold, rows)


# -- self-assessment profile -------------------------------------------------------------
@dataclass
class ProfileLine:
    characteristic: Characteristic
    score: float
    previous: float | None = None
    behaviours: list[tuple[Behaviour, int, int | None]] = field(default_factory=list)


@dataclass
class ProfileTheme:
    theme: Theme
    score: float
    previous: float | None
    lines: list[ProfileLine]

    @property
    def bar_percent(self) -> int:
        """Bar length for the SVG chart: 1 is an empty bar, 5 a full one."""
        return round((self.score - 1) / 4 * 100)

    @property
    def previous_percent(self) -> int | None:
        return None if self.previous is None else round((self.previous - 1) / 4 * 100)


def _scores(assessment: SelfAssessment) -> dict[int, int]:
    return dict(SelfAnswer.objects.filter(assessment=assessment)
                .values_list("behaviour_id", "score"))


def profile(assessment: SelfAssessment,
            compare_with: SelfAssessment | None = None) -> list[ProfileTheme]:
    """The leader's result per theme and characteristic (mean of its behaviours), beside an
    earlier one of the same version if asked."""
    own = _scores(assessment)
    before = _scores(compare_with) if compare_with is not None else {}
    result = []
    for theme in themes_with_content(assessment.version):
        lines = []
        for characteristic in theme.characteristics.all():
            rows = [(b, own[b.pk], before.get(b.pk)) for b in characteristic.behaviours.all()
                    if b.pk in own]
            if not rows:
                continue
            earlier = [p for _b, _s, p in rows if p is not None]
            lines.append(ProfileLine(characteristic, mean(s for _b, s, _p in rows),
                                     mean(earlier) if earlier else None, rows))
        if lines:
            earlier_means = [line.previous for line in lines if line.previous is not None]
            result.append(ProfileTheme(theme, mean(line.score for line in lines),
                                       mean(earlier_means) if earlier_means else None, lines))
    return result


def own_assessments(leader: Leader) -> list[SelfAssessment]:
    return list(SelfAssessment.objects.filter(leader=leader)
                .select_related("version__platform").order_by("-created_at"))


# -- O&F: anonymous aggregates ------------------------------------------------------------
@dataclass
class AggregateRow:
    label: str
    n: int
    means: list[float | None]  # per theme, in the themes' order; None when hidden

    @property
    def hidden(self) -> bool:
        return all(m is None for m in self.means)


@dataclass
class Aggregates:
    threshold: int
    themes: list[Theme]
    total: AggregateRow
    by_area: list[AggregateRow]
    by_level: list[AggregateRow]

    @property
    def total_rows(self) -> list[AggregateRow]:
        return [self.total] if self.total.n else []


def _suppress(rows: list[AggregateRow], threshold: int) -> None:
    """Hide rows under the threshold; if exactly one row is hidden, hide the next smallest
    too, so the total minus the shown rows never reveals a small group."""
    small = [r for r in rows if not enough_answered(r.n, threshold)]
    if len(small) == 1:
        shown = sorted((r for r in rows if r not in small), key=lambda r: r.n)
        if shown:
            small.append(shown[0])
    for row in small:
        row.means = [None] * len(row.means)


def aggregates(version: PlatformVersion, organisation_id: int | None = None) -> Aggregates:
    """Each leader's latest self-assessment of the version, averaged per theme by service
    area and by level; a row with fewer leaders than the threshold shows nothing.

    ``organisation_id`` names the municipality for the standard platform, which every
    municipality without its own uses. Four queries: the latest assessment per leader,
    the answers' means per (leader's area, level, theme), the themes and the service
    areas' names.
    """
    org_id = organisation_id or version.platform.organisation_id
    assert org_id is not None, "the standard platform's aggregates are per municipality"
    threshold = score_threshold(org_id)
    themes = list(Theme.objects.filter(version=version).order_by("position", "pk"))
    # Only the municipality's own leaders: the standard platform is shared by all.
    latest = (SelfAssessment.objects.filter(version=version, leader__organisation_id=org_id)
              .values("leader_id")
              .annotate(last=Max("pk")).values_list("last", flat=True))
    steplen = Unit.steplen
    leaders: dict[int, tuple[str, str]] = {}
    sums: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])  # (leader, theme)
    for row in (SelfAnswer.objects.filter(assessment_id__in=list(latest))
                .values("assessment__leader_id", "assessment__leader__unit__path",
                        "assessment__leader__level", "behaviour__characteristic__theme_id",
                        "score")):
        leader_id = row["assessment__leader_id"]
        leaders[leader_id] = (row["assessment__leader__unit__path"][:steplen],
                              row["assessment__leader__level"])
        acc = sums[(leader_id, row["behaviour__characteristic__theme_id"])]
        acc[0] += row["score"]
        acc[1] += 1
    # Each leader counts once per theme: the mean of their own answers.
    per_leader = {key: s / n for key, (s, n) in sums.items() if n}
    areas = dict(Unit.objects.filter(organisation_id=org_id, depth=1)
                 .values_list("path", "name"))

    def row_of(label: str, members: list[int]) -> AggregateRow:
        means = []
        for theme in themes:
            values = [per_leader[(m, theme.pk)] for m in members if (m, theme.pk) in per_leader]
            means.append(round(mean(values), 2) if values else None)
        return AggregateRow(label, len(members), means)

    by_area_members: dict[str, list[int]] = defaultdict(list)
    by_level_members: dict[str, list[int]] = defaultdict(list)
    for leader_id, (area, level) in leaders.items():
        by_area_members[area].append(leader_id)
        by_level_members[level].append(leader_id)
    total = row_of(_("All leaders"), list(leaders))
    if not enough_answered(total.n, threshold):
        total.means = [None] * len(themes)
    by_area = [row_of(areas.get(path, "—"), members)
               for path, members in sorted(by_area_members.items(),
                                           key=lambda item: areas.get(item[0], ""))]
    level_labels = dict(LeaderLevel.choices)
    by_level = [row_of(str(level_labels.get(level, level)), by_level_members[level])
                for level in LeaderLevel.values if level in by_level_members]
    _suppress(by_area, threshold)
    _suppress(by_level, threshold)
    return Aggregates(threshold, themes, total, by_area, by_level)


# -- Min side ------------------------------------------------------------------------------
_CURRENT_VERSIONS: Prepared[PlatformVersion] = Prepared(lambda organisation_id: (
    PlatformVersion.objects.filter(platform__organisation_id=organisation_id,
                                   status__in=[VersionStatus.PUBLISHED, VersionStatus.DRAFT])
    .select_related("platform")))


def min_side_reads(user: User, leader: Leader | None) -> list[Read[Any]]:
    """The panel's first read (:attr:`accounts.dashboard.Panel.reads`)."""
    if user.organisation_id is None:
        return []
    return [_current_versions_read(user.organisation_id)]


def _current_versions_read(organisation_id: int) -> Read[PlatformVersion]:
    return _CURRENT_VERSIONS.read(organisation_id=organisation_id)


def min_side_panel(user: User, leader: Leader | None) -> dict[str, Any] | None:
    """The published platform and what the process asks of the user now (two queries)."""
    if user.organisation_id is None:
        return None
    versions = _current_versions_read(user.organisation_id)()
    published = next((v for v in versions if v.is_published), None)
    draft = next((v for v in versions if v.is_draft), None)
    if published is None and draft is None and leader is None:
        return None
    # Without a published platform of its own, a leader assesses themself on the standard
    # three orientations (no query here: the self-assessment page finds it).
    return {"published": published, "draft": draft, "leader": leader,
            "standard": published is None and leader is not None,
            "asks_proposals": draft is not None and draft.step == Step.BRAINSTORM,
            "asks_rating": (draft is not None and draft.step == Step.DECIDE
                            and leader is not None
                            and not draft.ballots.filter(leader=leader).exists())}


def proposals_for_groups(version: PlatformVersion, leader_group_ids: list[int],
                         network_group_ids: list[int]) -> QuerySet[Proposal]:
    return (Proposal.objects.filter(version=version)
            .filter(Q(leader_group_id__in=leader_group_ids)
                    | Q(network_group_id__in=network_group_ids))
            .select_related("leader_group", "network_group").order_by("created_at", "pk"))


# -- modules (shown on a module's page through programs.module_page) ---------------------
def module_characteristics(module: Module) -> list[Characteristic]:
    """The published platform's characteristics a module builds (one query, compiled once)."""
    return _BUILT_BY(module_id=module.pk,
                     organisation_id=module.programme.organisation_id)


_BUILT_BY: Prepared[Characteristic] = Prepared(lambda module_id, organisation_id: (
    Characteristic.objects.filter(
        modules=module_id, status=CharacteristicStatus.ADOPTED,
        version__status=VersionStatus.PUBLISHED,
        version__platform__organisation_id=organisation_id)
    .order_by("position", "pk")))


def module_section(module: Module, user: User) -> dict[str, Any] | None:
    """The module page's «Builds: …» line, or nothing when the module names none."""
    characteristics = module_characteristics(module)
    return {"characteristics": characteristics} if characteristics else None


# -- the light 360 ----------------------------------------------------------------------------
# A rater group is small, like a leader group: it takes the municipality's group threshold,
# and never fewer than three answers.
FEEDBACK_FLOOR = 3


def feedback_threshold(organisation_id: int) -> int:
    return max(FEEDBACK_FLOOR, thresholds_for(organisation_id, InstrumentKind.EFFECT)[0])


@dataclass
class FeedbackGroup:
    value: str
    label: str
    invited: int
    answered: int
    threshold: int
    closed: bool = False  # the round is closed: no answer can change a mean any more

    @property
    def enough(self) -> bool:
        return enough_answered(self.answered, self.threshold)

    @property
    def shown(self) -> bool:
        """Only after the round is closed: a mean seen at 3 answers and again at 4 would
        give away the fourth rater's scores."""
        return self.closed and self.enough


@dataclass
class FeedbackRow:
    theme: Theme
    own: float
    means: list[float | None]  # per group in ``FeedbackResults.groups``; None when hidden


@dataclass
class FeedbackResults:
    round: FeedbackRound
    threshold: int
    groups: list[FeedbackGroup]
    rows: list[FeedbackRow]

    @property
    def invited(self) -> int:
        return sum(g.invited for g in self.groups)

    @property
    def answered(self) -> int:
        return sum(g.answered for g in self.groups)


def feedback_results(assessment: SelfAssessment,
                     own: list[ProfileTheme]) -> FeedbackResults | None:
    """The 360 beside the leader's own profile: per theme, the mean of each rater group
    with enough answers (a theme is the mean of its characteristics, a characteristic of
    its behaviours, as in the profile). Never an invitation's scores, never who answered.
    Four queries whatever the number of raters (round, threshold, counts, means)."""
    round_ = FeedbackRound.objects.filter(assessment=assessment).first()
    if round_ is None:
        return None
    threshold = feedback_threshold(assessment.leader.organisation_id)
    counts = {row["group"]: row for row in (
        FeedbackInvitation.objects.filter(round=round_).values("group")
        .annotate(invited=Count("pk"), answered=Count("pk", filter=Q(answered_at__isnull=False)))
        .order_by())}
    groups = [FeedbackGroup(value, str(label), counts[value]["invited"],
                            counts[value]["answered"], threshold, round_.is_closed)
              for value, label in RaterGroup.choices if value in counts]
    shown = [g.value for g in groups if g.shown]
    means: dict[tuple[str, int], float] = {
        (row["invitation__group"], row["behaviour_id"]): row["avg"] for row in (
            FeedbackAnswer.objects.filter(invitation__round=round_,
                                          invitation__answered_at__isnull=False,
                                          invitation__group__in=shown)
            .values("invitation__group", "behaviour_id").annotate(avg=Avg("score"))
            .order_by())} if shown else {}

    def theme_mean(theme: ProfileTheme, group: str) -> float | None:
        per_line = [[means[(group, b.pk)] for b, _s, _p in line.behaviours
                     if (group, b.pk) in means] for line in theme.lines]
        line_means = [mean(scores) for scores in per_line if scores]
        return mean(line_means) if line_means else None

    rows = [FeedbackRow(t.theme, t.score,
                        [theme_mean(t, g.value) if g.shown else None for g in groups])
            for t in own]
    return FeedbackResults(round_, threshold, groups, rows)
