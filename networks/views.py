"""Network group pages. Thin: access helpers, forms, services, selectors."""

from __future__ import annotations

import base64
import binascii
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lib.http import add_error_to_form, messages_from_error
from lib.ical import calendar_publish, ics_response
from lib.money import display
from lib.rooms import warn_room_clashes

from . import selectors, services
from .access import (
    get_group_for_edit,
    get_group_for_record,
    get_group_for_user,
    get_meeting_for_edit,
    get_meeting_for_note,
    get_meeting_for_note_edit,
    get_meeting_for_record,
    get_meeting_for_user,
    get_meeting_for_vote,
    get_plan_for_edit,
    get_plan_for_user,
    get_programme_for_oaf,
)
from .forms import (
    GroupCreateForm,
    GroupForm,
    ImportForm,
    MeetingForm,
    MoveForm,
    NoteForm,
    OptionForm,
    ProposeForm,
    RangePlanForm,
    RecordForm,
    VoteForm,
)
from .imports import MAX_BYTES, UnreadableFile, read_plan
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
def _meeting_plan(request: HttpRequest, plan: NetworkPlan, *, can_manage: bool,
                  range_form: Any = None, range_result: Any = None,
                  status: int = 200) -> HttpResponse:
    programme = plan.programme
    return render(request, "networks/meeting_plan.html", {
        "page": selectors.meeting_plan_page(plan=plan), "plan": plan,
        "can_manage": can_manage, "range_result": range_result,
        "range_summary": _range_summary(range_result) if range_result else "",
        "range_form": range_form or RangePlanForm(initial={"first": programme.starts_on,
                                                           "last": programme.ends_on})},
        status=status)


@require_GET
def meeting_plan(request: HttpRequest, plan_uuid: UUID) -> HttpResponse:
    access = get_plan_for_user(request.user, plan_uuid)
    return _meeting_plan(request, access.plan, can_manage=access.can_manage)


def _range_summary(result: Any) -> str:
    summary = ngettext("%(count)d meeting", "%(count)d meetings", result.created) % {
        "count": result.created}
    days = ngettext("%(count)d adviser-day", "%(count)d adviser-days", result.adviser_days) % {
        "count": result.adviser_days}
    text = (_("Proposed: %(meetings)s on %(days)s.") if result.saved
            else _("Preview: %(meetings)s on %(days)s; nothing is saved yet.")) % {
        "meetings": summary, "days": days}
    if result.price is not None:
        text += " " + _("Contract price of the network days: %(price)s (%(days)d days).") % {
            "price": display(result.price), "days": result.contract_days}
    else:
        text += " " + _("The contract has no price per day of network meetings.")
    return text


@require_POST
def meetings_plan_range(request: HttpRequest, plan_uuid: UUID) -> HttpResponse:
    """The cost-aware planner: "Preview" shows the plan it would make (days, adviser-days,
    contract price) on the meeting plan page; "Plan" saves the meetings."""
    plan = get_plan_for_edit(request.user, plan_uuid)
    form = RangePlanForm(request.POST)
    if not form.is_valid():
        return _meeting_plan(request, plan, can_manage=True, range_form=form, status=400)
    save = request.POST.get("save") == "1"
    try:
        result = services.meetings_plan_range(plan=plan, actor=request.user,
                                              dry_run=not save, **form.cleaned_data)
    except ValidationError as exc:
        add_error_to_form(form, exc)
        return _meeting_plan(request, plan, can_manage=True, range_form=form, status=400)
    if not save:
        return _meeting_plan(request, plan, can_manage=True, range_form=form,
                             range_result=result)
    messages.success(request, _range_summary(result))
    for message in result.unplaced:
        messages.warning(request, message)
    return redirect("networks:meeting_plan", plan_uuid=plan.uuid)


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


@require_http_methods(["GET", "POST"])
def plan_import(request: HttpRequest, plan_uuid: UUID) -> HttpResponse:
    """O&F uploads a plan (CSV/XLSX): first a preview of every row and every clash, then
    "Save the plan" sends the same file again for real (all or nothing)."""
    plan = get_plan_for_edit(request.user, plan_uuid)
    form = ImportForm()
    report = None
    payload = ""
    status = 200
    if request.method == "POST":
        data = b""
        if request.POST.get("payload"):
            try:
                data = base64.b64decode(request.POST["payload"], validate=True)
            except (ValueError, binascii.Error):
                data = b""
            form = ImportForm()
        else:
            form = ImportForm(request.POST, request.FILES)
            if form.is_valid():
                data = form.cleaned_data["file"].read(MAX_BYTES + 1)
        if data:
            try:
                rows = read_plan(data)
            except UnreadableFile as exc:
                form.add_error(None, str(exc))
            else:
                save = request.POST.get("save") == "1"
                report = services.meetings_import(plan=plan, rows=rows, actor=request.user,
                                                  dry_run=not save)
                if report.saved:
                    messages.success(request, ngettext(
                        "%(count)d meeting is saved from the file.",
                        "%(count)d meetings are saved from the file.", len(report.rows))
                        % {"count": len(report.rows)})
                    return redirect("networks:meeting_plan", plan_uuid=plan.uuid)
                payload = base64.b64encode(data).decode("ascii")
        elif not form.errors:
            form.add_error(None, _("Choose a file."))
        status = 400 if form.errors or (report and not report.ok) else 200
    return render(request, "networks/plan_import.html", {
        "plan": plan, "form": form, "report": report, "payload": payload}, status=status)


# -- a group and its meetings ------------------------------------------------------------
def _group(request: HttpRequest, access: Any, *, record_form: Any = None,
           status: int = 200) -> HttpResponse:
    if record_form is None and (access.is_oaf or access.is_facilitator):
        record_form = RecordForm(plan=access.group.plan, initial={
            "facilitator": access.group.facilitator_id,
            "place": access.group.plan.default_place})
    return render(request, "networks/group_detail.html",
                  {"page": selectors.group_page(access=access), "group": access.group,
                   "record_form": record_form}, status=status)


@require_GET
def group_detail(request: HttpRequest, group_uuid: UUID) -> HttpResponse:
    return _group(request, get_group_for_user(request.user, group_uuid))


@require_POST
def meeting_create(request: HttpRequest, group_uuid: UUID) -> HttpResponse:
    """O&F or the group's adviser adds a round by hand (any state, a past one as held)."""
    group = get_group_for_record(request.user, group_uuid)
    form = RecordForm(request.POST, plan=group.plan)
    if form.is_valid():
        data = services.MeetingInput(**form.cleaned_data)
        try:
            meeting = services.meeting_record(group=group, actor=request.user, data=data)
        except ValidationError as exc:
            add_error_to_form(form, exc)
        else:
            messages.success(request, _("Meeting %(number)d is added.")
                             % {"number": meeting.number})
            warn_room_clashes(request, [meeting])
            return redirect("networks:group_detail", group_uuid=group.uuid)
    return _group(request, get_group_for_user(request.user, group_uuid), record_form=form,
                  status=400)


@require_POST
def meeting_held(request: HttpRequest, meeting_uuid: UUID) -> HttpResponse:
    access = get_meeting_for_record(request.user, meeting_uuid)
    try:
        services.meeting_mark_held(meeting=access.meeting, actor=request.user)
    except ValidationError as exc:
        messages_from_error(request, exc)
    else:
        messages.success(request, _("The meeting is recorded as held."))
    return redirect("networks:meeting_detail", meeting_uuid=access.meeting.uuid)


def _meeting(request: HttpRequest, access: Any, *, vote_form: Any = None,
             status: int = 200) -> HttpResponse:
    page = selectors.meeting_page(access=access)
    meeting = access.meeting
    if vote_form is None and access.can_vote and page.poll_open and page.options:
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
    form = VoteForm(request.POST, options=selectors.meeting_options(meeting),
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


def _held_edit(request: HttpRequest, meeting: Any) -> HttpResponse:
    """A meeting recorded as held is corrected as it was entered (state, date, slot,
    adviser, place): O&F's record-keeping, under the same rules."""
    plan = meeting.group.plan
    if request.method == "POST":
        form = RecordForm(request.POST, plan=plan)
        if form.is_valid():
            data = dict(form.cleaned_data)
            # What the form does not ask keeps its value: the focus; times left empty keep
            # the meeting's unless the slot changes (then the slot's usual times).
            data["focus"] = meeting.focus
            if data["slot"] == meeting.slot and (data["starts_at"] is None
                                                 or data["ends_at"] is None):
                data["starts_at"], data["ends_at"] = meeting.starts_at, meeting.ends_at
            try:
                services.meeting_record(group=meeting.group, meeting=meeting,
                                        actor=request.user, data=services.MeetingInput(**data))
            except ValidationError as exc:
                add_error_to_form(form, exc)
            else:
                messages.success(request, _("The meeting is saved."))
                return redirect("networks:meeting_detail", meeting_uuid=meeting.uuid)
    else:
        form = RecordForm(plan=plan, initial={
            "status": meeting.status, "date": meeting.date, "slot": meeting.slot,
            "starts_at": meeting.starts_at, "ends_at": meeting.ends_at,
            "facilitator": meeting.facilitator_id, "place": meeting.place,
            "video_url": meeting.video_url})
    return render(request, "networks/meeting_edit.html", {"form": form, "meeting": meeting},
                  status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, meeting_uuid: UUID) -> HttpResponse:
    access = get_meeting_for_record(request.user, meeting_uuid)
    meeting = access.meeting
    if meeting.is_held:
        return _held_edit(request, meeting)
    plan = meeting.group.plan
    if request.method == "POST":
        form = MeetingForm(request.POST, plan=plan)
        if form.is_valid():
            try:
                saved = services.meeting_update(meeting=meeting, actor=request.user,
                                                **form.cleaned_data)
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("The meeting is saved."))
                warn_room_clashes(request, [saved])
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
    if meeting.date is None:
        raise Http404  # a round not yet proposed is in no calendar
    body = calendar_publish([selectors.meeting_event(meeting)], name=meeting.group.name)
    return ics_response(body, slugify(f"{meeting.group.name}-{meeting.date:%Y-%m-%d}"))
