"""Evaluation reports: one session or gathering, and the summary per module and facilitator.

Totals over several rounds (a module, a facilitator) are built only from
rounds that are shown on their own (released, N or more respondents). A round
under N is left out of every total rather than merged in — otherwise "module
total minus the sessions shown" would give it away, now or later when more
sessions are added. Each total says how many rounds it counts. Choice and
ranking items (:mod:`.choices`) are shown for a single round only, when N
respondents answered them; the totals stay scale only.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F

from accounts.models import User

from ..models import Answer, Dimension, InstrumentKind, Item, ItemKind, Round
from .anonymity import enough_answered
from .choices import ChoiceResult, choice_items, load_choices, round_results, tallies
from .common import RoundStatus, Stat, comments, round_statuses, scale_stats


@dataclass
class ItemResult:
    item: Item
    stat: Stat | None


@dataclass
class DimensionResult:
    """A question group's items and its own mean over them (respondents ≥ the threshold)."""

    dimension: Dimension | None
    stat: Stat | None
    items: list[ItemResult] = field(default_factory=list)


@dataclass
class EvaluationReport:
    round: Round
    status: RoundStatus
    items: list[ItemResult] = field(default_factory=list)
    # The scale items by question group, when the instrument has groups (e.g. the leader
    # platform's characteristics, each with its theme as the description).
    groups: list[DimensionResult] = field(default_factory=list)
    comments: list[tuple[Item, list[str]]] = field(default_factory=list)
    choices: list[ChoiceResult] = field(default_factory=list)
    leaders: list[User] = field(default_factory=list)  # facilitators or advisers


def evaluation_report(round: Round, today: dt.date | None = None) -> EvaluationReport:
    status = round_statuses([round], today)[round.pk]
    report = EvaluationReport(round=round, status=status)
    if round.module_session_id:
        report.leaders = list(round.module_session.facilitators.order_by("full_name"))
    elif round.gathering_id:
        report.leaders = list(round.gathering.advisers.order_by("full_name"))
    if not status.shown:
        return report
    items = list(Item.objects.filter(instrument_id=round.instrument_id)
                 .select_related("dimension").order_by("order", "pk"))
    stats = {row["item_id"]: Stat.from_row(row) for row in
             scale_stats(Answer.objects.filter(response__round=round), "item_id")}
    for item in items:
        if item.kind == ItemKind.SCALE:
            stat = stats.get(item.pk)
            report.items.append(ItemResult(
                item=item,
                stat=stat if stat and enough_answered(stat.n, round.min_respondents) else None))
    report.groups = _by_dimension(round, report.items)
    chosen = choice_items(items)
    if chosen:
        per_choice, per_item = tallies(Answer.objects.filter(response__round=round))
        report.choices = round_results(chosen, load_choices(chosen), per_choice, per_item, (),
                                       round.min_respondents)
    by_pk = {i.pk: i for i in items}
    report.comments = [(by_pk[pk], texts) for pk, texts in comments(round, status)]
    return report


def _by_dimension(round: Round, results: list[ItemResult]) -> list[DimensionResult]:
    """Group the scale items by question group, each group with a mean over its answers
    (shown only when enough answered it); nothing when no item has a group."""
    if not any(r.item.dimension_id for r in results):
        return []
    stats = {row["item__dimension_id"]: Stat.from_row(row) for row in scale_stats(
        Answer.objects.filter(response__round=round, item__dimension__isnull=False),
        "item__dimension_id")}
    groups: dict[int | None, DimensionResult] = {}
    for result in results:
        key = result.item.dimension_id
        if key not in groups:
            stat = stats.get(key) if key is not None else None
            groups[key] = DimensionResult(
                dimension=result.item.dimension,
                stat=stat if stat and enough_answered(stat.n, round.min_respondents) else None)
        groups[key].items.append(result)
    return list(groups.values())


@dataclass
class SummaryRow:
    round: Round
    status: RoundStatus
    stat: Stat | None


@dataclass
class SummaryGroup:
    """A module (its sessions) or a programme (its gatherings)."""

    label: str
    rows: list[SummaryRow] = field(default_factory=list)
    total: Stat | None = None

    @property
    def counted(self) -> int:
        return sum(1 for r in self.rows if r.stat is not None)


@dataclass
class FacilitatorRow:
    user: User
    sessions: Stat | None = None
    sessions_counted: int = 0
    gatherings: Stat | None = None
    gatherings_counted: int = 0


@dataclass
class EvaluationSummary:
    groups: list[SummaryGroup] = field(default_factory=list)
    facilitators: list[FacilitatorRow] = field(default_factory=list)


def _stats_by(answers: Any, field_name: str) -> dict[Any, Stat]:
    return {row[field_name]: Stat.from_row(row) for row in scale_stats(answers, field_name)
            if row[field_name] is not None}


def evaluation_summary(rounds: Any, today: dt.date | None = None) -> EvaluationSummary:
    """Summarise the given evaluation rounds (already limited to what the reader may see).

    A fixed number of queries: rounds, statuses (2), per-round, per-module,
    per-programme, per-facilitator and per-adviser statistics, and the people.
    """
    rounds = list(rounds.filter(kind=InstrumentKind.EVALUATION)
                  .select_related("module_session__module__programme", "gathering__programme")
                  # Sessions first, then gatherings, by date, on every database
                  # (SQLite sorts NULL first, PostgreSQL last).
                  .order_by(F("module_session__date").asc(nulls_last=True),
                            F("gathering__date").asc(nulls_last=True), "pk"))
    statuses = round_statuses(rounds, today)
    shown_ids = [pk for pk, s in statuses.items() if s.shown]
    answers = Answer.objects.filter(response__round_id__in=shown_ids)
    per_round = _stats_by(answers, "response__round_id")
    per_module = _stats_by(answers, "response__round__module_session__module_id")
    per_programme = _stats_by(answers.filter(response__round__gathering__isnull=False),
                              "response__round__gathering__programme_id")
    per_facilitator = _stats_by(answers, "response__round__module_session__facilitators")
    per_adviser = _stats_by(answers, "response__round__gathering__advisers")

    groups: dict[tuple[str, int], SummaryGroup] = {}
    for r in rounds:
        if r.module_session_id:
            module = r.module_session.module
            key, label, total = ("module", module.pk), str(module), per_module.get(module.pk)
        else:
            programme = r.gathering.programme
            key = ("programme", programme.pk)
            label, total = str(programme), per_programme.get(programme.pk)
        group = groups.setdefault(key, SummaryGroup(label=label, total=total))
        stat = per_round.get(r.pk) if r.pk in shown_ids else None
        group.rows.append(SummaryRow(round=r, status=statuses[r.pk], stat=stat))
    summary = EvaluationSummary(groups=list(groups.values()))

    session_counts: dict[int, int] = defaultdict(int)
    gathering_counts: dict[int, int] = defaultdict(int)
    for user_id in Round.objects.filter(pk__in=shown_ids).values_list(
            "module_session__facilitators", flat=True):
        if user_id is not None:
            session_counts[user_id] += 1
    for user_id in Round.objects.filter(pk__in=shown_ids).values_list(
            "gathering__advisers", flat=True):
        if user_id is not None:
            gathering_counts[user_id] += 1
    people = User.objects.filter(pk__in=set(per_facilitator) | set(per_adviser)).order_by(
        "full_name")
    summary.facilitators = [
        FacilitatorRow(user=u, sessions=per_facilitator.get(u.pk),
                       sessions_counted=session_counts.get(u.pk, 0),
                       gatherings=per_adviser.get(u.pk),
                       gatherings_counted=gathering_counts.get(u.pk, 0))
        for u in people]
    return summary
