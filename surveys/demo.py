"""Demo data for surveys, written with bulk inserts after groups and programs.

* Effect before/after for every leader group whose process has started: the
  before round closed before the start session, the after round closed after
  the finish (results improved a little), an after round open now for groups
  in follow-up, and before rounds open now for the next wave's booked groups.
* The needs survey: last year's closed with about 250 of Fjordvik's ~650
  leaders answering (Lia's 14 of 20 show how much small numbers must hide),
  and this year's open now, waiting on the demo leaders' Min side. Each
  municipality uses its own copy of the standard needs survey with a single-
  choice, a multiple-choice and a ranking question added, so the report shows
  those too.
* Evaluations of every held module session and programme gathering: closed
  ones answered by most participants, and open ones for the last fortnight.
  The demo accounts leave their open invitations unanswered, so Min side has
  something waiting.

Answers are drawn from invented distributions; no person is stored on an
anonymous response, exactly as the services do it.
"""

from __future__ import annotations

import datetime as dt
import importlib
import random
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps as django_apps
from django.db.models import Q
from django.utils import timezone

from accounts.demo import DEMO_ACCOUNTS
from accounts.models import Leader, LeaderLevel, Organisation, Unit
from groups.models import GroupProcess, LeaderGroup, LeaderGroupMembership, Phase, ProcessSession
from programs.models import (
    Attendance,
    Enrollment,
    EnrollmentStatus,
    Gathering,
    ModuleSession,
    ProgrammeParticipant,
)

from . import demo_content as text
from .bands import band_for
from .models import (
    Answer,
    Choice,
    Instrument,
    InstrumentKind,
    Invitation,
    Item,
    ItemKind,
    Response,
    Round,
)
from .models.responses import week_start
from .models.rounds import DEFAULT_MIN_GROUP_RESPONDENTS
from .services import instrument_copy

# The demo's leaders (not its staff): they are left some surveys to answer themselves.
DEMO_LEADERS = {DEMO_ACCOUNTS[key] for key in ("group_head", "leader_above", "leader")}
NEEDS_LEVEL_BIAS = {  # which abilities matter more at which level (invented, for a shape)
    LeaderLevel.MUNICIPAL_DIRECTOR: {"ability_direction": 1.0, "ability_across": 0.8},
    LeaderLevel.MUNICIPAL_HEAD: {"ability_direction": 0.9, "ability_across": 0.9},
    LeaderLevel.ENTERPRISE_LEADER: {"ability_follow_up": 0.7, "ability_change": 0.6},
    LeaderLevel.DEPARTMENT_LEADER: {"ability_develop_staff": 0.6, "ability_conflict": 0.6},
    LeaderLevel.TEAM_LEADER: {"ability_communication": 0.7, "ability_conflict": 0.8},
}


def _standard() -> dict[str, Instrument]:
    instruments = {i.kind: i for i in Instrument.objects.filter(organisation=None)}
    if len(instruments) < 3:  # a database whose data migration rows were flushed
        importlib.import_module("surveys.migrations.0002_standard_instruments").create(
            django_apps, None)
        instruments = {i.kind: i for i in Instrument.objects.filter(organisation=None)}
    return instruments


def _own_needs(org: Organisation, standard: Instrument) -> Instrument:
    """The municipality's copy of the needs survey with the demo's choice and ranking items."""
    existing = Instrument.objects.filter(organisation=org, kind=standard.kind,
                                         items__key=text.NEEDS_CHOICE_ITEMS[0]["key"]).first()
    if existing is not None:
        return existing
    copy = instrument_copy(instrument=standard, organisation=org)
    order = max(copy.items.values_list("order", flat=True), default=0)
    for spec in text.NEEDS_CHOICE_ITEMS:
        order += 10
        nb, nn, en = spec["text"]
        item = Item.objects.create(instrument=copy, key=spec["key"], kind=spec["kind"],
                                   order=order, required=spec.get("required", False),
                                   text_nb=nb, text_nn=nn, text_en=en)
        Choice.objects.bulk_create([
            Choice(item=item, order=index, label_nb=labels[0], label_nn=labels[1],
                   label_en=labels[2])
            for index, (labels, _weight) in enumerate(spec["choices"])])
    return copy


CHOICE_WEIGHTS = {spec["key"]: [w for _labels, w in spec["choices"]]
                  for spec in text.NEEDS_CHOICE_ITEMS}


@dataclass
class _Writer:
    """Collects rounds, invitations, responses and answers, then inserts them in bulk."""

    rng: random.Random
    today: dt.date
    items: dict[int, list[Item]]  # instrument id → items
    rounds: list[Round] = field(default_factory=list)
    invitations: list[Invitation] = field(default_factory=list)
    responses: list[Response] = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)

    def round(self, **fields: Any) -> Round:
        opens_on = fields["opens_on"]
        row = Round(id=uuid.uuid4(), anonymous=True, min_respondents=5, min_text_respondents=10,
                    opened_at=timezone.make_aware(dt.datetime.combine(opens_on, dt.time(8)))
                    if opens_on <= self.today else None, **fields)
        row.kind = row.instrument.kind
        if row.kind == InstrumentKind.EFFECT:  # the default thresholds, as round_save copies
            row.min_respondents = DEFAULT_MIN_GROUP_RESPONDENTS
        self.rounds.append(row)
        self.counts[f"survey rounds ({row.kind})"] += 1
        return row

    def invite(self, survey: Round, leader_ids: list[int], answering: set[int]) -> None:
        for pk in leader_ids:
            self.invitations.append(Invitation(round=survey, leader_id=pk,
                                               emailed_at=survey.opened_at,
                                               submitted=pk in answering))

    def respond(self, survey: Round, score: Any, texts: dict[str, list[str]],
                text_share: float = 0.3, **bands: Any) -> None:
        day = min(survey.closes_on, self.today - dt.timedelta(days=1))
        day = max(survey.opens_on, day - dt.timedelta(days=self.rng.randint(0, 10)))
        response = Response(id=uuid.uuid4(), round=survey, anonymous=True,
                            submitted_week=week_start(day), **bands)
        self.responses.append(response)
        for item in self.items[survey.instrument_id]:
            if item.kind == ItemKind.SCALE:
                value = max(1, min(item.scale_max or 5, round(score(item))))
                self.answers.append(Answer(response=response, item=item, value=value))
            elif item.kind == ItemKind.TEXT and item.key in texts and \
                    self.rng.random() < text_share:
                self.answers.append(Answer(response=response, item=item,
                                           text=self.rng.choice(texts[item.key])))
            elif item.has_choices:
                self._choose(response, item)

    def _choose(self, response: Response, item: Item) -> None:
        """Invented choice answers, shaped by the weights in the demo content."""
        rng, choices = self.rng, list(item.choices.all())
        weights = CHOICE_WEIGHTS.get(item.key) or [1.0] * len(choices)
        # Some leave an optional question out (which keeps its breakdown to the whole
        # round when a cell's skips could be worked out); a required one is always there.
        if not choices or (not item.required and rng.random() < 0.08):
            return
        if item.kind == ItemKind.SINGLE:
            picked = rng.choices(choices, weights=weights)[0]
            self.answers.append(Answer(response=response, item=item, choice=picked))
        elif item.kind == ItemKind.MULTIPLE:
            ticked = [c for c, w in zip(choices, weights, strict=True) if rng.random() < w]
            for choice in ticked or [rng.choice(choices)]:
                self.answers.append(Answer(response=response, item=item, choice=choice))
        else:
            order = sorted(zip(choices, weights, strict=True),
                           key=lambda cw: -rng.gauss(cw[1], 0.45))
            for place, (choice, _weight) in enumerate(order, start=1):
                self.answers.append(Answer(response=response, item=item, choice=choice,
                                           value=place))

    def write(self) -> None:
        Round.objects.bulk_create([r for r in self.rounds if r.baseline_id is None
                                   and getattr(r, "_baseline", None) is None], batch_size=500)
        for r in self.rounds:
            if getattr(r, "_baseline", None) is not None:
                r.baseline_id = r._baseline.pk  # type: ignore[attr-defined]
        Round.objects.bulk_create([r for r in self.rounds if r.baseline_id is not None],
                                  batch_size=500)
        Invitation.objects.bulk_create(self.invitations, batch_size=2000)
        Response.objects.bulk_create(self.responses, batch_size=2000)
        Answer.objects.bulk_create(self.answers, batch_size=5000)
        self.counts["survey responses"] += len(self.responses)
        self.counts["survey answers"] += len(self.answers)


def _group_members(org: Organisation) -> dict[int, list[int]]:
    members: dict[int, set[int]] = defaultdict(set)
    for group_id, leader_id in LeaderGroupMembership.objects.filter(
            group__organisation=org).values_list("group_id", "leader_id"):
        members[group_id].add(leader_id)
    for group_id, head_id in LeaderGroup.objects.filter(organisation=org).values_list(
            "pk", "head_id"):
        members[group_id].add(head_id)
    return {k: sorted(v) for k, v in members.items()}


def _effect(w: _Writer, org: Organisation, instrument: Instrument, demo_ids: set[int]) -> None:
    today, rng = w.today, w.rng
    members = _group_members(org)
    first_session = _first_sessions(org)
    processes = GroupProcess.objects.filter(group__organisation=org).values_list(
        "group_id", "phase", "started_on", "finished_on")
    for group_id, phase, started, finished in processes:
        people = members.get(group_id, [])
        if len(people) < 2:
            continue
        level = rng.uniform(3.3, 4.3)  # how well the group works before the process
        if phase == Phase.PLANNED:
            start = first_session.get(group_id)
            if start is None or not today < start <= today + dt.timedelta(days=75):
                continue
            # The next wave's booked groups answer the before survey now.
            before = w.round(organisation=org, instrument=instrument, group_id=group_id,
                             phase="before", opens_on=today - dt.timedelta(days=4),
                             closes_on=min(start - dt.timedelta(days=1),
                                           today + dt.timedelta(days=14)))
            _answer_some(w, before, people, demo_ids, share=0.4, level=level, gain=0)
            continue
        before = w.round(organisation=org, instrument=instrument, group_id=group_id,
                         phase="before", opens_on=started - dt.timedelta(days=28),
                         closes_on=started - dt.timedelta(days=7))
        _answer_some(w, before, people, demo_ids, share=0.9, level=level, gain=0,
                     closed=True)
        if phase == Phase.FINISHED:
            after = w.round(organisation=org, instrument=instrument, group_id=group_id,
                            phase="after", opens_on=finished - dt.timedelta(days=7),
                            closes_on=min(finished + dt.timedelta(days=14),
                                          today - dt.timedelta(days=1)))
        elif phase == Phase.FOLLOW_UP:
            after = w.round(organisation=org, instrument=instrument, group_id=group_id,
                            phase="after", opens_on=today - dt.timedelta(days=6),
                            closes_on=today + dt.timedelta(days=14))
        else:
            continue
        after._baseline = before  # type: ignore[attr-defined]
        closed = after.closes_on < today
        _answer_some(w, after, people, demo_ids, share=0.85 if closed else 0.5, level=level,
                     gain=rng.uniform(0.3, 0.9), closed=closed)


def _first_sessions(org: Organisation) -> dict[int, dt.date]:
    first: dict[int, dt.date] = {}
    for group_id, planned in ProcessSession.objects.filter(
            process__group__organisation=org, planned_at__isnull=False).values_list(
            "process__group_id", "planned_at").order_by("planned_at"):
        first.setdefault(group_id, timezone.localtime(planned).date())
    return first


def _answer_some(w: _Writer, round: Round, people: list[int], demo_ids: set[int], *,
                 share: float, level: float, gain: float, closed: bool = False) -> None:
    rng = w.rng
    # Demo accounts answer closed rounds but leave open ones waiting on their Min side.
    answering = {pk for pk in people if rng.random() < share and (closed or pk not in demo_ids)}
    if closed and len(people) >= 5 and len(answering) < 5:
        answering |= set(rng.sample(people, 5))
    w.invite(round, people, answering)
    dimension_shift = {d: rng.uniform(-0.6, 0.6) for d in range(12)}
    for _ in answering:
        person = rng.gauss(0, 0.5)
        w.respond(round, lambda item, p=person: rng.gauss(
            level + gain + p + dimension_shift[(item.dimension_id or 0) % 12], 0.8),
            {"improve": text.EFFECT_IMPROVE}, text_share=0.35)


def _needs(w: _Writer, org: Organisation, instrument: Instrument, *, answer_count: int,
           opens_on: dt.date, closes_on: dt.date, others: list[str],
           not_answering: set[int]) -> None:
    today, rng = w.today, w.rng
    round = w.round(organisation=org, instrument=instrument, opens_on=opens_on,
                    closes_on=closes_on, title=f"Behovskartlegging {closes_on.year}")
    leaders = list(Leader.objects.filter(organisation=org).values_list(
        "pk", "level", "leader_since", "unit__path"))
    roots = dict(Unit.objects.filter(organisation=org, depth=1).values_list("path", "pk"))
    pool = [pk for pk, *_ in leaders if pk not in not_answering]
    answering = set(rng.sample(pool, min(answer_count, len(pool))))
    w.invite(round, [pk for pk, *_ in leaders], answering)
    topic_base = {"team": 3.9, "dialogue": 3.8, "change": 3.7, "diversity": 3.1,
                  "communication": 3.6, "relational": 3.5, "competence": 3.4,
                  "strategy": 3.0, "conflict": 4.0}
    answered_on = min(closes_on, today)
    for pk, level, since, path in leaders:
        if pk not in answering:
            continue
        years = max((answered_on - since).days, 0) // 365
        bias = NEEDS_LEVEL_BIAS.get(level, {})
        bands = {"area_id": roots.get(path[:Unit.steplen]), "level": level,
                 "years_band": band_for(years, instrument.years_bands)}

        def score(item: Item, bias: dict = bias, years: int = years) -> float:
            if item.key.startswith("ability_"):
                return rng.gauss(3.7 + bias.get(item.key, 0), 0.8)
            topic = item.key.split("_", 1)[1]
            newcomer = 0.4 if years < 2 and item.key.startswith("self_") else 0
            return rng.gauss(topic_base.get(topic, 3.5) + newcomer, 0.9)

        w.respond(round, score, {"other_topics": others}, text_share=0.15, **bands)


def _evaluation_targets(org: Organisation, today: dt.date) -> list[tuple[str, Any, list[int]]]:
    """Held sessions and gatherings with the leaders who evaluate them."""
    targets: list[tuple[str, Any, list[int]]] = []
    held = Q(date__lt=today, date__gte=today - dt.timedelta(days=200))
    sessions = list(ModuleSession.objects.filter(held, module__programme__organisation=org))
    came: dict[int, list[int]] = defaultdict(list)
    for session_id, leader_id in Attendance.objects.filter(
            session__in=sessions, attended=True).values_list("session_id",
                                                             "enrollment__leader_id"):
        came[session_id].append(leader_id)
    seated: dict[int, list[int]] = defaultdict(list)
    for module_id, leader_id in Enrollment.objects.filter(
            module__sessions__in=sessions, status=EnrollmentStatus.SEATED).values_list(
            "module_id", "leader_id").distinct():
        seated[module_id].append(leader_id)
    for s in sessions:
        targets.append(("module_session", s, came.get(s.pk) or seated.get(s.module_id, [])))
    gatherings = list(Gathering.objects.filter(held, programme__organisation=org))
    participants: dict[int, list[int]] = defaultdict(list)
    for programme_id, leader_id in ProgrammeParticipant.objects.filter(
            programme__organisation=org).values_list("programme_id", "leader_id"):
        participants[programme_id].append(leader_id)
    for g in gatherings:
        targets.append(("gathering", g, participants.get(g.programme_id, [])))
    return targets


def _evaluations(w: _Writer, org: Organisation, instrument: Instrument, demo_ids: set[int],
                 nynorsk: bool) -> None:
    today, rng = w.today, w.rng
    good = text.LIA_GOOD if nynorsk else text.EVALUATION_GOOD
    better = text.LIA_BETTER if nynorsk else text.EVALUATION_BETTER
    for field_name, target, people in _evaluation_targets(org, today):
        if not people:
            continue
        closes = target.date + dt.timedelta(days=14)
        round = w.round(organisation=org, instrument=instrument, opens_on=target.date,
                        closes_on=closes, **{field_name: target})
        closed = closes < today
        answering = {pk for pk in people if rng.random() < (0.75 if closed else 0.45)
                     and (closed or pk not in demo_ids)}
        w.invite(round, people, answering)
        quality = rng.uniform(3.6, 4.5)
        for _ in answering:
            w.respond(round, lambda item, q=quality: rng.gauss(q, 0.7),
                      {"good": good, "better": better}, text_share=0.6)


def seed_demo(*, large: Organisation, small: Organisation, rng: random.Random, today: dt.date,
              scale: int) -> dict[str, int]:
    instruments = _standard()
    own_needs = {org.pk: _own_needs(org, instruments["needs"]) for org in (large, small)}
    items: dict[int, list[Item]] = defaultdict(list)
    for item in Item.objects.filter(instrument__in=[*instruments.values(), *own_needs.values()]
                                    ).prefetch_related("choices").order_by("order"):
        items[item.instrument_id].append(item)
    w = _Writer(rng=rng, today=today, items=items)
    demo_ids = set(Leader.objects.filter(user__email__in=DEMO_LEADERS).values_list("pk",
                                                                                     flat=True))
    for org, nynorsk in ((large, False), (small, True)):
        _effect(w, org, instruments["effect"], demo_ids)
        _evaluations(w, org, instruments["evaluation"], demo_ids, nynorsk)
    # Last year's needs survey is closed and reported; this year's is open, and the demo
    # accounts have not answered it yet.
    last = today - dt.timedelta(days=365)
    for org, answers in ((large, 250 * scale), (small, 14)):
        _needs(w, org, own_needs[org.pk], answer_count=answers,
               opens_on=last - dt.timedelta(days=28), closes_on=last, others=text.NEEDS_OTHER,
               not_answering=set())
    _needs(w, large, own_needs[large.pk], answer_count=110 * scale,
           opens_on=today - dt.timedelta(days=10), closes_on=today + dt.timedelta(days=11),
           others=text.NEEDS_OTHER, not_answering=demo_ids)
    w.write()
    return dict(w.counts)


def delete_demo(*, organisations: Any) -> None:
    """Set-based deletes, answers first (rounds protect their groups and sessions)."""
    rounds = Round.objects.filter(organisation__in=organisations)
    Answer.objects.filter(response__round__in=rounds).delete()
    Response.objects.filter(round__in=rounds).delete()
    Invitation.objects.filter(round__in=rounds).delete()
    rounds.filter(baseline__isnull=False).delete()
    rounds.delete()
