"""The coach's pages: their calendar, marking sessions, blocking time."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lib.http import error_text, messages_from_error

from .. import services
from ..access import (
    get_block_for_edit,
    get_booking_for_edit,
    get_coach_for_edit,
    get_coach_for_user,
    own_coach_profile,
)
from ..forms import BlockForm, MarkForm
from ..selectors import coach_week


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _week_url(coach_uuid, day: dt.date) -> str:
    url = reverse("coaching:coach_calendar", kwargs={"coach_uuid": coach_uuid})
    return f"{url}?uke={_monday(day).isoformat()}"


def _shown_week(request: HttpRequest, default: dt.date) -> dt.date:
    """The week the page was showing (posted as ``uke``), so an action returns to it."""
    try:
        day = dt.date.fromisoformat(request.POST.get("uke", ""))
    except ValueError:
        return default
    return day if 2000 <= day.year <= 2100 else default


def coach_home(request: HttpRequest) -> HttpResponse:
    coach = own_coach_profile(request.user)
    if coach is None:
        raise PermissionDenied(_("This page is for coaches."))
    return redirect("coaching:coach_calendar", coach_uuid=coach.uuid)


def coach_calendar(request: HttpRequest, coach_uuid) -> HttpResponse:
    access = get_coach_for_user(request.user, coach_uuid)
    try:
        first_day = _monday(dt.date.fromisoformat(request.GET.get("uke", "")))
        if not 2000 <= first_day.year <= 2100:
            raise ValueError
    except ValueError:  # anything unreadable or absurd: this week
        first_day = _monday(timezone.localdate())
    week = coach_week(coach=access.coach, first_day=first_day)
    return render(request, "coaching/coach_calendar.html", {
        "access": access, "week": week, "coach": access.coach,
        "block_form": BlockForm(initial={"date": first_day}) if access.can_manage else None,
        "now": timezone.now(),
    })


@require_POST
def booking_mark(request: HttpRequest, booking_uuid) -> HttpResponse:
    access = get_booking_for_edit(request.user, booking_uuid, permission="can_mark")
    booking = access.booking
    form = MarkForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Mark the session as held or as no-show."))
    else:
        try:
            booking = services.booking_mark(booking=booking, actor=request.user,
                                            status=form.cleaned_data["status"])
        except ValidationError as error:
            messages_from_error(request, error)
        else:
            messages.success(request, _("%(leader)s: the session is marked %(status)s.")
                             % {"leader": booking.course.leader.name,
                                "status": booking.get_status_display()})
    return redirect(_week_url(booking.coach.uuid,
                              _shown_week(request, timezone.localdate(booking.starts_at))))


@require_POST
def block_create(request: HttpRequest, coach_uuid) -> HttpResponse:
    access = get_coach_for_edit(request.user, coach_uuid)
    form = BlockForm(request.POST)
    if not form.is_valid():
        errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
        messages.error(request, _("The time was not blocked: %(errors)s")
                       % {"errors": " ".join(errors)})
        return redirect(_week_url(access.coach.uuid, timezone.localdate()))
    starts_at, ends_at = form.interval()
    try:
        services.block_create(coach=access.coach, actor=request.user, starts_at=starts_at,
                              ends_at=ends_at, note=form.cleaned_data["note"])
    except ValidationError as error:
        messages.error(request, _("The time was not blocked: %(errors)s")
                       % {"errors": error_text(error)})
    else:
        messages.success(request, _("The time is blocked."))
    return redirect(_week_url(access.coach.uuid, form.cleaned_data["date"]))


@require_POST
def block_delete(request: HttpRequest, block_uuid) -> HttpResponse:
    block = get_block_for_edit(request.user, block_uuid)
    day = timezone.localdate(block.starts_at)
    try:
        services.block_delete(block=block, actor=request.user)
    except ValidationError as error:
        messages_from_error(request, error)
    else:
        messages.success(request, _("The blocked time is open again."))
    return redirect(_week_url(block.coach.uuid, day))
