"""Admin for O&F: groups, rollout waves, processes (with actions that call the
services), the rollout plan view, and read-only posters."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lib.admin import OrganisationScopedAdmin, OrganisationScopedTabularInline, run_per_row
from lib.exports import export_resource
from lib.http import error_text
from lib.rooms import RoomClashWarningMixin

from . import services
from .calendar import session_event
from .forms import PlanSessionsForm, WaveForm
from .models import (
    GroupProcess,
    LeaderGroup,
    LeaderGroupMembership,
    Phase,
    PosterVersion,
    ProcessSession,
    PurposePoster,
    RolloutWave,
    TrainingTask,
)
from .rollout import rollout_plan_get
from .services import calendar as calendar_services


def _action_form(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: Any,
                 form: Any, title: str, action: str) -> TemplateResponse:
    """The intermediate page of an admin action that needs a few answers first."""
    return TemplateResponse(request, "admin/groups/action_form.html", {
        **modeladmin.admin_site.each_context(request), "title": title, "form": form,
        "objects": queryset, "action": action, "opts": modeladmin.model._meta,
        "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
    })


class MembershipInline(OrganisationScopedTabularInline):
    model = LeaderGroupMembership
    autocomplete_fields = ["leader"]
    extra = 0


@admin.register(LeaderGroup)
class LeaderGroupAdmin(OrganisationScopedAdmin):
    resource_classes = [export_resource(LeaderGroup, [
        "name", ("unit", "unit__name"), ("head", "head__user__full_name")])]
    list_display = ["name", "unit", "head", "member_count", "wave", "phase"]
    list_select_related = ["unit", "head__user", "process__wave"]
    # RelatedOnly: the choices come from the scoped queryset, never another municipality.
    list_filter = [("process__wave", admin.RelatedOnlyFieldListFilter), "process__phase",
                   "organisation"]
    search_fields = ["name", "unit__name", "head__user__full_name"]
    autocomplete_fields = ["unit", "head"]
    inlines = [MembershipInline]
    actions = ["plan_into_wave"]

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).annotate(_members=Count("memberships"))

    @admin.display(description=_("members"), ordering="_members")
    def member_count(self, obj: LeaderGroup) -> int:
        return obj._members  # type: ignore[attr-defined]

    @admin.display(description=_("rollout wave"), ordering="process__wave__number")
    def wave(self, obj: LeaderGroup) -> str:
        process = getattr(obj, "process", None)
        return str(process.wave) if process and process.wave else "–"

    @admin.display(description=_("phase"), ordering="process__phase")
    def phase(self, obj: LeaderGroup) -> str:
        process = getattr(obj, "process", None)
        return process.get_phase_display() if process else gettext("no process yet")

    @admin.action(description=_("Put into a rollout wave…"), permissions=["change"])
    def plan_into_wave(self, request: HttpRequest, queryset: Any) -> HttpResponse | None:
        form = WaveForm(request.POST if "apply" in request.POST else None, user=request.user)
        if "apply" in request.POST and form.is_valid():
            try:
                result = services.processes_plan(
                    groups=list(queryset), wave=form.cleaned_data["wave"],
                    facilitator=form.cleaned_data["facilitator"], actor=request.user)
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(request, error_text(exc), messages.ERROR)
                return None
            self.message_user(request, gettext(
                "%(created)s processes created, %(moved)s moved; %(skipped)s already under way "
                "were left as they are.") % {"created": result.created, "moved": result.moved,
                                             "skipped": result.skipped}, messages.SUCCESS)
            return None
        return _action_form(self, request, queryset, form, gettext("Put into a rollout wave"),
                            "plan_into_wave")


@admin.register(RolloutWave)
class RolloutWaveAdmin(OrganisationScopedAdmin):
    resource_classes = [export_resource(RolloutWave, [
        "number", "name", "starts_on", "ends_on", "priority"])]
    list_display = ["number", "name", "starts_on", "ends_on", "group_count", "started_count",
                    "finished_count"]
    list_display_links = ["number", "name"]
    list_filter = ["organisation"]
    search_fields = ["name"]
    ordering = ["number"]

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).annotate(
            _groups=Count("processes"),
            _started=Count("processes", filter=Q(processes__started_on__isnull=False)),
            _finished=Count("processes", filter=Q(processes__phase=Phase.FINISHED)))

    @admin.display(description=_("groups"), ordering="_groups")
    def group_count(self, obj: RolloutWave) -> Any:
        url = reverse("admin:groups_groupprocess_changelist") + f"?wave__id__exact={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, obj._groups)  # type: ignore[attr-defined]

    @admin.display(description=_("started"), ordering="_started")
    def started_count(self, obj: RolloutWave) -> int:
        return obj._started  # type: ignore[attr-defined]

    @admin.display(description=_("finished"), ordering="_finished")
    def finished_count(self, obj: RolloutWave) -> int:
        return obj._finished  # type: ignore[attr-defined]


class SessionInline(OrganisationScopedTabularInline):
    model = ProcessSession
    fields = ["number", "kind", "planned_at", "duration_minutes", "meeting", "location", "topic",
              "held_on"]
    # Holding a session moves the phase on, so it is recorded through the service
    # on the group's progress page, not typed in here.
    readonly_fields = ["held_on"]
    extra = 0


class TaskInline(OrganisationScopedTabularInline):
    model = TrainingTask
    fields = ["title", "after_session", "due_on", "instructions"]
    extra = 0

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "after_session":
            process_id = request.resolver_match.kwargs.get("object_id")
            field.queryset = field.queryset.filter(process_id=process_id) if process_id else \
                field.queryset.none()
        return field


@admin.register(GroupProcess)
class GroupProcessAdmin(RoomClashWarningMixin, OrganisationScopedAdmin):
    resource_classes = [export_resource(GroupProcess, [
        ("group", "group__name"), ("unit", "group__unit__name", _("unit")),
        ("wave", "wave__name"), "priority", ("facilitator", "facilitator__full_name"), "phase",
        "started_on", "finished_on"])]
    change_list_template = "admin/groups/groupprocess/change_list.html"
    list_display = ["group", "unit", "wave", "priority", "facilitator", "phase", "started_on",
                    "session_count", "progress_link"]
    list_filter = [("wave", admin.RelatedOnlyFieldListFilter), "phase",
                   ("facilitator", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["group__unit", "wave", "facilitator"]
    search_fields = ["group__name", "group__unit__name", "facilitator__full_name"]
    autocomplete_fields = ["group", "facilitator"]
    readonly_fields = ["phase", "started_on", "finished_on"]
    fields = ["group", "wave", "priority", "facilitator", "phase", "started_on", "finished_on",
              "notes"]
    inlines = [SessionInline, TaskInline]
    actions = ["start_process", "plan_sessions", "finish_process"]

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).annotate(_sessions=Count("sessions"))

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        """Sessions moved or deleted here reach the group's calendars as a session moved
        on the progress page does (``groups.services.calendar``)."""
        if formset.model is not ProcessSession:
            super().save_formset(request, form, formset, change)
            return
        deleted = [f.instance for f in formset.deleted_forms if f.instance.pk]
        moved = [(f.instance, session_event(ProcessSession.objects.select_related(
                     "process__group").get(pk=f.instance.pk)))
                 for f in formset.initial_forms if f.instance.pk and f.instance not in deleted
                 and {"planned_at", "duration_minutes", "location"} & set(f.changed_data)]
        for session in deleted:
            calendar_services.session_cancel(session=session, actor=request.user)
        super().save_formset(request, form, formset, change)
        for session, before in moved:
            calendar_services.session_moved(session=session, before=before, actor=request.user)

    def get_urls(self) -> list[Any]:
        plan = path("utrulling/", self.admin_site.admin_view(self.rollout_plan_view),
                    name="groups_groupprocess_rollout")
        return [plan, *super().get_urls()]

    def rollout_plan_view(self, request: HttpRequest) -> TemplateResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return TemplateResponse(request, "admin/groups/rollout_plan.html", {
            **self.admin_site.each_context(request), "title": gettext("Rollout plan"),
            "opts": self.model._meta, "plan": rollout_plan_get(user=request.user)})

    @admin.display(description=_("unit"), ordering="group__unit__name")
    def unit(self, obj: GroupProcess) -> str:
        return obj.group.unit.name

    @admin.display(description=_("sessions"), ordering="_sessions")
    def session_count(self, obj: GroupProcess) -> int:
        return obj._sessions  # type: ignore[attr-defined]

    @admin.display(description=_("progress page"))
    def progress_link(self, obj: GroupProcess) -> str:
        return format_html('<a href="{}">{}</a>',
                           reverse("groups:progress", args=[obj.group.public_id]),
                           gettext("open"))

    def _each(self, request: HttpRequest, queryset: Any, call: Any, success: str) -> None:
        run_per_row(self, request, queryset.select_related("group"), call, success=success,
                    label=lambda process: process.group.name)

    @admin.action(description=_("Start the development process"), permissions=["change"])
    def start_process(self, request: HttpRequest, queryset: Any) -> None:
        self._each(request, queryset,
                   lambda p: services.process_start(process=p, actor=request.user),
                   gettext("%(count)s processes started."))

    @admin.action(description=_("Mark the process as finished"), permissions=["change"])
    def finish_process(self, request: HttpRequest, queryset: Any) -> None:
        self._each(request, queryset,
                   lambda p: services.process_finish(process=p, actor=request.user),
                   gettext("%(count)s processes finished."))

    @admin.action(description=_("Plan the sessions…"), permissions=["change"])
    def plan_sessions(self, request: HttpRequest, queryset: Any) -> HttpResponse | None:
        form = PlanSessionsForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            self._each(request, queryset,
                       lambda p: services.sessions_plan(process=p, actor=request.user,
                                                        **form.cleaned_data),
                       gettext("Sessions planned for %(count)s groups."))
            return None
        return _action_form(self, request, queryset, form, gettext("Plan the sessions"),
                            "plan_sessions")


class VersionInline(OrganisationScopedTabularInline):
    model = PosterVersion
    fields = ["number", "author", "created_at", "first_published_at", "based_on"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PurposePoster)
class PurposePosterAdmin(OrganisationScopedAdmin):
    """Read-only: the group owns its poster; O&F follows it here."""

    list_display = ["group", "version_count", "published_number", "published_at", "view_link"]
    list_select_related = ["group", "published_version"]
    search_fields = ["group__name"]
    readonly_fields = ["group", "published_version", "published_at", "published_by"]
    fields = readonly_fields
    inlines = [VersionInline]

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).annotate(_versions=Count("versions"))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("versions"), ordering="_versions")
    def version_count(self, obj: PurposePoster) -> int:
        return obj._versions  # type: ignore[attr-defined]

    @admin.display(description=_("published version"))
    def published_number(self, obj: PurposePoster) -> Any:
        return obj.published_version.number if obj.published_version else "–"

    @admin.display(description=_("poster"))
    def view_link(self, obj: PurposePoster) -> str:
        return format_html('<a href="{}">{}</a>',
                           reverse("groups:poster", args=[obj.group.public_id]), gettext("open"))
