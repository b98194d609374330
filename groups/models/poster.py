"""The purpose poster (formålsplakat): drafted in many versions, one of them published.

Versions are immutable: every save adds one (numbered per poster), so two
members editing at once never overwrite each other — the later save records
which version it was based on and is told that a newer one exists.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lib.choice_labels import ChoiceLabels
from lib.scoping import OrganisationQuerySet

from .group import LeaderGroup

LEAD_MAX_LENGTH = 400
COMMITMENT_MAX_LENGTH = 300
MAX_COMMITMENTS = 10


class Purpose(models.TextChoices):
    """The six purposes a leader group exists for (Bang & Midelfart)."""

    DIRECTION = "direction", _("set direction")
    DECISIONS = "decisions", _("better decisions")
    EXECUTION = "execution", _("power to execute")
    COORDINATION = "coordination", _("coordinate the whole organisation")
    CHANGE = "change", _("start needed change")
    LEADERS = "leaders", _("safe and competent leaders")


class PurposePoster(models.Model):
    organisation_path = "group__organisation"

    group = models.OneToOneField(LeaderGroup, on_delete=models.CASCADE, related_name="poster",
                                 verbose_name=_("leader group"))
    published_version = models.ForeignKey(
        "PosterVersion", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("published version"),
        help_text=_("The version the head of the group has published; shown to every leader."))
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+",
                                     verbose_name=_("published by"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("purpose poster")
        verbose_name_plural = _("purpose posters")
        ordering = ["group__name"]

    def __str__(self) -> str:
        return str(self.group)


class PosterVersion(models.Model):
    organisation_path = "poster__group__organisation"

    poster = models.ForeignKey(PurposePoster, on_delete=models.CASCADE, related_name="versions",
                               verbose_name=_("purpose poster"))
    number = models.PositiveIntegerField(_("version"))
    based_on = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("based on"),
        help_text=_("The version the author started from; older than the newest when two "
                    "members edited at the same time."))
    lead = models.TextField(_("lead sentence"), max_length=LEAD_MAX_LENGTH)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="+", verbose_name=_("author"))
    created_at = models.DateTimeField(_("saved"), default=timezone.now)
    first_published_at = models.DateTimeField(_("first published"), null=True, blank=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("poster version")
        verbose_name_plural = _("poster versions")
        ordering = ["poster", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["poster", "number"], name="poster_version_number"),
            models.CheckConstraint(condition=models.Q(number__gte=1),
                                   name="poster_version_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.poster} v{self.number}"


class PosterCommitment(ChoiceLabels, models.Model):
    """One numbered commitment («1. …») of a version, optionally tagged with a purpose."""

    organisation_path = "version__poster__group__organisation"

    version = models.ForeignKey(PosterVersion, on_delete=models.CASCADE,
                                related_name="commitments", verbose_name=_("poster version"))
    position = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("commitment"), max_length=COMMITMENT_MAX_LENGTH)
    purpose = models.CharField(_("purpose"), max_length=12, choices=Purpose.choices, blank=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "position"],
                                    name="poster_commitment_position"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.text}"


class PosterComment(models.Model):
    organisation_path = "version__poster__group__organisation"

    version = models.ForeignKey(PosterVersion, on_delete=models.CASCADE, related_name="comments",
                                verbose_name=_("poster version"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="+", verbose_name=_("author"))
    body = models.TextField(_("comment"), max_length=2000)
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["version", "created_at"]

    def __str__(self) -> str:
        return self.body[:60]
