"""What was answered, kept apart from who answered.

In an anonymous round a :class:`Response` has no link to the person: a random
id (so row order says nothing about who came first), the ISO week it was
submitted (never a time) and, for the needs survey only, coarse bands taken
from the leader profile. The database refuses a person on an anonymous
response. A :class:`Draft` holds unfinished answers against the invitation
and is deleted in the same transaction that stores the response.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import LeaderLevel
from lib.scoping import OrganisationQuerySet

from .instruments import Choice, Item
from .rounds import Invitation, Round


def week_start(day: dt.date) -> dt.date:
    """The Monday of ``day``'s week: the only time an anonymous response carries."""
    return day - dt.timedelta(days=day.weekday())


class Response(models.Model):
    organisation_path = "round__organisation"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="responses",
                              verbose_name=_("round"))
    anonymous = models.BooleanField(_("anonymous"), default=True)
    respondent = models.ForeignKey(
        "accounts.Leader", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="survey_responses", verbose_name=_("respondent"),
        help_text=_("Only in rounds that are not anonymous."))
    submitted_week = models.DateField(_("week submitted"),
                                      help_text=_("The Monday of the week; never a time."))
    area = models.ForeignKey(
        "accounts.Unit", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("service area"),
        help_text=_("Needs survey only: the respondent's top-level unit."))
    level = models.CharField(_("leader level"), max_length=20, choices=LeaderLevel.choices,
                             blank=True)
    years_band = models.CharField(
        _("years as leader"), max_length=10, blank=True,
        help_text=_("Needs survey only: the key of the band of the instrument's own bands "
                    "(surveys/bands.py), e.g. \"3-5\"."))

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        constraints = [
            models.CheckConstraint(condition=Q(anonymous=False) | Q(respondent__isnull=True),
                                   name="survey_anonymous_response_has_no_person"),
        ]
        indexes = [models.Index(fields=["round", "area", "level", "years_band"])]

    def __str__(self) -> str:
        return f"{self.round} {self.submitted_week:%G-W%V}"


class Answer(models.Model):
    """One answer to one item. Multiple choice and ranking use a row per choice."""

    organisation_path = "response__round__organisation"

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers",
                                 verbose_name=_("response"))
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="answers",
                             verbose_name=_("item"))
    choice = models.ForeignKey(Choice, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="answers", verbose_name=_("choice"))
    value = models.PositiveSmallIntegerField(
        _("value"), null=True, blank=True,
        help_text=_("The point on a scale, or the place given to a choice in a ranking."))
    text = models.TextField(_("text"), blank=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.CheckConstraint(condition=Q(value__isnull=True) | Q(value__gte=1),
                                   name="survey_answer_value_from_1"),
            models.UniqueConstraint(fields=["response", "item"],
                                    condition=Q(choice__isnull=True),
                                    name="survey_answer_once_per_item"),
            models.UniqueConstraint(fields=["response", "item", "choice"],
                                    condition=Q(choice__isnull=False),
                                    name="survey_answer_once_per_choice"),
        ]
        indexes = [models.Index(fields=["item", "response"])]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.value if self.value is not None else self.text[:20]}"


class Draft(models.Model):
    """Answers saved halfway, against the invitation; gone once the response is in."""

    organisation_path = "invitation__round__organisation"

    invitation = models.OneToOneField(Invitation, on_delete=models.CASCADE,
                                      related_name="draft", verbose_name=_("invitation"))
    data = models.JSONField(_("answers so far"), default=dict)
    updated_at = models.DateTimeField(_("saved"), default=timezone.now)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("draft")
        verbose_name_plural = _("drafts")

    def __str__(self) -> str:
        return str(self.invitation)
