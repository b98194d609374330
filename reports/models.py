"""What O&F sets for reminders and costs: one policy per municipality, rates and budgets."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lib.models import GeneratedDocument
from lib.scoping import OrganisationQuerySet


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


def _days() -> list[MinValueValidator | MaxValueValidator]:
    return [MinValueValidator(1), MaxValueValidator(60)]


class ReminderPolicy(models.Model):
    """When a municipality's reminders go, and which kinds go at all.

    One per municipality (unique), created with the defaults the first time a
    sweep or O&F needs it (``reports.services.policy_get``). Beat only decides
    how often the sweep runs; everything here decides what the sweep sends.
    """

    organisation_path = "organisation"

    organisation = models.OneToOneField("accounts.Organisation", on_delete=models.CASCADE,
                                        related_name="reminder_policy",
                                        verbose_name=_("municipality"))
    first_reminder_days = models.PositiveSmallIntegerField(
        _("first reminder (days before)"), default=7, validators=_days(),
        help_text=_("Days before a session, gathering, network meeting or coaching booking."))
    last_reminder_days = models.PositiveSmallIntegerField(
        _("last reminder (days before)"), default=1, validators=_days(),
        help_text=_("Days before; must be fewer than the first reminder."))
    survey_interval_days = models.PositiveSmallIntegerField(
        _("survey reminder every (days)"), default=3, validators=_days(),
        help_text=_("Leaders who have not answered are reminded at most this often until "
                    "the survey closes."))
    approval_interval_days = models.PositiveSmallIntegerField(
        _("approval reminder every (days)"), default=3, validators=_days(),
        help_text=_("A leader above with a request waiting is reminded this often."))
    digest_weekday = models.PositiveSmallIntegerField(
        _("facilitator digest on"), choices=Weekday.choices, default=Weekday.MONDAY)
    sessions_on = models.BooleanField(_("module and group sessions"), default=True)
    gatherings_on = models.BooleanField(_("gatherings"), default=True)
    network_meetings_on = models.BooleanField(_("network meetings"), default=True)
    bookings_on = models.BooleanField(_("coaching bookings"), default=True)
    surveys_on = models.BooleanField(_("unanswered surveys"), default=True)
    approvals_on = models.BooleanField(_("requests waiting for approval"), default=True)
    digest_on = models.BooleanField(_("weekly facilitator digest"), default=True)
    updated_at = models.DateTimeField(_("changed"), default=timezone.now)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("reminder policy")
        verbose_name_plural = _("reminder policies")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_reminder_days__lt=models.F("first_reminder_days")),
                name="reminder_policy_last_before_first"),
            models.CheckConstraint(condition=models.Q(last_reminder_days__gte=1),
                                   name="reminder_policy_last_at_least_one_day"),
            models.CheckConstraint(condition=models.Q(survey_interval_days__gte=1)
                                   & models.Q(approval_interval_days__gte=1),
                                   name="reminder_policy_intervals_positive"),
        ]

    def __str__(self) -> str:
        return str(_("Reminder policy"))

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if (self.last_reminder_days is not None and self.first_reminder_days is not None
                and self.last_reminder_days >= self.first_reminder_days):
            raise ValidationError({"last_reminder_days": _(
                "The last reminder must come fewer days before than the first.")})

    @property
    def days_before(self) -> tuple[int, int]:
        return (self.first_reminder_days, self.last_reminder_days)


class Payer(models.TextChoices):
    OAF = "oaf", _("O&F")
    UNIT = "enhet", _("ordering unit")


class CostRates(models.Model):
    """Prices for a programme (NOK ex. VAT); defaults are those of a Seljord-like offer."""

    organisation_path = "programme__organisation"

    programme = models.OneToOneField("programs.Programme", on_delete=models.CASCADE,
                                     related_name="cost_rates", verbose_name=_("programme"))
    gathering_day_per_adviser = models.DecimalField(
        _("gathering day per adviser"), max_digits=10, decimal_places=2,
        default=Decimal("21875.00"), validators=[MinValueValidator(Decimal(0))])
    network_meeting_day = models.DecimalField(
        _("network-meeting day"), max_digits=10, decimal_places=2, default=Decimal("17500.00"),
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("One adviser's day with up to two network meetings (before and after noon)."))
    meetings_per_day = models.PositiveSmallIntegerField(
        _("network meetings per day"), default=2,
        validators=[MinValueValidator(1), MaxValueValidator(4)])

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("cost rates")
        verbose_name_plural = _("cost rates")

    def __str__(self) -> str:
        return str(_("Cost rates"))


class ProgrammeBudget(models.Model):
    """The money set aside for a programme, split by who pays."""

    organisation_path = "programme__organisation"

    programme = models.OneToOneField("programs.Programme", on_delete=models.CASCADE,
                                     related_name="budget", verbose_name=_("programme"))
    oaf_amount = models.DecimalField(_("budget O&F"), max_digits=12, decimal_places=2,
                                     default=Decimal(0),
                                     validators=[MinValueValidator(Decimal(0))])
    units_amount = models.DecimalField(
        _("budget ordering units"), max_digits=12, decimal_places=2, default=Decimal(0),
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("What the units are expected to pay, mostly coaching."))
    notes = models.TextField(_("notes"), blank=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("programme budget")
        verbose_name_plural = _("programme budgets")
        constraints = [
            models.CheckConstraint(condition=models.Q(oaf_amount__gte=0)
                                   & models.Q(units_amount__gte=0),
                                   name="programme_budget_not_negative"),
        ]

    def __str__(self) -> str:
        return str(_("Budget"))

    @property
    def total(self) -> Decimal:
        return self.oaf_amount + self.units_amount


class TravelCost(models.Model):
    """A travel expense O&F enters for a programme (state rates, entered as paid)."""

    organisation_path = "programme__organisation"

    programme = models.ForeignKey("programs.Programme", on_delete=models.CASCADE,
                                  related_name="travel_costs", verbose_name=_("programme"))
    date = models.DateField(_("date"))
    description = models.CharField(_("description"), max_length=200)
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2,
                                 validators=[MinValueValidator(Decimal("0.01"))])
    paid_by = models.CharField(_("paid by"), max_length=6, choices=Payer.choices,
                               default=Payer.OAF)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("travel cost")
        verbose_name_plural = _("travel costs")
        ordering = ["date", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0),
                                   name="travel_cost_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d.%m.%Y} {self.description}"


class ReportJob(GeneratedDocument):
    """Every generated document as the admin's one job list, with "Make a report" as add."""

    class Meta:
        proxy = True
        verbose_name = _("report job")
        verbose_name_plural = _("report jobs")
