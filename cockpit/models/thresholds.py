"""Each municipality's thresholds for the needs-action rules (``cockpit/rules.py``)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lib.scoping import OrganisationQuerySet

# name: (default, lowest, highest). The defaults are the rules' constants before
# the thresholds could be set; the bounds are also check constraints.
THRESHOLDS: dict[str, tuple[int, int, int]] = {
    "request_wait_days": (7, 1, 60),
    "underfilled_percent": (50, 1, 100),
    "underfilled_lookahead_days": (14, 0, 90),
    "talent_release_lookahead_days": (7, 1, 60),
    "survey_closing_days": (7, 1, 60),
    "low_response_percent": (50, 1, 100),
    "meeting_confirm_days": (14, 1, 90),
    "coaching_unused_percent": (50, 10, 90),
    "failures_days": (30, 1, 365),
}


def _field(name: str, verbose_name: object, help_text: object) -> models.PositiveSmallIntegerField:
    default, _low, _high = THRESHOLDS[name]
    return models.PositiveSmallIntegerField(verbose_name, default=default, help_text=help_text)


class CockpitSettings(models.Model):
    """When the needs-action rules fire in one municipality; one row per municipality.

    Made with the defaults on first need (``cockpit.services.settings.cockpit_settings_get``);
    a municipality without a row gets the defaults.
    """

    organisation_path = "organisation"

    organisation = models.OneToOneField("accounts.Organisation", on_delete=models.CASCADE,
                                        related_name="cockpit_settings",
                                        verbose_name=_("municipality"))
    request_wait_days = _field(
        "request_wait_days", _("requests waiting for the leader above (days)"),
        _("Module requests and coaching applications undecided for more than this many days "
          "need action (1–60)."))
    underfilled_percent = _field(
        "underfilled_percent", _("under-filled module (percentage of seats)"),
        _("A module that has filled fewer than this share of its seats needs action (1–100)."))
    underfilled_lookahead_days = _field(
        "underfilled_lookahead_days", _("under-filled: enrolment closes within (days)"),
        _("Judge a module's seats once its enrolment closes within this many days (0–90)."))
    talent_release_lookahead_days = _field(
        "talent_release_lookahead_days", _("talent seats released within (days)"),
        _("Empty talent seats released to everyone within this many days need action (1–60)."))
    survey_closing_days = _field(
        "survey_closing_days", _("survey closes within (days)"),
        _("Judge an open survey's answers once it closes within this many days (1–60)."))
    low_response_percent = _field(
        "low_response_percent", _("low response (% answered)"),
        _("A survey closing soon with fewer than this share answered needs action (1–100)."))
    meeting_confirm_days = _field(
        "meeting_confirm_days", _("network meetings to confirm within (days)"),
        _("A network meeting still only proposed this many days ahead needs action (1–90)."))
    coaching_unused_percent = _field(
        "coaching_unused_percent", _("coaching unused after (percentage of the semester)"),
        _("A coaching course with no session once this share of the semester has passed "
          "needs action (10–90)."))
    failures_days = _field(
        "failures_days", _("failed jobs and deliveries shown for (days)"),
        _("Failed report jobs, reminders and messages of this many days back are shown "
          "(1–365)."))
    updated_at = models.DateTimeField(_("changed"), default=timezone.now)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("needs-action thresholds")
        verbose_name_plural = _("needs-action thresholds")
        constraints = [
            models.CheckConstraint(condition=Q(**{f"{name}__gte": low, f"{name}__lte": high}),
                                   name=f"cockpit_{name}_bounds")
            for name, (_default, low, high) in THRESHOLDS.items()
        ]

    def __str__(self) -> str:
        return str(_("Needs-action thresholds – %(municipality)s")
                   % {"municipality": self.organisation})

    def clean(self) -> None:
        errors = {}
        for name, (_default, low, high) in THRESHOLDS.items():
            value = getattr(self, name)
            if value is not None and not low <= value <= high:
                errors[name] = ValidationError(
                    _("Choose a number from %(low)d to %(high)d.") % {"low": low, "high": high},
                    code="out_of_range")
        if errors:
            raise ValidationError(errors)
