"""What O&F sets for reminders and costs: the reminder policy, contract terms, budgets."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lib.models import GeneratedDocument
from lib.money import MAX_UNIT_PRICE
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
            raise ValidationError({"last_reminder_days": ValidationError(_(
                "The last reminder must come fewer days before than the first."),
                code="reminder_order")})

    @property
    def days_before(self) -> tuple[int, int]:
        return (self.first_reminder_days, self.last_reminder_days)


class Payer(models.TextChoices):
    OAF = "oaf", _("O&F")
    UNIT = "enhet", _("ordering unit")


class TermKind(models.TextChoices):
    ADVISER_DAY = "radgiverdag", _("per adviser-day at gatherings")
    NETWORK_DAY = "nettverksdag", _("per day of network meetings")
    FIXED = "fast", _("fixed sum")
    COACHING = "veiledning", _("hourly coaching")


def _count(limit: int) -> list[MinValueValidator | MaxValueValidator]:
    return [MinValueValidator(1), MaxValueValidator(limit)]


class ContractTerm(models.Model):
    """One priced term of a supplier's offer for a programme, entered once by O&F.

    The cost overview prices the offer from these (planned quantities × price),
    what the calendar now implies and what has been delivered. Only the fields
    of the term's kind are used; :meth:`clean` asks for exactly those. Prices
    are NOK ex. VAT. Coaching actuals are priced from the bookings' framework
    agreement, so changing a term's rate changes the plan, never the history.
    """

    organisation_path = "programme__organisation"

    programme = models.ForeignKey("programs.Programme", on_delete=models.CASCADE,
                                  related_name="contract_terms", verbose_name=_("programme"))
    kind = models.CharField(_("kind"), max_length=12, choices=TermKind.choices)
    label = models.CharField(
        _("label"), max_length=200, blank=True,
        help_text=_("What the offer calls it, e.g. «Evaluation and follow-up after the "
                    "programme». Required for a fixed sum."))
    unit_price = models.DecimalField(
        _("price (NOK ex. VAT)"), max_digits=12, decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(MAX_UNIT_PRICE)],
        help_text=_("Per adviser-day, per day of network meetings, per hour of coaching, "
                    "or the fixed sum itself."))
    gatherings = models.PositiveSmallIntegerField(
        _("gatherings"), null=True, blank=True, validators=_count(100),
        help_text=_("Adviser-days: the number of gathering days in the offer."))
    advisers = models.PositiveSmallIntegerField(
        _("advisers per gathering"), null=True, blank=True, validators=_count(20))
    meetings = models.PositiveSmallIntegerField(
        _("network meetings"), null=True, blank=True, validators=_count(1000),
        help_text=_("Network meetings with an adviser in the offer, all groups together."))
    meetings_per_day = models.PositiveSmallIntegerField(
        _("network meetings per day"), null=True, blank=True, validators=_count(4),
        help_text=_("How many meetings one adviser-day covers in the contract (usually 2: "
                    "one before and one after noon)."))
    leaders = models.PositiveSmallIntegerField(
        _("leaders"), null=True, blank=True, validators=_count(5000),
        help_text=_("Coaching: leaders planned."))
    sessions = models.PositiveSmallIntegerField(
        _("sessions per leader"), null=True, blank=True, validators=_count(20))
    session_minutes = models.PositiveSmallIntegerField(
        _("session length (minutes)"), null=True, blank=True,
        validators=[MinValueValidator(15), MaxValueValidator(240)])
    delivered_on = models.DateField(
        _("delivered on"), null=True, blank=True,
        help_text=_("Fixed sum: the day it was delivered; until then it is planned only."))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = OrganisationQuerySet.as_manager()

    # The quantities each kind needs (and no other).
    QUANTITIES = {
        TermKind.ADVISER_DAY: ("gatherings", "advisers"),
        TermKind.NETWORK_DAY: ("meetings", "meetings_per_day"),
        TermKind.FIXED: (),
        TermKind.COACHING: ("leaders", "sessions", "session_minutes"),
    }

    class Meta:
        verbose_name = _("contract term")
        verbose_name_plural = _("contract terms")
        ordering = ["programme", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(unit_price__gte=0),
                                   name="contract_term_price_not_negative"),
            models.CheckConstraint(
                condition=~models.Q(kind="nettverksdag") | models.Q(
                    meetings__gte=1, meetings_per_day__gte=1),
                name="contract_term_network_quantities"),
        ]

    def __str__(self) -> str:
        return self.label or str(self.get_kind_display())

    def clean(self) -> None:
        errors: dict[str, ValidationError] = {}
        for name in self.QUANTITIES.get(self.kind, ()):
            if getattr(self, name) is None:
                errors[name] = ValidationError(_("Needed for this kind of term."),
                                               code="term_quantity_missing")
        if self.kind == TermKind.FIXED and not self.label.strip():
            errors["label"] = ValidationError(_("Say what the fixed sum is for."),
                                              code="term_label_missing")
        if errors:
            raise ValidationError(errors)
        # Quantities of another kind would be silently ignored: clear them instead.
        wanted = set(self.QUANTITIES.get(self.kind, ()))
        for name in {n for names in self.QUANTITIES.values() for n in names} - wanted:
            setattr(self, name, None)
        if self.kind != TermKind.FIXED:
            self.delivered_on = None


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
