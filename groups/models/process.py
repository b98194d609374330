"""A leader group's development process: rollout wave, phases, sessions, training tasks.

The process follows the municipality's framework: a start session on
motivation and needs, five or six development sessions tied to the group's
existing meetings, then follow-up and reinforcement. Between sessions members
do training tasks (reflection on their own practice) and mark them done.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Leader, Organisation
from lib.choice_labels import ChoiceLabels
from lib.scoping import OrganisationQuerySet

from .group import LeaderGroup


class RolloutWave(models.Model):
    """A batch of groups that start together; O&F plans waves over two to three years."""

    organisation_path = "organisation"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="rollout_waves", verbose_name=_("municipality"))
    number = models.PositiveSmallIntegerField(_("wave number"),
                                              help_text=_("Waves start in this order."))
    name = models.CharField(_("name"), max_length=200,
                            help_text=_("E.g. «Wave 1: the service areas' leader groups»."))
    starts_on = models.DateField(_("planned start"))
    ends_on = models.DateField(_("planned end"))
    priority = models.TextField(
        _("priority"), blank=True,
        help_text=_("Which areas and leader levels go first in this wave, and why."))

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("rollout wave")
        verbose_name_plural = _("rollout waves")
        ordering = ["organisation", "number"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "number"],
                                    name="rollout_wave_number_unique"),
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")),
                                   name="rollout_wave_ends_after_start"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": ValidationError(
                _("The wave cannot end before it starts."), code="end_before_start")})


class Phase(models.TextChoices):
    PLANNED = "planned", _("planned, not started")
    START = "start", _("start session")
    DEVELOPMENT = "development", _("development sessions")
    FOLLOW_UP = "follow_up", _("follow-up and reinforcement")
    FINISHED = "finished", _("finished")


class GroupProcess(ChoiceLabels, models.Model):
    """One leader group's development process (6–9 months), led by a facilitator.

    The phase is moved only by services (start, sessions held, finish); the
    constraints keep it consistent with the start and finish dates.
    """

    organisation_path = "group__organisation"

    group = models.OneToOneField(LeaderGroup, on_delete=models.CASCADE, related_name="process",
                                 verbose_name=_("leader group"))
    wave = models.ForeignKey(RolloutWave, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="processes", verbose_name=_("rollout wave"))
    priority = models.PositiveSmallIntegerField(
        _("priority in the wave"), default=100,
        help_text=_("Lower numbers start first within the wave."))
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="facilitated_processes", verbose_name=_("facilitator"),
        limit_choices_to={"is_facilitator": True},
        help_text=_("The adviser from O&F or the supplier who leads the sessions."))
    phase = models.CharField(_("phase"), max_length=12, choices=Phase.choices,
                             default=Phase.PLANNED, db_index=True)
    started_on = models.DateField(_("started"), null=True, blank=True)
    finished_on = models.DateField(_("finished"), null=True, blank=True)
    notes = models.TextField(_("notes for O&F"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("development process")
        verbose_name_plural = _("development processes")
        ordering = ["wave__number", "priority", "group__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(phase=Phase.PLANNED, started_on__isnull=True)
                | (~Q(phase=Phase.PLANNED) & Q(started_on__isnull=False)),
                name="process_started_unless_planned"),
            models.CheckConstraint(
                condition=Q(phase=Phase.FINISHED, finished_on__isnull=False)
                | (~Q(phase=Phase.FINISHED) & Q(finished_on__isnull=True)),
                name="process_finished_date_iff_finished"),
            models.CheckConstraint(
                condition=Q(finished_on__isnull=True) | Q(finished_on__gte=F("started_on")),
                name="process_finishes_after_start"),
        ]

    def __str__(self) -> str:
        return str(self.group)

    @property
    def is_started(self) -> bool:
        return self.phase != Phase.PLANNED

    def clean(self) -> None:
        errors = {}
        org_id = self.group.organisation_id if self.group_id else None
        if self.wave_id and org_id and self.wave.organisation_id != org_id:
            errors["wave"] = ValidationError(
                _("The wave belongs to another municipality."), code="other_municipality")
        if self.facilitator_id:
            if not self.facilitator.is_facilitator:
                errors["facilitator"] = ValidationError(
                    _("This person is not registered as a facilitator."), code="not_facilitator")
            elif org_id and self.facilitator.organisation_id != org_id:
                errors["facilitator"] = ValidationError(
                    _("The facilitator belongs to another municipality."),
                    code="other_municipality")
        if errors:
            raise ValidationError(errors)


class SessionKind(models.TextChoices):
    START = "start", _("start session")
    DEVELOPMENT = "development", _("development session")
    FOLLOW_UP = "follow_up", _("follow-up session")


class ProcessSession(ChoiceLabels, models.Model):
    """A facilitated session, planned into one of the group's existing meetings."""

    organisation_path = "process__group__organisation"
    # Set by the progress page's selector (groups.timeline.session_labels): the name the
    # timeline, the table and the session page share. Not a column.
    label: str

    process = models.ForeignKey(GroupProcess, on_delete=models.CASCADE, related_name="sessions",
                                verbose_name=_("development process"))
    number = models.PositiveSmallIntegerField(_("number"))
    kind = models.CharField(_("kind"), max_length=12, choices=SessionKind.choices)
    planned_at = models.DateTimeField(_("planned for"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=180)
    meeting = models.CharField(
        _("existing meeting"), max_length=200, blank=True,
        help_text=_("The group's regular meeting this session is part of, "
                    "e.g. «leader meeting on Tuesdays»."))
    location = models.CharField(_("place"), max_length=200, blank=True)
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    held_on = models.DateField(_("held on"), null=True, blank=True,
                               help_text=_("Empty until the session has taken place."))
    notes = models.TextField(_("notes"), blank=True,
                             help_text=_("What the group worked on and agreed. "
                                         "Visible to the group."))

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["process", "number"]
        constraints = [
            models.UniqueConstraint(fields=["process", "number"], name="process_session_number"),
            models.CheckConstraint(condition=Q(duration_minutes__gte=15),
                                   name="process_session_duration_min"),
        ]
        indexes = [models.Index(fields=["planned_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"

    @property
    def is_held(self) -> bool:
        return self.held_on is not None

    @property
    def ends_at(self) -> dt.datetime:
        return self.planned_at + dt.timedelta(minutes=self.duration_minutes)


class TrainingTask(models.Model):
    """Practice and reflection between sessions; every member marks it done."""

    organisation_path = "process__group__organisation"

    process = models.ForeignKey(GroupProcess, on_delete=models.CASCADE, related_name="tasks",
                                verbose_name=_("development process"))
    after_session = models.ForeignKey(
        ProcessSession, on_delete=models.SET_NULL, null=True, blank=True, related_name="tasks",
        verbose_name=_("given at session"))
    title = models.CharField(_("title"), max_length=200)
    instructions = models.TextField(
        _("instructions"), blank=True,
        help_text=_("What to try in practice and reflect on before the next session."))
    due_on = models.DateField(_("due"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("training task")
        verbose_name_plural = _("training tasks")
        ordering = ["process", "due_on", "pk"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if (self.after_session_id and self.process_id
                and self.after_session.process_id != self.process_id):
            raise ValidationError({"after_session": ValidationError(
                _("The session belongs to another process."), code="other_process")})


class TaskCompletion(models.Model):
    """A member has done a training task (at most once, enforced by the database)."""

    organisation_path = "task__process__group__organisation"

    task = models.ForeignKey(TrainingTask, on_delete=models.CASCADE, related_name="completions",
                             verbose_name=_("training task"))
    leader = models.ForeignKey(Leader, on_delete=models.CASCADE,
                               related_name="task_completions", verbose_name=_("leader"))
    done_at = models.DateTimeField(_("done"), default=timezone.now)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("completed task")
        verbose_name_plural = _("completed tasks")
        constraints = [
            models.UniqueConstraint(fields=["task", "leader"], name="task_done_once_per_leader"),
        ]

    def __str__(self) -> str:
        return f"{self.task} – {self.leader}"
