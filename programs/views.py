"""Leader-facing pages of the deepening track. Thin: access helpers, forms, services."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lib.fragments import fragment
from lib.http import messages_from_error
from lib.ical import calendar_bytes, ics_response

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
from .forms import AttendanceForm, DeclineForm, EnrollmentRequestForm
from .models import Attendance, EnrollmentStatus, Programme


def _next_or(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return default


@require_GET
def module_list(request: HttpRequest) -> HttpResponse:
    def body() -> str:
        leader = leader_for(request.user)
        cards = selectors.module_list(user=request.user, leader=leader)
        return render_to_string("programs/module_list_body.html",
                                {"cards": cards, "leader": leader}, request=request)

    return render(request, "programs/module_list.html",
                  {"body": fragment(request, "module_list", body)})


@require_GET
def module_detail(request: HttpRequest, module_uuid: UUID) -> HttpResponse:
    access = get_module_for_user(request.user, module_uuid)
    page = selectors.module_page(access=access, user=request.user)
    return render(request, "programs/module_detail.html",
                  {"page": page, "card": page.card, "module": page.card.module,
                   "form": EnrollmentRequestForm()})


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
    return ics_response(calendar_bytes([selectors.session_event(s) for s in sessions],
                                       name=access.module.topic), slugify(access.module.topic))


@require_GET
def session_ics(request: HttpRequest, session_uuid: UUID) -> HttpResponse:
    session = get_session_for_user(request.user, session_uuid)
    return ics_response(calendar_bytes([selectors.session_event(session)],
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
                  {"session": session, "module": session.module, "form": form},
                  status=400 if form.errors else 200)


@require_GET
def enrollment_detail(request: HttpRequest, enrollment_uuid: UUID) -> HttpResponse:
    access = get_enrollment_for_user(request.user, enrollment_uuid)
    enrollment = access.enrollment
    position = None
    if enrollment.status == EnrollmentStatus.WAITING:
        position = selectors.waiting_positions(module_ids=[enrollment.module_id]).get(
            enrollment.pk)
    return render(request, "programs/enrollment_detail.html", {
        "access": access, "enrollment": enrollment, "module": enrollment.module,
        "position": position, "decline_form": DeclineForm(),
    })


@require_POST
def enrollment_approve(request: HttpRequest, enrollment_uuid: UUID) -> HttpResponse:
    enrollment = get_enrollment_for_approver(request.user, enrollment_uuid)
    try:
        enrollment = services.enrollment_approve(enrollment=enrollment, actor=request.user)
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
    enrollment = get_enrollment_for_approver(request.user, enrollment_uuid)
    form = DeclineForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    else:
        try:
            services.enrollment_decline(enrollment=enrollment, actor=request.user,
                                        reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            messages_from_error(request, exc)
        else:
            messages.success(request, _("The request is declined and %(name)s is told.")
                             % {"name": enrollment.leader.user.full_name})
    return redirect(_next_or(request, reverse("programs:enrollment_detail",
                                              args=[enrollment.uuid])))


@require_POST
def enrollment_cancel(request: HttpRequest, enrollment_uuid: UUID) -> HttpResponse:
    access = get_enrollment_for_user(request.user, enrollment_uuid)
    try:
        services.enrollment_cancel(enrollment=access.enrollment, actor=request.user)
    except ValidationError as exc:
        messages_from_error(request, exc)
    else:
        messages.success(request, _("The enrolment is cancelled."))
    return redirect(_next_or(request, reverse("programs:enrollment_detail",
                                              args=[access.enrollment.uuid])))


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
    modules = list(programme.modules.exclude(status="utkast").order_by("year", "-term", "topic"))
    taking_part = leader is not None and programme.participations.filter(leader=leader).exists()
    return render(request, "programs/programme_detail.html", {
        "programme": programme, "gatherings": gatherings, "modules": modules,
        "taking_part": taking_part, "show_calendar": taking_part or manage or adviser,
    })


@require_GET
def gathering_ics(request: HttpRequest, gathering_uuid: UUID) -> HttpResponse:
    gathering = get_gathering_for_user(request.user, gathering_uuid)
    return ics_response(calendar_bytes([selectors.gathering_event(gathering)],
                                       name=gathering.programme.name),
                        slugify(f"{gathering.programme.slug}-{gathering.date:%Y-%m-%d}"))
