"""The light 360: a leader asks employees, peers and their leader above to rate the
same behaviours as their self-assessment.

A :class:`FeedbackRound` belongs to one :class:`SelfAssessment` (and is deleted with
it). Each rater has a :class:`FeedbackInvitation` (who, which group, when answered);
the scores are :class:`FeedbackAnswer` rows of that invitation. Nobody ever sees an
invitation's scores: the leader sees means per rater group and theme, and only for a
group with enough answers (``selectors.feedback_results``); who has answered is
shown to nobody (the leader sees counts per group).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lib.scoping import OrganisationQuerySet

from . import SCORE_MAX, SCORE_MIN, Behaviour, SelfAssessment


class RaterGroup(models.TextChoices):
    EMPLOYEE = "medarbeider", _("employee")
    PEER = "kollega", _("peer")
    ABOVE = "leder", _("leader above")


class FeedbackRound(models.Model):
    organisation_path = "assessment__leader__organisation"

    uuid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    assessment = models.OneToOneField(SelfAssessment, on_delete=models.CASCADE,
                                      related_name="feedback_round",
                                      verbose_name=_("self-assessment"))
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("360 feedback round")
        verbose_name_plural = _("360 feedback rounds")

    def __str__(self) -> str:
        return str(_("360 feedback round"))

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class FeedbackInvitation(models.Model):
    organisation_path = "round__assessment__leader__organisation"

    uuid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    round = models.ForeignKey(FeedbackRound, on_delete=models.CASCADE,
                              related_name="invitations", verbose_name=_("360 feedback round"))
    rater = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                              related_name="feedback_invitations", verbose_name=_("rater"))
    group = models.CharField(_("rater group"), max_length=12, choices=RaterGroup.choices)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("360 invitation")
        verbose_name_plural = _("360 invitations")
        constraints = [
            models.UniqueConstraint(fields=["round", "rater"],
                                    name="leaderplatform_one_invitation_per_rater"),
        ]

    def __str__(self) -> str:
        return str(_("360 invitation"))


class FeedbackAnswer(models.Model):
    organisation_path = "invitation__round__assessment__leader__organisation"

    invitation = models.ForeignKey(FeedbackInvitation, on_delete=models.CASCADE,
                                   related_name="answers", verbose_name=_("360 invitation"))
    behaviour = models.ForeignKey(Behaviour, on_delete=models.CASCADE, related_name="+",
                                  verbose_name=_("behaviour"))
    score = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(SCORE_MIN), MaxValueValidator(SCORE_MAX)])

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("360 answer")
        verbose_name_plural = _("360 answers")
        constraints = [
            models.UniqueConstraint(fields=["invitation", "behaviour"],
                                    name="leaderplatform_one_feedback_answer_per_behaviour"),
            models.CheckConstraint(condition=Q(score__gte=SCORE_MIN, score__lte=SCORE_MAX),
                                   name="leaderplatform_feedback_answer_range"),
        ]

    def __str__(self) -> str:
        return str(self.score)
