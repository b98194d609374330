"""Admin for network groups: plans with their actions, groups with their mix, the meeting
plan per facilitator with conflicts flagged, holidays.

Groups and meetings change only through the services (the rules are re-checked
on every change), so their admin pages are read-only lists with actions and
links to the composition and meeting pages, which call the same services.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.db.models.functions import Substr
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import Unit, User
from lib.admin import OrganisationScopedAdmin, OrganisationScopedTabularInline, run_per_row
from lib.exports import export_resource
from lib.rooms import room_clashes
from lib.scoping import scope_queryset
from programs.models import Programme

from . import selectors, services
from .models import NetworkGroup, NetworkHoliday, NetworkMeeting, NetworkMembership, NetworkPlan


class ProgrammeFilter(admin.SimpleListFilter):
    """Programmes of the administrator's municipality only (the stock filter lists all)."""

    title = _("programme")
    parameter_name = "programme"
    lookup = "plan__programme"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        programmes = scope_queryset(Programme.objects.filter(network_plan__isnull=False),
                                    request.user)
        return [(p.pk, p.name) for p in programmes.order_by("-starts_on")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        # A choice's value arrives as text from the URL, as the pk itself when the
        # admin counts each choice ("Show counts").
        value = str(self.value() or "")
        if value.isdigit():
            return queryset.filter(**{self.lookup: value})
        return queryset


class MeetingProgrammeFilter(ProgrammeFilter):
    lookup = "group__plan__programme"


class FacilitatorFilter(admin.SimpleListFilter):
    title = _("facilitator")
    parameter_name = "facilitator"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        people = scope_queryset(User.objects.filter(is_facilitator=True), request.user)
        return [("none", _("on their own")),
                *[(u.pk, u.full_name) for u in people.order_by("full_name")]]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = str(self.value() or "")  # text from the URL, the pk itself for the counts
        if value == "none":
            return queryset.filter(facilitator__isnull=True)
        if value.isdigit():
            return queryset.filter(facilitator_id=value)
        return queryset


@admin.register(NetworkHoliday)
class NetworkHolidayAdmin(OrganisationScopedAdmin):
    resource_classes = [export_resource(NetworkHoliday, ["name", "starts_on", "ends_on"])]
    list_display = ["name", "starts_on", "ends_on", "organisation"]
    list_filter = ["organisation"]
    search_fields = ["name"]
    date_hierarchy = "starts_on"


@admin.register(NetworkPlan)
class NetworkPlanAdmin(OrganisationScopedAdmin):
    list_display = ["programme", "status", "min_size", "max_size", "group_count",
                    "meeting_count", "links"]
    list_select_related = ["programme"]
    list_filter = ["status"]
    search_fields = ["programme__name"]
    filter_horizontal = ["facilitators"]
    readonly_fields = ["status", "confirmed_at", "confirmed_by"]
    fields = ["programme", "status", "min_size", "max_size", "meetings_per_interval",
              "facilitated_meetings", "facilitator_daily_max", "morning_starts_at",
              "afternoon_starts_at", "meeting_minutes", "default_place", "facilitators",
              "confirmed_at", "confirmed_by"]
    actions = ["propose_groups", "confirm_groups", "plan_meetings"]

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).annotate(
            _groups=Count("groups", distinct=True), _meetings=Count("groups__meetings",
                                                                    distinct=True))

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # A plan belongs to its programme for good; its status moves only by the actions.
        return [*self.readonly_fields, "programme"] if obj else self.readonly_fields

    @admin.display(description=_("groups"), ordering="_groups")
    def group_count(self, obj: NetworkPlan) -> int:
        return obj._groups  # type: ignore[attr-defined]

    @admin.display(description=_("meetings"), ordering="_meetings")
    def meeting_count(self, obj: NetworkPlan) -> int:
        return obj._meetings  # type: ignore[attr-defined]

    @admin.display(description=_("open"))
    def links(self, obj: NetworkPlan) -> str:
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("networks:plan_compose", args=[obj.uuid]), _("groups"),
            reverse("networks:meeting_plan", args=[obj.uuid]), _("meeting plan"),
            reverse("admin:networks_networkplan_calendar", args=[obj.pk]),
            _("per facilitator"))

    def get_urls(self) -> list:
        return [path("<int:pk>/moteplan/", self.admin_site.admin_view(self.calendar_view),
                     name="networks_networkplan_calendar"), *super().get_urls()]

    def calendar_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The meeting plan as a day-by-slot table per facilitator, conflicts flagged."""
        plan = get_object_or_404(self.get_queryset(request).select_related("programme"), pk=pk)
        if not self.has_view_permission(request, plan):
            raise PermissionDenied
        context = {**self.admin_site.each_context(request), "opts": self.model._meta,
                   "title": _("Meeting plan per facilitator: %(programme)s")
                   % {"programme": plan.programme.name},
                   "plan": plan, "page": selectors.meeting_plan_page(plan=plan)}
        return TemplateResponse(request, "networks/admin/facilitator_calendar.html", context)

    @admin.action(description=_("Propose network groups"))
    def propose_groups(self, request: HttpRequest, queryset: QuerySet) -> None:
        run_per_row(self, request, queryset.select_related("programme"),
                    lambda plan: services.network_groups_propose(programme=plan.programme,
                                                                 actor=request.user),
                    success=lambda done: ngettext(
                        "Groups proposed for %(count)d programme.",
                        "Groups proposed for %(count)d programmes.", done) % {"count": done})

    @admin.action(description=_("Confirm the groups"))
    def confirm_groups(self, request: HttpRequest, queryset: QuerySet) -> None:
        run_per_row(self, request, queryset.select_related("programme"),
                    lambda plan: services.network_groups_confirm(plan=plan, actor=request.user),
                    success=lambda done: ngettext(
                        "Groups confirmed for %(count)d programme.",
                        "Groups confirmed for %(count)d programmes.", done) % {"count": done})

    @admin.action(description=_("Plan the meetings"))
    def plan_meetings(self, request: HttpRequest, queryset: QuerySet) -> None:
        results: list[Any] = []
        run_per_row(self, request, queryset.select_related("programme"),
                    lambda plan: results.append(services.meetings_plan(plan=plan,
                                                                       actor=request.user)))
        for result in results:
            self.message_user(request, ngettext("%(count)d meeting proposed.",
                                                "%(count)d meetings proposed.", result.created)
                              % {"count": result.created}, messages.SUCCESS)
            for warning in result.unplaced:
                self.message_user(request, warning, messages.WARNING)


class MembershipInline(OrganisationScopedTabularInline):
    model = NetworkMembership
    fields = ["leader", "unit", "level"]
    readonly_fields = ["leader", "unit", "level"]
    extra = 0
    can_delete = False

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("leader__user", "leader__unit")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("unit"))
    def unit(self, obj: NetworkMembership) -> str:
        return obj.leader.unit.name

    @admin.display(description=_("leader level"))
    def level(self, obj: NetworkMembership) -> str:
        return obj.leader.get_level_display()


class ReadOnlyRowsMixin:
    """Rows change through the services only: the admin lists, shows and runs actions."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(NetworkGroup)
class NetworkGroupAdmin(ReadOnlyRowsMixin, OrganisationScopedAdmin):
    resource_classes = [export_resource(NetworkGroup, [
        "name", ("programme", "plan__programme__name", _("programme")),
        ("facilitator", "facilitator__full_name")])]
    list_display = ["name", "programme", "facilitator", "member_count", "area_count",
                    "unit_count", "level_count", "meeting_count", "compose_link"]
    list_select_related = ["plan__programme", "facilitator"]
    list_filter = [ProgrammeFilter]
    search_fields = ["name", "memberships__leader__user__full_name"]
    inlines = [MembershipInline]
    fields = ["plan", "name", "facilitator"]

    def get_queryset(self, request: HttpRequest) -> Any:
        area = Substr("memberships__leader__unit__path", 1, Unit.steplen)
        return super().get_queryset(request).annotate(
            _members=Count("memberships", distinct=True),
            _areas=Count(area, distinct=True),
            _units=Count("memberships__leader__unit", distinct=True),
            _levels=Count("memberships__leader__level", distinct=True),
            _meetings=Count("meetings", distinct=True))

    @admin.display(description=_("programme"), ordering="plan__programme__name")
    def programme(self, obj: NetworkGroup) -> str:
        return obj.plan.programme.name

    @admin.display(description=_("members"), ordering="_members")
    def member_count(self, obj: NetworkGroup) -> int:
        return obj._members  # type: ignore[attr-defined]

    @admin.display(description=_("service areas"), ordering="_areas")
    def area_count(self, obj: NetworkGroup) -> int:
        return obj._areas  # type: ignore[attr-defined]

    @admin.display(description=_("units"), ordering="_units")
    def unit_count(self, obj: NetworkGroup) -> int:
        return obj._units  # type: ignore[attr-defined]

    @admin.display(description=_("levels"), ordering="_levels")
    def level_count(self, obj: NetworkGroup) -> int:
        return obj._levels  # type: ignore[attr-defined]

    @admin.display(description=_("meetings"), ordering="_meetings")
    def meeting_count(self, obj: NetworkGroup) -> int:
        return obj._meetings  # type: ignore[attr-defined]

    @admin.display(description=_("open"))
    def compose_link(self, obj: NetworkGroup) -> str:
        return format_html('<a href="{}">{}</a>',
                           reverse("networks:plan_compose", args=[obj.plan.uuid]),
                           _("composition"))


@admin.register(NetworkMeeting)
class NetworkMeetingAdmin(ReadOnlyRowsMixin, OrganisationScopedAdmin):
    # Not the focus (the group's own words) nor the video link.
    resource_classes = [export_resource(NetworkMeeting, [
        ("group", "group__name"), "number", "date", "slot", "starts_at", "ends_at", "place",
        ("facilitator", "facilitator__full_name"), "status"])]
    list_display = ["date", "slot", "time", "group", "led_by", "status", "conflicts",
                    "edit_link"]
    list_select_related = ["group__plan__programme", "facilitator"]
    list_filter = ["status", "slot", FacilitatorFilter, MeetingProgrammeFilter]
    search_fields = ["group__name", "facilitator__full_name", "place"]
    date_hierarchy = "date"
    ordering = ["date", "starts_at"]
    actions = ["confirm_meetings", "cancel_meetings"]
    fields = ["group", "number", "date", "slot", "starts_at", "ends_at", "place", "video_url",
              "facilitator", "status", "focus", "focus_gathering", "confirmed_at"]

    def get_changelist_instance(self, request: HttpRequest) -> Any:
        """Flag the listed meetings that break a rule now (fixed queries per programme)."""
        changelist = super().get_changelist_instance(request)
        by_plan: dict[int, list[NetworkMeeting]] = defaultdict(list)
        for meeting in changelist.result_list:
            by_plan[meeting.group.plan_id].append(meeting)
        for meetings in by_plan.values():
            plan = meetings[0].group.plan
            members: dict[int, list[int]] = defaultdict(list)
            for group_id, leader_id in plan.memberships.values_list("group_id", "leader_id"):
                members[group_id].append(leader_id)
            found = selectors.meeting_conflicts(plan=plan, meetings=meetings, members=members)
            for meeting in meetings:
                meeting.conflict_list = found.get(meeting.pk, [])  # type: ignore[attr-defined]
        self._flag_room_clashes(changelist.result_list)
        return changelist

    @staticmethod
    def _flag_room_clashes(meetings: list[NetworkMeeting]) -> None:
        """Add "same room as …" to listed meetings whose room another event (of any kind)
        uses at the same time: one read of the room sources for the listed period."""
        timed = [m for m in meetings if m.date is not None and m.starts_at is not None]
        if not timed:
            return
        organisations = sorted({m.group.plan.programme.organisation_id for m in timed})
        found = room_clashes(organisations, min(m.start for m in timed),
                             max(m.end for m in timed))
        for meeting in timed:
            for other in found.get(f"networks-meeting-{meeting.uuid}", []):
                meeting.conflict_list.append(  # type: ignore[attr-defined]
                    _("Same room as %(others)s") % {"others": other.label()})

    @admin.display(description=_("time"))
    def time(self, obj: NetworkMeeting) -> str:
        if obj.starts_at is None or obj.ends_at is None:
            return str(_("time to be agreed")) if obj.date else str(_("not yet set"))
        return f"{obj.starts_at:%H:%M}–{obj.ends_at:%H:%M}"

    @admin.display(description=_("led by"), ordering="facilitator__full_name")
    def led_by(self, obj: NetworkMeeting) -> str:
        return obj.facilitator.full_name if obj.facilitator else str(_("on their own"))

    @admin.display(description=_("conflicts"))
    def conflicts(self, obj: NetworkMeeting) -> str:
        found = getattr(obj, "conflict_list", [])
        if not found:
            return "–"
        return format_html('<strong class="errornote">{}</strong> {}', _("Conflict:"),
                           " ".join(found))

    @admin.display(description=_("open"))
    def edit_link(self, obj: NetworkMeeting) -> str:
        return format_html('<a href="{}">{}</a>',
                           reverse("networks:meeting_detail", args=[obj.uuid]), _("meeting"))

    @admin.action(description=_("Confirm on the proposed date"))
    def confirm_meetings(self, request: HttpRequest, queryset: QuerySet) -> None:
        run_per_row(self, request, queryset.select_related("group"),
                    lambda meeting: services.meeting_confirm(meeting=meeting, option=None,
                                                             actor=request.user),
                    success=lambda done: ngettext("%(count)d meeting confirmed.",
                                                  "%(count)d meetings confirmed.", done)
                    % {"count": done})

    @admin.action(description=_("Cancel the meetings"))
    def cancel_meetings(self, request: HttpRequest, queryset: QuerySet) -> None:
        run_per_row(self, request, queryset.select_related("group"),
                    lambda meeting: services.meeting_cancel(meeting=meeting, actor=request.user),
                    success=lambda done: ngettext("%(count)d meeting cancelled.",
                                                  "%(count)d meetings cancelled.", done)
                    % {"count": done})
