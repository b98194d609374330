"""A municipality's statements (accessibility, privacy) and its retention schedule.

Each is one row per municipality, edited by O&F in the admin. Texts a reader
sees are written in three languages (``lib/multilingual.py``): bokmål, nynorsk
and English.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lib.scoping import OrganisationQuerySet

from ..wcag import WCAG_CRITERIA

# --- Accessibility (the structure of uustatus.no) ------------------------------------------

class Conformance(models.TextChoices):
    FULL = "full", _("Meets the requirements")
    PARTIAL = "partial", _("Meets the requirements in part")
    NONE = "none", _("Does not meet the requirements")


class DeviationArea(models.TextChoices):
    PORTAL = "portal", _("Pages for leaders")
    ADMIN = "admin", _("Administration pages (O&F)")
    PDF = "pdf", _("Generated PDF files")
    EMAIL = "email", _("Emails")


class AccessibilityStatement(models.Model):
    """The municipality's accessibility statement, as uustatus.no asks for it."""

    organisation_path = "organisation"

    organisation = models.OneToOneField("accounts.Organisation", on_delete=models.CASCADE,
                                        related_name="accessibility_statement",
                                        verbose_name=_("municipality"))
    conformance = models.CharField(
        _("conformance status"), max_length=10, choices=Conformance.choices,
        default=Conformance.PARTIAL,
        help_text=_("Against WCAG 2.1 level A and AA, as the regulation on universal design "
                    "of ICT requires."))
    scope_nb = models.TextField(_("what the statement covers (bokmål)"))
    scope_nn = models.TextField(_("what the statement covers (nynorsk)"), blank=True)
    scope_en = models.TextField(_("what the statement covers (English)"), blank=True)
    feedback_email = models.EmailField(
        _("feedback email"), help_text=_("Where users report what does not work for them."))
    feedback_url = models.URLField(_("feedback form (address)"), blank=True)
    feedback_nb = models.TextField(_("how feedback is handled (bokmål)"), blank=True)
    feedback_nn = models.TextField(_("how feedback is handled (nynorsk)"), blank=True)
    feedback_en = models.TextField(_("how feedback is handled (English)"), blank=True)
    created_on = models.DateField(_("statement made"), default=timezone.localdate)
    reviewed_on = models.DateField(
        _("last reviewed"), default=timezone.localdate,
        help_text=_("When the portal was last checked against the requirements."))
    updated_at = models.DateTimeField(_("changed"), default=timezone.now)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("accessibility statement")
        verbose_name_plural = _("accessibility statements")

    def __str__(self) -> str:
        return str(_("Accessibility statement – %(municipality)s")
                   % {"municipality": self.organisation})


class KnownDeviation(models.Model):
    """One requirement the portal does not meet (yet), with its WCAG success criterion."""

    organisation_path = "statement__organisation"

    statement = models.ForeignKey(AccessibilityStatement, on_delete=models.CASCADE,
                                  related_name="deviations", verbose_name=_("statement"))
    criterion = models.CharField(_("WCAG success criterion"), max_length=8,
                                 choices=WCAG_CRITERIA)
    area = models.CharField(_("where"), max_length=10, choices=DeviationArea.choices,
                            default=DeviationArea.PORTAL)
    description_nb = models.TextField(_("what does not work, and the plan (bokmål)"))
    description_nn = models.TextField(_("what does not work, and the plan (nynorsk)"), blank=True)
    description_en = models.TextField(_("what does not work, and the plan (English)"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("known deviation")
        verbose_name_plural = _("known deviations")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.get_criterion_display()


# --- Privacy (GDPR art. 13) -------------------------------------------------------------------

class PrivacyStatement(models.Model):
    """What the municipality tells the people whose data the portal holds (GDPR art. 13).

    ``version`` goes up when O&F marks a change as one everyone must read:
    each user is shown the statement once per version (``PrivacyAcknowledgement``).
    """

    organisation_path = "organisation"

    organisation = models.OneToOneField("accounts.Organisation", on_delete=models.CASCADE,
                                        related_name="privacy_statement",
                                        verbose_name=_("municipality"))
    controller = models.CharField(
        _("controller"), max_length=200,
        help_text=_("Who is responsible for the processing, usually the municipality by "
                    "its chief executive."))
    controller_contact = models.CharField(_("controller's contact details"), max_length=300)
    dpo_name = models.CharField(_("data protection officer"), max_length=200)
    dpo_email = models.EmailField(_("data protection officer's email"))
    dpo_phone = models.CharField(_("data protection officer's phone"), max_length=40,
                                 blank=True)
    purposes_nb = models.TextField(_("purposes (bokmål)"))
    purposes_nn = models.TextField(_("purposes (nynorsk)"), blank=True)
    purposes_en = models.TextField(_("purposes (English)"), blank=True)
    legal_basis_nb = models.TextField(_("legal basis (bokmål)"))
    legal_basis_nn = models.TextField(_("legal basis (nynorsk)"), blank=True)
    legal_basis_en = models.TextField(_("legal basis (English)"), blank=True)
    categories_nb = models.TextField(_("categories of personal data (bokmål)"))
    categories_nn = models.TextField(_("categories of personal data (nynorsk)"), blank=True)
    categories_en = models.TextField(_("categories of personal data (English)"), blank=True)
    recipients_nb = models.TextField(_("recipients (bokmål)"))
    recipients_nn = models.TextField(_("recipients (nynorsk)"), blank=True)
    recipients_en = models.TextField(_("recipients (English)"), blank=True)
    rights_nb = models.TextField(_("your rights (bokmål)"))
    rights_nn = models.TextField(_("your rights (nynorsk)"), blank=True)
    rights_en = models.TextField(_("your rights (English)"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    updated_at = models.DateTimeField(_("changed"), default=timezone.now)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("privacy statement")
        verbose_name_plural = _("privacy statements")

    def __str__(self) -> str:
        return str(_("Privacy statement – %(municipality)s") % {"municipality": self.organisation})


class PrivacyAcknowledgement(models.Model):
    """A user was shown a version of their municipality's privacy statement and went on."""

    organisation_path = "organisation"

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE,
                                     related_name="+", verbose_name=_("municipality"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="privacy_acknowledgements", verbose_name=_("user"))
    version = models.PositiveIntegerField(_("version"))
    acknowledged_at = models.DateTimeField(_("read"), default=timezone.now)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("privacy statement read")
        verbose_name_plural = _("privacy statements read")
        constraints = [models.UniqueConstraint(fields=["user", "organisation", "version"],
                                               name="privacy_ack_once_per_version")]

    def __str__(self) -> str:
        return f"{self.user} v{self.version}"


# --- Retention schedule ---------------------------------------------------------------------

# The legal bounds O&F may choose within (ARCHITECTURE.md, "Retention").
RETENTION_BOUNDS: dict[str, tuple[int, int]] = {
    "draft_days": (0, 30),
    "reminder_days": (30, 365),
    "history_years": (2, 10),
    "leaver_months": (1, 12),
    "document_days": (1, 30),
}


def _bounded(name: str) -> list[MinValueValidator | MaxValueValidator]:
    low, high = RETENTION_BOUNDS[name]
    return [MinValueValidator(low), MaxValueValidator(high)]


class RetentionPolicy(models.Model):
    """How long each kind of data is kept in one municipality; beat deletes what has passed.

    One per municipality, made with the defaults on first need
    (``privacy.services.retention_policy_get``). Check constraints hold the legal bounds.
    """

    organisation_path = "organisation"

    organisation = models.OneToOneField("accounts.Organisation", on_delete=models.CASCADE,
                                        related_name="retention_policy",
                                        verbose_name=_("municipality"))
    draft_days = models.PositiveSmallIntegerField(
        _("unsent survey answers (days after the survey closes)"), default=0,
        validators=_bounded("draft_days"),
        help_text=_("Answers saved halfway but never sent are deleted this many days after "
                    "the survey has closed (0–30)."))
    reminder_days = models.PositiveSmallIntegerField(
        _("text of sent reminders (days)"), default=90, validators=_bounded("reminder_days"),
        help_text=_("The text of reminders and errors from sending them are deleted this many "
                    "days after they were made (30–365). That a reminder was sent is kept, so "
                    "it is never sent twice."))
    history_years = models.PositiveSmallIntegerField(
        _("audit trail and change history (years)"), default=5,
        validators=_bounded("history_years"),
        help_text=_("Entries in the audit trail and the change history older than this are "
                    "deleted (2–10)."))
    leaver_months = models.PositiveSmallIntegerField(
        _("leaders who have left (months)"), default=6, validators=_bounded("leaver_months"),
        help_text=_("A leader whose account was deactivated this many months ago is "
                    "anonymised: name, email, title and year of birth go, statistics stay "
                    "(1–12)."))
    document_days = models.PositiveSmallIntegerField(
        _("generated files (days)"), default=30, validators=_bounded("document_days"),
        help_text=_("Reports, posters and invoice bases made as files are deleted this many "
                    "days after they were asked for (1–30)."))
    updated_at = models.DateTimeField(_("changed"), default=timezone.now)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("retention schedule")
        verbose_name_plural = _("retention schedules")
        constraints = [
            models.CheckConstraint(condition=Q(**{f"{name}__gte": low, f"{name}__lte": high}),
                                   name=f"retention_{name}_bounds")
            for name, (low, high) in RETENTION_BOUNDS.items()
        ]

    def __str__(self) -> str:
        return str(_("Retention schedule – %(municipality)s") % {"municipality": self.organisation})
