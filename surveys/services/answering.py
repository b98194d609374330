"""Answering: checking who may answer, saving drafts, submitting once.

Anonymity is decided here. In an anonymous round the response is written
without the person, with the week instead of a time, and (needs survey only)
with coarse bands from the leader profile; the invitation only learns that
its leader has answered. No audit entry names the person, because its
timestamp would tie them to the response.
"""

from __future__ import annotations

import datetime as dt
from types import EllipsisType
from typing import Any
from uuid import UUID

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.models import Leader, Unit
from lib.audit import audit_log
from lib.prepared import Prepared

from ..bands import band_for
from ..models import (
    Answer,
    Draft,
    InstrumentKind,
    Invitation,
    Item,
    ItemKind,
    Response,
    Round,
)
from ..models.responses import week_start
from ..selectors import InstrumentItems, eligible_leaders, instrument_items, is_eligible
from .validation import Answers, answers_clean


class AnswerRefused(Exception):
    """The person may not answer now. ``message`` tells them why, in their language."""

    def __init__(self, message: str, *, code: str, status: int = 409) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status


def _not_eligible(round: Round) -> AnswerRefused:
    if round.kind == InstrumentKind.EFFECT:
        assert round.group is not None  # an effect round has its group (check constraint)
        message = _("You are not a member of the leader group «%(group)s», so you cannot answer "
                    "its survey.") % {"group": round.group.name}
    elif round.kind == InstrumentKind.EVALUATION:
        message = _("Only participants can evaluate this session.")
    else:
        message = _("This survey is for leaders in the municipality. Your account has no leader "
                    "profile here.")
    return AnswerRefused(message, code="not_eligible", status=403)


def _check_open(round: Round, today: dt.date) -> None:
    if today < round.opens_on:
        raise AnswerRefused(_("This survey opens on %(date)s.")
                            % {"date": formats.date_format(round.opens_on)}, code="not_open")
    if round.completed:
        raise AnswerRefused(_("Everyone invited has answered, so the survey is closed."),
                            code="closed")
    if today > round.closes_on:
        raise AnswerRefused(_("This survey closed on %(date)s. Answers can no longer be given.")
                            % {"date": formats.date_format(round.closes_on)}, code="closed")


def _check_not_answered(invitation: Invitation | None) -> None:
    if invitation is not None and invitation.submitted:
        raise AnswerRefused(_("You have already answered this survey. Thank you!"),
                            code="answered")


def answer_access(*, round: Round, leader: Leader | None, today: dt.date | None = None,
                  invitation: Invitation | None | EllipsisType = ...) -> Invitation | None:
    """Whether ``leader`` may answer ``round`` now; their invitation if they have one.

    ``invitation`` is the leader's invitation to the round when the caller has
    already loaded it (None: they have none); left out, it is looked up.
    Raises :class:`AnswerRefused`: not eligible (403), not open yet, closed,
    or already answered. Writes nothing.
    """
    today = today or timezone.localdate()
    if leader is None:
        raise _not_eligible(round)
    if invitation is ...:
        invitation = Invitation.objects.filter(round=round, leader=leader).first()
    elif invitation is not None and (invitation.round_id, invitation.leader_id) != (
            round.pk, leader.pk):
        raise ValueError("the invitation given is not this leader's to this round")
    if invitation is None and not is_eligible(round, leader):
        raise _not_eligible(round)
    _check_not_answered(invitation)
    _check_open(round, today)
    return invitation


# The invitation row, locked for the rest of the transaction (compiled once per process:
# every draft save and submit takes it).
_LOCK_INVITATION: Prepared[Invitation] = Prepared(lambda invitation_id: (
    Invitation.objects.select_for_update().filter(pk=invitation_id)))


def _lock(invitation_id: UUID) -> Invitation:
    """The invitation, row-locked until the transaction ends (inside ``atomic`` only)."""
    if transaction.get_autocommit():
        raise transaction.TransactionManagementError(
            "select_for_update cannot be used outside of a transaction.")
    found = _LOCK_INVITATION(invitation_id=invitation_id)
    if not found:
        raise Invitation.DoesNotExist("Invitation matching query does not exist.")
    return found[0]


def _locked_invitation(round: Round, leader: Leader, today: dt.date) -> Invitation:
    """The leader's invitation, made now if they are eligible but joined late; row-locked."""
    answer_access(round=round, leader=leader, today=today)
    invitation, _created = Invitation.objects.get_or_create(round=round, leader=leader)
    invitation = _lock(invitation.pk)
    _check_not_answered(invitation)
    return invitation


def _items_of(round: Round, items: InstrumentItems | None) -> InstrumentItems:
    """The round's instrument's items: the caller's when it has read them whole with
    :func:`instrument_items` (the answer page has), else read here."""
    if items is None:
        return instrument_items(round.instrument_id)
    if not isinstance(items, InstrumentItems) or items.instrument_id != round.instrument_id:
        raise ValueError("the items given are not every item of this round's instrument")
    return items


@transaction.atomic
def draft_save(*, round: Round, answers: dict[str, Any], leader: Leader | None = None,
               invitation: Invitation | None = None, today: dt.date | None = None,
               items: InstrumentItems | None = None) -> Draft:
    """Keep answers so far. Values are checked; unanswered questions are allowed.
    ``items``: the instrument's items, if the caller has read them.

    Guarantees: on any error (ValidationError, AnswerRefused) nothing changes
    and an earlier draft stays as it was.
    """
    today = today or timezone.localdate()
    if invitation is None:
        assert leader is not None, "give the leader or their invitation"
        invitation = _locked_invitation(round, leader, today)
    else:
        invitation = _lock(invitation.pk)
        _check_not_answered(invitation)
        _check_open(round, today)
    cleaned = answers_clean(_items_of(round, items), answers, complete=False)
    # One INSERT … ON CONFLICT (invitation) DO UPDATE: the invitation's row lock above
    # keeps a submit from running in between; one statement instead of a locking read
    # and an update (the draft save is the survey's most frequent POST, issue 23).
    (draft,) = Draft.objects.bulk_create(
        [Draft(invitation=invitation, data=cleaned, updated_at=timezone.now())],
        update_conflicts=True, unique_fields=["invitation"], update_fields=["data", "updated_at"])
    return draft


def _bands(round: Round, leader: Leader, today: dt.date) -> dict[str, Any]:
    """Needs survey only: service area, level and years as leader, coarse."""
    if round.kind != InstrumentKind.NEEDS:
        return {}
    unit_path = Unit.objects.filter(pk=leader.unit_id).values_list("path", flat=True).first()
    area_id = None
    if unit_path:
        area_id = (Unit.objects.filter(organisation_id=leader.organisation_id,
                                       path=unit_path[:Unit.steplen])
                   .values_list("pk", flat=True).first())
    return {"area_id": area_id, "level": leader.level,
            "years_band": band_for(leader.years_as_leader(today), round.instrument.years_bands)}


def _answer_rows(response: Response, items: list[Item], cleaned: Answers) -> list[Answer]:
    rows: list[Answer] = []
    for item in items:
        value = cleaned.get(str(item.pk))
        if value is None or value == "":
            continue
        if item.kind == ItemKind.SCALE:
            rows.append(Answer(response=response, item=item, value=value))
        elif item.kind == ItemKind.TEXT:
            rows.append(Answer(response=response, item=item, text=value))
        elif item.kind == ItemKind.SINGLE:
            rows.append(Answer(response=response, item=item, choice_id=value))
        elif item.kind == ItemKind.MULTIPLE:
            rows.extend(Answer(response=response, item=item, choice_id=c) for c in value)
        else:
            rows.extend(Answer(response=response, item=item, choice_id=int(c), value=place)
                        for c, place in value.items())
    return rows


@transaction.atomic
def response_submit(*, round: Round, answers: dict[str, Any], leader: Leader | None = None,
                    invitation: Invitation | None = None,
                    today: dt.date | None = None,
                    items: InstrumentItems | None = None) -> Response:
    """Store one complete response and mark the invitation answered, once.
    ``items``: the instrument's items, if the caller has read them.

    Guarantees: the round row is locked, so submissions to one round are
    serialised and a second submission by the same person is refused; on any
    error nothing is stored and the draft stays; on success the draft is
    deleted in the same transaction; an anonymous response has no person and
    no time finer than the week; the round closes early when everyone
    eligible has answered.
    """
    today = today or timezone.localdate()
    round = (Round.objects.select_for_update(of=("self",)).select_related("group")
             .get(pk=round.pk))
    if invitation is None:
        assert leader is not None, "give the leader or their invitation"
        invitation = _locked_invitation(round, leader, today)
    else:
        invitation = _lock(invitation.pk)
        _check_not_answered(invitation)
        _check_open(round, today)
    leader = Leader.objects.get(pk=invitation.leader_id)
    items = _items_of(round, items)
    cleaned = answers_clean(items, answers, complete=True)

    response = Response.objects.create(
        round=round, anonymous=round.anonymous,
        respondent=None if round.anonymous else leader,
        submitted_week=week_start(today), **_bands(round, leader, today))
    Answer.objects.bulk_create(_answer_rows(response, items, cleaned))
    Invitation.objects.filter(pk=invitation.pk).update(submitted=True)
    Draft.objects.filter(invitation=invitation).delete()

    answered = Invitation.objects.filter(round=round, submitted=True).values("leader_id")
    if not eligible_leaders(round).exclude(pk__in=answered).exists():
        round.completed = True
        round.save(update_fields=["completed"])
    if not round.anonymous:
        audit_log(organisation=round.organisation, actor=leader.user,
                  action="surveys.response.submitted", obj=round,
                  summary=f"{leader}: {round.display_title}")
    return response
