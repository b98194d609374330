"""What a survey asks: instruments, their dimensions, items and choices.

Instruments are data that O&F edits in the admin. The portal ships three
standard instruments (a data migration) with no municipality: every
municipality may use them, only system administrators change them, and O&F
copies one to make its own wording.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lib.multilingual import pick
from lib.scoping import OrganisationQuerySet

from ..bands import DEFAULT_YEARS_BANDS, band_choices, validate_bands

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


class InstrumentKind(models.TextChoices):
    EFFECT = "effect", _("leader-group effectiveness (before/after)")
    NEEDS = "needs", _("needs survey")
    EVALUATION = "evaluation", _("session evaluation")


class ItemKind(models.TextChoices):
    SCALE = "scale", _("scale (1–5 or 1–7)")
    TEXT = "text", _("free text")
    SINGLE = "single", _("single choice")
    MULTIPLE = "multiple", _("multiple choice")
    RANKING = "ranking", _("ranking")


SCALE_CHOICES = [(5, "1–5"), (7, "1–7")]


class InstrumentQuerySet(OrganisationQuerySet):
    def available_to_organisation(self, organisation_id: int | None) -> Self:
        """The standard instruments plus the municipality's own."""
        return self.filter(Q(organisation__isnull=True) | Q(organisation_id=organisation_id))

    def available_to(self, user: User | AnonymousUser) -> Self:
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.available_to_organisation(user.organisation_id)


class Instrument(models.Model):
    organisation_path = "organisation"
    organisation_shared = True  # the standard instruments (no municipality) serve all

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, null=True, blank=True,
        related_name="survey_instruments", verbose_name=_("municipality"),
        help_text=_("Empty for the portal's standard instruments, which every municipality "
                    "may use."))
    kind = models.CharField(_("kind"), max_length=20, choices=InstrumentKind.choices,
                            help_text=_("Decides which rounds may use it and how it is reported."))
    key = models.SlugField(_("key"), max_length=60,
                           help_text=_("A short code, unique within the municipality."))
    name_nb = models.CharField(_("name (bokmål)"), max_length=200)
    name_nn = models.CharField(_("name (nynorsk)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    intro_nb = models.TextField(_("introduction (bokmål)"), blank=True,
                                help_text=_("Shown above the questions."))
    intro_nn = models.TextField(_("introduction (nynorsk)"), blank=True)
    intro_en = models.TextField(_("introduction (English)"), blank=True)
    is_active = models.BooleanField(_("in use"), default=True,
                                    help_text=_("Only instruments in use can get new rounds."))
    default_scale_max = models.PositiveSmallIntegerField(
        _("scale of new items"), choices=SCALE_CHOICES, default=5,
        help_text=_("A scale item left without a scale gets this one (or its question "
                    "group's)."))
    default_low_label_nb = models.CharField(_("label of 1 (bokmål)"), max_length=80, blank=True)
    default_low_label_nn = models.CharField(_("label of 1 (nynorsk)"), max_length=80, blank=True)
    default_low_label_en = models.CharField(_("label of 1 (English)"), max_length=80, blank=True)
    default_high_label_nb = models.CharField(_("label of the top (bokmål)"), max_length=80,
                                             blank=True)
    default_high_label_nn = models.CharField(_("label of the top (nynorsk)"), max_length=80,
                                             blank=True)
    default_high_label_en = models.CharField(_("label of the top (English)"), max_length=80,
                                             blank=True)
    years_bands = models.CharField(
        _("bands of years as leader"), max_length=60, default=DEFAULT_YEARS_BANDS,
        validators=[validate_bands],
        help_text=_("Where each band after the first starts, in whole years: \"1, 3, 6, 10\" "
                    "gives under 1, 1–2, 3–5, 6–9 and 10 or more. The needs survey reports by "
                    "these bands; they cannot change once someone has answered."))
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = InstrumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")
        ordering = ["kind", "name_nb"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "key"],
                                    name="survey_instrument_key_unique"),
            models.UniqueConstraint(fields=["key"], condition=Q(organisation__isnull=True),
                                    name="survey_standard_instrument_key_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return pick(self, "name")

    @property
    def intro(self) -> str:
        return pick(self, "intro")

    @property
    def is_standard(self) -> bool:
        return self.organisation_id is None

    def years_band_choices(self) -> list[tuple[str, str]]:
        return band_choices(self.years_bands)


class Dimension(models.Model):
    """A theme of an instrument (e.g. "decision quality"); reports are per dimension."""

    organisation_path = "instrument__organisation"
    organisation_shared = True  # the standard instruments (no municipality) serve all

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE,
                                   related_name="dimensions", verbose_name=_("instrument"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    key = models.SlugField(_("key"), max_length=60)
    name_nb = models.CharField(_("name (bokmål)"), max_length=200)
    name_nn = models.CharField(_("name (nynorsk)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    description_nb = models.TextField(_("description (bokmål)"), blank=True)
    description_nn = models.TextField(_("description (nynorsk)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    scale_max = models.PositiveSmallIntegerField(
        _("scale of new items"), choices=SCALE_CHOICES, null=True, blank=True,
        help_text=_("Empty: the instrument's."))
    low_label_nb = models.CharField(_("label of 1 (bokmål)"), max_length=80, blank=True)
    low_label_nn = models.CharField(_("label of 1 (nynorsk)"), max_length=80, blank=True)
    low_label_en = models.CharField(_("label of 1 (English)"), max_length=80, blank=True)
    high_label_nb = models.CharField(_("label of the top (bokmål)"), max_length=80, blank=True)
    high_label_nn = models.CharField(_("label of the top (nynorsk)"), max_length=80, blank=True)
    high_label_en = models.CharField(_("label of the top (English)"), max_length=80, blank=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("dimension")
        verbose_name_plural = _("dimensions")
        ordering = ["instrument_id", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["instrument", "key"],
                                    name="survey_dimension_key_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return pick(self, "name")

    @property
    def description(self) -> str:
        return pick(self, "description")


class Item(models.Model):
    """One question. Scale items have labelled ends; choice items have choices."""

    organisation_path = "instrument__organisation"
    organisation_shared = True  # the standard instruments (no municipality) serve all

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="items",
                                   verbose_name=_("instrument"))
    dimension = models.ForeignKey(Dimension, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="items", verbose_name=_("dimension"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    key = models.SlugField(_("key"), max_length=60)
    kind = models.CharField(_("kind"), max_length=10, choices=ItemKind.choices,
                            default=ItemKind.SCALE)
    scale_max = models.PositiveSmallIntegerField(
        _("scale"), choices=SCALE_CHOICES, null=True, blank=True,
        help_text=_("Scale items only: answers run from 1 to this number."))
    required = models.BooleanField(_("required"), default=True)
    text_nb = models.TextField(_("question (bokmål)"))
    text_nn = models.TextField(_("question (nynorsk)"), blank=True)
    text_en = models.TextField(_("question (English)"), blank=True)
    help_nb = models.CharField(_("help text (bokmål)"), max_length=300, blank=True)
    help_nn = models.CharField(_("help text (nynorsk)"), max_length=300, blank=True)
    help_en = models.CharField(_("help text (English)"), max_length=300, blank=True)
    low_label_nb = models.CharField(_("label of 1 (bokmål)"), max_length=80, blank=True)
    low_label_nn = models.CharField(_("label of 1 (nynorsk)"), max_length=80, blank=True)
    low_label_en = models.CharField(_("label of 1 (English)"), max_length=80, blank=True)
    high_label_nb = models.CharField(_("label of the top (bokmål)"), max_length=80, blank=True)
    high_label_nn = models.CharField(_("label of the top (nynorsk)"), max_length=80, blank=True)
    high_label_en = models.CharField(_("label of the top (English)"), max_length=80, blank=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["instrument_id", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["instrument", "key"], name="survey_item_key_unique"),
            # A scale item has a scale, and nothing else has one.
            models.CheckConstraint(
                condition=(Q(kind="scale", scale_max__in=[5, 7])
                           | (~Q(kind="scale") & Q(scale_max__isnull=True))),
                name="survey_item_scale_only_for_scales"),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def text(self) -> str:
        return pick(self, "text")

    @property
    def help(self) -> str:
        return pick(self, "help")

    @property
    def low_label(self) -> str:
        return pick(self, "low_label")

    @property
    def high_label(self) -> str:
        return pick(self, "high_label")

    @property
    def has_choices(self) -> bool:
        return self.kind in (ItemKind.SINGLE, ItemKind.MULTIPLE, ItemKind.RANKING)

    @property
    def is_scale(self) -> bool:
        return self.kind == ItemKind.SCALE

    @property
    def is_text(self) -> bool:
        return self.kind == ItemKind.TEXT

    @property
    def is_ranking(self) -> bool:
        return self.kind == ItemKind.RANKING

    def apply_defaults(self) -> None:
        """A scale item left without a scale or end labels takes its question group's,
        else its instrument's — so O&F sets them once, not on every item."""
        if self.kind != ItemKind.SCALE:
            return
        # getattr: an unsaved instrument (the admin's add page) is there without an id.
        sources = [s for s in (getattr(self, "dimension", None), getattr(self, "instrument", None))
                   if s is not None]
        for source in sources:
            prefix = "default_" if isinstance(source, Instrument) else ""
            if self.scale_max is None:
                self.scale_max = getattr(source, f"{prefix}scale_max", None)
            for end in ("low_label", "high_label"):
                for language in ("nb", "nn", "en"):
                    name = f"{end}_{language}"
                    if not getattr(self, name):
                        setattr(self, name, getattr(source, f"{prefix}{name}", ""))

    def clean(self) -> None:
        self.apply_defaults()
        errors: dict[str, Any] = {}
        if self.kind == ItemKind.SCALE and self.scale_max not in (5, 7):
            errors["scale_max"] = ValidationError(
                _("A scale item needs a scale of 1–5 or 1–7."), code="invalid_scale")
        if self.kind != ItemKind.SCALE and self.scale_max is not None:
            errors["scale_max"] = ValidationError(
                _("Only scale items have a scale."), code="invalid_scale")
        if self.dimension_id and self.instrument_id and \
                self.dimension.instrument_id != self.instrument_id:
            errors["dimension"] = ValidationError(
                _("The dimension belongs to another instrument."), code="other_instrument")
        if errors:
            raise ValidationError(errors)


class Choice(models.Model):
    """An option of a single-choice, multiple-choice or ranking item."""

    organisation_path = "item__instrument__organisation"
    organisation_shared = True  # the standard instruments (no municipality) serve all

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="choices",
                             verbose_name=_("item"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    label_nb = models.CharField(_("label (bokmål)"), max_length=200)
    label_nn = models.CharField(_("label (nynorsk)"), max_length=200, blank=True)
    label_en = models.CharField(_("label (English)"), max_length=200, blank=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        ordering = ["item_id", "order", "pk"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return pick(self, "label")
