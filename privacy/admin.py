"""O&F's admin: the two statements, the retention schedule, its preview and the record."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Organisation
from lib.admin import OrganisationScopedAdmin, OrganisationScopedMixin, ReadOnlyScopedAdmin
from lib.documents import document_request

from .defaults import PRIVACY, multilingual
from .documents import RECORD_CSV, RECORD_LABELS, RECORD_PDF
from .models import (
    AccessibilityStatement,
    KnownDeviation,
    PrivacyAcknowledgement,
    PrivacyStatement,
    RetentionPolicy,
)
from .services import accessibility_statement_get, privacy_statement_save, retention_policy_get
from .services.retention import retention_preview


def _own_organisation(request: HttpRequest) -> Organisation | None:
    """The O&F administrator's municipality (None for a system administrator)."""
    user = request.user
    if user.is_superuser or not getattr(user, "organisation_id", None):
        return None
    return user.organisation  # type: ignore[union-attr]


class KnownDeviationInline(OrganisationScopedMixin, admin.StackedInline):
    model = KnownDeviation
    extra = 0
    fields = ["criterion", "area", "description_nb", "description_nn", "description_en",
              "position"]


@admin.register(AccessibilityStatement)
class AccessibilityStatementAdmin(OrganisationScopedAdmin):
    list_display = ["__str__", "conformance", "reviewed_on", "updated_at"]
    list_select_related = ["organisation"]
    inlines = [KnownDeviationInline]
    fieldsets = [
        (None, {"fields": ["conformance", "reviewed_on", "created_on"]}),
        (gettext_lazy("What the statement covers"), {"fields": ["scope_nb", "scope_nn",
                                                                "scope_en"]}),
        (gettext_lazy("Feedback"), {"fields": ["feedback_email", "feedback_url", "feedback_nb",
                                               "feedback_nn", "feedback_en"]}),
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # one per municipality, made with the portal's own on first visit

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        organisation = _own_organisation(request)
        if organisation is not None and self.has_change_permission(request):
            statement = accessibility_statement_get(
                organisation=organisation, feedback_email=request.user.email)  # type: ignore[union-attr]
            return redirect("admin:privacy_accessibilitystatement_change", statement.pk)
        return super().changelist_view(request, extra_context)

    def save_model(self, request: HttpRequest, obj: AccessibilityStatement, form: Any,
                   change: bool) -> None:
        obj.updated_at = timezone.now()
        super().save_model(request, obj, form, change)

    def view_on_site(self, obj: AccessibilityStatement) -> str:
        return f"{reverse('privacy:accessibility')}?kommune={obj.organisation.slug}"


class PrivacyStatementForm(forms.ModelForm):
    everyone_reads = forms.BooleanField(
        label=gettext_lazy("Everyone must read this change"), required=False,
        help_text=gettext_lazy("Makes a new version: every user is shown the statement again "
                               "at their next login. Leave it off for corrections of wording."))

    class Meta:
        model = PrivacyStatement
        fields = ["controller", "controller_contact", "dpo_name", "dpo_email", "dpo_phone",
                  *(f"{name}_{language}" for name in PRIVACY for language in ("nb", "nn", "en"))]


@admin.register(PrivacyStatement)
class PrivacyStatementAdmin(OrganisationScopedAdmin):
    form = PrivacyStatementForm
    list_display = ["__str__", "version", "updated_at"]
    list_select_related = ["organisation"]
    readonly_fields = ["version"]
    fieldsets = [
        (gettext_lazy("Who is responsible"), {"fields": [
            "controller", "controller_contact", "dpo_name", "dpo_email", "dpo_phone"]}),
        (gettext_lazy("Purposes"), {"fields": ["purposes_nb", "purposes_nn", "purposes_en"]}),
        (gettext_lazy("Legal basis"), {"fields": ["legal_basis_nb", "legal_basis_nn",
                                                  "legal_basis_en"]}),
        (gettext_lazy("Categories of personal data"), {"fields": [
            "categories_nb", "categories_nn", "categories_en"]}),
        (gettext_lazy("Recipients"), {"fields": ["recipients_nb", "recipients_nn",
                                                 "recipients_en"]}),
        (gettext_lazy("Your rights"), {"fields": ["rights_nb", "rights_nn", "rights_en"]}),
        (gettext_lazy("Publishing"), {"fields": ["version", "everyone_reads"]}),
    ]

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        """A system administrator (no municipality of their own) names the municipality."""
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return [(None, {"fields": ["organisation"]}), *fieldsets]
        return fieldsets

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        organisation = _own_organisation(request)
        if organisation is not None and PrivacyStatement.objects.filter(
                organisation=organisation).exists():
            return False  # one per municipality
        return super().has_add_permission(request)

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        organisation = _own_organisation(request)
        if organisation is not None and self.has_view_permission(request):
            statement = PrivacyStatement.objects.filter(organisation=organisation).first()
            if statement is not None:
                return redirect("admin:privacy_privacystatement_change", statement.pk)
            if self.has_add_permission(request):
                return redirect("admin:privacy_privacystatement_add")
        return super().changelist_view(request, extra_context)

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        """A new statement starts from the portal's own description (``privacy.defaults``)."""
        initial = super().get_changeform_initial_data(request)
        organisation = _own_organisation(request)
        if organisation is not None:
            initial.setdefault("controller", organisation.name)
        for name, texts in PRIVACY.items():
            for key, value in multilingual(name, texts).items():
                initial.setdefault(key, value)
        return initial

    def save_model(self, request: HttpRequest, obj: PrivacyStatement, form: Any,
                   change: bool) -> None:
        privacy_statement_save(statement=obj, actor=request.user,  # type: ignore[arg-type]
                               everyone_reads=form.cleaned_data.get("everyone_reads", False))

    def view_on_site(self, obj: PrivacyStatement) -> str:
        return f"{reverse('privacy:privacy')}?kommune={obj.organisation.slug}"


@admin.register(PrivacyAcknowledgement)
class PrivacyAcknowledgementAdmin(ReadOnlyScopedAdmin):
    list_display = ["user", "version", "acknowledged_at"]
    list_select_related = ["user"]
    list_filter = ["version"]
    search_fields = ["user__full_name", "user__email"]
    date_hierarchy = "acknowledged_at"

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(RetentionPolicy)
class RetentionPolicyAdmin(OrganisationScopedAdmin):
    change_form_template = "admin/privacy/retentionpolicy_change_form.html"
    list_display = ["__str__", "draft_days", "reminder_days", "history_years", "leaver_months",
                    "document_days", "updated_at"]
    list_select_related = ["organisation"]
    fields = ["draft_days", "reminder_days", "history_years", "leaver_months", "document_days"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # one per municipality, made with the defaults on first need

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        organisation = _own_organisation(request)
        if organisation is not None and self.has_view_permission(request):
            policy = retention_policy_get(organisation_id=organisation.pk)
            return redirect("admin:privacy_retentionpolicy_change", policy.pk)
        return super().changelist_view(request, extra_context)

    def save_model(self, request: HttpRequest, obj: RetentionPolicy, form: Any,
                   change: bool) -> None:
        obj.updated_at = timezone.now()
        super().save_model(request, obj, form, change)

    def get_urls(self) -> list:
        return [path("slettes/", self.admin_site.admin_view(self.preview_view),
                     name="privacy_retention_preview"),
                path("protokoll/", self.admin_site.admin_view(self.record_view),
                     name="privacy_processing_record"),
                *super().get_urls()]

    def _organisation_or_403(self, request: HttpRequest) -> Organisation:
        organisation = _own_organisation(request)
        if organisation is None or not self.has_view_permission(request):
            # System administrators serve every municipality: these pages are one's own.
            raise PermissionDenied(_("Only O&F administrators of a municipality see this page."))
        return organisation

    def preview_view(self, request: HttpRequest) -> HttpResponse:
        """What the next runs will delete or anonymise, and what follows within 30 days."""
        organisation = self._organisation_or_403(request)
        preview = retention_preview(organisation_id=organisation.pk)
        context = {**self.admin_site.each_context(request), "opts": self.model._meta,
                   "title": _("What will be deleted next"), "preview": preview}
        return TemplateResponse(request, "admin/privacy/retention_preview.html", context)

    def record_view(self, request: HttpRequest) -> HttpResponse:
        """The record of processing (GDPR art. 30): made as PDF or CSV by a file job."""
        organisation = self._organisation_or_403(request)
        if request.method == "POST":
            kind = request.POST.get("kind")
            if kind not in RECORD_LABELS:
                messages.error(request, _("Choose PDF or CSV."))
                return HttpResponseRedirect(request.path)
            document = document_request(
                kind=kind, organisation=organisation, requested_by=request.user,
                title=_("Record of processing – %(municipality)s")
                % {"municipality": organisation.name})
            return HttpResponseRedirect(reverse("lib:document_detail", args=[document.pk]))
        context = {**self.admin_site.each_context(request), "opts": self.model._meta,
                   "title": _("Record of processing"), "kinds": [
                       (RECORD_PDF, RECORD_LABELS[RECORD_PDF]),
                       (RECORD_CSV, RECORD_LABELS[RECORD_CSV])]}
        return TemplateResponse(request, "admin/privacy/processing_record.html", context)
