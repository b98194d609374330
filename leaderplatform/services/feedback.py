"""The light 360: the leader invites raters; each rater answers once.

Refusal codes: ``self_rater``, ``other_municipality`` (no active user of the
municipality has that address — said the same whether or not one exists
elsewhere), ``too_few_raters``, ``too_many_raters``, ``bad_group``,
``round_exists``, ``already_answered``, ``closed``, ``permission_denied``.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Leader, User

from .. import notifications
from ..models import (
    Behaviour,
    CharacteristicStatus,
    FeedbackAnswer,
    FeedbackInvitation,
    FeedbackRound,
    RaterGroup,
    SelfAssessment,
)
from .rating import check_scores

MIN_RATERS = 3
MAX_RATERS = 20


@transaction.atomic
def feedback_round_start(*, assessment: SelfAssessment, leader: Leader,
                         raters: list[tuple[str, str]]) -> FeedbackRound:
    """Invite raters (email, group) to rate the assessment's behaviours, and email each.

    All or nothing: between 3 and 20 distinct active users of the leader's municipality,
    never the leader. One round per self-assessment.
    """
    if assessment.leader_id != leader.pk:
        raise PermissionDenied(_("Only the leader asks for feedback on their self-assessment."))
    SelfAssessment.objects.select_for_update().filter(pk=assessment.pk).first()
    if FeedbackRound.objects.filter(assessment=assessment).exists():
        raise ValidationError(_("You have already asked for feedback on this "
                                "self-assessment."), code="round_exists")
    wanted: dict[str, str] = {}
    for email, group in raters:
        email = email.strip().lower()
        if email:
            if group not in RaterGroup.values:
                raise ValidationError(_("Choose a rater group."), code="bad_group")
            wanted[email] = group
    if len(wanted) < MIN_RATERS:
        raise ValidationError(_("Invite at least %(n)d raters, so that nobody's answers "
                                "stand alone.") % {"n": MIN_RATERS}, code="too_few_raters")
    if len(wanted) > MAX_RATERS:
        raise ValidationError(_("Invite at most %(n)d raters.") % {"n": MAX_RATERS},
                              code="too_many_raters")
    own_email = (leader.user.email or "").lower()
    if own_email in wanted:
        raise ValidationError(_("You cannot rate yourself here: that is the "
                                "self-assessment."), code="self_rater")
    users = {u.email.lower(): u for u in User.objects.annotate(email_lower=Lower("email"))
             .filter(organisation_id=leader.organisation_id, is_active=True,
                     email_lower__in=list(wanted))}
    unknown = sorted(set(wanted) - set(users))
    if unknown:
        raise ValidationError(_("No active user of your municipality has the address "
                                "%(email)s.") % {"email": unknown[0]}, code="other_municipality")
    if any(u.pk == leader.user_id for u in users.values()):
        raise ValidationError(_("You cannot rate yourself here: that is the "
                                "self-assessment."), code="self_rater")
    round_ = FeedbackRound.objects.create(assessment=assessment)
    invitations = FeedbackInvitation.objects.bulk_create(
        FeedbackInvitation(round=round_, rater=users[email], group=group)
        for email, group in wanted.items())
    for invitation in invitations:
        notifications.feedback_invited(invitation=invitation, leader=leader)
    return round_


def _check_open(invitation: FeedbackInvitation) -> None:
    if invitation.round.is_closed:
        raise ValidationError(_("This feedback round is closed."), code="closed")
    if invitation.answered_at is not None:
        raise ValidationError(_("You have already given your feedback. Thank you!"),
                              code="already_answered")


@transaction.atomic
def feedback_answer(*, invitation: FeedbackInvitation, rater: User,
                    scores: dict[int, int]) -> FeedbackInvitation:
    """The rater's scores of every behaviour (1–5), once, while the round is open."""
    if invitation.rater_id != rater.pk:
        raise PermissionDenied(_("Only the invited rater answers."))
    invitation = (FeedbackInvitation.objects.select_for_update(of=("self",))
                  .select_related("round__assessment").get(pk=invitation.pk))
    _check_open(invitation)
    behaviours = set(Behaviour.objects.filter(
        characteristic__version_id=invitation.round.assessment.version_id,
        characteristic__status=CharacteristicStatus.ADOPTED).values_list("pk", flat=True))
    check_scores(scores, behaviours)
    FeedbackAnswer.objects.bulk_create(FeedbackAnswer(invitation=invitation, behaviour_id=pk,
                                                      score=score)
                                       for pk, score in scores.items())
    invitation.answered_at = timezone.now()
    invitation.save(update_fields=["answered_at"])
    return invitation


@transaction.atomic
def feedback_round_close(*, round_: FeedbackRound, leader: Leader) -> FeedbackRound:
    """The leader closes the round: no more answers are taken."""
    if round_.assessment.leader_id != leader.pk:
        raise PermissionDenied(_("Only the leader closes their feedback round."))
    if round_.is_closed:
        raise ValidationError(_("This feedback round is closed."), code="closed")
    round_.closed_at = timezone.now()
    round_.save(update_fields=["closed_at"])
    return round_
