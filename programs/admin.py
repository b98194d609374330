"""O&F's side of the deepening track: programmes, gatherings, modules, sessions, enrolments.

Seat changes never happen by editing a row: enrolments are read-only here and
every action (enrol, approve, cancel, attendance) calls the same service as
the portal, so the module lock and the waiting list hold in the admin too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from import_export import fields

from accounts.admin_approvals import ApprovalStepInline
from accounts.models import Leader
from lib.admin import (
    OrganisationScopedAdmin,
    OrganisationScopedTabularInline,
    ScopedHistoryMixin,
    run_per_row,
)
from lib.exports import AllowListResource, export_resource
from lib.http import add_error_to_form, messages_from_error
from lib.rooms import RoomClashWarningMixin
from lib.scoping import scope_queryset

from . import exports, services
from .admin_copy import ModuleCopyMixin, ProgrammeCopyMixin
from .forms import CancelOnBehalfForm, EnrolLeadersForm, MarkAttendanceForm, ModuleAdminForm
from .models import (
    Enrollment,
    EnrollmentStatus,
    Gathering,
    Module,
    ModuleSession,
    ModuleStatus,
    Programme,
    ProgrammeParticipant,
)
from .selectors import STATUS_LABELS, gathering_event, session_event
from .services import calendar as calendar_services

# Related filters list only what the (municipality-scoped) rows point at; the
# plain RelatedFieldListFilter would offer every municipality's programmes.
RelatedOnly = admin.RelatedOnlyFieldListFilter

# What a calendar shows: a change to any of these is announced (programs.services.calendar).
CALENDAR_FIELDS = {"date", "starts_at", "ends_at", "place", "video_url"}


def _calendar_before(obj: Any) -> Any:
    """The event as stored, before the admin's save (``obj`` holds the new values)."""
    if isinstance(obj, ModuleSession):
        return session_event(ModuleSession.objects.select_related("module__programme")
                             .get(pk=obj.pk))
    return gathering_event(Gathering.objects.select_related("programme").get(pk=obj.pk))


def _calendar_moved(obj: Any, before: Any, actor: Any) -> None:
    if isinstance(obj, ModuleSession):
        calendar_services.session_moved(session=obj, before=before, actor=actor)
    else:
        calendar_services.gathering_moved(gathering=obj, before=before, actor=actor)


def _calendar_cancel(obj: Any, actor: Any) -> None:
    """Before deleting a session or gathering: its people are told it is cancelled."""
    if isinstance(obj, ModuleSession):
        calendar_services.session_cancel(session=obj, actor=actor)
    else:
        calendar_services.gathering_cancel(gathering=obj, actor=actor)


def save_calendar_formset(request: HttpRequest, formset: Any, save: Callable[[], None]) -> None:
    """Save an inline of sessions or gatherings through the calendar services: deleted
    rows are announced as cancelled (before they go), moved rows after the save."""
    if formset.model not in (ModuleSession, Gathering):
        save()
        return
    deleted = [f for f in formset.deleted_forms if f.instance.pk]
    moved = [(f.instance, _calendar_before(f.instance)) for f in formset.initial_forms
             if f.instance.pk and f not in deleted and CALENDAR_FIELDS & set(f.changed_data)]
    for f in deleted:
        _calendar_cancel(f.instance, request.user)
    save()
    for obj, before in moved:
        _calendar_moved(obj, before, request.user)


def _cancel_before_delete(module: Module, actor: Any) -> None:
    """A published module deleted (no enrolments: those are restricted) still had its
    facilitators booked: they get the cancellation the service sends."""
    if module.status == ModuleStatus.PUBLISHED:
        calendar_services.module_cancel(module=module, actor=actor)


class CalendarNoticeAdminMixin:
    """Sessions and gatherings edited on their own admin page go through the same services."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        before = (_calendar_before(obj) if change and CALENDAR_FIELDS & set(form.changed_data)
                  else None)
        super().save_model(request, obj, form, change)  # type: ignore[misc]
        if before is not None:
            _calendar_moved(obj, before, request.user)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        _calendar_cancel(obj, request.user)
        super().delete_model(request, obj)  # type: ignore[misc]

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for obj in queryset:
            _calendar_cancel(obj, request.user)
        super().delete_queryset(request, queryset)  # type: ignore[misc]


class GatheringInline(OrganisationScopedTabularInline):
    model = Gathering
    fields = ["theme", "date", "starts_at", "ends_at", "place", "advisers"]
    autocomplete_fields = ["advisers"]
    extra = 0


class ParticipantInline(OrganisationScopedTabularInline):
    model = ProgrammeParticipant
    autocomplete_fields = ["leader"]
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(ProgrammeCopyMixin, RoomClashWarningMixin, OrganisationScopedAdmin):
    resource_classes = [export_resource(Programme, ["name", "starts_on", "ends_on"])]
    list_display = ["name", "starts_on", "ends_on", "module_count", "gathering_count",
                    "participant_count"]
    list_filter = ["organisation"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [GatheringInline, ParticipantInline, ApprovalStepInline]

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        save_calendar_formset(request, formset,
                              lambda: super(ProgrammeAdmin, self).save_formset(
                                  request, form, formset, change))

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(
            _modules=Count("modules", distinct=True),
            _gatherings=Count("gatherings", distinct=True),
            _participants=Count("participations", distinct=True))

    @admin.display(description=_("modules"), ordering="_modules")
    def module_count(self, obj: Programme) -> int:
        return obj._modules  # type: ignore[attr-defined]

    @admin.display(description=_("gatherings"), ordering="_gatherings")
    def gathering_count(self, obj: Programme) -> int:
        return obj._gatherings  # type: ignore[attr-defined]

    @admin.display(description=_("participants"), ordering="_participants")
    def participant_count(self, obj: Programme) -> int:
        return obj._participants  # type: ignore[attr-defined]


@admin.register(Gathering)
class GatheringAdmin(CalendarNoticeAdminMixin, RoomClashWarningMixin, OrganisationScopedAdmin):
    resource_classes = [export_resource(Gathering, [
        "theme", ("programme", "programme__name"), "date", "starts_at", "ends_at", "place"])]
    list_display = ["theme", "programme", "date", "starts_at", "place", "adviser_names"]
    list_select_related = ["programme"]
    list_filter = [("programme", RelatedOnly)]
    search_fields = ["theme", "place", "programme__name"]
    autocomplete_fields = ["programme", "advisers"]
    date_hierarchy = "date"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).prefetch_related("advisers")

    @admin.display(description=_("advisers"))
    def adviser_names(self, obj: Gathering) -> str:
        return ", ".join(u.full_name for u in obj.advisers.all())


class SessionInline(OrganisationScopedTabularInline):
    model = ModuleSession
    fields = ["date", "starts_at", "ends_at", "theme", "place", "video_url", "facilitators"]
    autocomplete_fields = ["facilitators"]
    extra = 0
    # Narrow inputs so the row fits a 1280 px screen beside the admin's menu.
    formfield_overrides = {
        models.CharField: {"widget": forms.TextInput(attrs={"size": 16})},
        models.URLField: {"widget": forms.URLInput(attrs={"size": 16})},
    }

    class Media:
        css = {"all": ["programs/admin-module-sessions.css"]}


def _pending_session_dates(formset: Any) -> Callable[[], list[dt.date]]:
    """The dates of the session rows being saved with the module (typed, not yet stored).

    ``Module.clean`` judges the sessions as they will be after the save, not as
    they were: rows marked for deletion and untouched empty rows are left out,
    unreadable dates are left to the row's own error.
    """
    def dates() -> list[dt.date]:
        found = []
        for row in formset.forms:
            if row.empty_permitted and not row.has_changed():
                continue
            if "DELETE" in row.fields and row.fields["DELETE"].clean(row["DELETE"].data):
                continue
            try:
                day = row.fields["date"].clean(row["date"].data)
            except ValidationError:
                continue
            if day is not None:
                found.append(day)
        return found
    return dates


@admin.register(Module)
class ModuleAdmin(ModuleCopyMixin, RoomClashWarningMixin, OrganisationScopedAdmin):
    form = ModuleAdminForm
    resource_classes = [export_resource(Module, [
        "topic", ("programme", "programme__name"), "term", "year", "status", "audience",
        "capacity", "talent_seats", "waiting_list_limit", "enrolment_opens_on",
        "enrolment_closes_on", "cancellation_cutoff_on", "min_sessions_attended"])]
    change_form_template = "admin/programs/module/change_form.html"
    list_display = ["topic", "semester", "programme", "status", "capacity", "seated",
                    "waiting", "free", "requested", "participants_link"]
    list_select_related = ["programme"]
    list_filter = [("programme", RelatedOnly), "year", "term", "topic", "status", "audience"]
    search_fields = ["topic", "programme__name"]
    autocomplete_fields = ["programme", "audience_units"]
    inlines = [SessionInline, ApprovalStepInline]
    actions = ["export_participants_csv", "export_participants_xlsx", "fill_seats"]
    fieldsets = [
        (None, {"fields": ["programme", "topic", "description", "term", "year", "status"]}),
        (_("Audience"), {"fields": ["audience", "audience_units", "audience_levels"]}),
        (_("Seats"), {"fields": ["capacity", "waiting_list_limit", "talent_seats",
                                 "talent_seats_release_on"]}),
        (_("Dates and completion"), {"fields": ["enrolment_opens_on", "enrolment_closes_on",
                                                "cancellation_cutoff_on",
                                                "min_sessions_attended"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).with_seat_counts()

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        save_calendar_formset(request, formset,
                              lambda: super(ModuleAdmin, self).save_formset(
                                  request, form, formset, change))

    def _create_formsets(self, request: HttpRequest, obj: Any, change: bool) -> Any:
        formsets, inlines = super()._create_formsets(request, obj, change)
        if request.method == "POST":
            for formset in formsets:
                if formset.model is ModuleSession:
                    obj.pending_session_dates = _pending_session_dates(formset)
        return formsets, inlines

    @admin.display(description=_("semester"), ordering="year")
    def semester(self, obj: Module) -> str:
        return obj.semester_label

    @admin.display(description=_("seated"), ordering="seated_count")
    def seated(self, obj: Module) -> int:
        return obj.seated_count  # type: ignore[attr-defined]

    @admin.display(description=_("waiting list"), ordering="waiting_count")
    def waiting(self, obj: Module) -> int:
        return obj.waiting_count  # type: ignore[attr-defined]

    @admin.display(description=_("requests to decide"), ordering="requested_count")
    def requested(self, obj: Module) -> int:
        return obj.requested_count  # type: ignore[attr-defined]

    @admin.display(description=_("free seats"))
    def free(self, obj: Module) -> int:
        return obj.seat_state().free

    @admin.display(description=_("participants"))
    def participants_link(self, obj: Module) -> str:
        url = reverse("admin:programs_enrollment_changelist") + f"?module__id__exact={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, _("participant list"))

    def delete_model(self, request: HttpRequest, obj: Module) -> None:
        _cancel_before_delete(obj, request.user)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for module in queryset:
            _cancel_before_delete(module, request.user)
        super().delete_queryset(request, queryset)

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> Any:
        found = super().get_deleted_objects(objs, request)
        if found[3]:  # protected: enrolments (Enrollment.module is RESTRICT)
            messages.warning(request, _(
                "A module with enrolments cannot be deleted. Set its status to "
                "“module cancelled” instead: everyone enrolled, waiting or "
                "facilitating is told, and the enrolments are kept."))
        return found

    def save_model(self, request: HttpRequest, obj: Module, form: Any, change: bool) -> None:
        # Cancelling goes through the service, which tells the module's people.
        cancelling = (change and "status" in form.changed_data
                      and obj.status == ModuleStatus.CANCELLED)
        if cancelling:
            obj.status = form.initial["status"]
        super().save_model(request, obj, form, change)
        if cancelling:
            calendar_services.module_cancel(module=obj, actor=request.user)
            obj.status = ModuleStatus.CANCELLED
        seat_fields = {"capacity", "talent_seats", "talent_seats_release_on"}
        if change and seat_fields & set(form.changed_data):
            promoted = services.module_fill_seats(module=obj, actor=request.user)
            if promoted:
                self.message_user(request, ngettext(
                    "%(count)d leader moved from the waiting list to a seat.",
                    "%(count)d leaders moved from the waiting list to a seat.",
                    len(promoted)) % {"count": len(promoted)})

    @admin.action(description=_("Export participant lists (CSV)"))
    def export_participants_csv(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse:
        header, rows = exports.participant_rows(queryset)
        return _download(exports.as_csv(header, rows), "deltakere.csv", "text/csv; charset=utf-8")

    @admin.action(description=_("Export participant lists (Excel)"))
    def export_participants_xlsx(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse:
        header, rows = exports.participant_rows(queryset)
        return _download(exports.as_xlsx(header, rows), "deltakere.xlsx",
                         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

    @admin.action(description=_("Give free seats to the waiting list"))
    def fill_seats(self, request: HttpRequest, queryset: QuerySet) -> None:
        moved = sum(len(services.module_fill_seats(module=m, actor=request.user))
                    for m in queryset)
        self.message_user(request, ngettext(
            "%(count)d leader moved from the waiting list to a seat.",
            "%(count)d leaders moved from the waiting list to a seat.", moved)
            % {"count": moved})

    def get_urls(self) -> list:
        return [path("<path:object_id>/meld-pa/", self.admin_site.admin_view(self.enrol_view),
                     name="programs_module_enrol"), *super().get_urls()]

    def enrol_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Enrol several leaders at once: all of them or, on any refusal, none."""
        module = self.get_object(request, object_id)
        if module is None:
            raise Http404
        if not self.has_change_permission(request, module):
            raise PermissionDenied
        widget = AutocompleteSelectMultiple(Enrollment._meta.get_field("leader"), self.admin_site)
        form = EnrolLeadersForm(request.POST or None, widget=widget,
                                leaders=scope_queryset(Leader.objects.all(), request.user))
        if request.method == "POST" and form.is_valid():
            try:
                with transaction.atomic():
                    done = [services.enrollment_enrol(module=module, leader=leader,
                                                      actor=request.user,
                                                      note=form.cleaned_data["note"])
                            for leader in form.cleaned_data["leaders"]]
            except (ValidationError, PermissionDenied) as exc:
                add_error_to_form(form, exc)
            else:
                seated = sum(e.status == EnrollmentStatus.SEATED for e in done)
                self.message_user(request, _("Enrolled: %(seated)d with a seat, %(waiting)d on "
                                             "the waiting list.")
                                  % {"seated": seated, "waiting": len(done) - seated})
                return redirect(reverse("admin:programs_enrollment_changelist")
                                + f"?module__id__exact={module.pk}")
        context = {**self.admin_site.each_context(request), "opts": self.opts, "form": form,
                   "module": module, "media": self.media + form.media,
                   "title": _("Enrol leaders in %(module)s") % {"module": module}}
        return TemplateResponse(request, "admin/programs/module/enrol.html", context)


def _download(body: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@admin.register(ModuleSession)
class ModuleSessionAdmin(CalendarNoticeAdminMixin, RoomClashWarningMixin,
                         OrganisationScopedAdmin):
    resource_classes = [export_resource(ModuleSession, [
        ("module", "module__topic"), "theme", "date", "starts_at", "ends_at", "place"])]
    list_display = ["__str__", "module", "date", "starts_at", "ends_at", "place",
                    "attended_count", "register_link"]
    list_select_related = ["module__programme"]
    list_filter = [("module__programme", RelatedOnly), "module__year", "module__term"]
    search_fields = ["theme", "module__topic", "place"]
    autocomplete_fields = ["module", "facilitators"]
    date_hierarchy = "date"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(
            _attended=Count("attendances", filter=Q(attendances__attended=True)))

    @admin.display(description=_("attended"), ordering="_attended")
    def attended_count(self, obj: ModuleSession) -> int:
        return obj._attended  # type: ignore[attr-defined]

    @admin.display(description=_("attendance"))
    def register_link(self, obj: ModuleSession) -> str:
        return format_html('<a href="{}">{}</a>',
                           reverse("programs:session_register", args=[obj.uuid]),
                           _("keep attendance"))


class EnrollmentResource(AllowListResource):
    name = fields.Field(attribute="leader__user__full_name", column_name=_("name"))
    email = fields.Field(attribute="leader__user__email", column_name=_("email"))
    title = fields.Field(attribute="leader__title", column_name=_("job title"))
    unit = fields.Field(attribute="leader__unit__name", column_name=_("unit"))
    module_topic = fields.Field(attribute="module__topic", column_name=_("module"))
    semester = fields.Field(attribute="module__semester_label", column_name=_("semester"))

    class Meta:
        model = Enrollment
        fields = ["name", "email", "title", "unit", "module_topic", "semester", "status",
                  "talent_seat", "requested_at", "decided_at", "note"]
        export_order = fields


@admin.register(Enrollment)
class EnrollmentAdmin(ScopedHistoryMixin, OrganisationScopedAdmin):
    resource_classes = [EnrollmentResource]
    list_display = ["leader_name", "module", "status_shown", "talent_seat", "requested_at",
                    "decided_by", "attended"]
    list_select_related = ["leader__user", "module", "decided_by"]
    list_filter = ["status", ("module__programme", RelatedOnly), "module__year", "module__term",
                   ("module", RelatedOnly), "talent_seat"]
    search_fields = ["leader__user__full_name", "leader__user__email", "module__topic"]
    actions = ["approve", "cancel", "mark_attendance"]
    date_hierarchy = "requested_at"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).with_attendance().with_waiting_position()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # enrol from the module's page, so the seat rules apply

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser  # O&F cancel, which frees the seat properly

    @admin.display(description=_("leader"), ordering="leader__user__full_name")
    def leader_name(self, obj: Enrollment) -> str:
        return obj.leader.user.full_name

    @admin.display(description=_("attended"), ordering="attended_count")
    def attended(self, obj: Enrollment) -> int:
        return obj.attended

    @admin.display(description=_("status"), ordering="status")
    def status_shown(self, obj: Enrollment) -> str:
        if obj.is_waiting:
            return _("waiting list, no. %(position)s") % {
                "position": obj.waiting_position}  # type: ignore[attr-defined]
        return str(STATUS_LABELS[obj.shown_status])

    def _each(self, request: HttpRequest, queryset: QuerySet, action: Any) -> int:
        return run_per_row(self, request, queryset.select_related("leader__user", "module"),
                           lambda enrollment: action(enrollment=enrollment, actor=request.user),
                           label=lambda enrollment: enrollment.leader.user.full_name)

    @admin.action(description=_("Approve the selected requests"))
    def approve(self, request: HttpRequest, queryset: QuerySet) -> None:
        done = self._each(request, queryset, services.enrollment_approve)
        self.message_user(request, ngettext("%(count)d request approved.",
                                            "%(count)d requests approved.", done)
                          % {"count": done})

    @admin.action(description=_("Cancel the selected enrolments…"))
    def cancel(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        """Cancel on the leaders' behalf: asks for the reason each leader is sent first."""
        form = CancelOnBehalfForm(request.POST if "reason" in request.POST else None)
        if form.is_bound and form.is_valid():
            reason = form.cleaned_data["reason"]
            done = self._each(request, queryset,
                              lambda *, enrollment, actor: services.enrollment_cancel(
                                  enrollment=enrollment, actor=actor, reason=reason))
            self.message_user(request, ngettext("%(count)d enrolment cancelled.",
                                                "%(count)d enrolments cancelled.", done)
                              % {"count": done})
            return None
        context = {**self.admin_site.each_context(request), "opts": self.opts, "form": form,
                   "enrollments": queryset.select_related("leader__user", "module"),
                   "title": _("Cancel on the leaders' behalf"),
                   "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME}
        return TemplateResponse(request, "admin/programs/enrollment/cancel.html", context)

    @admin.action(description=_("Mark attendance at a session…"))
    def mark_attendance(self, request: HttpRequest,
                        queryset: QuerySet) -> HttpResponse | None:
        module_ids = set(queryset.values_list("module_id", flat=True))
        if len(module_ids) != 1:
            self.message_user(request, _("Choose enrolments of one module at a time."),
                              messages.ERROR)
            return None
        sessions = ModuleSession.objects.filter(module_id__in=module_ids).order_by("date")
        form = MarkAttendanceForm(request.POST if "session" in request.POST else None,
                                  sessions=sessions)
        if form.is_bound and form.is_valid():
            session = form.cleaned_data["session"]
            try:
                count = services.attendance_mark(
                    session=session, enrollment_ids=queryset.values_list("pk", flat=True),
                    attended=form.cleaned_data["attended"], actor=request.user)
            except (ValidationError, PermissionDenied) as exc:
                messages_from_error(request, exc)
            else:
                self.message_user(request, ngettext(
                    "Attendance marked for %(count)d leader.",
                    "Attendance marked for %(count)d leaders.", count) % {"count": count})
            return HttpResponseRedirect(request.get_full_path())
        context = {**self.admin_site.each_context(request), "opts": self.opts, "form": form,
                   "enrollments": queryset.select_related("leader__user"),
                   "title": _("Mark attendance"),
                   "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME}
        return TemplateResponse(request, "admin/programs/enrollment/mark_attendance.html",
                                context)
