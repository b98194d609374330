"""O&F's admin: reminder policy, beat schedule, contract terms, budgets, travel, report jobs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lib.admin import DocumentListAdmin, OrganisationScopedAdmin
from lib.durations import duration_text
from lib.exports import export_resource

from .forms import ReportForm
from .models import ContractTerm, ProgrammeBudget, ReminderPolicy, ReportJob, TravelCost
from .services import policy_get, report_request

# What each periodic job in settings.CELERY_BEAT_SCHEDULE does, as O&F would say it.
JOB_LABELS = {
    "clear-expired-sessions": gettext_lazy("Delete expired sign-ins"),
    "programs-talent-seats": gettext_lazy("Release unused talent seats in modules"),
    "surveys-rounds-open": gettext_lazy("Open survey rounds that are due"),
    "surveys-evaluations-open": gettext_lazy("Open evaluations after sessions and gatherings"),
    "surveys-reports-prepare": gettext_lazy("Prepare survey reports after closing"),
    "reminders-sweep": gettext_lazy("Send reminders"),
    "approvals-escalate": gettext_lazy("Offer requests that waited too long higher up"),
    "purge-expired-documents": gettext_lazy("Delete generated files past their keeping time"),
    "outbox-flush": gettext_lazy("Send jobs that waited while the queue was down"),
    "documents-reap": gettext_lazy("Restart file jobs whose worker stopped"),
    "retention-drafts": gettext_lazy("Delete unsent survey answers past the retention schedule"),
    "retention-reminders": gettext_lazy("Remove the text of old reminders"),
    "retention-history": gettext_lazy("Delete old audit trail and change history"),
    "retention-leavers": gettext_lazy("Anonymise leaders who left"),
    "retention-documents": gettext_lazy("Delete generated files past the retention schedule"),
}


def beat_schedule() -> list[dict[str, Any]]:
    """The periodic jobs from settings, for O&F to read (django-celery-beat has no 6.1 support)."""
    rows = []
    for name, entry in sorted(settings.CELERY_BEAT_SCHEDULE.items()):
        schedule = entry["schedule"]
        seconds = (schedule.total_seconds() if isinstance(schedule, dt.timedelta)
                   else float(schedule) if isinstance(schedule, (int, float)) else None)
        rows.append({"name": JOB_LABELS.get(name, name), "task": entry["task"],
                     "every": duration_text(seconds) if seconds is not None else str(schedule)})
    return rows


@admin.register(ReminderPolicy)
class ReminderPolicyAdmin(OrganisationScopedAdmin):
    change_form_template = "admin/reports/reminderpolicy_change_form.html"
    list_display = ["__str__", "organisation", "first_reminder_days", "last_reminder_days",
                    "survey_interval_days", "approval_interval_days", "digest_weekday",
                    "updated_at"]
    list_select_related = ["organisation"]
    fieldsets = [
        (gettext_lazy("When"), {"fields": ["first_reminder_days", "last_reminder_days",
                                           "survey_interval_days", "approval_interval_days",
                                           "digest_weekday"]}),
        (gettext_lazy("Which reminders are sent"), {"fields": [
            "sessions_on", "gatherings_on", "network_meetings_on", "bookings_on", "surveys_on",
            "approvals_on", "digest_on"]}),
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # one per municipality, created on demand

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        # O&F land straight on their municipality's policy, made with defaults if missing.
        if not request.user.is_superuser and request.user.organisation_id:
            policy = policy_get(organisation_id=request.user.organisation_id)
            return redirect("admin:reports_reminderpolicy_change", policy.pk)
        return super().changelist_view(request, extra_context)

    def save_model(self, request: HttpRequest, obj: ReminderPolicy, form: Any,
                   change: bool) -> None:
        from django.utils import timezone

        obj.updated_at = timezone.now()
        super().save_model(request, obj, form, change)

    def get_urls(self) -> list:
        return [path("tidsplan/", self.admin_site.admin_view(self.schedule_view),
                     name="reports_beat_schedule"), *super().get_urls()]

    def schedule_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {**self.admin_site.each_context(request), "opts": self.model._meta,
                   "title": _("When the periodic jobs run"), "rows": beat_schedule()}
        return TemplateResponse(request, "admin/reports/beat_schedule.html", context)


@admin.register(ContractTerm)
class ContractTermAdmin(OrganisationScopedAdmin):
    """The supplier's offer, one priced term at a time; the cost overview reads them."""

    list_display = ["programme", "__str__", "kind", "unit_price", "quantities", "position"]
    list_filter = ["kind", "programme"]
    list_select_related = ["programme"]
    autocomplete_fields = ["programme"]
    search_fields = ["label", "programme__name"]
    fieldsets = [
        (None, {"fields": ["programme", "kind", "label", "unit_price", "position"]}),
        (gettext_lazy("Adviser-days at gatherings"), {"fields": ["gatherings", "advisers"]}),
        (gettext_lazy("Days of network meetings"), {"fields": ["meetings",
                                                               "meetings_per_day"]}),
        (gettext_lazy("Hourly coaching"), {"fields": ["leaders", "sessions",
                                                      "session_minutes"]}),
        (gettext_lazy("Fixed sum"), {"fields": ["delivered_on"]}),
    ]

    @admin.display(description=gettext_lazy("planned quantities"))
    def quantities(self, obj: ContractTerm) -> str:
        return " × ".join(str(getattr(obj, name))
                          for name in ContractTerm.QUANTITIES.get(obj.kind, ()))


@admin.register(ProgrammeBudget)
class ProgrammeBudgetAdmin(OrganisationScopedAdmin):
    resource_classes = [export_resource(ProgrammeBudget, [
        ("programme", "programme__name"), "oaf_amount", "units_amount"])]
    list_display = ["programme", "oaf_amount", "units_amount"]
    list_select_related = ["programme"]
    autocomplete_fields = ["programme"]
    search_fields = ["programme__name"]


@admin.register(TravelCost)
class TravelCostAdmin(OrganisationScopedAdmin):
    resource_classes = [export_resource(TravelCost, [
        "date", ("programme", "programme__name"), "description", "amount", "paid_by"])]
    list_display = ["date", "programme", "description", "amount", "paid_by"]
    list_filter = ["paid_by", "programme"]
    list_select_related = ["programme"]
    autocomplete_fields = ["programme"]
    search_fields = ["description", "programme__name"]
    date_hierarchy = "date"


@admin.register(ReportJob)
class ReportJobAdmin(DocumentListAdmin):
    """Every job that makes a file — these reports, posters, invoice bases — in one list."""

    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("reports.add_reportjob")

    def add_view(self, request: HttpRequest, form_url: str = "",
                 extra_context: Any = None) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ReportForm(request.POST or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            label = dict(ReportForm.REPORTS)[data["kind"]]
            try:
                document = report_request(
                    kind=data["kind"], programme=data["programme"], requested_by=request.user,
                    first=data["first"], last=data["last"],
                    title=f"{label}: {data['programme'].name}")
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The report is being made."))
                return HttpResponseRedirect(reverse("lib:document_detail", args=[document.pk]))
        context = {**self.admin_site.each_context(request), "opts": self.model._meta,
                   "title": _("Make a report"), "form": form}
        return TemplateResponse(request, "admin/reports/make_report.html", context)
