"""The record of processing (GDPR art. 30) as PDF and CSV, through ``lib.documents``.

O&F of the municipality only. Built from ``privacy.record.processing_record``.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.access import is_oaf_for
from lib.documents import BuiltFile, DocumentBuilder, register_builder
from lib.exports import csv_bytes
from lib.models import GeneratedDocument

from .record import processing_record

RECORD_PDF = "privacy.record_pdf"
RECORD_CSV = "privacy.record_csv"
RECORD_LABELS = {
    RECORD_PDF: gettext_lazy("Record of processing (PDF)"),
    RECORD_CSV: gettext_lazy("Record of processing (CSV)"),
}


def record_header() -> list[str]:
    return [_("Data"), _("Whose data"), _("Purpose"), _("Personal data stored"),
            _("Recipients"), _("Kept"), _("Rows now")]


def build_record_pdf(document: GeneratedDocument, progress: Any) -> BuiltFile:
    from lib.pdf import render_pdf

    with translation.override(document.language):
        record = processing_record(organisation=document.organisation)
        progress(60)
        pdf = render_pdf(template="privacy/pdf/record.html", language=document.language,
                         context={"title": document.title, "record": record,
                                  "header": record_header(), "orientation": "landscape",
                                  "made_on": timezone.localdate(),
                                  "footer": document.organisation.name})
    return BuiltFile(content=pdf, filename="behandlingsprotokoll.pdf")


def build_record_csv(document: GeneratedDocument, progress: Any) -> BuiltFile:
    with translation.override(document.language):
        record = processing_record(organisation=document.organisation)
        rows: list[list[Any]] = [record_header()]
        rows += [[row.name, row.subjects, row.purpose, row.fields, row.recipients,
                  row.retention, "" if row.rows is None else row.rows] for row in record.rows]
    return BuiltFile(content=csv_bytes(rows), content_type="text/csv; charset=utf-8",
                     filename="behandlingsprotokoll.csv")


def may_view_record(user: Any, document: GeneratedDocument) -> bool:
    return is_oaf_for(user, document.organisation_id)


def register() -> None:
    register_builder(DocumentBuilder(kind=RECORD_PDF, build=build_record_pdf,
                                     may_view=may_view_record, label=RECORD_LABELS[RECORD_PDF]))
    register_builder(DocumentBuilder(kind=RECORD_CSV, build=build_record_csv,
                                     may_view=may_view_record, label=RECORD_LABELS[RECORD_CSV]))
