"""Suppliers, their framework agreements (rammeavtaler) and their coaches' time."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from lib.scoping import OrganisationQuerySet


class Supplier(models.Model):
    """A consultancy (or KS, or a freelance coach) that delivers coaching to the municipality."""

    organisation_path = "organisation"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="coaching_suppliers",
                                     verbose_name=_("municipality"))
    name = models.CharField(_("name"), max_length=200)
    org_number = models.CharField(_("organisation number"), max_length=9, blank=True,
                                  help_text=_("Nine digits from the Brønnøysund registers."))
    contact_email = models.EmailField(_("contact email"), blank=True,
                                      help_text=_("Where questions about invoices go."))

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"],
                                    name="coaching_supplier_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class FrameworkAgreement(models.Model):
    """A framework agreement (rammeavtale) that O&F has procured from a supplier.

    It fixes the price and the rules every course under it follows: how many
    sessions a leader gets, how long a session is and until when a leader may
    cancel without the session counting as used. A new price is a new
    agreement, so invoices for past months never change.
    """

    organisation_path = "organisation"

    uuid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="coaching_agreements",
                                     verbose_name=_("municipality"))
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="agreements",
                                 verbose_name=_("supplier"))
    name = models.CharField(_("name"), max_length=200,
                            help_text=_("E.g. «Rammeavtale lederveiledning 2026–2028»."))
    programme = models.ForeignKey(
        "programs.Programme", on_delete=models.PROTECT, null=True, blank=True,
        related_name="coaching_agreements", verbose_name=_("programme"),
        help_text=_("Only for courses in this programme (e.g. four sessions per leader). "
                    "Empty: the municipality's general agreement."))
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"), help_text=_("Sessions can be booked up to this day."))
    hourly_rate = models.DecimalField(
        _("hourly rate (NOK)"), max_digits=10, decimal_places=2,
        validators=[MinValueValidator(0)], help_text=_("Excluding VAT, e.g. 2187.50."))
    sessions_per_leader = models.PositiveSmallIntegerField(
        _("sessions per leader"), default=3,
        help_text=_("Sessions each leader may use in a course (usually 3)."))
    session_minutes = models.PositiveSmallIntegerField(_("session length (minutes)"), default=60)
    cancellation_hours = models.PositiveSmallIntegerField(
        _("free cancellation until (hours before)"), default=24,
        help_text=_("A later cancellation counts as a used session and is invoiced."))
    supplier_reference = models.CharField(
        _("supplier's reference"), max_length=60, blank=True,
        help_text=_("The supplier's contract or order number, printed on the invoice basis "
                    "so the finance office can match the invoice."))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("framework agreement")
        verbose_name_plural = _("framework agreements")
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")),
                                   name="coaching_agreement_ends_after_start"),
            models.CheckConstraint(condition=Q(hourly_rate__gte=0),
                                   name="coaching_agreement_rate_not_negative"),
            models.CheckConstraint(condition=Q(sessions_per_leader__gte=1,
                                               sessions_per_leader__lte=20),
                                   name="coaching_agreement_sessions_1_to_20"),
            models.CheckConstraint(condition=Q(session_minutes__gte=15, session_minutes__lte=240),
                                   name="coaching_agreement_session_15_to_240_minutes"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.supplier.name})" if self.supplier_id else self.name

    def clean(self) -> None:
        errors: dict[str, object] = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = ValidationError(
                _("The agreement cannot end before it starts."), code="end_before_start")
        if self.supplier_id and self.organisation_id \
                and self.supplier.organisation_id != self.organisation_id:
            errors["supplier"] = ValidationError(
                _("The supplier belongs to another municipality."), code="other_municipality")
        if self.programme_id and self.organisation_id \
                and self.programme.organisation_id != self.organisation_id:
            errors["programme"] = ValidationError(
                _("The programme belongs to another municipality."), code="other_municipality")
        if errors:
            raise ValidationError(errors)

    def covers(self, day: dt.date) -> bool:
        return self.starts_on <= day <= self.ends_on


class Mode(models.TextChoices):
    PHONE = "telefon", _("phone")
    VIDEO = "video", _("video")
    ON_SITE = "oppmote", _("on site")


class CoachProfile(models.Model):
    """A coach (veileder) of a supplier: a user with ``is_coach``, and their capacity."""

    organisation_path = "organisation"

    uuid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="coaches", verbose_name=_("municipality"))
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="coach_profile", verbose_name=_("user"),
                                limit_choices_to={"is_coach": True},
                                help_text=_("A user marked as coach."))
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="coaches",
                                 verbose_name=_("supplier"))
    presentation = models.TextField(
        _("presentation"), blank=True, max_length=2000,
        help_text=_("Shown to leaders who choose their own coach."))
    daily_capacity = models.PositiveSmallIntegerField(
        _("sessions per day at most"), default=10,
        help_text=_("No more sessions than this are booked on one day."))
    max_courses = models.PositiveSmallIntegerField(
        _("leaders per semester at most"), default=15,
        help_text=_("A coach with this many courses in a semester has no room for more."))
    offers_phone = models.BooleanField(_("phone"), default=True)
    offers_video = models.BooleanField(_("video"), default=True)
    offers_on_site = models.BooleanField(_("on site"), default=False)
    location = models.CharField(_("place for sessions on site"), max_length=200, blank=True)
    meeting_link = models.URLField(_("video meeting link"), blank=True)
    is_active = models.BooleanField(_("active"), default=True,
                                    help_text=_("Inactive coaches get no new leaders."))

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("coach")
        verbose_name_plural = _("coaches")
        ordering = ["user__full_name"]
        constraints = [
            models.CheckConstraint(condition=Q(daily_capacity__gte=1),
                                   name="coaching_coach_capacity_positive"),
            models.CheckConstraint(condition=Q(max_courses__gte=1),
                                   name="coaching_coach_max_courses_positive"),
            models.CheckConstraint(
                condition=Q(offers_phone=True) | Q(offers_video=True) | Q(offers_on_site=True),
                name="coaching_coach_offers_a_mode"),
        ]

    def __str__(self) -> str:
        return self.user.full_name if self.user_id else str(_("coach"))

    @property
    def name(self) -> str:
        return self.user.full_name

    @property
    def modes(self) -> list[str]:
        offered = [(self.offers_phone, Mode.PHONE), (self.offers_video, Mode.VIDEO),
                   (self.offers_on_site, Mode.ON_SITE)]
        return [mode.value for on, mode in offered if on]

    def mode_choices(self) -> list[tuple[str, str]]:
        labels = dict(Mode.choices)
        return [(mode, labels[mode]) for mode in self.modes]

    def clean(self) -> None:
        errors: dict[str, object] = {}
        if self.user_id:
            if self.organisation_id and self.user.organisation_id != self.organisation_id:
                errors["user"] = ValidationError(
                    _("The user belongs to another municipality."), code="other_municipality")
            elif not self.user.is_coach:
                errors["user"] = ValidationError(
                    _("Mark the user as coach first."), code="not_coach")
        if self.supplier_id and self.organisation_id \
                and self.supplier.organisation_id != self.organisation_id:
            errors["supplier"] = ValidationError(
                _("The supplier belongs to another municipality."), code="other_municipality")
        if not (self.offers_phone or self.offers_video or self.offers_on_site):
            errors["offers_phone"] = ValidationError(
                _("Choose at least one way to meet."), code="no_mode")
        if errors:
            raise ValidationError(errors)


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class WeeklyAvailability(models.Model):
    """Recurring working hours: e.g. every Tuesday 08:30–15:30."""

    organisation_path = "coach__organisation"

    coach = models.ForeignKey(CoachProfile, on_delete=models.CASCADE,
                              related_name="weekly_hours", verbose_name=_("coach"))
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    starts_at = models.TimeField(_("from"))
    ends_at = models.TimeField(_("to"))

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("weekly working hours")
        verbose_name_plural = _("weekly working hours")
        ordering = ["weekday", "starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")),
                                   name="coaching_weekly_ends_after_start"),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="coaching_weekday_0_to_6"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": ValidationError(
                _("The end must be after the start."), code="end_before_start")})


class ExceptionKind(models.TextChoices):
    BLOCKED = "sperret", _("blocked (not available)")
    EXTRA = "ekstra", _("extra working hours")


class AvailabilityException(models.Model):
    """A change to the weekly hours: time the coach blocks, or extra time they open."""

    organisation_path = "coach__organisation"

    uuid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    coach = models.ForeignKey(CoachProfile, on_delete=models.CASCADE,
                              related_name="exceptions", verbose_name=_("coach"))
    kind = models.CharField(_("kind"), max_length=10, choices=ExceptionKind.choices,
                            default=ExceptionKind.BLOCKED)
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("to"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("availability exception")
        verbose_name_plural = _("availability exceptions")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")),
                                   name="coaching_exception_ends_after_start"),
        ]
        indexes = [models.Index(fields=["coach", "starts_at"])]

    def __str__(self) -> str:
        start = timezone.localtime(self.starts_at)
        return f"{self.get_kind_display()} {start:%d.%m.%Y %H:%M}"

    @property
    def is_blocked(self) -> bool:
        return self.kind == ExceptionKind.BLOCKED

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": ValidationError(
                _("The end must be after the start."), code="end_before_start")})
