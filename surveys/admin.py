"""O&F's surveys admin: instruments, rounds, invitations and thresholds.

Responses and answers have no admin on purpose: nobody reads single anonymous
answers, only the reports' aggregates.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from lib.admin import (
    OrganisationScopedAdmin,
    OrganisationScopedMixin,
    OrganisationScopedTabularInline,
    ReadOnlyScopedAdmin,
)
from lib.exports import export_resource
from programs.models import ModuleSession

from . import services
from .bands import DEFAULT_YEARS_BANDS, band_choices
from .models import (
    AnonymitySettings,
    Answer,
    Choice,
    Dimension,
    Instrument,
    Invitation,
    Item,
    Phase,
    Round,
)


class _FieldsetsWithoutOrganisation:
    """Fieldsets name the municipality; O&F administrators never see that field."""

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)  # type: ignore[misc]
        if request.user.is_superuser:
            return fieldsets
        return [(name, {**options, "fields": [f for f in options["fields"]
                                               if f != "organisation"]})
                for name, options in fieldsets]


def _editable(request: HttpRequest, instrument: Instrument | None) -> bool:
    """Standard instruments are changed by system administrators only."""
    return instrument is None or not instrument.is_standard or request.user.is_superuser


def _in_use(instrument: Instrument | None) -> bool:
    return instrument is not None and instrument.pk is not None and \
        Answer.objects.filter(item__instrument=instrument).exists()


class _InstrumentPartInline:
    """Inline rows of an instrument: read-only when the instrument is standard."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _editable(request, obj) and super().has_add_permission(request, obj)  # type: ignore[misc]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _editable(request, obj) and super().has_change_permission(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _editable(request, obj) and not _in_use(obj) and \
            super().has_delete_permission(request, obj)  # type: ignore[misc]


class DimensionForm(forms.ModelForm):
    items_text = forms.CharField(
        label=_("Add questions, one per line"), required=False,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=_("Each line becomes a scale question (bokmål) in this question group, "
                    "with the group's or the instrument's scale and end labels. Nynorsk and "
                    "English wording can be added to each question afterwards."))

    class Meta:
        model = Dimension
        fields = ["order", "key", "name_nb", "name_nn", "name_en", "scale_max",
                  "low_label_nb", "low_label_nn", "low_label_en",
                  "high_label_nb", "high_label_nn", "high_label_en"]

    def clean_items_text(self) -> str:
        text: str = self.cleaned_data.get("items_text", "")
        lines = [line for line in text.splitlines() if line.strip()]
        if len(lines) > services.PASTE_MAX_ITEMS:
            raise ValidationError(_("At most %(max)s questions at a time.")
                                  % {"max": services.PASTE_MAX_ITEMS}, code="too_many")
        return text


class DimensionInline(_InstrumentPartInline, OrganisationScopedMixin, admin.StackedInline):
    model = Dimension
    form = DimensionForm
    extra = 0
    verbose_name = _("question group")
    verbose_name_plural = _("question groups")
    fieldsets = [
        (None, {"fields": [("order", "key"), ("name_nb", "name_nn", "name_en"),
                           "items_text"]}),
        (_("Scale and end labels of this group's new questions (empty: the instrument's)"), {
            "classes": ["collapse"],
            "fields": ["scale_max", ("low_label_nb", "low_label_nn", "low_label_en"),
                       ("high_label_nb", "high_label_nn", "high_label_en")]}),
    ]


class ItemFormSet(forms.BaseInlineFormSet):
    def _construct_form(self, i: int, **kwargs: Any) -> Any:
        form = super()._construct_form(i, **kwargs)
        # The instrument itself, also unsaved (add page): its scale and end labels are the
        # defaults an item left without them takes (Item.apply_defaults).
        form.instance.instrument = self.instance
        return form


class ItemInline(_InstrumentPartInline, OrganisationScopedMixin, admin.StackedInline):
    model = Item
    formset = ItemFormSet
    extra = 0
    show_change_link = True
    fieldsets = [
        (None, {"fields": [("order", "key", "dimension"), ("kind", "scale_max", "required"),
                           "text_nb", "text_nn", "text_en"]}),
        (_("Labels of the scale's ends and help texts"), {
            "classes": ["collapse"],
            "fields": [("low_label_nb", "low_label_nn", "low_label_en"),
                       ("high_label_nb", "high_label_nn", "high_label_en"),
                       ("help_nb", "help_nn", "help_en")]}),
    ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # Once answered, what an item measures is fixed; wording may still be corrected.
        if _in_use(obj):
            return ["key", "kind", "scale_max", "dimension"]
        return []

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None:
            return self.fieldsets
        # Before the first save there are no question groups to choose: items typed here
        # go without one, and questions pasted into a question group above go into it.
        first, *rest = self.fieldsets
        return [(None, {"fields": [("order", "key"), ("kind", "scale_max", "required"),
                                   "text_nb", "text_nn", "text_en"]}), *rest]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "dimension":
            instrument_id = request.resolver_match.kwargs.get("object_id")
            field.queryset = Dimension.objects.filter(instrument_id=instrument_id)
            field.label = _("question group")
        return field


@admin.register(Instrument)
class InstrumentAdmin(_FieldsetsWithoutOrganisation, OrganisationScopedAdmin):
    list_display = ["name_nb", "kind", "standard", "is_active", "item_count", "round_count"]
    list_filter = ["kind", "is_active", "organisation"]
    search_fields = ["name_nb", "name_nn", "name_en", "key"]
    inlines = [DimensionInline, ItemInline]
    actions = ["copy_to_municipality"]
    fieldsets = [
        (None, {"fields": ["organisation", "kind", "key", "is_active"]}),
        (_("Name and introduction"), {"fields": ["name_nb", "name_nn", "name_en", "intro_nb",
                                                 "intro_nn", "intro_en"]}),
        (_("Scale and end labels of new questions"), {
            "description": _("A scale question left without a scale or end labels gets "
                             "these (or its question group's), so they are typed once."),
            "fields": ["default_scale_max",
                       ("default_low_label_nb", "default_low_label_nn", "default_low_label_en"),
                       ("default_high_label_nb", "default_high_label_nn",
                        "default_high_label_en")]}),
        (_("Bands of years as leader"), {"fields": ["years_bands", "years_bands_shown"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> Any:
        # The standard instruments (no municipality) are shown to everyone, read-only.
        qs = super(OrganisationScopedMixin, self).get_queryset(request)
        return qs.available_to(request.user).annotate(
            _items=Count("items", distinct=True), _rounds=Count("rounds", distinct=True))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _editable(request, obj) and super().has_change_permission(request, obj)

    def get_form(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        if obj is not None and obj.is_standard:
            # lib's form gives a row without a municipality the administrator's own; a
            # standard instrument must keep none, so skip that step for it.
            return super(OrganisationScopedMixin, self).get_form(request, obj, **kwargs)
        return super().get_form(request, obj, **kwargs)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and (not _editable(request, obj) or obj.rounds.exists()):
            return False
        return super().has_delete_permission(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = ["years_bands_shown"]
        if obj is not None and obj.rounds.exists():
            fields.append("kind")
        if _in_use(obj):  # stored answers carry their band: the bands stay as answered
            fields.append("years_bands")
        return fields

    @admin.display(description=_("bands"))
    def years_bands_shown(self, obj: Instrument | None) -> str:
        try:
            return ", ".join(label for _key, label in band_choices(
                obj.years_bands if obj is not None else DEFAULT_YEARS_BANDS))
        except ValidationError:
            return "–"

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        super().save_formset(request, form, formset, change)
        if formset.model is not Dimension:
            return
        for dimension_form in formset.forms:
            text = dimension_form.cleaned_data.get("items_text") \
                if hasattr(dimension_form, "cleaned_data") else ""
            if text and dimension_form.instance.pk and \
                    not dimension_form.cleaned_data.get("DELETE"):
                items = services.items_paste(dimension=dimension_form.instance, text=text,
                                             actor=request.user)
                self.message_user(request, ngettext(
                    "%(n)s question added to «%(group)s».",
                    "%(n)s questions added to «%(group)s».", len(items))
                    % {"n": len(items), "group": dimension_form.instance.name},
                    messages.SUCCESS)

    @admin.display(description=_("standard"), boolean=True)
    def standard(self, obj: Instrument) -> bool:
        return obj.is_standard

    @admin.display(description=_("items"), ordering="_items")
    def item_count(self, obj: Instrument) -> int:
        return obj._items  # type: ignore[attr-defined]

    @admin.display(description=_("rounds"), ordering="_rounds")
    def round_count(self, obj: Instrument) -> int:
        return obj._rounds  # type: ignore[attr-defined]

    @admin.action(description=_("Copy to my municipality to change the wording"))
    def copy_to_municipality(self, request: HttpRequest, queryset: Any) -> None:
        organisation = request.user.organisation
        if organisation is None:
            self.message_user(request, _("Only a municipality's O&F can make its own copy."),
                              messages.ERROR)
            return
        for instrument in queryset:
            services.instrument_copy(instrument=instrument, organisation=organisation,
                                     actor=request.user)
        self.message_user(request, ngettext("%(n)s instrument copied.",
                                            "%(n)s instruments copied.", queryset.count())
                          % {"n": queryset.count()}, messages.SUCCESS)


class ChoiceInline(OrganisationScopedTabularInline):
    model = Choice
    extra = 0
    fields = ["order", "label_nb", "label_nn", "label_en"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _in_use(obj.instrument if obj else None) and \
            super().has_delete_permission(request, obj)


@admin.register(Item)
class ItemAdmin(OrganisationScopedAdmin):
    """Items of the municipality's own instruments, to edit the options of choice items."""

    list_display = ["key", "instrument", "kind", "required"]
    list_filter = ["kind", "instrument"]
    list_select_related = ["instrument"]
    search_fields = ["key", "text_nb"]
    inlines = [ChoiceInline]
    fields = ["instrument", "dimension", "order", "key", "kind", "scale_max", "required",
              "text_nb", "text_nn", "text_en"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None and _in_use(obj.instrument):
            return ["instrument", "key", "kind", "scale_max", "dimension"]
        return []


class RoundAdminForm(forms.ModelForm):
    class Meta:
        model = Round
        fields = ["organisation", "instrument", "title", "anonymous", "group", "phase",
                  "baseline", "module_session", "gathering", "opens_on", "closes_on"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        # The kind follows the instrument; set it before the model's checks run.
        if data.get("instrument") is not None:
            self.instance.kind = data["instrument"].kind
        return data

    def _post_clean(self) -> None:
        super()._post_clean()
        try:
            services.round_validate_change(self.instance)
        except ValidationError as exc:
            self._update_errors(exc)


@admin.register(Round)
class RoundAdmin(_FieldsetsWithoutOrganisation, OrganisationScopedAdmin):
    form = RoundAdminForm
    resource_classes = [export_resource(Round, [
        ("title", "display_title"), "kind", "phase", "opens_on", "closes_on", "anonymous"])]
    list_display = ["shown_title", "kind", "opens_on", "closes_on", "invited", "answered",
                    "report_link"]
    list_filter = ["kind", "phase", "organisation"]
    list_select_related = ["instrument", "group", "module_session__module", "gathering"]
    search_fields = ["title", "group__name", "instrument__name_nb"]
    date_hierarchy = "opens_on"
    autocomplete_fields = ["group"]
    actions = ["open_now"]
    readonly_fields = ["kind", "min_respondents", "min_text_respondents", "opened_at",
                       "completed", "created_by"]
    fieldsets = [
        (None, {"fields": ["organisation", "instrument", "kind", "title", "anonymous"]}),
        (_("Target"), {"fields": ["group", "phase", "baseline", "module_session", "gathering"]}),
        (_("Dates"), {"fields": ["opens_on", "closes_on", "opened_at", "completed"]}),
        (_("Anonymity thresholds"), {"fields": ["min_respondents", "min_text_respondents"]}),
        (None, {"fields": ["created_by"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).annotate(
            _invited=Count("invitations"),
            _answered=Count("invitations", filter=Q(invitations__submitted=True)))

    def get_actions(self, request: HttpRequest,
                    action_location: Any = admin.ActionLocation.CHANGE_LIST) -> Any:
        # Rounds with answers are deleted one by one (the page checks); no bulk delete.
        actions = super().get_actions(request, action_location=action_location)
        actions.pop("delete_selected", None)
        return actions

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.responses.exists():
            return False
        return super().has_delete_permission(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.responses.exists():
            # services.round_validate_change refuses these once someone has answered, so
            # the page does not offer them (the service stays the guard).
            fields += ["anonymous", "instrument", "group", "phase", "module_session",
                       "gathering"]
        return fields

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "instrument":
            # Standard instruments have no municipality, so skip the scoping mixin here
            # and offer the standard ones plus the municipality's own.
            kwargs["queryset"] = Instrument.objects.available_to(request.user).filter(
                is_active=True)
            return admin.ModelAdmin.formfield_for_foreignkey(self, db_field, request, **kwargs)
        if db_field.name == "baseline":
            kwargs["queryset"] = Round.objects.filter(phase=Phase.BEFORE).select_related("group")
        if db_field.name == "module_session":
            kwargs["queryset"] = ModuleSession.objects.select_related("module")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Round, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = request.user
        services.round_save(round=obj, actor=request.user)

    @admin.display(description=_("invited"), ordering="_invited")
    def invited(self, obj: Round) -> int:
        return obj._invited  # type: ignore[attr-defined]

    @admin.display(description=_("answered"), ordering="_answered")
    def answered(self, obj: Round) -> int:
        return obj._answered  # type: ignore[attr-defined]

    @admin.display(description=_("title"), ordering="title")
    def shown_title(self, obj: Round) -> str:
        return obj.display_title

    @admin.display(description=_("report"))
    def report_link(self, obj: Round) -> str:
        return format_html('<a href="{}">{}</a>', reverse("surveys:report", args=[obj.pk]),
                           _("open"))

    @admin.action(description=_("Open now and send the invitations"))
    def open_now(self, request: HttpRequest, queryset: Any) -> None:
        opened = 0
        for round in queryset:
            # round_open refuses (None) a round that may not open today (Round.may_open).
            if services.round_open(round=round, actor=request.user) is not None:
                opened += 1
        self.message_user(request, ngettext(
            "%(n)s round opened; the invitations are being sent.",
            "%(n)s rounds opened; the invitations are being sent.", opened) % {"n": opened},
            messages.SUCCESS if opened else messages.WARNING)


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyScopedAdmin):
    """Who is invited and whether they have answered (for reminders) — never what."""

    list_display = ["leader", "round", "emailed_at", "submitted", "has_draft"]
    list_filter = ["submitted", "round__kind"]
    list_select_related = ["leader__user", "round__instrument", "round__group"]
    search_fields = ["leader__user__full_name", "leader__user__email", "round__title",
                     "round__group__name"]

    def get_queryset(self, request: HttpRequest) -> Any:
        from .models import Draft

        return super().get_queryset(request).annotate(
            _draft=Exists(Draft.objects.filter(invitation=OuterRef("pk"))))

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("started"), boolean=True)
    def has_draft(self, obj: Invitation) -> bool:
        return obj._draft  # type: ignore[attr-defined]


@admin.register(AnonymitySettings)
class AnonymitySettingsAdmin(OrganisationScopedAdmin):
    list_display = ["organisation", "min_respondents", "min_text_respondents",
                    "min_group_respondents"]
    list_select_related = ["organisation"]

    def save_model(self, request: HttpRequest, obj: AnonymitySettings, form: Any,
                   change: bool) -> None:
        services.thresholds_set(organisation=obj.organisation,
                                min_respondents=obj.min_respondents,
                                min_text_respondents=obj.min_text_respondents,
                                min_group_respondents=obj.min_group_respondents,
                                actor=request.user)
