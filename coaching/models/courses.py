"""A leader's individual course for a semester, and their private development project."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Leader, Organisation, Unit
from lib.choice_labels import ChoiceLabels
from lib.scoping import OrganisationQuerySet

from ..semesters import Semester, Term
from .agreements import CoachProfile, FrameworkAgreement


class CourseStatus(models.TextChoices):
    SUBMITTED = "sokt", _("waiting for approval")
    APPROVED = "godkjent", _("approved, waiting for a coach")
    ACTIVE = "aktiv", _("under way")
    COMPLETED = "avsluttet", _("completed")
    REJECTED = "avslatt", _("not approved")
    WITHDRAWN = "trukket", _("withdrawn")


# A leader has at most one of these per semester; rejected or withdrawn ones may be re-applied.
OPEN_STATUSES = (CourseStatus.SUBMITTED, CourseStatus.APPROVED, CourseStatus.ACTIVE,
                 CourseStatus.COMPLETED)


class DiscoveryMethod(models.TextChoices):
    """How the leader finds their development areas (see DOMAIN.md)."""

    ORIENTATIONS = "orientering", _("task, relation and change orientation (Yukl)")
    FIVE_FACTOR = "femfaktor", _("the five-factor model")
    BELBIN = "belbin", _("Belbin team roles")
    NONE = "ingen", _("none")


class CoachingCourse(ChoiceLabels, models.Model):
    """One leader's individual coaching for one semester (individuelt lederutviklingsløp).

    Holds only what O&F and the leader above may see: who, when, who pays,
    status and the session allowance. The leader's own words live in
    :class:`DevelopmentProject`, which nobody else reads unless the leader
    shares it with their coach.
    """

    organisation_path = "organisation"

    uuid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="coaching_courses",
                                     verbose_name=_("municipality"))
    leader = models.ForeignKey(Leader, on_delete=models.PROTECT, related_name="coaching_courses",
                               verbose_name=_("leader"))
    agreement = models.ForeignKey(FrameworkAgreement, on_delete=models.PROTECT,
                                  related_name="courses", verbose_name=_("framework agreement"))
    programme = models.ForeignKey(
        "programs.Programme", on_delete=models.PROTECT, null=True, blank=True,
        related_name="coaching_courses", verbose_name=_("programme"),
        help_text=_("When the course is part of a programme."))
    term = models.CharField(_("semester"), max_length=4, choices=Term.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    ordering_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="coaching_orders",
        verbose_name=_("ordering unit"),
        help_text=_("The unit that orders and pays; the supplier invoices it directly."))
    discovery_method = models.CharField(
        _("how development areas are found"), max_length=12, choices=DiscoveryMethod.choices,
        default=DiscoveryMethod.NONE)
    status = models.CharField(_("status"), max_length=10, choices=CourseStatus.choices,
                              default=CourseStatus.SUBMITTED)
    coach = models.ForeignKey(CoachProfile, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="courses", verbose_name=_("coach"))
    leader_may_choose_coach = models.BooleanField(
        _("leader chooses the coach"), default=False,
        help_text=_("The leader picks one of the agreement's coaches with room."))
    sessions_allowed = models.PositiveSmallIntegerField(
        _("sessions allowed"), help_text=_("Taken from the agreement when the leader applies."))
    applied_at = models.DateTimeField(_("applied"), default=timezone.now)
    decided_at = models.DateTimeField(_("approved or declined"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("approved or declined by"))
    decision_note = models.TextField(_("reason given"), blank=True, max_length=2000)
    coach_assigned_at = models.DateTimeField(_("coach assigned"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("coaching course")
        verbose_name_plural = _("coaching courses")
        ordering = ["-year", "-term", "-applied_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["leader", "year", "term"], condition=Q(status__in=OPEN_STATUSES),
                name="coaching_course_one_per_leader_and_semester"),
            models.CheckConstraint(condition=Q(sessions_allowed__gte=1,
                                               sessions_allowed__lte=20),
                                   name="coaching_course_sessions_1_to_20"),
            models.CheckConstraint(
                condition=~Q(status__in=[CourseStatus.ACTIVE, CourseStatus.COMPLETED])
                | Q(coach__isnull=False),
                name="coaching_course_active_has_coach"),
        ]
        indexes = [models.Index(fields=["organisation", "status"])]

    def __str__(self) -> str:
        return f"{self.leader} – {self.semester.label}" if self.leader_id else str(self.uuid)

    @property
    def semester(self) -> Semester:
        return Semester(self.year, self.term)

    @property
    def booking_window(self) -> tuple[dt.date, dt.date]:
        """First and last day a session may take place: the semester within the agreement."""
        semester = self.semester
        return (max(semester.starts_on, self.agreement.starts_on),
                min(semester.ends_on, self.agreement.ends_on))

    @property
    def is_open(self) -> bool:
        return self.status in (CourseStatus.SUBMITTED, CourseStatus.APPROVED, CourseStatus.ACTIVE)

    @property
    def is_submitted(self) -> bool:
        return self.status == CourseStatus.SUBMITTED

    @property
    def is_approved(self) -> bool:
        return self.status == CourseStatus.APPROVED

    @property
    def is_under_way(self) -> bool:
        return self.status == CourseStatus.ACTIVE

    @property
    def may_be_withdrawn(self) -> bool:
        """The leader may withdraw until the course is under way."""
        return self.status in (CourseStatus.SUBMITTED, CourseStatus.APPROVED)

    @property
    def leader_can_choose_coach(self) -> bool:
        """Approved, and O&F has left the choice of coach to the leader."""
        return self.is_approved and self.leader_may_choose_coach

    def clean(self) -> None:
        errors: dict[str, object] = {}
        org = self.organisation_id
        if org and self.ordering_unit_id and self.ordering_unit.organisation_id != org:
            errors["ordering_unit"] = ValidationError(
                _("The unit belongs to another municipality."), code="other_municipality")
        if org and self.coach_id and self.coach.organisation_id != org:
            errors["coach"] = ValidationError(
                _("The coach belongs to another municipality."), code="other_municipality")
        if self.sessions_allowed is not None and not 1 <= self.sessions_allowed <= 20:
            errors["sessions_allowed"] = ValidationError(
                _("Between 1 and 20 sessions."), code="sessions_out_of_range")
        if errors:
            raise ValidationError(errors)


class DevelopmentProject(models.Model):
    """The leader's development project (aksjonslæringsprosjekt), from five questions.

    Private to the leader. Their coach reads it (and the reflection notes)
    only while ``shared_with_coach`` is on; O&F and the leader above never do,
    which is why this model has no admin and no export.
    """

    organisation_path = "course__organisation"

    course = models.OneToOneField(CoachingCourse, on_delete=models.CASCADE,
                                  related_name="project", verbose_name=_("coaching course"))
    leadership = models.TextField(_("What should characterise my leadership?"), blank=True,
                                  max_length=4000)
    development_points = models.TextField(
        _("My most important development points (from the model)"), blank=True,
        max_length=4000)
    first_action = models.TextField(_("My first action: what will I do differently?"),
                                    blank=True, max_length=4000)
    practice_when = models.TextField(_("When will I practise?"), blank=True, max_length=4000)
    progress_signs = models.TextField(_("How will I know I am on the right track?"),
                                      blank=True, max_length=4000)
    shared_with_coach = models.BooleanField(
        _("share with my coach"), default=False,
        help_text=_("Your coach may read your development project and reflection notes."))
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    objects = OrganisationQuerySet.as_manager()

    ANSWER_FIELDS = ("leadership", "development_points", "first_action", "practice_when",
                     "progress_signs")

    class Meta:
        verbose_name = _("development project")
        verbose_name_plural = _("development projects")

    def __str__(self) -> str:
        return str(_("development project"))

    def answers(self) -> list[tuple[str, str]]:
        """(question, answer) pairs in the order of the five questions."""
        return [(str(self._meta.get_field(name).verbose_name), getattr(self, name))
                for name in self.ANSWER_FIELDS]


class ReflectionNote(models.Model):
    """A note the leader writes about their practice, e.g. after a session."""

    organisation_path = "project__course__organisation"

    uuid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    project = models.ForeignKey(DevelopmentProject, on_delete=models.CASCADE,
                                related_name="notes", verbose_name=_("development project"))
    body = models.TextField(_("reflection"), max_length=5000)
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("reflection note")
        verbose_name_plural = _("reflection notes")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d}"
