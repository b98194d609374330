from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import admin
from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.admin_approvals import ApprovalStepInline
from lib.admin import OrganisationScopedAdmin, OrganisationScopedTabularInline
from lib.exports import export_resource

from ..models import (
    AvailabilityException,
    CoachProfile,
    CourseStatus,
    FrameworkAgreement,
    Supplier,
    WeeklyAvailability,
)


@admin.register(Supplier)
class SupplierAdmin(OrganisationScopedAdmin):
    resource_classes = [export_resource(Supplier, ["name", "org_number", "contact_email"])]
    list_display = ["name", "org_number", "contact_email", "coach_count", "agreement_count"]
    search_fields = ["name", "org_number"]
    list_filter = ["organisation"]

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).annotate(
            _coaches=Count("coaches", distinct=True), _agreements=Count("agreements",
                                                                        distinct=True))

    @admin.display(description=_("coaches"), ordering="_coaches")
    def coach_count(self, obj: Supplier) -> int:
        return obj._coaches  # type: ignore[attr-defined]

    @admin.display(description=_("framework agreements"), ordering="_agreements")
    def agreement_count(self, obj: Supplier) -> int:
        return obj._agreements  # type: ignore[attr-defined]


@admin.register(FrameworkAgreement)
class FrameworkAgreementAdmin(OrganisationScopedAdmin):
    resource_classes = [export_resource(FrameworkAgreement, [
        "name", ("supplier", "supplier__name"), ("programme", "programme__name"), "starts_on",
        "ends_on", "hourly_rate", "sessions_per_leader", "session_minutes",
        "cancellation_hours"])]
    list_display = ["name", "supplier", "programme", "starts_on", "ends_on", "hourly_rate",
                    "sessions_per_leader", "session_minutes", "cancellation_hours",
                    "course_count"]
    list_filter = ["supplier", "organisation"]
    list_select_related = ["supplier", "programme"]
    search_fields = ["name", "supplier__name"]
    autocomplete_fields = ["supplier"]
    date_hierarchy = "starts_on"
    inlines = [ApprovalStepInline]

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).annotate(_courses=Count("courses"))

    @admin.display(description=_("courses"), ordering="_courses")
    def course_count(self, obj: FrameworkAgreement) -> int:
        return obj._courses  # type: ignore[attr-defined]


class WeeklyAvailabilityInline(OrganisationScopedTabularInline):
    model = WeeklyAvailability
    extra = 0


class AvailabilityExceptionInline(OrganisationScopedTabularInline):
    """Exceptions from the last month on; older ones only clutter the form."""

    model = AvailabilityException
    fields = ["kind", "starts_at", "ends_at", "note"]
    extra = 0

    def get_queryset(self, request: HttpRequest) -> Any:
        since = timezone.now() - dt.timedelta(days=31)
        return super().get_queryset(request).filter(ends_at__gte=since)


@admin.register(CoachProfile)
class CoachProfileAdmin(OrganisationScopedAdmin):
    # Not the meeting link: it may carry a room's passcode.
    resource_classes = [export_resource(CoachProfile, [
        ("name", "user__full_name", _("name")), ("email", "user__email", _("email")),
        ("supplier", "supplier__name"), "daily_capacity", "max_courses", "offers_phone",
        "offers_video", "offers_on_site", "location", "is_active"])]
    list_display = ["name", "supplier", "daily_capacity", "max_courses", "modes_display",
                    "active_courses", "is_active"]
    list_filter = ["supplier", "is_active", "organisation"]
    list_select_related = ["user", "supplier"]
    search_fields = ["user__full_name", "user__email", "supplier__name"]
    autocomplete_fields = ["user", "supplier"]
    inlines = [WeeklyAvailabilityInline, AvailabilityExceptionInline]

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).annotate(
            _active=Count("courses", filter=Q(courses__status=CourseStatus.ACTIVE)))

    @admin.display(description=_("name"), ordering="user__full_name")
    def name(self, obj: CoachProfile) -> str:
        return obj.user.full_name

    @admin.display(description=_("ways to meet"))
    def modes_display(self, obj: CoachProfile) -> str:
        return ", ".join(str(label) for _value, label in obj.mode_choices())

    @admin.display(description=_("courses under way"), ordering="_active")
    def active_courses(self, obj: CoachProfile) -> int:
        return obj._active  # type: ignore[attr-defined]
