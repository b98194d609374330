"""Reads: who may answer a round, what waits for a leader, which instrument to use.

Reports live in :mod:`surveys.reports`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
)
from django.utils import timezone

from accounts.dashboard import now_on_page
from accounts.models import Leader, User
from groups.models import LeaderGroup, LeaderGroupMembership
from lib.content import kept_by_content
from lib.kept import Kept
from lib.prepared import Prepared, Read, place_children, together
from programs.models import Attendance, Enrollment, EnrollmentStatus

from .models import (
    AnonymitySettings,
    Choice,
    Draft,
    Instrument,
    InstrumentKind,
    Invitation,
    Item,
    Round,
)
from .models.rounds import (
    DEFAULT_MIN_GROUP_RESPONDENTS,
    DEFAULT_MIN_RESPONDENTS,
    DEFAULT_MIN_TEXT_RESPONDENTS,
)


def thresholds_for(organisation_id: int, kind: str | None = None) -> tuple[int, int]:
    """(fewest respondents for scores, for comments) of a municipality, with defaults.

    A leader-group round (kind ``effect``) takes the group threshold for its scores: a
    group of four could never reach the unit-level threshold of five.
    """
    row = (AnonymitySettings.objects.filter(organisation_id=organisation_id)
           .values_list("min_respondents", "min_text_respondents", "min_group_respondents")
           .first())
    scores, texts, group = row or (DEFAULT_MIN_RESPONDENTS, DEFAULT_MIN_TEXT_RESPONDENTS,
                                   DEFAULT_MIN_GROUP_RESPONDENTS)
    return (group if kind == InstrumentKind.EFFECT else scores), texts


def default_instrument(organisation_id: int, kind: str) -> Instrument | None:
    """The municipality's own instrument of this kind if it has one in use, else the standard."""
    return (Instrument.objects.available_to_organisation(organisation_id)
            .filter(kind=kind, is_active=True)
            .order_by(F("organisation_id").asc(nulls_last=True), "-created_at")  # own first
            .first())


_ITEMS: Prepared[Item] = Prepared(lambda instrument_id: (
    Item.objects.filter(instrument_id=instrument_id).select_related("dimension")
    .order_by("order", "pk")))


_CHOICES: Prepared[Choice] = Prepared(lambda instrument_id: (
    Choice.objects.filter(item__instrument_id=instrument_id).order_by("order", "pk")))


class InstrumentItems(list[Item]):
    """Every item of one instrument, in order, as :func:`instrument_items` read them.

    The answering services take them from a caller that has read them already (the
    answer page reads them to build its form) instead of reading them again; the type
    and ``instrument_id`` are how they know the list is whole and the round's own.
    """

    def __init__(self, items: list[Item], instrument_id: int) -> None:
        super().__init__(items)
        self.instrument_id = instrument_id


# What an instrument's questions are made of: its items with their dimensions, and their
# choices (lib.content).
_CONTENT = (
    """SELECT row_to_json(i)::text || '/' || coalesce(row_to_json(d)::text, '') AS row,
              i.id AS ord
       FROM surveys_item i LEFT JOIN surveys_dimension d ON d.id = i.dimension_id
       WHERE i.instrument_id = %(instrument)s""",
    """SELECT row_to_json(c)::text AS row, c.id AS ord
       FROM surveys_choice c JOIN surveys_item i ON i.id = c.item_id
       WHERE i.instrument_id = %(instrument)s""",
)
_kept_items: Kept[InstrumentItems] = Kept(most=64)


def instrument_items(instrument_id: int) -> InstrumentItems:
    """The items in order with dimension and choices (``item.choices.all()`` reads no
    more).

    Hundreds of leaders answer the same instrument, and its questions change only when
    O&F edits them: the items are read (two queries, each compiled once per process)
    once per process for each content — one digest query, computed by the database,
    tells whether they have changed — and the same instances serve every answer page of
    the municipality after (:mod:`lib.content`; 0.48 ms for 33 items and their choices,
    and their form's fields made afresh, bench/RESULTS.md). Nothing changes them: the
    pages and the services read them, and a ``shown_key`` kept on an item is keyed by
    the language.
    """

    def read() -> InstrumentItems:
        items = _ITEMS(instrument_id=instrument_id)
        place_children(items, "choices", ((c.item_id, c) for c in _CHOICES(
            instrument_id=instrument_id)), back="item")
        return InstrumentItems(items, instrument_id)

    return kept_by_content(_kept_items, instrument_id, _CONTENT,
                           {"instrument": instrument_id}, read)


def group_ids_of(leader_id: int) -> QuerySet:
    """Ids of the groups a leader heads or belongs to, as a subquery."""
    return LeaderGroup.objects.filter(
        Q(head_id=leader_id) | Q(pk__in=LeaderGroupMembership.objects.filter(leader_id=leader_id)
                                 .values("group_id"))).values("pk")


def eligible_leaders(round: Round) -> QuerySet[Leader]:
    """Who may answer: the group's head and members, the session's participants, or everyone."""
    leaders = Leader.objects.filter(organisation_id=round.organisation_id, user__is_active=True)
    if round.kind == InstrumentKind.EFFECT:
        return leaders.filter(
            Q(pk__in=LeaderGroup.objects.filter(survey_rounds=round).values("head_id"))
            | Q(pk__in=LeaderGroupMembership.objects.filter(group_id=round.group_id)
                .values("leader_id")))
    if round.kind == InstrumentKind.NEEDS:
        return leaders
    if round.module_session_id:
        marked = Attendance.objects.filter(session_id=round.module_session_id)
        if marked.exists():
            # Attendance was taken: those who came evaluate.
            return leaders.filter(pk__in=marked.filter(attended=True)
                                  .values("enrollment__leader_id"))
        return leaders.filter(pk__in=Enrollment.objects.filter(
            module__sessions=round.module_session_id, status=EnrollmentStatus.SEATED)
            .values("leader_id"))
    return leaders.filter(programme_participations__programme__gatherings=round.gathering_id)


def is_eligible(round: Round, leader: Leader) -> bool:
    return eligible_leaders(round).filter(pk=leader.pk).exists()


def _waiting(leader_id: int, organisation_id: int, today: dt.date) -> QuerySet[Round]:
    mine = Invitation.objects.filter(round=OuterRef("pk"), leader_id=leader_id)
    return (
        Round.objects.open_on(today).filter(organisation_id=organisation_id)
        .annotate(invited=Exists(mine), answered=Exists(mine.filter(submitted=True)),
                  has_draft=Exists(Draft.objects.filter(invitation__round=OuterRef("pk"),
                                                        invitation__leader_id=leader_id)))
        .filter(Q(invited=True) | Q(kind=InstrumentKind.NEEDS)
                | Q(kind=InstrumentKind.EFFECT, group__in=group_ids_of(leader_id)))
        .filter(answered=False)
        .select_related("instrument", "group", "module_session__module", "gathering")
        .order_by("closes_on", "created_at"))


_WAITING: Prepared[Round] = Prepared(_waiting)


def waiting_for(leader: Leader, today: dt.date | None = None) -> list[Round]:
    """Open rounds the leader may answer and has not, soonest closing first (one query,
    compiled once per process).

    Invited rounds, plus rounds they are eligible for by standing (the needs
    survey, their groups' rounds) even if they joined after invitations went out.
    """
    return waiting_read(leader, today)()


def waiting_read(leader: Leader, today: dt.date | None = None) -> Read[Round]:
    """:func:`waiting_for`'s query, not yet run."""
    return _WAITING.read(leader_id=leader.pk, organisation_id=leader.organisation_id,
                         today=today or timezone.localdate())


@dataclass
class MySurveys:
    leader: Leader | None
    waiting: list[Round] = field(default_factory=list)
    answered: list[Round] = field(default_factory=list)
    reports: list[Round] = field(default_factory=list)


def _reports_among(rounds: QuerySet[Round], user_id: int, leader_id: int | None
                   ) -> QuerySet[Round]:
    allowed = Q(module_session__facilitators=user_id) | Q(gathering__advisers=user_id)
    if leader_id is not None:
        allowed |= Q(kind=InstrumentKind.EFFECT, group__in=group_ids_of(leader_id))
    return rounds.filter(pk__in=Round.objects.filter(allowed).values("pk"))


def reports_for(user: User, leader: Leader | None) -> QuerySet[Round]:
    """Rounds whose reports the user may open: O&F all of theirs, members their groups',
    facilitators their sessions' and gatherings'."""
    rounds = Round.objects.visible_to(user)
    if user.is_superuser or user.is_oaf_admin:
        return rounds
    return _reports_among(rounds, user.pk, leader.pk if leader is not None else None)


_LISTED = ("instrument", "group", "module_session__module", "gathering")  # their titles

_ANSWERED: Prepared[Round] = Prepared(lambda leader_id: (
    Round.objects.filter(invitations__leader_id=leader_id, invitations__submitted=True)
    .select_related(*_LISTED).order_by("-closes_on")[:50]))
_LEADERS_REPORTS: Prepared[Round] = Prepared(lambda organisation_id, user_id, leader_id: (
    _reports_among(Round.objects.in_organisation(organisation_id), user_id, leader_id)
    .select_related(*_LISTED).order_by("-closes_on", "-created_at")[:100]))


def my_surveys(*, user: User, leader: Leader | None,
               today: dt.date | None = None) -> MySurveys:
    """The surveys page: waiting, answered and the reports the user may see (three
    queries, a leader's compiled once per process and sent together)."""
    today = today or timezone.localdate()
    page = MySurveys(leader=leader)
    if leader is not None and user.is_active and not (user.is_superuser or user.is_oaf_admin):
        page.waiting, page.answered, page.reports = together(
            waiting_read(leader, today), _ANSWERED.read(leader_id=leader.pk),
            _LEADERS_REPORTS.read(organisation_id=user.organisation_id, user_id=user.pk,
                                  leader_id=leader.pk))
        return page
    if leader is not None:
        page.waiting = waiting_for(leader, today)
        page.answered = _ANSWERED(leader_id=leader.pk)
    page.reports = list(reports_for(user, leader).select_related(*_LISTED)
                        .order_by("-closes_on", "-created_at")[:100])
    return page


def min_side_reads(user: User, leader: Leader | None) -> list[Read[Any]]:
    """The panel's read (:attr:`accounts.dashboard.Panel.reads`)."""
    if leader is None:
        return []
    return [waiting_read(leader, timezone.localdate(now_on_page(leader)))]


def min_side_panel(user: User, leader: Leader | None) -> dict[str, Any] | None:
    """Min side: the surveys waiting for the leader with their close dates."""
    if leader is None:
        return None
    waiting = waiting_for(leader, timezone.localdate(now_on_page(leader)))
    if not waiting:
        return None
    return {"rounds": waiting}
