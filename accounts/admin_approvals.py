"""O&F's admin for approvals: deputies, the municipality's clock, escalated requests, steps.

Deputies are named through ``accounts.services.approvals.deputy_set`` (the
form shows the service's refusals before saving). Extra approval steps are
edited where they apply — on a module, a programme or a coaching agreement —
through :class:`ApprovalStepInline`, which the track apps' admins include.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.contenttypes.admin import GenericTabularInline
from django.contrib.contenttypes.forms import BaseGenericInlineFormSet
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from lib.admin import OrganisationScopedAdmin, OrganisationScopedMixin, ReadOnlyScopedAdmin
from lib.http import error_text

from .models import ApprovalEscalation, ApprovalPolicy, ApprovalStep, Deputy
from .services.approvals import deputy_check, deputy_set


class DeputyAdminForm(forms.ModelForm):
    class Meta:
        model = Deputy
        fields = ["leader", "deputy", "starts_on", "ends_on"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.instance.pk is None and all(data.get(k) for k in
                                            ("leader", "deputy", "starts_on", "ends_on")):
            try:
                deputy_check(leader=data["leader"], deputy=data["deputy"],
                             starts_on=data["starts_on"], ends_on=data["ends_on"])
            except ValidationError as exc:
                raise forms.ValidationError(exc.messages, code=exc.code) from None
        return data


@admin.register(Deputy)
class DeputyAdmin(OrganisationScopedAdmin):
    form = DeputyAdminForm
    list_display = ["leader", "deputy", "starts_on", "ends_on", "created_by"]
    list_select_related = ["leader", "deputy", "created_by"]
    list_filter = ["starts_on", "ends_on"]
    search_fields = ["leader__full_name", "deputy__full_name"]
    autocomplete_fields = ["leader", "deputy"]
    date_hierarchy = "starts_on"

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # A period is named through the service; to change one, delete it and name a new one.
        return ["leader", "deputy", "starts_on", "ends_on"] if obj is not None else []

    def save_model(self, request: HttpRequest, obj: Deputy, form: Any, change: bool) -> None:
        if change:
            return
        try:
            row = deputy_set(leader=obj.leader, deputy=obj.deputy, starts_on=obj.starts_on,
                             ends_on=obj.ends_on, actor=request.user)  # type: ignore[arg-type]
        except (ValidationError, PermissionDenied) as exc:
            self.message_user(request, error_text(exc), messages.ERROR)
            raise PermissionDenied(error_text(exc)) from None
        obj.pk, obj.organisation_id, obj.created_at = row.pk, row.organisation_id, row.created_at


@admin.register(ApprovalPolicy)
class ApprovalPolicyAdmin(OrganisationScopedAdmin):
    list_display = ["organisation", "remind_after_days", "escalate_after_days",
                    "deadline_margin_days"]
    list_select_related = ["organisation"]


@admin.register(ApprovalEscalation)
class ApprovalEscalationAdmin(ReadOnlyScopedAdmin):
    """Requests offered higher up after waiting too long (the needs-action list links here)."""

    list_display = ["request_kind", "request_id", "step_number", "escalated_to",
                    "near_deadline", "escalated_at", "resolved_at"]
    list_select_related = ["escalated_to"]
    list_filter = ["request_kind", "near_deadline", ("resolved_at", admin.EmptyFieldListFilter)]


class _StepFormSet(BaseGenericInlineFormSet):
    """New steps belong to the municipality of what they are attached to."""

    def save_new(self, form: Any, commit: bool = True) -> Any:
        parent = self.instance
        organisation_id = getattr(parent, "organisation_id", None)
        if organisation_id is None and hasattr(parent, "programme"):
            organisation_id = parent.programme.organisation_id
        form.instance.organisation_id = organisation_id
        return super().save_new(form, commit=commit)


class ApprovalStepInline(OrganisationScopedMixin, GenericTabularInline):
    """Extra approval steps after the leader above, in order (module, programme, agreement)."""

    model = ApprovalStep
    formset = _StepFormSet
    fields = ["position", "label", "kind", "person", "condition", "condition_value"]
    autocomplete_fields = ["person"]
    extra = 0
    verbose_name = _("approval step after the leader above")
    verbose_name_plural = _("approval steps after the leader above")

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> Any:
        return ["organisation"]

