"""Admin for the leader platform: O&F runs the six steps here.

The platform and its versions are started and moved on only through the
services (actions "Start a new version", "Move to the next step", "Publish");
the admin edits what O&F writes in three languages — the introduction, the
dates of each step, the themes with their reflection questions, the
characteristics' texts and their observable behaviours. Proposals are listed
as their groups' (who typed them is never shown). Ratings and self-assessments
have no admin: nobody reads individual answers.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import User
from lib.admin import (
    OrganisationScopedAdmin,
    OrganisationScopedTabularInline,
    ReadOnlyScopedAdmin,
    run_per_row,
)
from programs.models import Module

from . import services
from .models import Behaviour, Characteristic, Platform, PlatformVersion, Proposal, StepPlan, Theme


def _actor(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # the admin is behind the login
    return user


@admin.register(Platform)
class PlatformAdmin(OrganisationScopedAdmin):
    list_display = ["name_nb", "organisation", "versions_count"]
    actions = ["start_version"]

    def get_queryset(self, request: HttpRequest) -> Any:
        return (super().get_queryset(request).select_related("organisation")
                .annotate(_versions=Count("versions")))

    @admin.display(description=_("versions"), ordering="_versions")
    def versions_count(self, obj: Platform) -> int:
        return getattr(obj, "_versions", 0)

    @admin.action(description=_("Start a new version"))
    def start_version(self, request: HttpRequest, queryset: QuerySet) -> None:
        run_per_row(self, request, queryset.select_related("organisation"),
                    lambda platform: services.platform_version_create(
                        organisation=platform.organisation, actor=_actor(request)),
                    success=lambda done: ngettext("%(count)d version started.",
                                                  "%(count)d versions started.", done)
                    % {"count": done})


class StepPlanInline(OrganisationScopedTabularInline):
    model = StepPlan
    fields = ["step", "starts_on", "ends_on", "note"]
    readonly_fields = ["step"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ThemeInline(OrganisationScopedTabularInline):
    model = Theme
    fields = ["position", "name_nb", "name_nn", "name_en", "reflection_nb", "reflection_nn",
              "reflection_en"]
    extra = 0


@admin.register(PlatformVersion)
class PlatformVersionAdmin(OrganisationScopedAdmin):
    list_display = ["__str__", "status", "step", "published_at", "portal_link"]
    list_filter = ["status", "step"]
    list_select_related = ["platform"]
    fields = ["platform", "number", "status", "step", "published_at", "intro_nb", "intro_nn",
              "intro_en"]
    readonly_fields = ["platform", "number", "status", "step", "published_at"]
    inlines = [StepPlanInline, ThemeInline]
    actions = ["advance", "publish", "use_in_evaluations"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # "Start a new version" on the platform

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and (obj is None or obj.is_draft)

    @admin.display(description=_("in the portal"))
    def portal_link(self, obj: PlatformVersion) -> str:
        return format_html('<a href="{}">{}</a>', reverse("leaderplatform:version",
                                                          args=[obj.uuid]), _("open"))

    @admin.action(description=_("Move to the next step"))
    def advance(self, request: HttpRequest, queryset: QuerySet) -> None:
        run_per_row(self, request, queryset,
                    lambda version: services.version_advance(version=version,
                                                             actor=_actor(request)),
                    success=lambda done: ngettext("%(count)d version moved on.",
                                                  "%(count)d versions moved on.", done)
                    % {"count": done})

    @admin.action(description=_("Publish and announce to every leader"))
    def publish(self, request: HttpRequest, queryset: QuerySet) -> None:
        run_per_row(self, request, queryset,
                    lambda version: services.version_publish(version=version,
                                                             actor=_actor(request)),
                    success=lambda done: ngettext("%(count)d version published.",
                                                  "%(count)d versions published.", done)
                    % {"count": done})


    @admin.action(description=_("Use in session evaluations"))
    def use_in_evaluations(self, request: HttpRequest, queryset: QuerySet) -> None:
        run_per_row(self, request, queryset,
                    lambda version: services.evaluation_instrument_build(
                        version=version, actor=_actor(request)),
                    success=lambda done: ngettext(
                        "%(count)d session evaluation built from the platform.",
                        "%(count)d session evaluations built from the platform.", done)
                    % {"count": done})


class BehaviourInline(OrganisationScopedTabularInline):
    model = Behaviour
    fields = ["position", "text_nb", "text_nn", "text_en"]
    extra = 1


class CharacteristicForm(forms.ModelForm):
    class Meta:
        model = Characteristic
        fields = ["theme", "position", "text_nb", "text_nn", "text_en", "modules"]

    def clean_theme(self) -> Theme | None:
        theme = self.cleaned_data.get("theme")
        if theme is not None and theme.version_id != self.instance.version_id:
            raise ValidationError(_("Choose a theme of the same platform version."),
                                  code="other_version")
        return theme

    def clean_modules(self) -> Any:
        modules = self.cleaned_data.get("modules")
        org_id = self.instance.version.platform.organisation_id
        if modules is not None and any(m.programme.organisation_id != org_id
                                        for m in modules.select_related("programme")):
            raise ValidationError(_("Choose modules of the platform's municipality."),
                                  code="other_organisation")
        return modules


@admin.register(Characteristic)
class CharacteristicAdmin(OrganisationScopedAdmin):
    form = CharacteristicForm
    list_display = ["text_nb", "version", "theme", "status", "proposal_count"]
    list_filter = ["status"]
    list_select_related = ["version__platform", "theme"]
    search_fields = ["text_nb", "text_nn", "text_en"]
    readonly_fields = ["version", "status", "proposed_by"]
    fields = ["version", "status", "theme", "position", "text_nb", "text_nn", "text_en",
              "modules", "proposed_by"]
    filter_horizontal = ["modules"]
    inlines = [BehaviourInline]

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "modules":
            kwargs["queryset"] = Module.objects.select_related("programme").order_by(
                "-year", "topic")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).annotate(_proposals=Count("proposals"))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # candidates are made from the proposals in step 4

    @admin.display(description=_("proposals"), ordering="_proposals")
    def proposal_count(self, obj: Characteristic) -> int:
        return getattr(obj, "_proposals", 0)

    @admin.display(description=_("proposed by"))
    def proposed_by(self, obj: Characteristic) -> str:
        names = sorted({p.group_name for p in obj.proposals.select_related(
            "leader_group", "network_group")})
        return ", ".join(names) or "–"


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyScopedAdmin):
    list_display = ["text_short", "group_name", "characteristic", "created_at"]
    list_select_related = ["leader_group", "network_group", "characteristic", "version"]
    fields = ("version", "leader_group", "network_group", "text", "characteristic",
              "created_at")  # never who typed it
    readonly_fields = fields
    search_fields = ["text"]

    @admin.display(description=_("proposal"))
    def text_short(self, obj: Proposal) -> str:
        return obj.text[:100]

    @admin.display(description=_("group"))
    def group_name(self, obj: Proposal) -> str:
        return obj.group_name
