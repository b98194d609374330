"""Who is asked, about what, when: rounds, invitations and anonymity thresholds."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lib.scoping import OrganisationQuerySet

from .instruments import Instrument, InstrumentKind

DEFAULT_MIN_RESPONDENTS = 5
DEFAULT_MIN_TEXT_RESPONDENTS = 10
LOWEST_THRESHOLD = 3
# A leader group is small (often 4–8): its own before/after needs a threshold of its own.
DEFAULT_MIN_GROUP_RESPONDENTS = LOWEST_THRESHOLD
AT_LEAST_3 = MinValueValidator(LOWEST_THRESHOLD, _("A threshold cannot be lower than 3."))


class AnonymitySettings(models.Model):
    """A municipality's promise: no result for fewer respondents than this."""

    organisation_path = "organisation"

    organisation = models.OneToOneField("accounts.Organisation", on_delete=models.CASCADE,
                                        related_name="survey_settings",
                                        verbose_name=_("municipality"))
    min_respondents = models.PositiveSmallIntegerField(
        _("fewest respondents for scores"), default=DEFAULT_MIN_RESPONDENTS,
        validators=[AT_LEAST_3],
        help_text=_("No mean, chart or export is shown for fewer respondents. At least 3."))
    min_text_respondents = models.PositiveSmallIntegerField(
        _("fewest respondents for comments"), default=DEFAULT_MIN_TEXT_RESPONDENTS,
        validators=[AT_LEAST_3],
        help_text=_("Free-text comments are shown only when at least this many answered the "
                    "question. At least 3."))
    min_group_respondents = models.PositiveSmallIntegerField(
        _("fewest respondents for a leader group's scores"),
        default=DEFAULT_MIN_GROUP_RESPONDENTS, validators=[AT_LEAST_3],
        help_text=_("Leader-group rounds (Effect before/after) only: a group sees its own "
                    "results when at least this many members answered. The needs survey and "
                    "evaluations use the threshold above. At least 3."))

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("anonymity threshold")
        verbose_name_plural = _("anonymity thresholds")
        constraints = [
            models.CheckConstraint(condition=Q(min_respondents__gte=LOWEST_THRESHOLD),
                                   name="survey_min_respondents_at_least_3",
                                   violation_error_message=AT_LEAST_3.message),
            models.CheckConstraint(condition=Q(min_text_respondents__gte=LOWEST_THRESHOLD),
                                   name="survey_min_text_respondents_at_least_3",
                                   violation_error_message=AT_LEAST_3.message),
            models.CheckConstraint(condition=Q(min_group_respondents__gte=LOWEST_THRESHOLD),
                                   name="survey_min_group_respondents_at_least_3",
                                   violation_error_message=AT_LEAST_3.message),
        ]

    def __str__(self) -> str:
        return str(self.organisation)


class Phase(models.TextChoices):
    NONE = "", _("none")
    BEFORE = "before", _("before")
    AFTER = "after", _("after")


class RoundQuerySet(OrganisationQuerySet):
    def open_on(self, today: dt.date) -> RoundQuerySet:
        return self.filter(opens_on__lte=today, closes_on__gte=today, completed=False)

    def may_open(self, today: dt.date) -> RoundQuerySet:
        """The rounds for which :meth:`Round.may_open` holds, as a filter."""
        return self.open_on(today).filter(opened_at__isnull=True)


class Round(models.Model):
    """One use of an instrument for a target, open between two dates.

    The target follows the kind: a leader group with a phase (before/after,
    the after round pointing at its before round), a module session or a
    programme gathering (evaluation), or the whole municipality (needs).
    """

    organisation_path = "organisation"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE,
                                     related_name="survey_rounds", verbose_name=_("municipality"))
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="rounds",
                                   verbose_name=_("instrument"))
    kind = models.CharField(_("kind"), max_length=20, choices=InstrumentKind.choices)
    title = models.CharField(_("name of the round"), max_length=200, blank=True,
                             help_text=_("Optional; made from the target when empty."))
    phase = models.CharField(_("phase"), max_length=10, choices=Phase.choices, blank=True,
                             default=Phase.NONE,
                             help_text=_("Leader-group rounds only: before or after the process."))
    group = models.ForeignKey("groups.LeaderGroup", on_delete=models.PROTECT, null=True,
                              blank=True, related_name="survey_rounds",
                              verbose_name=_("leader group"))
    baseline = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="follow_up",
        verbose_name=_("before round"),
        help_text=_("An after round: the before round it is compared with."))
    module_session = models.ForeignKey(
        "programs.ModuleSession", on_delete=models.PROTECT, null=True, blank=True,
        related_name="survey_rounds", verbose_name=_("module session"),
        help_text=_("Evaluation rounds: the session evaluated (or choose a gathering)."))
    gathering = models.ForeignKey(
        "programs.Gathering", on_delete=models.PROTECT, null=True, blank=True,
        related_name="survey_rounds", verbose_name=_("gathering"),
        help_text=_("Evaluation rounds: the programme gathering evaluated."))
    opens_on = models.DateField(_("opens"))
    closes_on = models.DateField(_("closes"), help_text=_("The last day answers are taken."))
    anonymous = models.BooleanField(
        _("anonymous"), default=True,
        help_text=_("Answers are stored without any link to the person. Cannot be changed "
                    "once someone has answered."))
    min_respondents = models.PositiveSmallIntegerField(
        _("fewest respondents for scores"), default=DEFAULT_MIN_RESPONDENTS, editable=False,
        help_text=_("Copied from the municipality's thresholds when the round is made (for a "
                    "leader-group round its group threshold): the promise given to those "
                    "invited does not change afterwards."))
    min_text_respondents = models.PositiveSmallIntegerField(
        _("fewest respondents for comments"), default=DEFAULT_MIN_TEXT_RESPONDENTS,
        editable=False)
    opened_at = models.DateTimeField(_("invitations made"), null=True, blank=True,
                                     editable=False)
    completed = models.BooleanField(
        _("everyone has answered"), default=False, editable=False,
        help_text=_("The round closed early because everyone invited had answered."))
    disclosure = models.JSONField(
        _("cells shown"), null=True, blank=True, editable=False,
        help_text=_("Which breakdown cells the report may show, worked out once the results "
                    "are released."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = RoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("survey round")
        verbose_name_plural = _("survey rounds")
        ordering = ["-opens_on", "-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(closes_on__gte=models.F("opens_on")),
                                   name="survey_round_closes_after_opening",
                                   violation_error_message=_("A round cannot close before it "
                                                             "opens.")),
            # Exactly the target its kind needs, and nothing else.
            models.CheckConstraint(
                condition=(
                    Q(kind="effect", group__isnull=False, phase__in=["before", "after"],
                      module_session__isnull=True, gathering__isnull=True)
                    | Q(kind="needs", group__isnull=True, phase="",
                        module_session__isnull=True, gathering__isnull=True)
                    | (Q(kind="evaluation", group__isnull=True, phase="")
                       & (Q(module_session__isnull=False, gathering__isnull=True)
                          | Q(module_session__isnull=True, gathering__isnull=False)))),
                name="survey_round_target_matches_kind",
                violation_error_message=_("The target does not fit the kind of round: a "
                                          "leader group with before or after, a session or a "
                                          "gathering, or nothing for the needs survey.")),
            # A session or gathering is evaluated once (the opening task may run twice).
            models.UniqueConstraint(fields=["module_session"],
                                    name="survey_round_one_evaluation_per_session",
                                    violation_error_message=_("This session already has an "
                                                              "evaluation round.")),
            models.UniqueConstraint(fields=["gathering"],
                                    name="survey_round_one_evaluation_per_gathering",
                                    violation_error_message=_("This gathering already has an "
                                                              "evaluation round.")),
            models.CheckConstraint(condition=Q(baseline__isnull=True) | Q(phase="after"),
                                   name="survey_round_baseline_only_after"),
            models.CheckConstraint(
                condition=Q(min_respondents__gte=LOWEST_THRESHOLD,
                            min_text_respondents__gte=LOWEST_THRESHOLD),
                name="survey_round_thresholds_at_least_3"),
        ]
        indexes = [models.Index(fields=["organisation", "kind", "closes_on"])]

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        if self.title:
            return self.title
        if self.kind == InstrumentKind.EFFECT and self.group_id:
            phase = self.get_phase_display()
            return _("Effect survey %(phase)s – %(group)s") % {"phase": phase,
                                                                "group": self.group.name}
        if self.module_session_id:
            return _("Evaluation – %(session)s") % {"session": self.module_session}
        if self.gathering_id:
            return _("Evaluation – %(gathering)s") % {"gathering": self.gathering}
        return self.instrument.name

    @property
    def is_evaluation(self) -> bool:
        return self.kind == InstrumentKind.EVALUATION

    @property
    def is_before(self) -> bool:
        """A leader group's before round (the baseline of an after round)."""
        return self.phase == Phase.BEFORE

    @property
    def target_label(self) -> str:
        """What the round is about, for lists."""
        if self.group_id:
            return self.group.name
        if self.module_session_id:
            return str(self.module_session)
        if self.gathering_id:
            return str(self.gathering)
        return str(_("All leaders"))

    def is_open(self, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.opens_on <= today <= self.closes_on and not self.completed

    def may_open(self, today: dt.date | None = None) -> bool:
        """Whether the round may be opened (its invitations made) today: open, and not yet.

        The one rule for the opening service, the admin's action and the daily task
        (which narrows its rows with the matching ``Round.objects.may_open``).
        """
        return self.opened_at is None and self.is_open(today)

    def has_closed(self, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.completed or today > self.closes_on

    def results_released(self, today: dt.date | None = None) -> bool:
        """Results wait until no more answers can come.

        Showing results while answers still come in would let a reader
        difference two readings (the mean at five answers and at six gives
        the sixth person's answer), so they are released when the round has
        closed, or early when everyone invited has answered.
        """
        return self.has_closed(today)

    def clean(self) -> None:
        # Later checks overwrite earlier messages for the same field, as they always have.
        errors: dict[str, Any] = {}
        for check in (self._instrument_errors, self._date_errors, self._target_errors,
                      self._baseline_errors, self._municipality_errors):
            errors.update(check())
        if errors:
            raise ValidationError(errors)

    def _instrument_errors(self) -> dict[str, Any]:
        if self.instrument_id and self.kind and self.instrument.kind != self.kind:
            return {"instrument": ValidationError(
                _("The instrument is not for this kind of round."), code="wrong_kind")}
        return {}

    def _date_errors(self) -> dict[str, Any]:
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            return {"closes_on": ValidationError(
                _("A round cannot close before it opens."), code="end_before_start")}
        return {}

    def _target_errors(self) -> dict[str, Any]:
        """Exactly the target the kind needs: a group and phase, a session or gathering, or
        nothing (the database's check constraint says the same)."""
        errors: dict[str, Any] = {}
        if self.kind == InstrumentKind.EFFECT:
            if not self.group_id:
                errors["group"] = ValidationError(_("Choose the leader group."), code="required")
            if self.phase not in (Phase.BEFORE, Phase.AFTER):
                errors["phase"] = ValidationError(_("Choose before or after."), code="required")
        else:
            if self.group_id:
                errors["group"] = ValidationError(
                    _("Only leader-group rounds have a leader group."), code="wrong_kind")
            if self.phase:
                errors["phase"] = ValidationError(
                    _("Only leader-group rounds have a phase."), code="wrong_kind")
        if self.kind == InstrumentKind.EVALUATION:
            if bool(self.module_session_id) == bool(self.gathering_id):
                errors["module_session"] = ValidationError(
                    _("Choose either a module session or a gathering."), code="required")
        elif self.module_session_id or self.gathering_id:
            errors["module_session"] = ValidationError(
                _("Only evaluation rounds have a session or gathering."), code="wrong_kind")
        return errors

    def _baseline_errors(self) -> dict[str, Any]:
        """An after round's before round: same group, same instrument."""
        if not self.baseline_id:
            return {}
        base = self.baseline
        if self.phase != Phase.AFTER or base.phase != Phase.BEFORE:
            return {"baseline": ValidationError(
                _("Only an after round points at a before round."), code="invalid_baseline")}
        if base.group_id != self.group_id:
            return {"baseline": ValidationError(
                _("The before round is for another leader group."), code="invalid_baseline")}
        if base.instrument_id != self.instrument_id:
            return {"baseline": ValidationError(
                _("Before and after must use the same instrument."), code="invalid_baseline")}
        return {}

    def _municipality_errors(self) -> dict[str, Any]:
        errors: dict[str, Any] = {}
        if self.group_id and self.organisation_id and \
                self.group.organisation_id != self.organisation_id:
            errors["group"] = ValidationError(
                _("The leader group belongs to another municipality."), code="other_municipality")
        if self.instrument_id and self.instrument.organisation_id not in (
                None, self.organisation_id):
            errors["instrument"] = ValidationError(
                _("The instrument belongs to another municipality."), code="other_municipality")
        return errors


class Invitation(models.Model):
    """Who is asked and whether they have answered — never what they answered.

    Deliberately without timestamps of answering: in an anonymous round a
    time here could be matched with a response's time.
    """

    organisation_path = "round__organisation"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="invitations",
                              verbose_name=_("round"))
    leader = models.ForeignKey("accounts.Leader", on_delete=models.CASCADE,
                               related_name="survey_invitations", verbose_name=_("leader"))
    emailed_at = models.DateTimeField(_("invitation sent"), null=True, blank=True)
    submitted = models.BooleanField(_("has answered"), default=False)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(fields=["round", "leader"],
                                    name="survey_invitation_once_per_leader"),
        ]
        indexes = [models.Index(fields=["leader", "submitted"])]

    def __str__(self) -> str:
        return f"{self.leader} – {self.round}"
