"""Network group pages. Thin: access helpers, forms, services, selectors."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lib.http import messages_from_error
from lib.ical import calendar_bytes, ics_response

from . import selectors, services
from .access import (
    get_group_for_edit,
    get_group_for_user,
    get_meeting_for_edit,
    get_meeting_for_note,
    get_meeting_for_note_edit,
    get_meeting_for_user,
    get_meeting_for_vote,
    get_plan_for_edit,
    get_plan_for_user,
    get_programme_for_oaf,
)
from .forms import (
    GroupCreateForm,
    GroupForm,
    MeetingForm,
    MoveForm,
    NoteForm,
    OptionForm,
    ProposeForm,
    VoteForm,
)
from .models import NetworkPlan


def _form_errors(request: HttpRequest, form: Any) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "networks/index.html", {"page": selectors.index_page(user=request.user)})


# -- composing (O&F) ---------------------------------------------------------------------
@require_POST
def plan_start(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_programme_for_oaf(request.user, slug)
    try:
        plan = services.network_plan_create(programme=programme, actor=request.user)
    except ValidationError as exc:
        messages_from_error(request, exc)
        return redirect("networks:index")
    messages.success(request, _("Network groups started for %(programme)s.")
                     % {"programme": programme.name})
    return redirect("networks:plan_compose", plan_uuid=plan.uuid)


def _compose(request: HttpRequest, plan: NetworkPlan, *, propose_form: Any = None,
             status: int = 200) -> HttpResponse:
    page = selectors.compose_page(plan=plan)
    return render(request, "networks/compose.html", {
        "page": page, "plan": plan,
        "propose_form": propose_form or ProposeForm(initial={"min_size": plan.min_size,
                                                             "max_size": plan.max_size}),
        "move_form": MoveForm(plan=plan), "create_form": GroupCreateForm(),
    }, status=status)


@require_GET
def plan_compose(request: HttpRequest, plan_uuid: UUID) -> HttpResponse:
    return _compose(request, get_plan_for_edit(request.user, plan_uuid))


@require_POST
def groups_propose(request: HttpRequest, plan_uuid: UUID) -> HttpResponse:
    plan = get_plan_for_edit(request.user, plan_uuid)
    form = ProposeForm(request.POST)
    if not form.is_valid():
        return _compose(request, plan, propose_form=form, status=400)
    try:
        result = services.network_groups_propose(
            programme=plan.programme, actor=request.user, min_size=form.cleaned_data["min_size"],
            max_size=form.cleaned_data["max_size"])
    except ValidationError as exc:
        messages_from_error(request, exc)
    else:
        messages.success(request, result.summary)
        for warning in result.warnings:
            messages.warning(request, warning)
    return redirect("networks:plan_compose", plan_uuid=plan.uuid)


@require_POST
def member_move(request: HttpRequest, plan_uuid: UUID) -> HttpResponse:
    plan = get_plan_for_edit(request.user, plan_uuid)
    form = MoveForm(request.POST, plan=plan)
    if not form.is_valid():
        _form_errors(request, form)
    else:
        leader, group = form.cleaned_data["leader"], form.cleaned_data["group"]
        try:
            services.network_member_move(plan=plan, leader=leader, to_group=group,
                                         actor=request.user)
        except ValidationError as exc:
            messages_from_error(request, exc)
        else:
            messages.success(request, _("%(name)s is now in «%(group)s».")
                             % {"name": leader.name, "group": group.name})
    return redirect("networks:plan_compose", plan_uuid=plan.uuid)


@require_POST
def group_create(request: HttpRequest, plan_uuid: UUID) -> HttpResponse:
    plan = get_plan_for_edit(request.user, plan_uuid)
    form = GroupCreateForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
    else:
        try:
            group = services.network_group_create(plan=plan, name=form.cleaned_data["name"],
                                                  actor=request.user)
        except ValidationError as exc:
            messages_from_error(request, exc)
        else:
            messages.success(request, _("The group «%(group)s» is added.") % {"group": group.name})
    return redirect("networks:plan_compose", plan_uuid=plan.uuid)


@require_POST
def group_update(request: HttpRequest, group_uuid: UUID) -> HttpResponse:
    group = get_group_for_edit(request.user, group_uuid)
    form = GroupForm(request.POST, plan=group.plan)
    if not form.is_valid():
        _form_errors(request, form)
    else:
        try:
            group = services.network_group_update(
                group=group, name=form.cleaned_data["name"],
                facilitator=form.cleaned_data["facilitator"], actor=request.user)
        except ValidationError as exc:
            messages_from_error(request, exc)
        else:
            messages.success(request, _("The group «%(group)s» is saved.") % {"group": group.name})
    return redirect("networks:plan_compose", plan_uuid=group.plan.uuid)


@require_POST
def group_delete(request: HttpRequest, group_uuid: UUID) -> HttpResponse:
    group = get_group_for_edit(request.user, group_uuid)
    try:
        services.network_group_delete(group=group, actor=request.user)
    except ValidationError as exc:
        messages_from_error(request, exc)
    else:
        messages.success(request, _("The group «%(group)s» is removed.") % {"group": group.name})
    return redirect("networks:plan_compose", plan_uuid=group.plan.uuid)


@require_POST
def groups_confirm(request: HttpRequest, plan_uuid: UUID) -> HttpResponse:
    plan = get_plan_for_edit(request.user, plan_uuid)
    try:
        services.network_groups_confirm(plan=plan, actor=request.user)
    except ValidationError as exc:
        messages_from_error(request, exc)
        return redirect("networks:plan_compose", plan_uuid=plan.uuid)
    messages.success(request, _("The groups are confirmed. Members now see their group."))
    return redirect("networks:meeting_plan", plan_uuid=plan.uuid)


# -- the meeting plan --------------------------------------------------------------------
@require_GET
def meeting_plan(request: HttpRequest, plan_uuid: UUID) -> HttpResponse:
    access = get_plan_for_user(request.user, plan_uuid)
    return render(request, "networks/meeting_plan.html", {
        "page": selectors.meeting_plan_page(plan=access.plan), "plan": access.plan,
        "can_manage": access.can_manage})


@require_POST
def meetings_plan_run(request: HttpRequest, plan_uuid: UUID) -> HttpResponse:
    plan = get_plan_for_edit(request.user, plan_uuid)
    try:
        result = services.meetings_plan(plan=plan, actor=request.user)
    except ValidationError as exc:
        messages_from_error(request, exc)
    else:
        messages.success(request, ngettext("%(count)d meeting proposed.",
                                           "%(count)d meetings proposed.", result.created)
                         % {"count": result.created})
        for message in result.unplaced:
            messages.warning(request, message)
    return redirect("networks:meeting_plan", plan_uuid=plan.uuid)


@require_POST
def poll_announce(request: HttpRequest, plan_uuid: UUID) -> HttpResponse:
    plan = get_plan_for_edit(request.user, plan_uuid)
    try:
        services.meetings_poll_announce(plan=plan, actor=request.user)
    except ValidationError as exc:
        messages_from_error(request, exc)
    else:
        messages.success(request, _("The members are asked by email to answer the date polls."))
    return redirect("networks:meeting_plan", plan_uuid=plan.uuid)


# -- a group and its meetings ------------------------------------------------------------
@require_GET
def group_detail(request: HttpRequest, group_uuid: UUID) -> HttpResponse:
    access = get_group_for_user(request.user, group_uuid)
    return render(request, "networks/group_detail.html",
                  {"page": selectors.group_page(access=access), "group": access.group})


def _meeting(request: HttpRequest, access: Any, *, vote_form: Any = None,
             status: int = 200) -> HttpResponse:
    page = selectors.meeting_page(access=access)
    meeting = access.meeting
    if vote_form is None and access.can_vote and meeting.is_proposed and page.options:
        vote_form = VoteForm(options=[row.option for row in page.options],
                             initial_answers={row.option.pk: row.mine for row in page.options
                                              if row.mine})
    return render(request, "networks/meeting_detail.html", {
        "page": page, "meeting": meeting, "access": access, "vote_form": vote_form,
        "option_form": OptionForm() if access.can_manage and meeting.is_proposed else None,
    }, status=status)


@require_GET
def meeting_detail(request: HttpRequest, meeting_uuid: UUID) -> HttpResponse:
    return _meeting(request, get_meeting_for_user(request.user, meeting_uuid))


@require_POST
def meeting_vote(request: HttpRequest, meeting_uuid: UUID) -> HttpResponse:
    access = get_meeting_for_vote(request.user, meeting_uuid)
    meeting = access.meeting
    form = VoteForm(request.POST, options=list(meeting.options.order_by("date", "starts_at")),
                    initial_answers={})
    if not form.is_valid():
        return _meeting(request, access, vote_form=form, status=400)
    try:
        services.meeting_vote(meeting=meeting, leader=access.leader, answers=form.answers(),
                              actor=request.user)
    except ValidationError as exc:
        messages_from_error(request, exc)
    else:
        messages.success(request, _("Thank you, your answers are saved."))
    return redirect("networks:meeting_detail", meeting_uuid=meeting.uuid)


@require_POST
def meeting_confirm(request: HttpRequest, meeting_uuid: UUID) -> HttpResponse:
    access = get_meeting_for_edit(request.user, meeting_uuid)
    meeting = access.meeting
    option = None
    raw = request.POST.get("option", "")
    if raw:
        option = meeting.options.filter(pk=raw).first() if raw.isdigit() else None
        if option is None:
            messages.error(request, _("Choose one of the dates proposed for this meeting."))
            return redirect("networks:meeting_detail", meeting_uuid=meeting.uuid)
    try:
        meeting = services.meeting_confirm(meeting=meeting, option=option, actor=request.user)
    except ValidationError as exc:
        messages_from_error(request, exc)
    else:
        messages.success(request, _("The meeting is confirmed and everyone in the group is "
                                    "told."))
    return redirect("networks:meeting_detail", meeting_uuid=meeting.uuid)


@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, meeting_uuid: UUID) -> HttpResponse:
    access = get_meeting_for_edit(request.user, meeting_uuid)
    meeting = access.meeting
    plan = meeting.group.plan
    if request.method == "POST":
        form = MeetingForm(request.POST, plan=plan)
        if form.is_valid():
            try:
                services.meeting_update(meeting=meeting, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("The meeting is saved."))
                return redirect("networks:meeting_detail", meeting_uuid=meeting.uuid)
    else:
        form = MeetingForm(initial=MeetingForm.initial_for(meeting), plan=plan)
    return render(request, "networks/meeting_edit.html", {"form": form, "meeting": meeting},
                  status=400 if form.errors else 200)


@require_POST
def meeting_cancel(request: HttpRequest, meeting_uuid: UUID) -> HttpResponse:
    access = get_meeting_for_edit(request.user, meeting_uuid)
    try:
        services.meeting_cancel(meeting=access.meeting, actor=request.user)
    except ValidationError as exc:
        messages_from_error(request, exc)
    else:
        messages.success(request, _("The meeting is cancelled."))
    return redirect("networks:meeting_detail", meeting_uuid=access.meeting.uuid)


@require_POST
def meeting_option_add(request: HttpRequest, meeting_uuid: UUID) -> HttpResponse:
    access = get_meeting_for_edit(request.user, meeting_uuid)
    form = OptionForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
    else:
        try:
            services.meeting_option_add(meeting=access.meeting, actor=request.user,
                                        **form.cleaned_data)
        except ValidationError as exc:
            messages_from_error(request, exc)
        else:
            messages.success(request, _("The date is added to the poll."))
    return redirect("networks:meeting_detail", meeting_uuid=access.meeting.uuid)


@require_http_methods(["GET", "POST"])
def meeting_note(request: HttpRequest, meeting_uuid: UUID) -> HttpResponse:
    if request.method == "POST":
        access = get_meeting_for_note_edit(request.user, meeting_uuid)
        form = NoteForm(request.POST)
        if form.is_valid():
            try:
                services.meeting_note_save(meeting=access.meeting, actor=request.user,
                                           **form.cleaned_data)
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("The note is saved."))
                return redirect("networks:meeting_note", meeting_uuid=access.meeting.uuid)
    else:
        access = get_meeting_for_note(request.user, meeting_uuid)
        form = None
    page = selectors.meeting_page(access=access)
    if form is None and access.is_member:
        note = page.note
        form = NoteForm(initial={"case": note.case, "agreed": note.agreed} if note else None)
    return render(request, "networks/meeting_note.html",
                  {"page": page, "meeting": access.meeting, "access": access, "form": form},
                  status=400 if form is not None and form.errors else 200)


@require_GET
def meeting_ics(request: HttpRequest, meeting_uuid: UUID) -> HttpResponse:
    meeting = get_meeting_for_user(request.user, meeting_uuid).meeting
    body = calendar_bytes([selectors.meeting_event(meeting)], name=meeting.group.name)
    return ics_response(body, slugify(f"{meeting.group.name}-{meeting.date:%Y-%m-%d}"))
