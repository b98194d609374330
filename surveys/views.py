"""Thin views: fetch through the access helpers, call a selector or a service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lib.dates import format_date
from lib.documents import document_request
from lib.prepared import Prepared

from . import services
from .access import (
    ANSWER_RELATED,
    get_round_for_user,
    get_round_report_for_user,
    leader_for,
    may_view_evaluations,
    own_invitation,
    with_title_parts,
)
from .documents import REPORT_PDF, report_title
from .export import report_csv_response
from .forms import AnswerForm, NeedsFilterForm, field_name, rank_field_name
from .models import Draft, InstrumentKind, Invitation, Item, ItemKind, Round
from .reports.evaluation import evaluation_report, evaluation_summary
from .reports.group import group_report
from .reports.needs import NeedsFilter, needs_areas, needs_report
from .selectors import instrument_items, my_surveys, reports_for
from .services import AnswerRefused


def index(request: HttpRequest) -> HttpResponse:
    """The surveys waiting for me, those I have answered, and the reports I may read."""
    page = my_surveys(user=request.user, leader=leader_for(request.user))
    return render(request, "surveys/index.html", {"page": page})


def _refused(request: HttpRequest, round: Round | None, refusal: AnswerRefused) -> HttpResponse:
    # A GET that finds a survey closed or answered is information, not an error.
    status = refusal.status if request.method == "POST" or refusal.status == 403 else 200
    return render(request, "surveys/refused.html", {
        "round": with_title_parts(round) if round else None, "message": refusal.message},
        status=status)


def _sections(form: AnswerForm, items: list[Item]) -> list[dict[str, Any]]:
    """Consecutive items of one dimension form a section with the dimension as heading."""
    sections: list[dict[str, Any]] = []
    for item in items:
        if item.kind == ItemKind.RANKING:
            fields = [form[rank_field_name(item, c.pk)] for c in item.choices.all()]
        else:
            fields = [form[field_name(item)]]
        question = {"item": item, "fields": fields, "field": fields[0]}
        if not sections or sections[-1]["dimension_id"] != item.dimension_id:
            sections.append({"dimension_id": item.dimension_id, "dimension": item.dimension,
                             "questions": []})
        sections[-1]["questions"].append(question)
    return sections


def _answer_page(request: HttpRequest, *, round: Round, invitation: Invitation | None,
                 leader: Any, done_url: str) -> HttpResponse:
    if request.method != "POST":
        shown = with_title_parts(round)
        items = instrument_items(round.instrument_id)
        draft = _draft(invitation)
        form = AnswerForm(items=items, answers=draft.data if draft else None)
        return _answer_render(request, round=shown, form=form, items=items, draft=draft)
    items = instrument_items(round.instrument_id)
    submitting = request.POST.get("action") == "submit"
    # Checked with the posted fields only; the page with errors shows every question.
    answers = AnswerForm(request.POST, items=items, posted_only=True).check(
        complete=submitting)
    refused_values = None
    if answers is not None:
        target = {"invitation": invitation} if invitation else {"leader": leader}
        try:
            if submitting:
                services.response_submit(round=round, answers=answers, items=items, **target)
                messages.success(request, _("Thank you! Your answers are in."))
                return redirect(done_url)
            services.draft_save(round=round, answers=answers, items=items, **target)
            messages.success(request, _(
                "Your answers are saved. Come back and submit them before the survey "
                "closes on %(date)s.") % {"date": format_date(round.closes_on)})
            return redirect(request.path)
        except ValidationError as exc:
            refused_values = exc
        except AnswerRefused as refusal:
            return _refused(request, round, refusal)
    form = AnswerForm(request.POST, items=items)
    if form.check(complete=submitting) is not None and refused_values is not None:
        form.add_service_errors(refused_values)
    shown = with_title_parts(round)
    return _answer_render(request, round=shown, form=form, items=items,
                          draft=_draft(invitation), status=400)


def _draft(invitation: Invitation | None) -> Draft | None:
    if invitation is None:
        return None
    found = _DRAFT_OF(invitation_id=invitation.pk)
    return found[0] if found else None


_DRAFT_OF: Prepared[Draft] = Prepared(lambda invitation_id: (
    Draft.objects.filter(invitation_id=invitation_id).order_by("pk")[:1]))


def _answer_render(request: HttpRequest, *, round: Round, form: AnswerForm, items: Any,
                   draft: Draft | None, status: int = 200) -> HttpResponse:
    return render(request, "surveys/answer.html", {
        "round": round, "form": form,
        "sections": _sections(form, items), "draft": draft,
        "posted": request.method == "POST"}, status=status)


@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, round_id: Any) -> HttpResponse:
    """Answer a survey after logging in: the personal link in the invitation."""
    invitation = own_invitation(request.user, round_id)
    if invitation is not None:
        round, leader = invitation.round, invitation.leader
    else:  # not invited (an eligible leader may answer all the same) or not theirs at all
        round = get_round_for_user(request.user, round_id, ANSWER_RELATED)
        leader = leader_for(request.user)
    try:
        invitation = services.answer_access(round=round, leader=leader, invitation=invitation)
    except AnswerRefused as refusal:
        return _refused(request, round, refusal)
    return _answer_page(request, round=round, invitation=invitation, leader=leader,
                        done_url=reverse("surveys:index"))


@login_not_required
@require_http_methods(["GET", "POST"])
def answer_token(request: HttpRequest, token: str) -> HttpResponse:
    """Answer an evaluation from the signed link in the email, without logging in."""
    try:
        invitation = services.invitation_from_token(token)
        services.answer_access(round=invitation.round, leader=invitation.leader,
                               invitation=invitation)
    except AnswerRefused as refusal:
        return _refused(request, None, refusal)
    return _answer_page(request, round=invitation.round, invitation=invitation,
                        leader=invitation.leader, done_url=reverse("surveys:thanks"))


@login_not_required
def thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "surveys/thanks.html")


def needs_filter(form: NeedsFilterForm) -> NeedsFilter:
    """The chosen filter; an invalid choice shows its message and the whole round instead."""
    if not form.is_bound or not form.is_valid():
        return NeedsFilter()
    data = form.cleaned_data
    return NeedsFilter(area=data["area"], level=data["level"] or None,
                       band=data["band"] or None, by=data["by"] or None)


def report(request: HttpRequest, round_id: Any) -> HttpResponse:
    """The report of a round: group before/after, needs survey or evaluation."""
    round = get_round_report_for_user(request.user, round_id)
    context: dict[str, Any] = {"round": round}
    if round.kind == InstrumentKind.EFFECT:
        context["report"] = group_report(round)
        return render(request, "surveys/report_group.html", context)
    if round.kind == InstrumentKind.EVALUATION:
        context["report"] = evaluation_report(round)
        return render(request, "surveys/report_evaluation.html", context)
    areas = needs_areas(round)
    form = NeedsFilterForm(request.GET or None, areas=areas,
                           bands=round.instrument.years_band_choices())
    context["report"] = needs_report(round, needs_filter(form), areas=areas)
    context["form"] = form
    return render(request, "surveys/report_needs.html", context)


@require_POST
def report_pdf(request: HttpRequest, round_id: Any) -> HttpResponse:
    """Ask for the report as PDF; made by Celery, then polled on the document page."""
    round = get_round_report_for_user(request.user, round_id)
    document = document_request(kind=REPORT_PDF, organisation=round.organisation,
                                requested_by=request.user, title=report_title(round),
                                params={"round": str(round.pk)},
                                language=request.LANGUAGE_CODE)
    return redirect("lib:document_detail", document.pk)


def report_csv(request: HttpRequest, round_id: Any) -> HttpResponse:
    """The report's aggregates as CSV — the shown cells only, never single answers."""
    round = get_round_report_for_user(request.user, round_id)
    return report_csv_response(round)


def evaluations(request: HttpRequest) -> HttpResponse:
    """Evaluation summary per session, module and facilitator."""
    if not may_view_evaluations(request.user):
        raise PermissionDenied
    summary = evaluation_summary(reports_for(request.user, leader_for(request.user)))
    return render(request, "surveys/evaluations.html", {"summary": summary})
