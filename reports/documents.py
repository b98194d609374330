"""The two management reports as ``lib.documents`` jobs (PDF and CSV each).

Parameters live in ``GeneratedDocument.params``: ``programme`` (pk), ``first``
and ``last`` (ISO dates, optional). Only O&F of the municipality may see them.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from lib.documents import BuiltFile, DocumentBuilder, register_builder
from lib.exports import csv_bytes
from lib.models import GeneratedDocument
from lib.pdf import render_pdf
from programs.access import is_oaf_for
from programs.models import Programme

from .costs import cost_overview
from .models import Payer
from .status import TRACKS, status_report

STATUS_PDF = "reports.status_pdf"
STATUS_CSV = "reports.status_csv"
COSTS_PDF = "reports.costs_pdf"
COSTS_CSV = "reports.costs_csv"
REPORT_KINDS = (STATUS_PDF, STATUS_CSV, COSTS_PDF, COSTS_CSV)


def _params(document: GeneratedDocument) -> tuple[Programme, dt.date | None, dt.date | None]:
    programme = (Programme.objects.select_related("organisation")
                 .get(pk=document.params["programme"], organisation_id=document.organisation_id))

    def day(key: str) -> dt.date | None:
        value = document.params.get(key)
        return dt.date.fromisoformat(value) if value else None

    return programme, day("first"), day("last")


def _money(value: Decimal) -> str:
    # Norwegian spreadsheets read a decimal comma; no thousand separators in a data file.
    return f"{value:.2f}".replace(".", ",")


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
                                  "oaf": Payer.OAF, "footer": programme.organisation.name})
    return BuiltFile(content=pdf, filename=f"kostnader-{slugify(programme.name)}.pdf")


def build_costs_csv(document: GeneratedDocument, progress: Any) -> BuiltFile:
    programme, first, last = _params(document)
    with translation.override(document.language):
        overview = cost_overview(programme=programme, first=first, last=last)
        payers = dict(Payer.choices)
        rows: list[list[Any]] = [[_("Track"), _("Description"), _("Quantity"),
                                  _("Unit price (NOK)"), _("Amount (NOK)"), _("Paid by")]]
        rows += [[line.track, line.description, _money(line.quantity),
                  "" if line.unit_price is None else _money(line.unit_price),
                  _money(line.amount), str(payers[line.payer])] for line in overview.lines]
        rows.append([_("Total"), str(payers[Payer.OAF]), "", "", _money(overview.oaf_total), ""])
        rows.append([_("Total"), str(payers[Payer.UNIT]), "", "", _money(overview.units_total),
                     ""])
        rows.append([_("Total"), "", "", "", _money(overview.total), ""])
        rows.append([_("Budget"), "", "", "", _money(overview.budget_total), ""])
        rows.append([_("Left of the budget"), "", "", "", _money(overview.left), ""])
    return BuiltFile(content=csv_bytes(rows), content_type="text/csv; charset=utf-8",
                     filename=f"kostnader-{slugify(programme.name)}.csv")


def may_view_report(user: Any, document: GeneratedDocument) -> bool:
    """O&F of the municipality only: the reports name units and money."""
    return is_oaf_for(user, document.organisation_id)


def register() -> None:
    for kind, build in ((STATUS_PDF, build_status_pdf), (STATUS_CSV, build_status_csv),
                        (COSTS_PDF, build_costs_pdf), (COSTS_CSV, build_costs_csv)):
        register_builder(DocumentBuilder(kind=kind, build=build, may_view=may_view_report))
