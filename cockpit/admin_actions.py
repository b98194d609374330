"""The cockpit's actions on other apps' admin lists, added from ``CockpitConfig.ready``.

"Send a message…" on modules, module sessions, leader groups, network groups
and programmes, and "Course certificates (PDF)" on modules. The track apps
cannot import the cockpit (it sits above them), so the cockpit adds its
actions to their registered ModelAdmins instead of the other way round.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lib.documents import document_request

from .documents import CERTIFICATES_PDF
from .services.certificates import completed_for_certificates, signer_for
from .services.messages import MODELS, kind_of


@admin.action(description=gettext_lazy("Send a message to the participants…"))
def send_message(modeladmin: admin.ModelAdmin, request: HttpRequest,
                 queryset: QuerySet) -> HttpResponse:
    ids = ",".join(str(pk) for pk in queryset.order_by("pk").values_list("pk", flat=True))
    query = urlencode({"kind": kind_of(modeladmin.model), "ids": ids})
    return HttpResponseRedirect(f"{reverse('admin:cockpit_message_compose')}?{query}")


@admin.action(description=gettext_lazy("Course certificates of those who completed (PDF)"))
def certificates(modeladmin: admin.ModelAdmin, request: HttpRequest,
                 queryset: QuerySet) -> HttpResponse | None:
    from django.core.exceptions import ValidationError

    from lib.http import error_text

    modules = list(queryset.select_related("programme__organisation").order_by("pk"))
    organisations = {m.programme.organisation for m in modules}
    if len(organisations) != 1:
        modeladmin.message_user(request, _("Choose modules of one municipality at a time."),
                                messages.ERROR)
        return None
    organisation = organisations.pop()
    try:
        signer_for(organisation.pk)
    except ValidationError as exc:
        modeladmin.message_user(request, error_text(exc), messages.ERROR)
        return None
    if not completed_for_certificates(module_ids=[m.pk for m in modules]):
        modeladmin.message_user(request, _("Nobody has completed these modules yet."),
                                messages.ERROR)
        return None
    document = document_request(
        kind=CERTIFICATES_PDF, organisation=organisation, requested_by=request.user,
        title=_("Course certificates: %(modules)s") % {
            "modules": ", ".join(m.topic for m in modules)},
        params={"modules": [m.pk for m in modules]})
    return HttpResponseRedirect(reverse("lib:document_detail", args=[document.pk]))


def _add(model_admin: Any, action: Any) -> None:
    actions = list(model_admin.actions or [])
    if action not in actions:
        model_admin.actions = [*actions, action]


def install_message_actions(site: admin.AdminSite | None = None) -> None:
    site = site or admin.site
    for model in MODELS.values():
        if model in site._registry:
            _add(site._registry[model], send_message)
    module = MODELS["module"]
    if module in site._registry:
        _add(site._registry[module], certificates)
