"""Views of individual coaching: thin; they fetch through :mod:`coaching.access`, then call
the services."""

from .approvals import course_decide
from .coach import block_create, block_delete, booking_mark, coach_calendar, coach_home
from .leader import (
    apply,
    booking_cancel,
    booking_create,
    booking_ics,
    booking_reschedule,
    coach_choose,
    course_detail,
    course_withdraw,
    overview,
    project_edit,
    reflection_add,
)

__all__ = [
    "apply", "block_create", "block_delete", "booking_cancel", "booking_create", "booking_ics",
    "booking_mark", "booking_reschedule", "coach_calendar", "coach_choose", "coach_home",
    "course_decide", "course_detail", "course_withdraw", "overview", "project_edit",
    "reflection_add",
]
