"""Reports as PDF, made by Celery through :mod:`lib.documents`.

The builder re-checks nothing about the reader (``may_view`` does that on
every poll and download) but builds the report with the same selectors and
thresholds as the page, in the reader's language.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from lib.documents import BuiltFile, DocumentBuilder, Progress, register_builder
from lib.models import GeneratedDocument
from lib.pdf import render_pdf

from .access import may_view_report
from .models import InstrumentKind, Round
from .reports.evaluation import evaluation_report
from .reports.group import group_report
from .reports.needs import NeedsFilter, needs_areas, needs_report

REPORT_PDF = "surveys.report_pdf"


def report_title(round: Round) -> str:
    return _("Report: %(title)s") % {"title": round.display_title}


def _round(document: GeneratedDocument) -> Round:
    return (Round.objects.select_related("instrument", "organisation", "group", "baseline",
                                         "follow_up", "module_session__module",
                                         "gathering__programme")
            .get(pk=document.params["round"], organisation_id=document.organisation_id))


def build_report_pdf(document: GeneratedDocument, progress: Progress) -> BuiltFile:
    round = _round(document)
    context: dict[str, Any] = {"round": round, "made_on": timezone.localdate()}
    with translation.override(document.language):
        context["title"] = report_title(round)
        if round.kind == InstrumentKind.EFFECT:
            template = "surveys/pdf/report_group.html"
            context["report"] = group_report(round)
        elif round.kind == InstrumentKind.EVALUATION:
            template = "surveys/pdf/report_evaluation.html"
            context["report"] = evaluation_report(round)
        else:
            template = "surveys/pdf/report_needs.html"
            areas = needs_areas(round)
            context["report"] = needs_report(round, NeedsFilter(), areas=areas)
            progress(40)
            context["by_area"] = needs_report(round, NeedsFilter(by="area"), areas=areas)
            context["by_level"] = needs_report(round, NeedsFilter(by="level"), areas=areas)
    progress(70)
    pdf = render_pdf(template=template, context=context, language=document.language)
    name = slugify(round.display_title)[:60] or "rapport"
    return BuiltFile(content=pdf, filename=f"{name}.pdf")


def may_view_report_pdf(user: User, document: GeneratedDocument) -> bool:
    round = Round.objects.visible_to(user).filter(pk=document.params.get("round")).select_related(
        "module_session", "gathering").first()
    return round is not None and may_view_report(user, round)


def register() -> None:
    register_builder(DocumentBuilder(kind=REPORT_PDF, build=build_report_pdf,
                                     may_view=may_view_report_pdf,
                                     label=gettext_lazy("Survey report (PDF)")))
