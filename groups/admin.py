from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Count
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from lib.admin import OrganisationScopedAdmin, OrganisationScopedTabularInline

from .models import LeaderGroup, LeaderGroupMembership


class MembershipInline(OrganisationScopedTabularInline):
    model = LeaderGroupMembership
    autocomplete_fields = ["leader"]
    extra = 0


@admin.register(LeaderGroup)
class LeaderGroupAdmin(OrganisationScopedAdmin):
    list_display = ["name", "unit", "head", "member_count"]
    list_select_related = ["unit", "head__user"]
    list_filter = ["organisation"]
    search_fields = ["name", "unit__name", "head__user__full_name"]
    autocomplete_fields = ["unit", "head"]
    inlines = [MembershipInline]

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).annotate(_members=Count("memberships"))

    @admin.display(description=_("members"), ordering="_members")
    def member_count(self, obj: LeaderGroup) -> int:
        return obj._members  # type: ignore[attr-defined]
