"""The cockpit's generated files: the dashboard for the leadership, certificates in bulk.

Both are ``lib.documents`` jobs for O&F of the municipality only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext_lazy

from accounts.access import is_oaf_for
from accounts.models import User
from lib.documents import BuiltFile, DocumentBuilder, register_builder
from lib.models import GeneratedDocument
from lib.pdf import render_pdf
from programs.models import Programme

from .charts import dashboard_charts
from .selectors import programme_dashboard
from .services.certificates import certificates_pdf, completed_for_certificates

DASHBOARD_PDF = "cockpit.dashboard_pdf"
CERTIFICATES_PDF = "cockpit.certificates_pdf"


def _day(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def build_dashboard_pdf(document: GeneratedDocument, progress: Any) -> BuiltFile:
    params = document.params
    programme = (Programme.objects.select_related("organisation")
                 .get(pk=params["programme"], organisation_id=document.organisation_id))
    with translation.override(document.language):
        board = programme_dashboard(programme=programme, first=_day(params.get("first")),
                                    last=_day(params.get("last")))
        progress(60)
        pdf = render_pdf(template="cockpit/pdf/dashboard.html", language=document.language,
                         context={"title": document.title, "board": board,
                                  "charts": dashboard_charts(board), "pdf": True,
                                  "footer": programme.organisation.name})
    return BuiltFile(content=pdf, filename=f"dashbord-{slugify(programme.name)}.pdf")


def build_certificates_pdf(document: GeneratedDocument, progress: Any) -> BuiltFile:
    module_ids = [int(pk) for pk in document.params.get("modules", [])]
    rows = [row for row in completed_for_certificates(module_ids=module_ids)
            if row.module.programme.organisation_id == document.organisation_id]
    progress(40)
    with translation.override(document.language):
        pdf = certificates_pdf(enrollments=rows, organisation_id=document.organisation_id,
                               language=document.language)
    return BuiltFile(content=pdf, filename="kursbevis.pdf")


def may_view(user: User, document: GeneratedDocument) -> bool:
    """O&F of the municipality only: the dashboard names units and money, the
    certificates name people."""
    return is_oaf_for(user, document.organisation_id)


def register() -> None:
    register_builder(DocumentBuilder(
        kind=DASHBOARD_PDF, build=build_dashboard_pdf, may_view=may_view,
        label=gettext_lazy("Programme dashboard (PDF)")))
    register_builder(DocumentBuilder(
        kind=CERTIFICATES_PDF, build=build_certificates_pdf, may_view=may_view,
        label=gettext_lazy("Course certificates (PDF)")))
