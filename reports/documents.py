"""The two management reports as ``lib.documents`` jobs (PDF and CSV each).

Parameters live in ``GeneratedDocument.params``: ``programme`` (pk), ``first``
and ``last`` (ISO dates, optional). Only O&F of the municipality may see them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from lib.documents import BuiltFile, DocumentBuilder, register_builder
from lib.exports import csv_bytes
from lib.models import GeneratedDocument
from lib.money import csv_amount
from lib.pdf import render_pdf
from programs.access import is_oaf_for
from programs.models import Programme

from .costs import CostOverview, cost_overview
from .models import Payer
from .status import TRACKS, status_report

STATUS_PDF = "reports.status_pdf"
STATUS_CSV = "reports.status_csv"
COSTS_PDF = "reports.costs_pdf"
COSTS_CSV = "reports.costs_csv"
REPORT_KINDS = (STATUS_PDF, STATUS_CSV, COSTS_PDF, COSTS_CSV)
# What O&F call them: the "Make a report" choices and the job list's kind column.
REPORT_LABELS = {
    STATUS_PDF: gettext_lazy("Programme status for top management (PDF)"),
    STATUS_CSV: gettext_lazy("Programme status for top management (CSV)"),
    COSTS_PDF: gettext_lazy("Cost overview against the budget (PDF)"),
    COSTS_CSV: gettext_lazy("Cost overview against the budget (CSV)"),
}


def _params(document: GeneratedDocument) -> tuple[Programme, dt.date | None, dt.date | None]:
    programme = (Programme.objects.select_related("organisation")
                 .get(pk=document.params["programme"], organisation_id=document.organisation_id))

    def day(key: str) -> dt.date | None:
        value = document.params.get(key)
        return dt.date.fromisoformat(value) if value else None

    return programme, day("first"), day("last")


def track_labels() -> dict[str, str]:
    return {"gatherings": _("Gatherings"), "modules": _("Leadership deepening (modules)"),
            "groups": _("Leader-group development"), "networks": _("Network groups"),
            "coaching": _("Individual coaching")}


def build_status_pdf(document: GeneratedDocument, progress: Any) -> BuiltFile:
    programme, first, last = _params(document)
    with translation.override(document.language):
        report = status_report(programme=programme, first=first, last=last)
        progress(70)
        pdf = render_pdf(template="reports/pdf/status.html", language=document.language,
                         context={"title": document.title, "report": report,
                                  "tracks": [(label, report.per_track[key])
                                             for key, label in track_labels().items()],
                                  "track_labels": list(track_labels().values()),
                                  "area_rows": [(name, [row[k] for k in TRACKS], total)
                                                for name, row, total in report.per_area],
                                  "area_totals": [sum(row[k] for _n, row, _t in report.per_area)
                                                  for k in TRACKS],
                                  "area_total": sum(t for _n, _r, t in report.per_area),
                                  "footer": programme.organisation.name})
    return BuiltFile(content=pdf, filename=f"statusrapport-{slugify(programme.name)}.pdf")


def build_status_csv(document: GeneratedDocument, progress: Any) -> BuiltFile:
    programme, first, last = _params(document)
    with translation.override(document.language):
        report = status_report(programme=programme, first=first, last=last)
        labels = track_labels()
        rows: list[list[Any]] = [[_("Section"), _("Name"), _("Value"), _("Of")]]
        rows += [[_("Participation per track"), labels[k], report.per_track[k], ""]
                 for k in TRACKS]
        rows.append([_("Participation"), _("Leaders reached"), report.reached, report.leaders])
        rows.append([_("Participation"), _("New leaders reached"), report.new_reached,
                     report.new_leaders])
        rows.append([_("Participation"), _("Coaching under general agreements (no programme)"),
                     report.coaching_outside, ""])
        rows += [[_("Service area"), name, total, ""] for name, _row, total in report.per_area]
        rows += [[_("Level"), label, reached, of] for label, reached, of in report.per_level]
        rows += [[_("Leader groups per phase"), label, n, ""] for label, n in report.phases]
        rows += [[_("Effect before"), r.dimension, f"{r.before:.2f}".replace(".", ","), r.groups]
                 for r in report.effect]
        rows += [[_("Effect after"), r.dimension, f"{r.after:.2f}".replace(".", ","), r.groups]
                 for r in report.effect]
        rows += [[_("Evaluations"), label,
                  "" if mean is None else f"{mean:.2f}".replace(".", ","), n or ""]
                 for label, _rounds, mean, n in report.evaluations]
    return BuiltFile(content=csv_bytes(rows), content_type="text/csv; charset=utf-8",
                     filename=f"statusrapport-{slugify(programme.name)}.csv")


def build_costs_pdf(document: GeneratedDocument, progress: Any) -> BuiltFile:
    programme, first, last = _params(document)
    with translation.override(document.language):
        overview = cost_overview(programme=programme, first=first, last=last)
        progress(70)
        pdf = render_pdf(template="reports/pdf/costs.html", language=document.language,
                         context={"title": document.title, "overview": overview,
                                  "payers": dict(Payer.choices), "orientation": "landscape",
                                  "footer": programme.organisation.name})
    return BuiltFile(content=pdf, filename=f"kostnader-{slugify(programme.name)}.pdf")


def costs_table(overview: CostOverview) -> list[list[Any]]:
    """The cost overview as rows for a data file: lines, totals, VAT, budget."""
    payers = dict(Payer.choices)
    rows: list[list[Any]] = [[
        _("Section"), _("Term"), _("Paid by"), _("Offer: arithmetic"), _("Offer (NOK)"),
        _("Calendar: arithmetic"), _("Calendar (NOK)"), _("Delivered: arithmetic"),
        _("Delivered (NOK)"), _("Notes")]]

    def cells(figure: Any) -> list[str]:
        return ["", ""] if figure is None else [figure.arithmetic, csv_amount(figure.amount)]

    for line in overview.lines:
        rows.append([line.section, line.label, str(payers[line.payer]), *cells(line.offer),
                     *cells(line.calendar), *cells(line.delivered), " ".join(line.notes)])
    for row in overview.summary() + overview.vat_rows():
        rows.append([_("Total"), row["label"], "", "", csv_amount(row["offer"]), "",
                     csv_amount(row["calendar"]), "", csv_amount(row["delivered"]), ""])
    rows.append([_("Budget"), "", "", "", csv_amount(overview.budget_for()), "", "", "", "",
                 "" if overview.budget else _("no budget entered")])
    for line in overview.outside:
        rows.append([line.section, line.label, str(payers[line.payer]), "", "", "", "",
                     *cells(line.delivered), _("Not part of this programme's totals.")])
    if not overview.has_terms:
        rows.append([_("Note"), _("No contract terms are entered for this programme."), "",
                     "", "", "", "", "", "", ""])
    return rows


def build_costs_csv(document: GeneratedDocument, progress: Any) -> BuiltFile:
    programme, first, last = _params(document)
    with translation.override(document.language):
        rows = costs_table(cost_overview(programme=programme, first=first, last=last))
    return BuiltFile(content=csv_bytes(rows), content_type="text/csv; charset=utf-8",
                     filename=f"kostnader-{slugify(programme.name)}.csv")


def may_view_report(user: User, document: GeneratedDocument) -> bool:
    """O&F of the municipality only: the reports name units and money."""
    return is_oaf_for(user, document.organisation_id)


def register() -> None:
    for kind, build in ((STATUS_PDF, build_status_pdf), (STATUS_CSV, build_status_csv),
                        (COSTS_PDF, build_costs_pdf), (COSTS_CSV, build_costs_csv)):
        register_builder(DocumentBuilder(kind=kind, build=build, may_view=may_view_report,
                                         label=REPORT_LABELS[kind]))
