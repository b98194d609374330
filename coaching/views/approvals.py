"""The leader above decides on an application (from Min side or the email's link)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.approvals import next_step
from accounts.services.approvals import decisions_for
from lib.http import add_error_to_form

from .. import services
from ..access import get_course_for_edit
from ..approvals import KIND, cost, subject_of
from ..forms import DecisionForm
from ..models import CourseStatus


def course_decide(request: HttpRequest, course_uuid) -> HttpResponse:
    """Shows who applies, for when and who pays — never the development project."""
    access = get_course_for_edit(request.user, course_uuid, permission="can_decide")
    course = access.course
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            services.course_decide(course=course, actor=request.user, approve=approve,
                                   note=form.cleaned_data["note"],
                                   step=access.step.number if access.step else None)
        except ValidationError as error:
            add_error_to_form(form, error)
        else:
            if approve:
                messages.success(request, _("You approved %(name)s's application.")
                                 % {"name": course.leader.name})
            else:
                messages.success(request, _("You declined %(name)s's application.")
                                 % {"name": course.leader.name})
            return redirect("accounts:min_side")
    decisions = decisions_for(kind=KIND, ids=[course.pk]).get(course.pk, [])
    return render(request, "coaching/decide.html", {
        "course": course, "form": form, "decided": course.status != CourseStatus.SUBMITTED,
        "decisions": decisions, "access": access, "cost": cost(course),
        "waiting_step": (next_step(subject_of(course), decisions)
                         if course.status == CourseStatus.SUBMITTED else None)})
