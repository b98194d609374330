"""Leader-facing pages of the deepening track. Thin: access helpers, forms, services."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.approvals import ApprovalItem, approval_source, next_step
from accounts.models import User
from accounts.services.approvals import approver_items, decisions_for, request_hand_over
from lib.http import add_error_to_form, error_text, messages_from_error
from lib.ical import calendar_publish, ics_response

from . import selectors, services
from .access import (
    get_enrollment_for_approver,
    get_enrollment_for_user,
    get_gathering_for_user,
    get_module_for_user,
    get_session_for_register,
    get_session_for_user,
    is_oaf_for,
    leader_for,
)
from .approvals import KIND, subject_of
from .forms import (
    AttendanceForm,
    BulkDecisionForm,
    CancelOnBehalfForm,
    ConfirmForm,
    DeclineForm,
    EnrollmentRequestForm,
    HandOverForm,
)
from .models import Attendance, EnrollmentStatus, Programme
from .module_page import module_sections


def _next_or(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return default


def _step(request: HttpRequest) -> int | None:
    """The approval step the approver saw (a hidden field), if the form sent one."""
    value = request.POST.get("step", "")
    return int(value) if value.isdigit() and len(value) < 4 else None


@require_GET
def module_list(request: HttpRequest) -> HttpResponse:
    leader = leader_for(request.user)
    cards = selectors.module_list(user=request.user, leader=leader)
    return render(request, "programs/module_list.html", {"cards": cards, "leader": leader})


@require_GET
def module_detail(request: HttpRequest, module_uuid: UUID) -> HttpResponse:
    access = get_module_for_user(request.user, module_uuid)
    page = selectors.module_page(access=access, user=request.user)
    return render(request, "programs/module_detail.html",
                  {"page": page, "card": page.card, "module": page.card.module,
                   "form": EnrollmentRequestForm(),
                   "sections": module_sections(page.card.module, request.user)})


@require_POST
def enrollment_request(request: HttpRequest, module_uuid: UUID) -> HttpResponse:
    access = get_module_for_user(request.user, module_uuid)
    if access.leader is None:
        raise PermissionDenied(_("Only leaders can ask for a place."))
    form = EnrollmentRequestForm(request.POST)
    if not form.is_valid():
        page = selectors.module_page(access=access, user=request.user)
        return render(request, "programs/module_detail.html",
                      {"page": page, "card": page.card, "module": page.card.module,
                       "form": form}, status=400)
    try:
        services.enrollment_request(module=access.module, leader=access.leader,
                                    note=form.cleaned_data["note"], actor=request.user)
    except ValidationError as exc:
        messages_from_error(request, exc)
    else:
        messages.success(request, _("Your request is sent to your leader above for approval."))
    return redirect("programs:module_detail", module_uuid=access.module.uuid)


@require_GET
def module_ics(request: HttpRequest, module_uuid: UUID) -> HttpResponse:
    access = get_module_for_user(request.user, module_uuid)
    sessions = access.module.sessions.select_related("module__programme").order_by("date")
    return ics_response(calendar_publish([selectors.session_event(s) for s in sessions],
                                       name=access.module.topic), slugify(access.module.topic))


@require_GET
def session_ics(request: HttpRequest, session_uuid: UUID) -> HttpResponse:
    session = get_session_for_user(request.user, session_uuid)
    return ics_response(calendar_publish([selectors.session_event(session)],
                                       name=session.module.topic),
                        slugify(f"{session.module.topic}-{session.date:%Y-%m-%d}"))


@require_http_methods(["GET", "POST"])
def session_register(request: HttpRequest, session_uuid: UUID) -> HttpResponse:
    """Attendance for a whole session at once (O&F and the session's facilitators)."""
    session = get_session_for_register(request.user, session_uuid)
    if request.method == "POST":
        form = AttendanceForm(request.POST, session=session)
        if form.is_valid():
            try:
                present, absent = services.attendance_register(
                    session=session, present_ids=[e.pk for e in form.cleaned_data["present"]],
                    actor=request.user)
            except ValidationError as exc:
                messages_from_error(request, exc)
            else:
                messages.success(request, _("Attendance saved: %(present)d present, "
                                            "%(absent)d absent.")
                                 % {"present": present, "absent": absent})
                return redirect("programs:session_register", session_uuid=session.uuid)
    else:
        ticked = Attendance.objects.filter(session=session, attended=True,
                                           enrollment__status=EnrollmentStatus.SEATED)
        form = AttendanceForm(session=session,
                              initial={"present": list(ticked.values_list("enrollment_id",
                                                                          flat=True))})
    return render(request, "programs/session_register.html",
                  {"session": session, "module": session.module, "form": form,
                   "started": timezone.now() >= session.start},
                  status=400 if form.errors else 200)


@require_GET
def enrollment_detail(request: HttpRequest, enrollment_uuid: UUID) -> HttpResponse:
    access = get_enrollment_for_user(request.user, enrollment_uuid)
    enrollment = access.enrollment
    position = None
    if enrollment.status == EnrollmentStatus.WAITING:
        position = selectors.waiting_positions(module_ids=[enrollment.module_id]).get(
            enrollment.pk)
    deciding = access.step is not None
    facts = selectors.decision_facts([enrollment])[0] if deciding else None
    decisions = decisions_for(kind=KIND, ids=[enrollment.pk]).get(enrollment.pk, [])
    waiting_step = (next_step(subject_of(enrollment), decisions)
                    if enrollment.is_requested else None)
    return render(request, "programs/enrollment_detail.html", {
        "access": access, "enrollment": enrollment, "module": enrollment.module,
        "decisions": decisions, "waiting_step": waiting_step,
        "position": position, "decline_form": DeclineForm(), "facts": facts,
        "cancel_closed": (not enrollment.is_requested
                          and timezone.localdate() > enrollment.module.cancellation_cutoff_on),
        "can_cancel_on_behalf": (not access.is_own and enrollment.is_active
                                 and is_oaf_for(request.user,
                                                enrollment.module.programme.organisation_id)),
    })


@require_POST
def enrollment_approve(request: HttpRequest, enrollment_uuid: UUID) -> HttpResponse:
    enrollment = get_enrollment_for_approver(request.user, enrollment_uuid)
    try:
        enrollment = services.enrollment_approve(enrollment=enrollment, actor=request.user,
                                                 step=_step(request))
    except ValidationError as exc:
        messages_from_error(request, exc)
    else:
        name = enrollment.leader.user.full_name
        if enrollment.status == EnrollmentStatus.SEATED:
            messages.success(request, _("Approved: %(name)s has a seat.") % {"name": name})
        else:
            messages.success(request, _("Approved: every seat is taken, so %(name)s is on the "
                                        "waiting list.") % {"name": name})
    return redirect(_next_or(request, reverse("programs:enrollment_detail",
                                              args=[enrollment.uuid])))


@require_POST
def enrollment_decline(request: HttpRequest, enrollment_uuid: UUID) -> HttpResponse:
    """Declining is confirmed on a second page that repeats the reason the leader gets."""
    enrollment = get_enrollment_for_approver(request.user, enrollment_uuid)
    form = DeclineForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    elif request.POST.get("confirm") != "1":
        return render(request, "programs/enrollment_decline_confirm.html", {
            "enrollment": enrollment, "module": enrollment.module, "form": form,
            "next": _next_or(request, ""), "step": _step(request)})
    else:
        try:
            services.enrollment_decline(enrollment=enrollment, actor=request.user,
                                        reason=form.cleaned_data["reason"], step=_step(request))
        except ValidationError as exc:
            messages_from_error(request, exc)
        else:
            messages.success(request, _("The request is declined and %(name)s is told.")
                             % {"name": enrollment.leader.user.full_name})
    return redirect(_next_or(request, reverse("programs:enrollment_detail",
                                              args=[enrollment.uuid])))


@require_http_methods(["GET", "POST"])
def enrollment_cancel(request: HttpRequest, enrollment_uuid: UUID) -> HttpResponse:
    """Withdraw (the leader's own act) or cancel on the leader's behalf (O&F, with a reason).

    GET is the confirmation step; the leader above who approves never reaches it
    (403 here, and the service refuses them too).
    """
    access = get_enrollment_for_user(request.user, enrollment_uuid)
    enrollment = access.enrollment
    on_behalf = not access.is_own
    if on_behalf and not is_oaf_for(request.user, enrollment.module.programme.organisation_id):
        raise PermissionDenied(_("Only the leader can withdraw their own enrolment; O&F can "
                                 "cancel it on their behalf."))
    detail = reverse("programs:enrollment_detail", args=[enrollment.uuid])
    if not enrollment.is_active:
        messages.info(request, _("This enrolment is no longer active."))
        return redirect(detail)
    data = request.POST if request.method == "POST" else None
    form = CancelOnBehalfForm(data) if on_behalf else ConfirmForm(data)
    if request.method == "POST" and form.is_valid():
        try:
            services.enrollment_cancel(enrollment=enrollment, actor=request.user,
                                       reason=form.cleaned_data.get("reason", ""))
        except ValidationError as exc:
            add_error_to_form(form, exc)
        else:
            messages.success(request, _("The enrolment is cancelled."))
            return redirect(detail)
    return render(request, "programs/enrollment_cancel.html", {
        "enrollment": enrollment, "module": enrollment.module, "form": form,
        "on_behalf": on_behalf,
        "late": enrollment.status != EnrollmentStatus.REQUESTED
        and timezone.localdate() > enrollment.module.cancellation_cutoff_on,
    }, status=400 if form.errors else 200)


def _items_by_value(user: User) -> tuple[list[ApprovalItem], dict[str, ApprovalItem]]:
    items = approver_items(user=user)
    return items, {item.value: item for item in items}


@require_http_methods(["GET", "POST"])
def approvals(request: HttpRequest) -> HttpResponse:
    """Everything waiting for this approver: seats, coaching, deputy duties, handed-over requests.

    Several are decided at once with one reason, each through its own track's
    service in its own transaction and locks (``accounts.approvals`` sources),
    so seats and the waiting list are counted exactly as when deciding one by
    one, and a step decided meanwhile by someone else is refused and named.
    Declining asks for confirmation with the reason each leader gets.
    """
    if not request.user.is_authenticated:
        raise Http404
    items, by_value = _items_by_value(request.user)
    form = BulkDecisionForm(request.POST if request.method == "POST" else None, items=items)
    if request.method == "POST" and form.is_valid():
        chosen = [by_value[value] for value in form.cleaned_data["requests"]]
        decline = form.cleaned_data["decision"] == "decline"
        if decline and not form.cleaned_data["confirm"]:
            return render(request, "programs/approvals_confirm.html",
                          {"form": form, "chosen": chosen})
        reason = form.cleaned_data["reason"]
        done = 0
        for item in chosen:
            source = approval_source(item.subject.kind)
            try:
                if source is None:
                    raise Http404
                source.decide(pk=item.subject.pk, step=item.step.number, actor=request.user,
                              approve=not decline, reason=reason)
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, f"{item.requester_name}: {error_text(exc)}")
            except Http404:
                messages.error(request, f"{item.requester_name}: "
                               + _("The request is no longer waiting."))
            else:
                done += 1
        if done:
            messages.success(request, (ngettext("%(count)d request declined; the leader is told.",
                                                "%(count)d requests declined; the leaders are "
                                                "told.", done) if decline else
                                       ngettext("%(count)d request approved.",
                                                "%(count)d requests approved.", done))
                             % {"count": done})
        return redirect("programs:approvals")
    return render(request, "programs/approvals.html", {
        "form": form, "items": items,
        "selected": form["requests"].value() or []},
        status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def approval_hand_over(request: HttpRequest) -> HttpResponse:
    """Hand one waiting request (``?request=kind:id:step``) to a named colleague."""
    if not request.user.is_authenticated:
        raise Http404
    _items, by_value = _items_by_value(request.user)
    item = by_value.get(request.POST.get("request") or request.GET.get("request", ""))
    if item is None:
        raise Http404
    if item.role.reason not in ("own", "deputy", "escalated"):
        raise PermissionDenied(_("Only the approver of this step can hand it over."))
    form = HandOverForm(request.POST if request.method == "POST" else None, user=request.user,
                        exclude=[item.subject.requester_user_id])
    if request.method == "POST" and form.is_valid():
        try:
            request_hand_over(kind=item.subject.kind, pk=item.subject.pk,
                              step_number=item.step.number, actor=request.user,
                              to_user=form.cleaned_data["colleague"])
        except (ValidationError, PermissionDenied) as exc:
            add_error_to_form(form, exc)
        else:
            messages.success(request, _("The request is handed to %(name)s.")
                             % {"name": form.cleaned_data["colleague"].full_name})
            return redirect("programs:approvals")
    return render(request, "programs/approval_hand_over.html", {"form": form, "item": item},
                  status=400 if form.errors else 200)


@require_GET
def programme_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A programme's gatherings and modules, for its leaders, advisers and O&F."""
    programme = Programme.objects.visible_to(request.user).filter(slug=slug).first()
    if programme is None:
        raise Http404
    leader = leader_for(request.user)
    manage = is_oaf_for(request.user, programme.organisation_id)
    adviser = programme.gatherings.filter(advisers=request.user).exists()
    if not (leader is not None or manage or adviser):
        raise PermissionDenied(_("The programme is for the municipality's leaders."))
    gatherings = list(programme.gatherings.prefetch_related("advisers").order_by("date"))
    modules = selectors.programme_modules(programme=programme, user=request.user, leader=leader,
                                          manage=manage)
    taking_part = leader is not None and programme.participations.filter(leader=leader).exists()
    return render(request, "programs/programme_detail.html", {
        "programme": programme, "gatherings": gatherings, "modules": modules,
        "taking_part": taking_part, "show_calendar": taking_part or manage or adviser,
    })


@require_GET
def gathering_ics(request: HttpRequest, gathering_uuid: UUID) -> HttpResponse:
    gathering = get_gathering_for_user(request.user, gathering_uuid)
    return ics_response(calendar_publish([selectors.gathering_event(gathering)],
                                       name=gathering.programme.name),
                        slugify(f"{gathering.programme.slug}-{gathering.date:%Y-%m-%d}"))
