"""The cockpit in the admin: message history and sending, the dashboard, certificate signer.

The dashboard and the "send a message" page hang off :class:`MessageAdmin`'s
URLs (``admin:cockpit_dashboard``, ``admin:cockpit_message_compose``), so the
admin's own login, permission and municipality checks guard them; the admin's
start page shows "Needs action" through ``templates/admin/index.html``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from lib.admin import OrganisationScopedAdmin, ReadOnlyScopedAdmin
from lib.documents import document_request
from lib.http import add_error_to_form
from lib.rooms import clashing_bookings
from programs.models import Programme

from .charts import dashboard_charts
from .documents import DASHBOARD_PDF
from .forms import DashboardForm, MessageForm
from .models import CertificateSettings, DeliveryStatus, Message, MessageDelivery, TargetKind
from .rules import ROOM_CLASH_LOOKAHEAD_DAYS
from .selectors import programme_dashboard
from .services import message_send, recipients_for, resolve_targets
from .services.messages import MODELS, target_label
from .templatetags.cockpit import organisations_for

NAMES_SHOWN = 30


class DeliveryInline(admin.TabularInline):
    model = MessageDelivery
    extra = 0
    can_delete = False
    fields = ["recipient", "status", "sent_at", "attempts", "last_error"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("recipient")


@admin.register(Message)
class MessageAdmin(ReadOnlyScopedAdmin):
    """The history of messages to participants; new ones start from an admin action."""

    list_display = ["created_at", "subject", "target_kind", "target_label", "recipient_count",
                    "sent_count", "sent_by"]
    list_filter = ["target_kind", "organisation"]
    list_select_related = ["sent_by"]
    search_fields = ["subject", "body", "target_label"]
    date_hierarchy = "created_at"
    fields = ["created_at", "sent_by", "target_kind", "target_label", "recipient_count",
              "subject", "body"]
    readonly_fields = fields
    inlines = [DeliveryInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(
            sent_total=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.SENT)))

    @admin.display(description=gettext_lazy("sent"), ordering="sent_total")
    def sent_count(self, obj: Message) -> int:
        return obj.sent_total  # type: ignore[attr-defined]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # the history O&F and the recipients rely on

    def get_urls(self) -> list:
        wrap = self.admin_site.admin_view
        return [
            path("send/", wrap(self.compose_view), name="cockpit_message_compose"),
            path("dashboard/", wrap(self.dashboard_view), name="cockpit_dashboard"),
            path("dashboard/pdf/", wrap(self.dashboard_pdf_view), name="cockpit_dashboard_pdf"),
            path("romkollisjoner/", wrap(self.room_clashes_view), name="cockpit_room_clashes"),
            *super().get_urls(),
        ]

    # --- Send a message --------------------------------------------------------------

    def _targets(self, request: HttpRequest, kind: str, ids: str) -> list[Any]:
        model = MODELS.get(kind)
        if model is None or model not in self.admin_site._registry:
            raise PermissionDenied(_("Unknown kind of recipients."))
        model_admin = self.admin_site._registry[model]
        if not model_admin.has_view_permission(request):
            raise PermissionDenied
        try:
            return resolve_targets(kind=kind, ids=[v for v in ids.split(",") if v],
                                   rows=model_admin.get_queryset(request))
        except ValidationError as exc:
            raise PermissionDenied(" ".join(exc.messages)) from exc

    def compose_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission_for_messages(request):
            raise PermissionDenied
        source = request.POST if request.method == "POST" else request.GET
        kind, ids = source.get("kind", ""), source.get("ids", "")
        targets = self._targets(request, kind, ids)
        recipients = recipients_for(kind=kind, ids=[t.pk for t in targets])
        names = list(recipients.values_list("full_name", flat=True)[:NAMES_SHOWN + 1])
        count = recipients.count()
        form = MessageForm(request.POST or None)
        preview = False
        if request.method == "POST" and form.is_valid():
            if "send" in request.POST:
                try:
                    message = message_send(
                        sender=request.user, organisation=self._organisation(kind, targets),
                        kind=kind, targets=targets, subject=form.cleaned_data["subject"],
                        body=form.cleaned_data["body"])
                except ValidationError as exc:
                    add_error_to_form(form, exc)
                else:
                    self.message_user(request, ngettext(
                        "The message is being sent to %(count)d person.",
                        "The message is being sent to %(count)d people.",
                        message.recipient_count) % {"count": message.recipient_count},
                        messages.SUCCESS)
                    return HttpResponseRedirect(
                        reverse("admin:cockpit_message_change", args=[message.pk]))
            elif "edit" not in request.POST:
                preview = True
        context = {**self.admin_site.each_context(request), "opts": self.model._meta,
                   "title": _("Send a message"), "form": form, "preview": preview,
                   "kind": kind, "ids": ",".join(str(t.pk) for t in targets),
                   "kind_label": TargetKind(kind).label, "target_label": target_label(targets),
                   "recipient_count": count, "recipient_names": names[:NAMES_SHOWN],
                   "more_recipients": len(names) > NAMES_SHOWN}
        return TemplateResponse(request, "admin/cockpit/message_compose.html", context)

    def has_add_permission_for_messages(self, request: HttpRequest) -> bool:
        return request.user.has_perm("cockpit.add_message")

    @staticmethod
    def _organisation(kind: str, targets: list[Any]) -> Any:
        from accounts.models import Organisation

        path_ = MODELS[kind].organisation_path  # type: ignore[attr-defined]
        org_ids = set(MODELS[kind]._default_manager.filter(pk__in=[t.pk for t in targets])
                      .values_list(f"{path_}__pk", flat=True))
        if len(org_ids) != 1:
            raise ValidationError(_("Choose rows of one municipality at a time."),
                                  code="several_municipalities")
        return Organisation.objects.get(pk=org_ids.pop())

    # --- Room clashes (needs action) ---------------------------------------------------

    def room_clashes_view(self, request: HttpRequest) -> HttpResponse:
        """Every event to come whose room is taken by another at the same time, with links
        to where O&F change them (the needs-action item links here)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        organisations, choices, chosen = organisations_for(request)
        now = timezone.now()
        rows = clashing_bookings(organisations, now, now + dt.timedelta(
            days=ROOM_CLASH_LOOKAHEAD_DAYS)) if organisations != [] else []
        context = {**self.admin_site.each_context(request), "opts": self.model._meta,
                   "title": _("Rooms booked twice"), "rows": rows, "choices": choices,
                   "chosen": chosen, "days": ROOM_CLASH_LOOKAHEAD_DAYS}
        return TemplateResponse(request, "admin/cockpit/room_clashes.html", context)

    # --- Dashboard -------------------------------------------------------------------

    def _programmes(self, request: HttpRequest) -> QuerySet:
        programme_admin = self.admin_site._registry[Programme]
        return programme_admin.get_queryset(request).select_related("organisation").order_by(
            "-starts_on", "name")

    def dashboard_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        programmes = self._programmes(request)
        data = request.GET.copy()
        if "programme" not in data:
            first = programmes.first()
            if first is not None:
                data["programme"] = str(first.pk)
        form = DashboardForm(data, programmes=programmes)
        board = charts = None
        if form.is_valid() and form.cleaned_data["programme"] is not None:
            board = programme_dashboard(programme=form.cleaned_data["programme"],
                                        first=form.cleaned_data["first"],
                                        last=form.cleaned_data["last"])
            charts = dashboard_charts(board)
        context = {**self.admin_site.each_context(request), "opts": self.model._meta,
                   "title": _("Programme dashboard"), "form": form, "board": board,
                   "charts": charts}
        return TemplateResponse(request, "admin/cockpit/dashboard.html", context)

    def dashboard_pdf_view(self, request: HttpRequest) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = DashboardForm(request.POST, programmes=self._programmes(request))
        if not form.is_valid() or form.cleaned_data["programme"] is None:
            self.message_user(request, _("Choose a programme and a valid period."),
                              messages.ERROR)
            return HttpResponseRedirect(reverse("admin:cockpit_dashboard"))
        programme = form.cleaned_data["programme"]
        first, last = form.cleaned_data["first"], form.cleaned_data["last"]
        document = document_request(
            kind=DASHBOARD_PDF, organisation=programme.organisation,
            requested_by=request.user,
            title=_("Programme dashboard: %(name)s") % {"name": programme.name},
            params={"programme": programme.pk, "first": first.isoformat() if first else None,
                    "last": last.isoformat() if last else None})
        return HttpResponseRedirect(reverse("lib:document_detail", args=[document.pk]))


@admin.register(MessageDelivery)
class MessageDeliveryAdmin(ReadOnlyScopedAdmin):
    """Who got which message, and which could not be delivered."""

    list_display = ["message", "recipient", "status", "attempts", "sent_at", "last_error"]
    list_filter = ["status"]
    list_select_related = ["message", "recipient"]
    search_fields = ["recipient__full_name", "recipient__email", "message__subject"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CertificateSettings)
class CertificateSettingsAdmin(OrganisationScopedAdmin):
    list_display = ["signer_name", "signer_title", "organisation"]
    list_filter = ["organisation"]


from . import admin_thresholds  # noqa: E402, F401  (registers the thresholds' admin)
