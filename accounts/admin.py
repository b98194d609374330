from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from import_export import fields

from lib.admin import OrganisationScopedAdmin, ScopedHistoryMixin, with_permission_labels
from lib.exports import AllowListResource, export_resource
from lib.scoping import scope_queryset

from . import services
from .forms import AdminEmailAuthenticationForm
from .models import Leader, Organisation, Unit, User
from .privacy import leader_anonymise


@admin.register(Organisation)
class OrganisationAdmin(OrganisationScopedAdmin):
    list_display = ["name", "slug", "org_number", "leader_count"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).annotate(_leaders=Count("leaders"))

    @admin.display(description=_("leaders"), ordering="_leaders")
    def leader_count(self, obj: Organisation) -> int:
        return obj._leaders  # type: ignore[attr-defined]


class UnitAdminForm(forms.ModelForm):
    parent = forms.ModelChoiceField(
        queryset=Unit.objects.none(), required=False, label=_("part of"),
        help_text=_("Leave empty for a service area at the top of the tree."),
    )

    class Meta:
        model = Unit
        fields = ["organisation", "name", "kind", "code"]

    def clean(self) -> dict[str, Any]:
        # The tree services refuse this too, but in save_model that would be a 500.
        data = super().clean()
        parent, organisation = data.get("parent"), data.get("organisation")
        organisation_id = organisation.pk if organisation else self.instance.organisation_id
        if parent is not None and organisation_id and parent.organisation_id != organisation_id:
            self.add_error("parent", ValidationError(
                _("The parent unit belongs to another municipality."), code="other_municipality"))
        return data


@admin.register(Unit)
class UnitAdmin(OrganisationScopedAdmin):
    """Units are created and moved through the tree services, never by raw path."""

    form = UnitAdminForm
    resource_classes = [export_resource(Unit, ["name", "kind", "code"])]
    list_display = ["indented_name", "kind", "code", "organisation"]
    list_filter = ["kind", "organisation"]
    list_select_related = ["organisation"]
    search_fields = ["name", "code"]
    ordering = ["path"]

    @admin.display(description=_("name"), ordering="path")
    def indented_name(self, obj: Unit) -> str:
        return ("— " * (obj.depth - 1)) + obj.name

    def get_form(self, request: HttpRequest, obj: Unit | None = None, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, **kwargs)
        candidates = scope_queryset(Unit.objects.all(), request.user)
        if obj is not None:
            # Not below itself, and only within the unit's own municipality.
            candidates = candidates.filter(organisation=obj.organisation).exclude(
                path__startswith=obj.path)
        form.base_fields["parent"].queryset = candidates
        if obj is not None:
            form.base_fields["parent"].initial = Unit.objects.get_parent(obj)
        return form

    def save_model(self, request: HttpRequest, obj: Unit, form: Any, change: bool) -> None:
        parent = form.cleaned_data.get("parent")
        if not change:
            created = services.unit_create(
                organisation=obj.organisation, name=obj.name, kind=obj.kind, code=obj.code,
                parent=parent,
            )
            obj.pk, obj.path, obj.depth = created.pk, created.path, created.depth
            return
        Unit.objects.filter(pk=obj.pk).update(name=obj.name, kind=obj.kind, code=obj.code)
        services.unit_move(unit=obj, parent=parent)


class LeaderResource(AllowListResource):
    name = fields.Field(attribute="user__full_name", column_name=_("name"))
    email = fields.Field(attribute="user__email", column_name=_("email"))
    unit_name = fields.Field(attribute="unit__name", column_name=_("unit"))
    leader_above_name = fields.Field(attribute="leader_above__user__full_name",
                                     column_name=_("leader above"))

    class Meta:
        model = Leader
        fields = ["id", "name", "email", "title", "level", "unit_name", "leader_above_name",
                  "leader_since", "is_talent"]
        export_order = fields


@admin.register(Leader)
class LeaderAdmin(ScopedHistoryMixin, OrganisationScopedAdmin):
    resource_classes = [LeaderResource]
    list_display = ["name", "title", "level", "unit", "leader_above", "leader_since", "is_talent"]
    list_filter = ["level", "is_talent", "organisation"]
    list_select_related = ["user", "unit", "leader_above__user"]
    search_fields = ["user__full_name", "user__email", "title", "unit__name"]
    autocomplete_fields = ["user", "unit", "leader_above"]
    date_hierarchy = "leader_since"
    actions = ["anonymise_leaders"]

    @admin.action(description=_("Anonymise selected leaders who have left"),
                  permissions=["change"])
    def anonymise_leaders(self, request: HttpRequest, queryset: Any) -> Any:
        """Asks for confirmation first; names and contact details cannot be restored."""
        if request.POST.get("confirm") != "yes":
            return TemplateResponse(request, "admin/accounts/leader/anonymise_confirm.html", {
                **self.admin_site.each_context(request), "leaders": queryset,
                "opts": self.model._meta, "action": "anonymise_leaders",
                "title": _("Anonymise leaders"),
            })
        count = 0
        for leader in queryset:
            leader_anonymise(leader=leader, actor=request.user)
            count += 1
        messages.success(request, _("%(count)d leaders anonymised.") % {"count": count})
        return None

    @admin.display(description=_("name"), ordering="user__full_name")
    def name(self, obj: Leader) -> str:
        return obj.user.full_name


class UserCreationForm(auth_forms.BaseUserCreationForm):
    class Meta:
        model = User
        fields = ["email", "full_name", "organisation"]


class UserChangeForm(auth_forms.UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


# The admin's login spells the address as the portal's does, for the lockout's sake.
admin.site.login_form = AdminEmailAuthenticationForm


class AdminPasswordChangeForm(auth_forms.AdminPasswordChangeForm):
    """Django's, but its help text translated: Django 6.1 glues an English warning to it
    (and so fixes the whole text in the language active at import)."""

    usable_password_help_text = format_lazy(
        '{}<ul id="id_unusable_warning" class="messagelist"><li class="warning">{}</li></ul>',
        auth_forms.SetUnusablePasswordMixin.usable_password_help_text,
        _("If disabled, the current password for this user will be lost."))


@admin.register(User)
class UserAdmin(ScopedHistoryMixin, OrganisationScopedAdmin, DjangoUserAdmin):
    # Never the password hash or the calendar token (lib/exports.py checks the names).
    resource_classes = [export_resource(User, [
        "email", "full_name", "language", "is_oaf_admin", "is_facilitator", "is_coach",
        "is_active", "last_login", "date_joined"])]
    add_form = UserCreationForm
    form = UserChangeForm
    change_password_form = AdminPasswordChangeForm
    list_display = ["email", "full_name", "organisation", "is_oaf_admin", "is_facilitator",
                    "is_coach", "is_active"]
    list_filter = ["is_oaf_admin", "is_facilitator", "is_coach", "is_active", "organisation"]
    list_select_related = ["organisation"]
    search_fields = ["email", "full_name"]
    ordering = ["full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["full_name", "organisation", "language"]}),
        (_("Roles"), {"fields": ["is_oaf_admin", "is_facilitator", "is_coach", "is_active"]}),
        (_("System"), {"fields": ["is_superuser", "last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"],
                "fields": ["email", "full_name", "organisation", "password1", "password2"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]
    filter_horizontal: list[str] = []

    def get_queryset(self, request: HttpRequest) -> Any:
        """Superusers do not exist for an O&F administrator, even in their municipality.

        Change, password (``user_change_password`` goes through ``get_object``),
        delete, history, export and autocomplete all start from this queryset.
        """
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(is_superuser=False)

    def get_history_queryset(self, request: HttpRequest, history_manager: Any, pk_name: str,
                             object_id: Any) -> Any:
        # The history list and version pages fall back to history rows (for deleted
        # users), so hide a superuser's rows too, including those from before the promotion.
        qs = super().get_history_queryset(request, history_manager, pk_name, object_id)
        if request.user.is_superuser:
            return qs
        superusers = User.objects.filter(is_superuser=True).values("pk")
        return qs.filter(is_superuser=False).exclude(**{f"{pk_name}__in": superusers})

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        # The O&F form has no superuser field (get_fieldsets); this is the second wall.
        if obj.is_superuser and not request.user.is_superuser:
            raise PermissionDenied
        super().save_model(request, obj, form, change)

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        # O&F administrators never see (or set) the municipality or superuser flag.
        cleaned = []
        for title, opts in fieldsets:
            names = [f for f in opts["fields"] if f not in ("organisation", "is_superuser")]
            cleaned.append((title, {**opts, "fields": names}))
        return cleaned


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(DjangoGroupAdmin):
    """Django's group admin (superusers only), with permissions named in the reader's language."""

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        return with_permission_labels(super().formfield_for_manytomany(db_field, request, **kwargs))
