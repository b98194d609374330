"""Rounds: creating them, opening them (invitations, once) and the emails."""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from lib.audit import audit_log
from lib.emails import absolute_url
from lib.outbox import enqueue

from .. import notifications
from ..models import Instrument, InstrumentKind, Invitation, Phase, Round
from ..selectors import eligible_leaders, thresholds_for
from .tokens import invitation_token

if TYPE_CHECKING:
    from groups.models import LeaderGroup
    from programs.models import Gathering, ModuleSession

logger = logging.getLogger(__name__)


@transaction.atomic
def round_create(*, organisation: Organisation, instrument: Instrument, opens_on: dt.date,
                 closes_on: dt.date, group: LeaderGroup | None = None,
                 phase: str = Phase.NONE, baseline: Round | None = None,
                 module_session: ModuleSession | None = None, gathering: Gathering | None = None,
                 anonymous: bool = True, title: str = "", actor: User | None = None) -> Round:
    """Create a round for a target that fits the instrument's kind.

    Guarantees: target, phase, instrument and municipality agree (model
    validation and database constraints); the municipality's anonymity
    thresholds are copied onto the round, so the promise given to those
    invited holds even if the thresholds change later.
    """
    round = Round(organisation=organisation, instrument=instrument, kind=instrument.kind,
                  opens_on=opens_on, closes_on=closes_on, group=group, phase=phase,
                  baseline=baseline, module_session=module_session, gathering=gathering,
                  anonymous=anonymous, title=title,
                  created_by=actor if getattr(actor, "is_authenticated", False) else None)
    return round_save(round=round, actor=actor)


def round_validate_change(round: Round, today: dt.date | None = None) -> None:
    """Refuse edits that would break a promise or the reports.

    A round someone has answered keeps its anonymity, instrument and target;
    a closed round stays closed (reopening it would let readers difference
    the results they saw against new ones).
    """
    if round._state.adding:
        # No instrument chosen is the form's "required" error, not a crash here.
        if round.instrument_id and not round.instrument.is_active:
            raise ValidationError({"instrument": ValidationError(
                _("This instrument is no longer in use."), code="inactive_instrument")})
        return
    today = today or timezone.localdate()
    old = Round.objects.get(pk=round.pk)
    errors: dict[str, ValidationError] = {}
    if old.responses.exists():
        if old.anonymous != round.anonymous:
            errors["anonymous"] = ValidationError(
                _("Someone has answered, so anonymity cannot be changed."), code="answered")
        for name in ("instrument_id", "group_id", "module_session_id", "gathering_id", "phase"):
            if getattr(old, name) != getattr(round, name):
                errors[name.removesuffix("_id")] = ValidationError(_(
                    "Someone has answered, so the round's instrument and target cannot change."),
                    code="answered")
    if old.has_closed(today) and (old.closes_on != round.closes_on
                                  or old.opens_on != round.opens_on):
        errors["closes_on"] = ValidationError(
            _("The round has closed and cannot be reopened."), code="closed")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def round_save(*, round: Round, actor: User | None = None) -> Round:
    """Validate and store a new or edited round (the admin saves through here)."""
    adding = round._state.adding
    if adding:
        round.kind = round.instrument.kind
        round.min_respondents, round.min_text_respondents = thresholds_for(
            round.organisation_id, round.kind)
    round.full_clean()
    round_validate_change(round)
    round.save()
    audit_log(organisation=round.organisation, actor=actor,
              action="surveys.round.created" if adding else "surveys.round.changed", obj=round,
              summary=round.display_title,
              data={"opens_on": str(round.opens_on), "closes_on": str(round.closes_on)})
    return round


@transaction.atomic
def round_open(*, round: Round, actor: User | None = None,
               now: dt.datetime | None = None) -> int | None:
    """Invite everyone eligible, once, and email them after the commit.

    Guarantees: the round row is locked and ``opened_at`` marks it, so a
    second call (a retried task, a double click) invites nobody twice; the
    unique (round, leader) constraint backs this up. Returns how many were
    invited, or None if the round may not be opened today
    (:meth:`Round.may_open`: already opened, not yet open, or closed). Leaders
    who become eligible later are invited when they answer.
    """
    now = now or timezone.now()
    round = Round.objects.select_for_update().get(pk=round.pk)
    if not round.may_open(timezone.localdate(now)):
        return None
    leader_ids = list(eligible_leaders(round).values_list("pk", flat=True))
    Invitation.objects.bulk_create(
        [Invitation(round=round, leader_id=pk) for pk in leader_ids],
        batch_size=1000, ignore_conflicts=True)
    round.opened_at = now
    round.save(update_fields=["opened_at"])
    audit_log(organisation=round.organisation, actor=actor, action="surveys.round.opened",
              obj=round, summary=round.display_title, data={"invited": len(leader_ids)})
    from ..tasks import round_invitations_send as send_task

    round_id = str(round.pk)
    enqueue(send_task, round_id)
    return len(leader_ids)


def rounds_open_due(*, today: dt.date | None = None) -> int:
    """Open every round whose opening day has come (beat runs this daily)."""
    today = today or timezone.localdate()
    due = Round.objects.may_open(today).values_list("pk", flat=True)
    return sum(1 for pk in list(due) if round_open(round=Round(pk=pk)) is not None)


def _answer_link(invitation: Invitation) -> str:
    if invitation.round.kind == InstrumentKind.EVALUATION:
        path = reverse("surveys:answer_token", args=[invitation_token(invitation)])
    else:
        path = reverse("surveys:answer", args=[invitation.round_id])
    return absolute_url(path)


def round_invitations_send(*, round_id: str) -> int:
    """Email every invitation of the round not yet emailed, each exactly once.

    Each invitation is claimed with a conditional update before its email is
    queued, so two workers never send the same invitation.
    """
    round = (Round.objects.select_related("instrument", "group", "module_session__module",
                                          "gathering").filter(pk=round_id).first())
    if round is None:
        return 0
    pending = (Invitation.objects.filter(round=round, emailed_at__isnull=True, submitted=False)
               .select_related("leader__user").order_by("pk"))
    sent = 0
    for invitation in pending.iterator():
        invitation.round = round
        claimed = Invitation.objects.filter(pk=invitation.pk, emailed_at__isnull=True).update(
            emailed_at=timezone.now())
        if not claimed:
            continue
        user = invitation.leader.user
        notifications.invitation(user=user, round=round, link=_answer_link(invitation))
        sent += 1
    logger.info("survey round %s: %s invitations emailed", round_id, sent)
    return sent
