"""O&F edits their municipality's needs-action thresholds in the admin.

One row per municipality: the list takes O&F straight to their own row, made
with the defaults on first visit; the bounds are checked by the model (messages
per field) and by check constraints.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from lib.admin import OrganisationScopedAdmin

from .models import THRESHOLDS, CockpitSettings
from .services.thresholds import cockpit_settings_get


@admin.register(CockpitSettings)
class CockpitSettingsAdmin(OrganisationScopedAdmin):
    list_display = ["__str__", *THRESHOLDS, "updated_at"]
    list_select_related = ["organisation"]
    list_filter = ["organisation"]
    fields = list(THRESHOLDS)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # one per municipality, made with the defaults on first need

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        user = request.user
        organisation_id = None if user.is_superuser else getattr(user, "organisation_id", None)
        if organisation_id and self.has_view_permission(request):
            row = cockpit_settings_get(organisation_id=organisation_id)
            return redirect("admin:cockpit_cockpitsettings_change", row.pk)
        return super().changelist_view(request, extra_context)

    def save_model(self, request: HttpRequest, obj: CockpitSettings, form: Any,
                   change: bool) -> None:
        obj.updated_at = timezone.now()
        super().save_model(request, obj, form, change)
