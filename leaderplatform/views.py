"""Pages of the leader platform: the published document, the process's steps 3–5, the
leader's self-assessment and O&F's anonymous overview. Rules are in ``access`` and
``services``; views parse, call and render."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import is_oaf_for
from accounts.models import User
from lib.http import add_error_to_form, error_text, messages_from_error

from . import selectors, services
from .access import (
    get_assessment_for_user,
    get_invitation_for_rater,
    get_own_assessment,
    get_version_for_aggregates,
    get_version_for_clustering,
    get_version_for_oaf,
    get_version_for_user,
    leader_for,
    proposal_groups,
)
from .documents import platform_pdf_request
from .forms import (
    AssignForm,
    CandidateForm,
    DecideForm,
    FeedbackInviteForm,
    FocusForm,
    MergeForm,
    PdfForm,
    ProposalForm,
    ScoresForm,
)
from .models import (
    Characteristic,
    CharacteristicStatus,
    FeedbackRound,
    PlatformVersion,
    Proposal,
    SelfAssessment,
    Step,
)


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # LoginRequiredMiddleware guards every page
    return user


def _version_page(request: HttpRequest, version: PlatformVersion, *, is_oaf: bool,
                  may_cluster: bool, template: str = "leaderplatform/platform.html",
                  ) -> HttpResponse:
    leader = leader_for(request.user)
    context = {
        "version": version, "themes": selectors.platform_page_themes(version),
        "plans": selectors.step_plans(version), "is_oaf": is_oaf,
        "may_cluster": may_cluster, "leader": leader, "Step": Step,
        "pdf_form": PdfForm(initial={"page_size": "A4"}),
        "draft": selectors.draft_version(version.platform.organisation_id),
        # While only a draft exists, leaders assess themselves on the standard platform.
        "standard": (selectors.standard_version()
                     if version.is_draft and selectors.published_version(
                         version.platform.organisation_id) is None else None),
    }
    return render(request, template, context)


def platform(request: HttpRequest) -> HttpResponse:
    """The municipality's published platform (or, before the first, the process)."""
    user = _user(request)
    if user.organisation_id is None:
        raise Http404
    version = (selectors.published_version(user.organisation_id)
               or selectors.draft_version(user.organisation_id))
    if version is None:
        return render(request, "leaderplatform/none_yet.html", {
            "leader": leader_for(user), "standard": selectors.standard_version(),
            "is_oaf": is_oaf_for(user, user.organisation_id)})
    access = get_version_for_user(user, version.uuid)
    return _version_page(request, access.version, is_oaf=access.is_oaf,
                         may_cluster=access.may_cluster)


def version_detail(request: HttpRequest, version_uuid: UUID) -> HttpResponse:
    access = get_version_for_user(_user(request), version_uuid)
    return _version_page(request, access.version, is_oaf=access.is_oaf,
                         may_cluster=access.may_cluster)


@require_POST
def platform_pdf(request: HttpRequest, version_uuid: UUID) -> HttpResponse:
    access = get_version_for_user(_user(request), version_uuid)
    form = PdfForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose A4 or A3."))
        return redirect("leaderplatform:version", version_uuid)
    try:
        document = platform_pdf_request(version=access.version, actor=_user(request),
                                        page_size=form.cleaned_data["page_size"])
    except ValidationError as exc:
        messages_from_error(request, exc)
        return redirect("leaderplatform:version", version_uuid)
    return redirect("lib:document_detail", document.pk)


# -- step 3 --------------------------------------------------------------------------------
def proposals(request: HttpRequest, version_uuid: UUID) -> HttpResponse:
    """Enter the group's proposals from a session (phone-friendly), and see the group's."""
    user = _user(request)
    access = get_version_for_user(user, version_uuid)
    version = access.version
    leader_groups, network_groups = proposal_groups(user, version.platform.organisation_id)
    form = ProposalForm(request.POST or None, leader_groups=leader_groups,
                        network_groups=network_groups)
    if request.method == "POST":
        if not (leader_groups or network_groups):
            raise PermissionDenied(_("You are in no group that submits proposals."))
        if form.is_valid():
            try:
                services.proposal_submit(version=version, actor=user,
                                         text=form.cleaned_data["text"], **form.chosen())
            except (ValidationError, PermissionDenied) as exc:
                add_error_to_form(form, exc)
            else:
                messages.success(request, _("The proposal is saved as the group's."))
                # Keep the group chosen for the next proposal from the same session.
                return redirect(f"{request.path}?group={form.cleaned_data['group']}")
    elif request.GET.get("group"):
        form = ProposalForm(initial={"group": request.GET["group"]},
                            leader_groups=leader_groups, network_groups=network_groups)
    mine = selectors.proposals_for_groups(version, [g.pk for g in leader_groups],
                                          [g.pk for g in network_groups])
    return render(request, "leaderplatform/proposals.html", {
        "version": version, "form": form, "proposals": mine,
        "open": version.in_step(Step.BRAINSTORM),
        "has_groups": bool(leader_groups or network_groups)}, status=400 if form.errors else 200)


# -- step 4 --------------------------------------------------------------------------------
def cluster(request: HttpRequest, version_uuid: UUID) -> HttpResponse:
    """Sort the proposals into candidate characteristics: keyboard-usable forms."""
    user = _user(request)
    access = get_version_for_clustering(user, version_uuid)
    version = access.version
    all_proposals = selectors.proposals_of(version)
    candidates = selectors.candidates_of(version)
    themes = list(version.themes.order_by("position", "pk"))
    create_form = CandidateForm(themes=themes, proposals=all_proposals, prefix="new")
    merge_form = MergeForm(candidates=candidates, prefix="merge")
    status = 200
    # The drag-and-drop script sends the same "assign" form and asks for JSON back.
    wants_json = request.headers.get("Accept") == "application/json"
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "create":
                create_form = CandidateForm(request.POST, themes=themes, proposals=all_proposals,
                                            prefix="new")
                if not create_form.is_valid():
                    raise ValidationError(_("Check the form."), code="invalid")
                services.candidate_create(
                    version=version, actor=user, text=create_form.cleaned_data["text"],
                    theme=create_form.cleaned_data["theme"],
                    proposals=create_form.chosen_proposals())
                messages.success(request, _("The candidate is made."))
            elif action == "assign":
                form = AssignForm(request.POST, candidates=candidates)
                if not form.is_valid():
                    raise ValidationError(_("Choose a candidate from the list."), code="invalid")
                proposal = next((p for p in all_proposals
                                 if p.uuid == form.cleaned_data["proposal"]), None)
                if proposal is None:
                    raise Http404
                chosen = form.cleaned_data["candidate"]
                candidate = next((c for c in candidates if str(c.pk) == chosen), None)
                services.proposal_cluster(proposal=proposal, candidate=candidate, actor=user)
                if wants_json:
                    return JsonResponse({"ok": True, "message": _sorted_message(proposal,
                                                                                candidate)})
                messages.success(request, _("The proposal is sorted."))
            elif action == "merge":
                merge_form = MergeForm(request.POST, candidates=candidates, prefix="merge")
                if not merge_form.is_valid():
                    raise ValidationError(_("Choose two candidates."), code="invalid")
                by_pk = {str(c.pk): c for c in candidates}
                services.candidates_merge(source=by_pk[merge_form.cleaned_data["source"]],
                                          target=by_pk[merge_form.cleaned_data["target"]],
                                          actor=user)
                messages.success(request, _("The candidates are merged; the proposals of both "
                                            "are kept."))
            else:
                raise ValidationError(_("Unknown action."), code="invalid")
        except (ValidationError, PermissionDenied) as exc:
            if isinstance(exc, PermissionDenied):
                raise
            if wants_json:
                return JsonResponse({"ok": False, "message": error_text(exc)}, status=400)
            if action == "create":
                add_error_to_form(create_form, exc)
            else:
                messages_from_error(request, exc)
            status = 400
        else:
            return redirect("leaderplatform:cluster", version.uuid)
    unsorted = [p for p in all_proposals if p.characteristic_id is None]
    return render(request, "leaderplatform/cluster.html", {
        "version": version, "candidates": candidates, "unsorted": unsorted,
        "assign_forms": [(p, AssignForm(initial={"proposal": p.uuid,
                                                 "candidate": p.characteristic_id or ""},
                                        candidates=candidates, prefix=f"p{p.pk}"))
                         for p in all_proposals],
        "create_form": create_form, "merge_form": merge_form,
        "open": version.in_step(Step.ANALYSE)}, status=status)


def _sorted_message(proposal: Proposal, candidate: Characteristic | None) -> str:
    """What a screen reader hears after a drop (the text is shortened, as on the button)."""
    text = proposal.text if len(proposal.text) <= 60 else proposal.text[:59] + "…"
    if candidate is None:
        return _("«%(proposal)s» is no longer sorted.") % {"proposal": text}
    return _("«%(proposal)s» is put into «%(candidate)s».") % {"proposal": text,
                                                              "candidate": candidate.text}


# -- step 5 --------------------------------------------------------------------------------
def rate(request: HttpRequest, version_uuid: UUID) -> HttpResponse:
    """Every leader rates the candidates once; anonymous."""
    user = _user(request)
    access = get_version_for_user(user, version_uuid)
    version = access.version
    leader = access.leader
    if leader is None:
        raise PermissionDenied(_("The candidates are rated by the municipality's leaders."))
    candidates = list(Characteristic.objects.filter(
        version=version, status=CharacteristicStatus.CANDIDATE).order_by("position", "pk"))
    form = ScoresForm(request.POST or None, lines=[(c.pk, c.text) for c in candidates])
    already = version.ballots.filter(leader=leader).exists()
    if request.method == "POST" and form.is_valid():
        try:
            services.ballot_cast(version=version, leader=leader, scores=form.scores())
        except ValidationError as exc:
            add_error_to_form(form, exc)
        else:
            messages.success(request, _("Thank you. Your scores are stored without your name."))
            return redirect("leaderplatform:version", version.uuid)
    return render(request, "leaderplatform/rate.html", {
        "version": version, "form": form, "already": already,
        "open": version.in_step(Step.DECIDE)}, status=400 if form.errors else 200)


def results(request: HttpRequest, version_uuid: UUID) -> HttpResponse:
    """O&F: the rating results (only over the threshold) and the leadership's decision."""
    user = _user(request)
    access = get_version_for_oaf(user, version_uuid)
    version = access.version
    if request.method == "POST":
        form = DecideForm(request.POST)
        candidate = None
        if form.is_valid():
            candidate = Characteristic.objects.filter(
                version=version, pk=form.cleaned_data["characteristic"]).first()
        if candidate is None:
            messages.error(request, _("Choose a candidate from the list."))
        else:
            try:
                services.candidate_decide(characteristic=candidate,
                                          adopted=form.cleaned_data["adopted"], actor=user)
            except ValidationError as exc:
                messages_from_error(request, exc)
            else:
                messages.success(request, _("The decision is recorded."))
                return redirect("leaderplatform:results", version.uuid)
    return render(request, "leaderplatform/results.html", {
        "version": version, "results": selectors.rating_results(version),
        "open": version.in_step(Step.DECIDE)})


def aggregates(request: HttpRequest, version_uuid: UUID) -> HttpResponse:
    """O&F: self-assessments as anonymous means per theme, by area and level (of their own
    municipality's leaders, also on the standard platform)."""
    version, organisation_id = get_version_for_aggregates(_user(request), version_uuid)
    return render(request, "leaderplatform/aggregates.html", {
        "version": version, "data": selectors.aggregates(version, organisation_id)})


@require_POST
def evaluation_instrument(request: HttpRequest, version_uuid: UUID) -> HttpResponse:
    """O&F: use the published version's characteristics in the session evaluations."""
    user = _user(request)
    access = get_version_for_oaf(user, version_uuid)
    try:
        instrument = services.evaluation_instrument_build(version=access.version, actor=user)
    except ValidationError as exc:
        messages_from_error(request, exc)
    else:
        messages.success(request, _("New session evaluations now ask about the platform's "
                                    "behaviours: «%(name)s». You can reword it in the "
                                    "administration.") % {"name": instrument.name})
    return redirect("leaderplatform:version", access.version.uuid)


# -- self-assessment ---------------------------------------------------------------------
def assessment_start(request: HttpRequest) -> HttpResponse:
    """Rate the published platform's behaviours; earlier results listed beside."""
    user = _user(request)
    leader = leader_for(user)
    if leader is None:
        raise PermissionDenied(_("The self-assessment is for leaders."))
    version = selectors.assessment_version(leader.organisation_id)
    themes = selectors.themes_with_content(version) if version else []
    lines = [(b.pk, b.text) for t in themes for c in t.characteristics.all()
             for b in c.behaviours.all()]
    form = ScoresForm(request.POST or None, lines=lines)
    if request.method == "POST" and version is not None and form.is_valid():
        try:
            assessment = services.self_assessment_submit(leader=leader, version=version,
                                                         scores=form.scores())
        except ValidationError as exc:
            add_error_to_form(form, exc)
        else:
            return redirect("leaderplatform:assessment", assessment.uuid)
    sections = [(t, [(c, [form[f"s{b.pk}"] for b in c.behaviours.all()])
                     for c in t.characteristics.all()]) for t in themes]
    return render(request, "leaderplatform/assessment_form.html", {
        "version": version, "sections": sections, "form": form,
        "earlier": selectors.own_assessments(leader)}, status=400 if form.errors else 200)


def assessment_detail(request: HttpRequest, assessment_uuid: UUID) -> HttpResponse:
    """The profile: chart and table per theme with the reflection questions; compare."""
    user = _user(request)
    access = get_assessment_for_user(user, assessment_uuid)
    assessment = access.assessment
    earlier = [a for a in SelfAssessment.objects.filter(
        leader=assessment.leader, version=assessment.version).order_by("-created_at")
        if a.pk != assessment.pk] if access.is_own else []
    compare = None
    if access.is_own and request.GET.get("med"):
        compare = next((a for a in earlier if str(a.uuid) == request.GET["med"]), None)
    elif earlier:
        compare = next((a for a in earlier if a.created_at < assessment.created_at), None)
    result = selectors.profile(assessment, compare)
    feedback = selectors.feedback_results(assessment, result) if access.is_own else None
    characteristics = [line.characteristic for t in result for line in t.lines]
    return render(request, "leaderplatform/assessment.html", {
        "assessment": assessment, "is_own": access.is_own, "profile": result,
        "compare": compare, "earlier": earlier, "chart_height": 44 * len(result) + 4,
        "feedback": feedback,
        "focus": list(assessment.focus.all()),
        "course": services.open_course(assessment.leader) if access.is_own else None,
        "focus_form": FocusForm(characteristics=characteristics,
                                initial={"areas": [str(c.pk) for c in assessment.focus.all()]}),
    })


@require_POST
def assessment_share(request: HttpRequest, assessment_uuid: UUID) -> HttpResponse:
    user = _user(request)
    assessment = get_own_assessment(user, assessment_uuid)
    services.self_assessment_share(assessment=assessment, leader=assessment.leader,
                                   shared=request.POST.get("shared") == "1")
    messages.success(request, _("Your coach can now read this result.")
                     if assessment.shared_with_coach
                     else _("Only you can read this result now."))
    return redirect("leaderplatform:assessment", assessment.uuid)


@require_POST
def assessment_focus(request: HttpRequest, assessment_uuid: UUID) -> HttpResponse:
    user = _user(request)
    assessment = get_own_assessment(user, assessment_uuid)
    characteristics = Characteristic.objects.filter(version=assessment.version,
                                                    status=CharacteristicStatus.ADOPTED)
    form = FocusForm(request.POST, characteristics=characteristics)
    try:
        if not form.is_valid():
            raise ValidationError(_("Choose one or two areas."), code="invalid")
        services.self_assessment_focus(assessment=assessment, leader=assessment.leader,
                                       characteristic_ids=[int(v) for v in
                                                           form.cleaned_data["areas"]])
        if request.POST.get("to_project"):
            project = services.focus_to_project(assessment=assessment, actor=user)
            messages.success(request, _("Your development areas are added to your development "
                                        "project."))
            return redirect("coaching:project_edit", project.course.uuid)
    except (ValidationError, PermissionDenied) as exc:
        messages_from_error(request, exc)
    else:
        messages.success(request, _("Your development areas are saved."))
    return redirect("leaderplatform:assessment", assessment.uuid)




# -- the light 360 ------------------------------------------------------------------------
def assessment_feedback(request: HttpRequest, assessment_uuid: UUID) -> HttpResponse:
    """The leader invites raters for a 360 on this self-assessment (once), or sees its state."""
    user = _user(request)
    assessment = get_own_assessment(user, assessment_uuid)
    round_ = FeedbackRound.objects.filter(assessment=assessment).first()
    if request.method == "POST" and round_ is not None and "close" in request.POST:
        try:
            services.feedback_round_close(round_=round_, leader=assessment.leader)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The round is closed: each group's average with "
                                        "enough answers is shown."))
        return redirect("leaderplatform:assessment", assessment.uuid)
    form = FeedbackInviteForm(request.POST or None)
    if request.method == "POST" and round_ is None and form.is_valid():
        try:
            services.feedback_round_start(assessment=assessment, leader=assessment.leader,
                                          raters=form.raters())
        except (ValidationError, PermissionDenied) as exc:
            add_error_to_form(form, exc)
        else:
            messages.success(request, _("Your raters are asked by email. Close the round "
                                        "when enough have answered to see each group's "
                                        "average."))
            return redirect("leaderplatform:assessment", assessment.uuid)
    return render(request, "leaderplatform/feedback_invite.html", {
        "assessment": assessment, "round": round_, "form": form,
        "min_raters": services.MIN_RATERS, "max_raters": services.MAX_RATERS,
    }, status=400 if form.errors else 200)


def feedback_rate(request: HttpRequest, invitation_uuid: UUID) -> HttpResponse:
    """A rater rates the leader's behaviours, once; afterwards only a thank-you."""
    user = _user(request)
    invitation = get_invitation_for_rater(user, invitation_uuid)
    assessment = invitation.round.assessment
    themes = selectors.themes_with_content(assessment.version)
    lines = [(b.pk, b.text) for t in themes for c in t.characteristics.all()
             for b in c.behaviours.all()]
    form = ScoresForm(request.POST or None, lines=lines)
    done = invitation.answered_at is not None or invitation.round.is_closed
    if request.method == "POST" and not done and form.is_valid():
        try:
            services.feedback_answer(invitation=invitation, rater=user, scores=form.scores())
        except ValidationError as exc:
            add_error_to_form(form, exc)
        else:
            messages.success(request, _("Thank you for your feedback."))
            return redirect("leaderplatform:feedback_rate", invitation.uuid)
    sections = [(t, [(c, [form[f"s{b.pk}"] for b in c.behaviours.all()])
                     for c in t.characteristics.all()]) for t in themes]
    return render(request, "leaderplatform/feedback_rate.html", {
        "invitation": invitation, "leader_name": assessment.leader.user.full_name,
        "done": done, "sections": sections, "form": form,
    }, status=400 if form.errors else 200)
