"""Reminder source of the surveys track: invitations not yet answered, until close.

Registered from ``SurveysConfig.ready``; run by ``lib.tasks.reminders_sweep``.
A leader who has not answered an open round is reminded at most once per
interval of the municipality's policy (the occasion carries the interval
number), counted from the invitation email; nothing after the round closes or
once they have answered. Reads only ``Invitation.submitted`` — never answers.
A fixed number of queries however many invitations there are.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.urls import reverse
from django.utils import timezone

from lib.emails import absolute_url
from lib.reminder_policy import policies
from lib.reminders import Due, already_sent, register_reminder_source

from .models import InstrumentKind, Invitation, Round
from .services import invitation_token


def _link(invitation: Invitation) -> str:
    # Evaluations are answered through a signed link; the other kinds after login.
    if invitation.round.kind == InstrumentKind.EVALUATION:
        return absolute_url(reverse("surveys:answer_token", args=[invitation_token(invitation)]))
    return absolute_url(reverse("surveys:answer", args=[invitation.round_id]))


def unanswered_reminders(now: dt.datetime) -> Iterator[Due]:
    today = timezone.localdate(now)
    open_rounds = Round.objects.open_on(today).filter(opened_at__isnull=False)
    invitations = list(Invitation.objects
                       .filter(round__in=open_rounds, submitted=False,
                               emailed_at__lte=now - dt.timedelta(days=1))
                       .select_related("leader__user", "round__organisation",
                                       "round__instrument", "round__group",
                                       "round__module_session__module", "round__gathering"))
    if not invitations:
        return
    policy_map = policies({i.round.organisation_id for i in invitations})
    sent = already_sent(kind="survey", since=now - dt.timedelta(days=120))
    for invitation in invitations:
        round = invitation.round
        policy = policy_map[round.organisation_id]
        if not policy.surveys_on:
            continue
        bucket = (now - invitation.emailed_at).days // policy.survey_interval_days
        user = invitation.leader.user
        occasion = f"surveys.invitation:{invitation.pk}:{bucket}"
        if bucket < 1 or not user.is_active or (occasion, user.pk) in sent:
            continue
        yield Due(organisation=round.organisation, occasion=occasion, recipient=user,
                  kind="survey", template_base="emails/surveys/unanswered_reminder",
                  context={"round": round, "closes_on": round.closes_on,
                           "link": _link(invitation)})


def register() -> None:
    register_reminder_source("surveys.unanswered", unanswered_reminders)
