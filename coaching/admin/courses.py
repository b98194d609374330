"""Courses and bookings in the admin: counts, hours and status only — never the project."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export import fields

from lib.admin import OrganisationScopedAdmin, ScopedHistoryMixin, run_per_row
from lib.exports import AllowListResource, export_resource
from lib.http import error_text

from .. import services
from ..models import USED, Booking, BookingStatus, CoachingCourse

COURSE_READONLY = ["leader", "agreement", "programme", "term", "year", "status",
                   "discovery_method", "leader_may_choose_coach", "applied_at", "decided_at",
                   "decided_by", "decision_note", "coach_assigned_at", "closed_at"]


class CourseAdminForm(forms.ModelForm):
    """Shows the service's own objections next to the fields before anything is saved."""

    class Meta:
        model = CoachingCourse
        fields = ["ordering_unit", "coach", "sessions_allowed"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        course = self.instance
        coach = data.get("coach")
        if coach is not None and coach.pk != course.coach_id:
            problem = services.coach_problem(course, coach)
            if problem:
                self.add_error("coach", problem)
        elif coach is None and course.coach_id is not None:
            self.add_error("coach", gettext("A course under way keeps a coach; choose another "
                                            "one instead."))
        allowed = data.get("sessions_allowed")
        if allowed is not None and course.pk:
            used = course.bookings.filter(status__in=USED).count()
            if allowed < used:
                self.add_error("sessions_allowed",
                               gettext("%(used)d sessions are already used.") % {"used": used})
        return data


class CourseResource(AllowListResource):
    """The export O&F gets: who, when, who pays, status and counts — never the project."""

    leader_name = fields.Field(attribute="leader__user__full_name", column_name=_("leader"))
    unit_name = fields.Field(attribute="ordering_unit__name", column_name=_("ordering unit"))
    coach_name = fields.Field(attribute="coach__user__full_name", column_name=_("coach"))

    class Meta:
        model = CoachingCourse
        fields = ["uuid", "leader_name", "term", "year", "status", "unit_name", "coach_name",
                  "sessions_allowed", "applied_at"]
        export_order = fields


@admin.register(CoachingCourse)
class CoachingCourseAdmin(OrganisationScopedAdmin):
    form = CourseAdminForm
    resource_classes = [CourseResource]
    list_display = ["leader_name", "semester", "status", "ordering_unit", "coach", "used",
                    "sessions_allowed", "applied_at"]
    list_filter = ["status", "term", "year", "agreement__supplier", "leader_may_choose_coach",
                   "organisation"]
    list_select_related = ["leader__user", "ordering_unit", "coach__user"]
    search_fields = ["leader__user__full_name", "leader__user__email", "ordering_unit__name"]
    autocomplete_fields = ["ordering_unit", "coach"]
    fields = ["leader", "term", "year", "status", "agreement", "programme", "ordering_unit",
              "discovery_method", "coach", "leader_may_choose_coach", "sessions_allowed",
              "applied_at", "decided_at", "decided_by", "decision_note", "coach_assigned_at",
              "closed_at"]
    readonly_fields = COURSE_READONLY
    actions = ["open_coach_choice", "approve_without_leader_above", "complete"]

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).annotate(
            _used=Count("bookings", filter=Q(bookings__status__in=USED)))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # courses come from leaders' applications

    @admin.display(description=_("leader"), ordering="leader__user__full_name")
    def leader_name(self, obj: CoachingCourse) -> str:
        return obj.leader.user.full_name

    @admin.display(description=_("semester"), ordering="year")
    def semester(self, obj: CoachingCourse) -> str:
        return obj.semester.label

    @admin.display(description=_("sessions used"), ordering="_used")
    def used(self, obj: CoachingCourse) -> int:
        return obj._used  # type: ignore[attr-defined]

    def save_model(self, request: HttpRequest, obj: CoachingCourse, form: Any,
                   change: bool) -> None:
        """Route every change through the services; a refusal is shown, nothing is saved."""
        try:
            with transaction.atomic():  # both changes or neither
                original = CoachingCourse.objects.get(pk=obj.pk)
                if "coach" in form.changed_data and obj.coach is not None:
                    services.course_assign_coach(course=original, coach=obj.coach,
                                                 actor=request.user)
                if {"ordering_unit", "sessions_allowed"} & set(form.changed_data):
                    services.course_adjust(course=original, actor=request.user,
                                           ordering_unit=obj.ordering_unit,
                                           sessions_allowed=obj.sessions_allowed)
        except (ValidationError, PermissionDenied) as error:
            request._coaching_refused = True  # type: ignore[attr-defined]
            self.message_user(request, error_text(error), messages.ERROR)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        pass  # no many-to-many fields or inlines; the services wrote everything

    def response_change(self, request: HttpRequest, obj: CoachingCourse) -> HttpResponse:
        if getattr(request, "_coaching_refused", False):
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    @admin.action(description=_("Let the leader choose a coach"))
    def open_coach_choice(self, request: HttpRequest, queryset: Any) -> None:
        run_per_row(self, request, queryset,
                    lambda c: services.course_open_coach_choice(course=c, actor=request.user),
                    success=gettext("%(count)d leaders may now choose their coach."))

    @admin.action(description=_("Approve (leaders without a leader above)"))
    def approve_without_leader_above(self, request: HttpRequest, queryset: Any) -> None:
        run_per_row(self, request, queryset,
                    lambda c: services.course_decide(course=c, actor=request.user, approve=True),
                    success=gettext("%(count)d applications approved."))

    @admin.action(description=_("Mark as completed"))
    def complete(self, request: HttpRequest, queryset: Any) -> None:
        run_per_row(self, request, queryset,
                    lambda c: services.course_complete(course=c, actor=request.user),
                    success=gettext("%(count)d courses completed."))


@admin.register(Booking)
class BookingAdmin(ScopedHistoryMixin, OrganisationScopedAdmin):
    """Read-only: bookings change through the portal or these actions, which call services.

    Each change the services save is kept as history, shown only within the municipality.
    """

    resource_classes = [export_resource(Booking, [
        "starts_at", "ends_at", "minutes",
        ("leader", "course__leader__user__full_name", _("leader")),
        ("coach", "coach__user__full_name"),
        ("ordering_unit", "course__ordering_unit__name", _("ordering unit")),
        "mode", "status", "times_moved"])]
    list_display = ["starts_at", "leader_name", "coach", "status", "mode", "ordering_unit",
                    "minutes", "times_moved"]
    list_filter = ["status", "mode", "coach__supplier"]
    list_select_related = ["course__leader__user", "coach__user", "course__ordering_unit"]
    search_fields = ["course__leader__user__full_name", "coach__user__full_name"]
    date_hierarchy = "starts_at"
    actions = ["mark_held", "mark_no_show"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # the invoice basis is built from these rows

    @admin.display(description=_("leader"), ordering="course__leader__user__full_name")
    def leader_name(self, obj: Booking) -> str:
        return obj.course.leader.user.full_name

    @admin.display(description=_("ordering unit"))
    def ordering_unit(self, obj: Booking) -> str:
        return obj.course.ordering_unit.name

    @admin.action(description=_("Mark as held"))
    def mark_held(self, request: HttpRequest, queryset: Any) -> None:
        run_per_row(self, request, queryset,
                    lambda b: services.booking_mark(booking=b, actor=request.user,
                                                    status=BookingStatus.HELD),
                    success=gettext("%(count)d sessions marked held."))

    @admin.action(description=_("Mark as no-show"))
    def mark_no_show(self, request: HttpRequest, queryset: Any) -> None:
        run_per_row(self, request, queryset,
                    lambda b: services.booking_mark(booking=b, actor=request.user,
                                                    status=BookingStatus.NO_SHOW),
                    success=gettext("%(count)d sessions marked no-show."))
