"""The rollout plan for O&F: groups by wave and phase, progress per service area,
and each facilitator's load per month — all aggregate queries, none per row."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.db.models.functions import Substr, TruncMonth
from django.utils import timezone

from accounts.models import Unit, User

from .models import GroupProcess, LeaderGroup, Phase, ProcessSession, RolloutWave

MONTHS_BACK = 2
MONTHS_AHEAD = 9


def _phase_counts(prefix: str) -> dict[str, Count]:
    return {f"n_{value}": Count(f"{prefix}pk", filter=Q(**{f"{prefix}phase": value}))
            for value in Phase.values}


@dataclass
class WaveRow:
    wave: RolloutWave | None
    counts: list[int]
    total: int


@dataclass
class AreaRow:
    name: str
    groups: int
    not_planned: int
    planned: int
    underway: int
    finished: int


@dataclass
class FacilitatorRow:
    name: str
    underway: int
    planned: int
    per_month: list[int] = field(default_factory=list)


@dataclass
class RolloutPlan:
    phases: list[tuple[str, str]]
    waves: list[WaveRow]
    areas: list[AreaRow]
    months: list[dt.date]
    facilitators: list[FacilitatorRow]


def _month_add(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def rollout_plan_get(*, user: User, today: dt.date | None = None) -> RolloutPlan:
    """Six queries whatever the number of groups, waves or facilitators."""
    today = today or timezone.localdate()
    phases = list(Phase.choices)

    waves = list(RolloutWave.objects.visible_to(user).annotate(
        total=Count("processes"), **_phase_counts("processes__")).order_by("number"))
    rows = [WaveRow(w, [getattr(w, f"n_{p}") for p, _label in phases], w.total) for w in waves]
    unwaved = GroupProcess.objects.visible_to(user).filter(wave__isnull=True).aggregate(
        total=Count("pk"), **_phase_counts(""))
    if unwaved["total"]:
        rows.append(WaveRow(None, [unwaved[f"n_{p}"] for p, _label in phases],
                            unwaved["total"]))

    areas = (LeaderGroup.objects.visible_to(user)
             .annotate(area=Substr("unit__path", 1, Unit.steplen)).values("area")
             .annotate(groups=Count("pk"),
                       not_planned=Count("pk", filter=Q(process__isnull=True)),
                       planned=Count("pk", filter=Q(process__phase=Phase.PLANNED)),
                       finished=Count("pk", filter=Q(process__phase=Phase.FINISHED)),
                       underway=Count("pk", filter=Q(process__started_on__isnull=False)
                                      & ~Q(process__phase=Phase.FINISHED)))
             .order_by("area"))
    areas = list(areas)
    names = dict(Unit.objects.filter(path__in=[a["area"] for a in areas])
                 .values_list("path", "name"))
    area_rows = [AreaRow(names.get(a["area"], a["area"]), a["groups"], a["not_planned"],
                         a["planned"], a["underway"], a["finished"]) for a in areas]
    area_rows.sort(key=lambda r: r.name)

    first = _month_add(today.replace(day=1), -MONTHS_BACK)
    months = [_month_add(first, i) for i in range(MONTHS_BACK + MONTHS_AHEAD + 1)]
    end = _month_add(months[-1], 1)
    load = (GroupProcess.objects.visible_to(user).filter(facilitator__isnull=False)
            .values("facilitator", "facilitator__full_name")
            .annotate(underway=Count("pk", filter=Q(started_on__isnull=False)
                                     & ~Q(phase=Phase.FINISHED)),
                      planned=Count("pk", filter=Q(phase=Phase.PLANNED)))
            .order_by("facilitator__full_name"))
    facilitators = {r["facilitator"]: FacilitatorRow(r["facilitator__full_name"], r["underway"],
                                                     r["planned"], [0] * len(months))
                    for r in load}
    sessions = (ProcessSession.objects.visible_to(user)
                .filter(process__facilitator__isnull=False,
                        planned_at__date__gte=first, planned_at__date__lt=end)
                .annotate(month=TruncMonth("planned_at")).values("process__facilitator", "month")
                .annotate(n=Count("pk")).order_by())
    index = {m: i for i, m in enumerate(months)}
    for s in sessions:
        month = s["month"].date() if isinstance(s["month"], dt.datetime) else s["month"]
        row = facilitators.get(s["process__facilitator"])
        if row is not None and month in index:
            row.per_month[index[month]] += s["n"]
    return RolloutPlan(phases=phases, waves=rows, areas=area_rows, months=months,
                       facilitators=list(facilitators.values()))
