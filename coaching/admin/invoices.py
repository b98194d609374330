"""The monthly invoice basis as an admin page, with CSV download and a PDF made by Celery."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Organisation, Unit
from lib.admin import OrganisationScopedAdmin
from lib.documents import document_request
from lib.scoping import scope_queryset
from lib.templatetags.choice_fields import options

from ..invoices import (
    PDF_KIND,
    invoice_basis,
    invoice_csv,
    invoice_settings_get,
    invoice_xlsx,
    parse_month,
)
from ..models import InvoiceBasis, InvoiceSettings


@admin.register(InvoiceSettings)
class InvoiceSettingsAdmin(OrganisationScopedAdmin):
    """One per municipality: O&F land straight on theirs (made with defaults if missing)."""

    list_display = ["__str__", "organisation", "paying_level", "show_leader_names"]
    list_select_related = ["organisation"]
    fields = ["paying_level", "show_leader_names"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        if not request.user.is_superuser and request.user.organisation_id:
            if not self.has_view_permission(request):
                raise PermissionDenied
            settings = invoice_settings_get(organisation_id=request.user.organisation_id)
            return redirect("admin:coaching_invoicesettings_change", settings.pk)
        return super().changelist_view(request, extra_context)


@admin.register(InvoiceBasis)
class InvoiceBasisAdmin(OrganisationScopedAdmin):
    """Not a list of rows: the changelist is the invoice basis for one month.

    Scoped like everything else: the basis is always the administrator's own
    municipality, and a unit of another municipality is a 404.
    """

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list:
        wrap = self.admin_site.admin_view
        return [
            path("csv/", wrap(self.csv_view), name="coaching_invoicebasis_csv"),
            path("xlsx/", wrap(self.xlsx_view), name="coaching_invoicebasis_xlsx"),
            path("pdf/", wrap(require_POST(self.pdf_view)), name="coaching_invoicebasis_pdf"),
            path("", wrap(self.changelist_view), name="coaching_invoicebasis_changelist"),
        ]

    # -- reading the request ------------------------------------------------------------

    def _organisation_id(self, request: HttpRequest) -> int:
        if not self.has_view_permission(request):
            raise PermissionDenied
        organisation_id = request.user.organisation_id
        if organisation_id is not None:
            return organisation_id
        # A system administrator serves every municipality: ?kommune picks one (default the
        # first by name).
        chosen = request.GET.get("kommune") or request.POST.get("kommune")
        organisations = Organisation.objects.order_by("name")
        if chosen:
            organisations = organisations.filter(pk=int(chosen)) if chosen.isdigit() \
                else organisations.none()
        organisation = organisations.first()
        if organisation is None:
            raise Http404
        return organisation.pk

    def _params(self, request: HttpRequest) -> tuple[int, Any, Unit | None]:
        organisation_id = self._organisation_id(request)
        data = request.POST if request.method == "POST" else request.GET
        month = parse_month(data.get("maned"), timezone.localdate())
        unit = None
        if data.get("enhet"):
            try:
                unit_pk = int(data["enhet"])
            except ValueError:
                raise Http404 from None
            unit = scope_queryset(Unit.objects.all(), request.user).filter(
                pk=unit_pk, organisation_id=organisation_id).first()
            if unit is None:
                raise Http404
        return organisation_id, month, unit

    # -- views --------------------------------------------------------------------------

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        organisation_id, month, unit = self._params(request)
        result = invoice_basis(organisation_id=organisation_id, month=month, unit=unit)
        # Every unit of the municipality (2,488 at 10×): the options are written in
        # Python, not looped in the template, where they were most of the page's CPU.
        unit_options = mark_safe(options(  # noqa: S308 — options() escapes every value
            ((pk, f"{'— ' * (depth - 1)}{name}") for pk, name, depth
             in Unit.objects.in_organisation(organisation_id).values_list("pk", "name", "depth")),
            {str(unit.pk)} if unit else set()))
        query = f"?maned={month:%Y-%m}" + (f"&enhet={unit.pk}" if unit else "")
        if request.user.organisation_id is None:
            query += f"&kommune={organisation_id}"
        organisations = (list(Organisation.objects.order_by("name").values("pk", "name"))
                         if request.user.organisation_id is None else [])
        return TemplateResponse(request, "coaching/admin/invoice_basis.html", {
            **self.admin_site.each_context(request),
            "title": _("Invoice basis"), "opts": self.model._meta, "result": result,
            "unit": unit, "unit_options": unit_options, "month_value": f"{month:%Y-%m}",
            "organisations": organisations, "organisation_id": organisation_id,
            "csv_url": reverse("admin:coaching_invoicebasis_csv") + query,
            "xlsx_url": reverse("admin:coaching_invoicebasis_xlsx") + query,
            "settings_url": reverse("admin:coaching_invoicesettings_changelist"),
            "pdf_url": reverse("admin:coaching_invoicebasis_pdf") + query,
        })

    def csv_view(self, request: HttpRequest) -> HttpResponse:
        organisation_id, month, unit = self._params(request)
        result = invoice_basis(organisation_id=organisation_id, month=month, unit=unit)
        response = HttpResponse(invoice_csv(result), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="fakturagrunnlag-{month:%Y-%m}.csv"')
        return response

    def xlsx_view(self, request: HttpRequest) -> HttpResponse:
        organisation_id, month, unit = self._params(request)
        result = invoice_basis(organisation_id=organisation_id, month=month, unit=unit)
        response = HttpResponse(
            invoice_xlsx(result),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = (
            f'attachment; filename="fakturagrunnlag-{month:%Y-%m}.xlsx"')
        return response

    def pdf_view(self, request: HttpRequest) -> HttpResponse:
        organisation_id, month, unit = self._params(request)
        organisation = Organisation.objects.filter(pk=organisation_id).first()
        if organisation is None:
            raise Http404
        title = _("Invoice basis for coaching, %(month)s") % {
            "month": formats.date_format(month, "YEAR_MONTH_FORMAT")}
        document = document_request(
            kind=PDF_KIND, organisation=organisation, requested_by=request.user, title=title,
            params={"month": f"{month:%Y-%m}", "unit": unit.pk if unit else None})
        return redirect("lib:document_detail", pk=document.pk)
