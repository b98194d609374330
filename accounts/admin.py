from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote_plus

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export import fields

from lib.admin import OrganisationScopedAdmin, ScopedHistoryMixin, with_permission_labels
from lib.exports import AllowListResource, export_resource
from lib.http import add_error_to_form, messages_from_error, uuid_or_404
from lib.scoping import scope_queryset

from . import services
from .forms import AdminEmailAuthenticationForm
from .models import (
    HRImportBatch,
    HRImportKind,
    HRImportStatus,
    IdentityProvider,
    Leader,
    Organisation,
    Unit,
    UnitKind,
    User,
)
from .privacy import leader_anonymise
from .services import hr_import
from .services.hr_import.files import MAX_BYTES as MAX_UPLOAD
from .services.sso import identity_provider_save

# --- Import from the HR system (accounts.services.hr_import) -----------------------------

# Sections of the dry run are long for a large municipality; the page shows the first rows.
PREVIEW_ROWS = 200


class HRUploadForm(forms.Form):
    file = forms.FileField(
        label=_("File from the HR system"),
        help_text=_("CSV (comma or semicolon, any encoding Excel writes) or an Excel workbook "
                    "(.xlsx). The first line holds the column headings."))
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.all(),
                                          label=_("municipality"))

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not user.is_superuser:
            del self.fields["organisation"]  # O&F imports into their own municipality


def hr_mapping_form(kind: str, headers: tuple[str, ...], data: Any = None,
                    initial: dict[str, str] | None = None) -> forms.Form:
    """One choice per field of the import: which column of this file holds it."""
    choices = [("", gettext("(not in the file)"))] + [(h, h) for h in headers if h]
    form = forms.Form(data, initial=initial, prefix="column")
    for field in hr_import.fields_for(kind):
        form.fields[field.key] = forms.ChoiceField(
            label=field.label, choices=choices, required=False)
    return form


class HRImportAdminMixin:
    """The import page of the leader and unit admins: upload, dry run, apply."""

    hr_import_kind: str

    def get_urls(self) -> list[Any]:
        opts = self.model._meta  # type: ignore[attr-defined]
        view = self.admin_site.admin_view(self.hr_import_view)  # type: ignore[attr-defined]
        return [path("hr-import/", view, name=f"{opts.app_label}_{opts.model_name}_hr_import"),
                *super().get_urls()]  # type: ignore[misc]

    def hr_import_view(self, request: HttpRequest) -> HttpResponse:
        admin_ = self  # a ModelAdmin
        if not (admin_.has_add_permission(request)  # type: ignore[attr-defined]
                and admin_.has_change_permission(request)):  # type: ignore[attr-defined]
            raise PermissionDenied
        kind = self.hr_import_kind
        user = request.user
        upload = HRUploadForm(user=user)  # type: ignore[arg-type]
        batch: HRImportBatch | None = None
        preview: hr_import.Preview | None = None
        mapping = None
        step = request.POST.get("step", "") if request.method == "POST" else ""
        if step == "upload":
            upload = HRUploadForm(request.POST, request.FILES, user=user)  # type: ignore[arg-type]
            if upload.is_valid():
                organisation = upload.cleaned_data.get("organisation") or user.organisation  # type: ignore[union-attr]
                uploaded = upload.cleaned_data["file"]
                try:
                    batch = hr_import.hr_import_upload(
                        organisation=organisation, kind=kind, file_name=uploaded.name,
                        content=uploaded.read(MAX_UPLOAD + 1), actor=user)  # type: ignore[arg-type]
                    preview = hr_import.hr_import_preview(batch=batch)
                except ValidationError as error:
                    add_error_to_form(upload, error)
                    batch = None
        elif step in {"preview", "apply"}:
            batch = self._hr_batch(request, kind)
            if step == "preview":
                headers = hr_import.read_table(bytes(batch.content)).headers
                mapping = hr_mapping_form(kind, headers, request.POST)
                columns = ({k: v for k, v in mapping.cleaned_data.items() if v}
                           if mapping.is_valid() else None)
                preview = hr_import.hr_import_preview(batch=batch, columns=columns)
            else:
                try:
                    report = hr_import.hr_import_apply(
                        batch=batch, actor=user,  # type: ignore[arg-type]
                        deactivate_leavers=request.POST.get("deactivate_leavers") == "on")
                except ValidationError as error:
                    messages_from_error(request, error)
                    preview = hr_import.hr_import_preview(batch=batch) if (
                        batch.status == HRImportStatus.PREVIEWED) else None
                else:
                    counts = report.counts()
                    messages.success(request, gettext(
                        "Imported: %(new)s new, %(changed)s changed, %(moved)s moved.")
                        % counts)
                    opts = self.model._meta  # type: ignore[attr-defined]
                    return HttpResponseRedirect(
                        reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        if preview is not None and mapping is None:
            mapping = hr_mapping_form(kind, preview.headers, initial=preview.columns)
        title = (gettext("Import leaders from the HR file") if kind == HRImportKind.LEADERS
                 else gettext("Import the unit tree from the HR file"))
        report = preview.report if preview else None
        sections = []
        if report is not None:
            sections = [(key, label, entries[:PREVIEW_ROWS], max(len(entries) - PREVIEW_ROWS, 0))
                        for key, label, entries in self._hr_sections(kind, report)]
        return TemplateResponse(request, "admin/accounts/hr_import.html", {
            **self.admin_site.each_context(request),  # type: ignore[attr-defined]
            "title": title, "opts": self.model._meta,  # type: ignore[attr-defined]
            "is_leaders": kind == HRImportKind.LEADERS, "upload": upload, "batch": batch,
            "mapping": mapping,
            "mapping_errors": preview.mapping_errors if preview else [],
            "report": report, "sections": sections,
            "errors": report.errors[:PREVIEW_ROWS] if report else [],
            "more_errors": max(len(report.errors) - PREVIEW_ROWS, 0) if report else 0,
            "fields": hr_import.fields_for(kind),
        })

    @staticmethod
    def _hr_sections(kind: str, report: Any) -> list[tuple[str, Any, list[Any]]]:
        if kind == HRImportKind.LEADERS:
            return [("new", _("New leaders"), report.new),
                    ("changed", _("Changed leaders"), report.changed),
                    ("moved", _("Leaders moved to another unit"), report.moved),
                    ("missing", _("Missing from the file: proposed as leavers"), report.missing)]
        return [("new", _("New units"), report.new),
                ("changed", _("Changed units"), report.changed),
                ("moved", _("Moved units"), report.moved),
                ("missing", _("Not in the file: kept as they are"), report.missing)]

    @staticmethod
    def _hr_batch(request: HttpRequest, kind: str) -> HRImportBatch:
        """The uploaded file being previewed, of the administrator's municipality only."""
        rows = scope_queryset(HRImportBatch.objects.select_related("organisation"), request.user)
        batch = rows.filter(public_id=uuid_or_404(request.POST.get("batch", "")), kind=kind,
                            status=HRImportStatus.PREVIEWED).first()
        if batch is None:
            raise Http404
        return batch


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
class UnitAdmin(HRImportAdminMixin, OrganisationScopedAdmin):
    """Units are created and moved through the tree services, never by raw path."""

    hr_import_kind = HRImportKind.UNITS
    change_list_template = "admin/accounts/unit/change_list.html"  # + the import button

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
        fields = ["id", "name", "email", "employee_number", "title", "level", "unit_name",
                  "leader_above_name", "leader_since", "is_talent"]
        export_order = fields


class UnitSubtreeFilter(admin.SimpleListFilter):
    """Leaders in a service area or an enterprise, and every unit below it (issue 21)."""

    title = _("unit (with the units below)")
    parameter_name = "enhet"
    template = "admin/filter_many.html"  # hundreds of units: joined in Python

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        # Hundreds of units at 10× (680): read as plain rows, not model instances.
        units = (scope_queryset(Unit.objects.all(), request.user)
                 .filter(kind__in=[UnitKind.SERVICE_AREA, UnitKind.ENTERPRISE])
                 .order_by("path").values_list("pk", "name", "kind"))
        # An enterprise is indented under its service area, so two units of one name
        # (two «Nordby skole») are told apart by where they sit.
        return [(str(pk), name if kind == UnitKind.SERVICE_AREA else f"\u2003{name}")
                for pk, name, kind in units]

    def choices(self, changelist: Any) -> Iterator[dict[str, Any]]:
        # Hundreds of units at 10× (680): a query string built per unit was a fifth of
        # the leaders list's time (issue 23). They differ only in this filter's value,
        # so one is built and the value put in.
        everything = super().choices(changelist)
        yield next(everything)  # "All", as Django makes it
        if changelist.add_facets:  # counts per unit: Django's own way
            yield from everything
            return
        marker = "unit-subtree-value"
        pattern = changelist.get_query_string({self.parameter_name: marker})
        for lookup, title in self.lookup_choices:
            yield {"selected": self.value() == str(lookup),
                   "query_string": pattern.replace(marker, quote_plus(str(lookup))),
                   "display": title}

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        value = self.value()
        if not value:
            return queryset
        unit = (scope_queryset(Unit.objects.all(), request.user)
                .filter(pk=value if value.isdigit() else None).only("path").first())
        if unit is None:
            return queryset.none()
        return queryset.filter(unit__path__startswith=unit.path)


class NewLeaderFilter(admin.SimpleListFilter):
    """Leaders under 12 months in the role (``Leader.is_new``, the one rule)."""

    title = _("new leader")
    parameter_name = "ny"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("ja", _("new (under 12 months)")), ("nei", _("12 months or more"))]

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        new = Leader.objects.new_leaders().values("pk")
        if self.value() == "ja":
            return queryset.filter(pk__in=new)
        if self.value() == "nei":
            return queryset.exclude(pk__in=new)
        return queryset


# A search names at most this many units; their subtrees' leaders are added to the hits.
SEARCH_UNITS = 50


@admin.register(Leader)
class LeaderAdmin(HRImportAdminMixin, ScopedHistoryMixin, OrganisationScopedAdmin):
    hr_import_kind = HRImportKind.LEADERS
    change_list_template = "admin/accounts/leader/change_list.html"  # + the import button
    resource_classes = [LeaderResource]
    list_display = ["name", "employee_number", "title", "level", "unit", "leader_above",
                    "leader_since", "is_talent"]
    list_filter = [UnitSubtreeFilter, "level", NewLeaderFilter, "is_talent", "organisation"]
    list_select_related = ["user", "unit", "leader_above__user"]
    # By name, then the user (unique): a total order Django adds no "-pk" to, which
    # PostgreSQL reads from the users' name index a page at a time.
    ordering = ["user__full_name", "user_id"]
    search_fields = ["user__full_name", "user__email", "employee_number", "title", "unit__name"]
    search_help_text = _("Name, email, title or unit; a unit's name also finds the leaders of "
                         "the units below it.")

    def get_search_results(self, request: HttpRequest, queryset: Any,
                           search_term: str) -> tuple[Any, bool]:
        """Searching «Nordby» also finds the leaders of every unit under «Nordby skole»."""
        results, may_duplicate = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if not term:
            return results, may_duplicate
        paths = list(scope_queryset(Unit.objects.all(), request.user)
                     .filter(name__icontains=term).order_by("path")
                     .values_list("path", flat=True)[:SEARCH_UNITS])
        if not paths:
            return results, may_duplicate
        below = Q()
        for unit_path in paths:
            below |= Q(unit__path__startswith=unit_path)
        return results | queryset.filter(below), True
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
                    "is_coach", "is_active", "two_factor"]
    list_filter = ["is_oaf_admin", "is_facilitator", "is_coach", "is_active", "organisation"]
    list_select_related = ["organisation"]
    search_fields = ["email", "full_name"]
    ordering = ["full_name", "pk"]  # a total order the users' name index serves
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
    actions = ["reset_two_factor"]

    def get_queryset(self, request: HttpRequest) -> Any:
        """Superusers do not exist for an O&F administrator, even in their municipality.

        Change, password (``user_change_password`` goes through ``get_object``),
        delete, history, export and autocomplete all start from this queryset.
        """
        from allauth.mfa.models import Authenticator

        qs = super().get_queryset(request).annotate(has_two_factor=Exists(
            Authenticator.objects.filter(user=OuterRef("pk"))))
        if request.user.is_superuser:
            return qs
        return qs.filter(is_superuser=False)

    @admin.display(description=_("two-factor"), boolean=True, ordering="has_two_factor")
    def two_factor(self, obj: User) -> bool:
        return bool(getattr(obj, "has_two_factor", False))

    @admin.action(description=_("Reset two-factor sign-in (lost phone)"))
    def reset_two_factor(self, request: HttpRequest, queryset: Any) -> None:
        done = []
        for user in queryset:
            try:
                services.user_reset_two_factor(user=user, actor=request.user)
            except (ValidationError, PermissionDenied) as refusal:
                messages_from_error(request, refusal, prefix=user.full_name,
                                    level=messages.WARNING)
            else:
                done.append(user.full_name)
        if done:
            self.message_user(request, _(
                "Two-factor sign-in reset for %(names)s. They set up a new one at their next "
                "sign-in, and have been told by email.") % {"names": ", ".join(done)},
                messages.SUCCESS)

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


class IdentityProviderForm(forms.ModelForm):
    client_secret = forms.CharField(
        label=_("client secret"), required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("Leave empty to keep the secret that is saved."))

    class Meta:
        model = IdentityProvider
        fields = ["organisation", "button_name", "issuer", "client_id", "client_secret",
                  "match_claim", "employee_number_claim", "trust_email", "create_users",
                  "password_login_for_employees"]

    def clean_client_secret(self) -> str:
        secret = self.cleaned_data.get("client_secret") or self.instance.client_secret
        if not secret:
            raise ValidationError(_("Enter the client secret."), code="required")
        return secret


@admin.register(IdentityProvider)
class IdentityProviderAdmin(OrganisationScopedAdmin):
    """The municipality's own sign-in; allauth's SocialApp follows it (never edited directly)."""

    form = IdentityProviderForm
    list_display = ["button_name", "issuer", "match_claim", "create_users",
                    "password_login_for_employees", "organisation"]
    list_select_related = ["organisation"]
    list_filter = ["organisation"]

    def save_model(self, request: HttpRequest, obj: IdentityProvider, form: Any,
                   change: bool) -> None:
        identity_provider_save(provider=obj)

    def delete_model(self, request: HttpRequest, obj: IdentityProvider) -> None:
        app = obj.social_app
        super().delete_model(request, obj)
        if app is not None:
            app.delete()

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


# allauth's own admin pages are not the municipalities' to use: the identity
# provider above keeps its SocialApp, and sign-ins are in each user's history.
# Authenticators (two-factor) are each person's own, seen only on their own pages.
for _model in ("socialaccount.SocialApp", "socialaccount.SocialAccount",
               "socialaccount.SocialToken", "account.EmailAddress", "mfa.Authenticator"):
    from django.apps import apps as _apps

    _cls = _apps.get_model(_model)
    if admin.site.is_registered(_cls):
        admin.site.unregister(_cls)


# Deputies, the approval clock, escalated requests and the step inline (issue 26).
from . import admin_approvals  # noqa: E402, F401
