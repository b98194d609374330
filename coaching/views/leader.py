"""The leader's pages: apply, follow the course, write the project, book, move and cancel."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.services.approvals import decisions_for
from lib.http import add_error_to_form, messages_from_error
from lib.ical import calendar_bytes, ics_response
from programs.models import Programme

from .. import services
from ..access import (
    get_booking_for_edit,
    get_booking_for_user,
    get_course_for_edit,
    get_course_for_user,
    leader_for,
    own_coach_profile,
)
from ..approvals import KIND
from ..forms import (
    ApplicationForm,
    BookingForm,
    CoachChoiceForm,
    ProjectForm,
    ReflectionForm,
    RescheduleForm,
)
from ..models import (
    BookingStatus,
    CoachProfile,
    CourseStatus,
    DevelopmentProject,
    FrameworkAgreement,
    Mode,
)
from ..selectors import (
    booking_event,
    coaches_with_room,
    course_page,
    courses_for_leader,
    meeting_place,
    slot_page,
)
from ..semesters import Semester


def _start_param(request: HttpRequest) -> dt.date | None:
    """``?fra=2026-09-01``; anything unreadable means "from the start"."""
    try:
        return dt.date.fromisoformat(request.GET.get("fra", ""))
    except ValueError:
        return None


def overview(request: HttpRequest) -> HttpResponse:
    leader = leader_for(request.user)
    courses = courses_for_leader(leader=leader) if leader else []
    return render(request, "coaching/overview.html", {
        "leader": leader, "courses": courses, "coach": own_coach_profile(request.user),
    })


def _programmes_for(leader):  # -> QuerySet[Programme] | None
    programmes = (Programme.objects.filter(organisation_id=leader.organisation_id,
                                           participations__leader=leader,
                                           coaching_agreements__isnull=False)
                  .distinct().order_by("name"))
    return programmes if programmes.exists() else None


def _open_semesters(leader, programmes, today: dt.date) -> list[Semester]:
    """Semesters open for applications that some agreement the leader may use covers."""
    usable = Q(programme__isnull=True)
    if programmes is not None:
        usable |= Q(programme__in=programmes)
    periods = list(FrameworkAgreement.objects.filter(usable, organisation_id=leader.organisation_id)
                   .values_list("starts_on", "ends_on"))
    return [s for s in Semester.open_for_applications(today)
            if any(start <= s.ends_on and end >= max(s.starts_on, today)
                   for start, end in periods)]


def apply(request: HttpRequest) -> HttpResponse:
    leader = leader_for(request.user)
    if leader is None:
        raise PermissionDenied(_("Only leaders can apply for coaching."))
    today = timezone.localdate()
    programmes = _programmes_for(leader)
    semesters = _open_semesters(leader, programmes, today)
    form = ApplicationForm(request.POST or None, leader=leader, semesters=semesters,
                           programmes=programmes)
    if request.method == "POST" and semesters and form.is_valid():
        try:
            course = services.course_apply(
                leader=leader, actor=request.user, semester=form.cleaned_data["semester"],
                ordering_unit=form.cleaned_data["ordering_unit"],
                discovery_method=form.cleaned_data["discovery_method"],
                answers=form.answers(), programme=form.cleaned_data.get("programme"),
                today=today)
        except ValidationError as error:
            add_error_to_form(form, error)
        else:
            messages.success(request, _("Your application is sent. Your leader above will "
                                        "approve it."))
            return redirect("coaching:course_detail", course_uuid=course.uuid)
    return render(request, "coaching/apply.html", {"form": form, "semesters": semesters,
                                                   "leader": leader})


def course_detail(request: HttpRequest, course_uuid) -> HttpResponse:
    access = get_course_for_user(request.user, course_uuid)
    page = course_page(access=access)
    now = timezone.now()
    course = access.course
    for booking in page.bookings:
        deadline = services.cancellation_deadline(booking, course)
        booking.deadline = deadline
        booking.is_open = booking.status == BookingStatus.BOOKED and now < booking.starts_at
        booking.can_move = booking.is_open and now <= deadline
        booking.cancel_is_late = now > deadline
    return render(request, "coaching/course_detail.html", {
        "access": access, "course": course, "page": page,
        "decisions": decisions_for(kind=KIND, ids=[course.pk]).get(course.pk, []),
        "reflection_form": ReflectionForm() if access.can_edit else None,
        "can_book": access.can_edit and course.status == CourseStatus.ACTIVE and page.left > 0,
    })


def project_edit(request: HttpRequest, course_uuid) -> HttpResponse:
    access = get_course_for_edit(request.user, course_uuid)
    course = access.course
    project = DevelopmentProject.objects.filter(course=course).first()
    initial = {"shared_with_coach": project.shared_with_coach if project else False}
    if project is not None:
        initial.update({name: getattr(project, name) for name in project.ANSWER_FIELDS})
    form = ProjectForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.project_update(course=course, actor=request.user, answers=form.answers(),
                                    shared_with_coach=form.cleaned_data["shared_with_coach"])
        except ValidationError as error:
            add_error_to_form(form, error)
        else:
            messages.success(request, _("Your development project is saved."))
            return redirect("coaching:course_detail", course_uuid=course.uuid)
    return render(request, "coaching/project_form.html", {"form": form, "course": course})


@require_POST
def reflection_add(request: HttpRequest, course_uuid) -> HttpResponse:
    access = get_course_for_edit(request.user, course_uuid)
    form = ReflectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write something first."))
    else:
        try:
            services.reflection_add(course=access.course, actor=request.user,
                                    body=form.cleaned_data["body"])
        except ValidationError as error:
            messages_from_error(request, error)
        else:
            messages.success(request, _("Your note is saved."))
    return redirect("coaching:course_detail", course_uuid=access.course.uuid)


@require_POST
def course_withdraw(request: HttpRequest, course_uuid) -> HttpResponse:
    access = get_course_for_edit(request.user, course_uuid)
    try:
        services.course_withdraw(course=access.course, actor=request.user)
    except ValidationError as error:
        messages_from_error(request, error)
    else:
        messages.success(request, _("Your application is withdrawn."))
    return redirect("coaching:course_detail", course_uuid=access.course.uuid)


def coach_choose(request: HttpRequest, course_uuid) -> HttpResponse:
    access = get_course_for_edit(request.user, course_uuid)
    course = access.course
    may_choose = course.leader_can_choose_coach
    if request.method == "POST":
        form = CoachChoiceForm(request.POST)
        coach = None
        if form.is_valid():
            coach = (CoachProfile.objects.filter(organisation_id=course.organisation_id,
                                                 uuid=form.cleaned_data["coach"])
                     .select_related("user").first())
        if coach is None:
            messages.error(request, _("Choose one of the coaches in the list."))
        else:
            try:
                services.course_choose_coach(course=course, coach=coach, actor=request.user)
            except ValidationError as error:
                messages_from_error(request, error)
            else:
                messages.success(request, _("%(coach)s is your coach. Book your first session.")
                                 % {"coach": coach.name})
                return redirect("coaching:booking_create", course_uuid=course.uuid)
    coaches = coaches_with_room(course=course) if may_choose else []
    return render(request, "coaching/coach_choose.html", {
        "course": course, "coaches": coaches, "may_choose": may_choose})


def booking_create(request: HttpRequest, course_uuid) -> HttpResponse:
    access = get_course_for_edit(request.user, course_uuid)
    course = access.course
    form = BookingForm(request.POST or None, coach=course.coach) if course.coach else None
    if request.method == "POST" and form is not None and form.is_valid():
        starts_at, mode = form.cleaned_data["starts_at"], form.cleaned_data["mode"]
        try:
            if not form.cleaned_data["confirm"]:
                # Clicking a time asks first: the time, the way of meeting, the rule.
                services.booking_check(course=course, actor=request.user, starts_at=starts_at,
                                       mode=mode)
                return render(request, "coaching/booking_confirm.html", {
                    "course": course, "form": form, "starts_at": starts_at,
                    "ends_at": starts_at + dt.timedelta(minutes=course.agreement.session_minutes),
                    "mode_label": dict(form.fields["mode"].choices).get(mode, mode),
                    "place": meeting_place(course.coach, mode), "is_video": mode == Mode.VIDEO,
                    "deadline": (deadline := starts_at - dt.timedelta(
                        hours=course.agreement.cancellation_hours)),
                    "late": deadline <= timezone.now()})
            booking = services.booking_create(course=course, actor=request.user,
                                              starts_at=starts_at, mode=mode)
        except ValidationError as error:
            add_error_to_form(form, error)
        else:
            messages.success(request, _("Your session is booked for %(time)s. A confirmation "
                                        "is on its way by email.")
                             % {"time": _when(booking.starts_at)})
            return redirect("coaching:course_detail", course_uuid=course.uuid)
    page = slot_page(course=course, start=_start_param(request)) if course.coach else None
    return render(request, "coaching/slots.html", {
        "course": course, "form": form, "page": page, "booking": None})


def _when(value: dt.datetime) -> str:
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


def booking_reschedule(request: HttpRequest, booking_uuid) -> HttpResponse:
    """Move a booked session in three steps: choose a free time (the slot page), see
    "Move the session from … to …?" (a GET with the chosen time: nothing changes), then
    confirm (a POST: the one service call). Cancelling goes back and changes nothing."""
    access = get_booking_for_edit(request.user, booking_uuid, permission="can_move")
    booking = access.booking
    course = booking.course
    if request.method == "POST":
        form = RescheduleForm(request.POST)
        if form.is_valid():
            try:
                booking = services.booking_reschedule(booking=booking, actor=request.user,
                                                      starts_at=form.cleaned_data["starts_at"])
            except ValidationError as error:
                add_error_to_form(form, error)
            else:
                messages.success(request, _("Your session is moved to %(time)s.")
                                 % {"time": _when(booking.starts_at)})
                return redirect("coaching:course_detail", course_uuid=course.uuid)
    else:
        form = RescheduleForm(request.GET if "starts_at" in request.GET else None)
        if form.is_bound and form.is_valid():
            starts_at = form.cleaned_data["starts_at"]
            try:
                services.booking_reschedule_check(booking=booking, actor=request.user,
                                                  starts_at=starts_at)
            except ValidationError as error:
                add_error_to_form(form, error)
            else:
                return render(request, "coaching/booking_move_confirm.html", {
                    "booking": booking, "course": course, "starts_at": starts_at,
                    "ends_at": starts_at + dt.timedelta(minutes=booking.minutes),
                    "slot_key": timezone.localtime(starts_at).isoformat(),
                    "place": meeting_place(booking.coach, booking.mode)})
    page = slot_page(course=course, start=_start_param(request), ignore_booking_id=booking.pk)
    return render(request, "coaching/slots.html", {
        "course": course, "form": form, "page": page, "booking": booking})


def booking_cancel(request: HttpRequest, booking_uuid) -> HttpResponse:
    access = get_booking_for_edit(request.user, booking_uuid, permission="can_cancel")
    booking = access.booking
    course = booking.course
    now = timezone.now()
    late = access.is_owner and now > services.cancellation_deadline(booking, course)
    if request.method == "POST":
        try:
            booking = services.booking_cancel(booking=booking, actor=request.user)
        except ValidationError as error:
            messages_from_error(request, error)
        else:
            if booking.status == BookingStatus.LATE_CANCELLED:
                messages.warning(request, _("The session is cancelled. It was cancelled late, "
                                            "so it counts as used."))
            else:
                messages.success(request, _("The session is cancelled."))
        if access.is_coach and not access.is_owner:
            return redirect("coaching:coach_calendar", coach_uuid=booking.coach.uuid)
        return redirect("coaching:course_detail", course_uuid=course.uuid)
    return render(request, "coaching/booking_cancel.html", {
        "booking": booking, "course": course, "late": late, "access": access,
        "deadline": services.cancellation_deadline(booking, course)})


def booking_ics(request: HttpRequest, booking_uuid) -> HttpResponse:
    booking = get_booking_for_user(request.user, booking_uuid).booking
    event = booking_event(booking, for_coach=booking.coach.user_id == request.user.pk)
    return ics_response(calendar_bytes([event], name=event.summary), "coaching")
