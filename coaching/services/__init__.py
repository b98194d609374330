"""Every write of individual coaching. Views, admin actions and the demo call these."""

from .bookings import (
    block_create,
    block_delete,
    booking_cancel,
    booking_check,
    booking_create,
    booking_mark,
    booking_reschedule,
    booking_reschedule_check,
    cancellation_deadline,
)
from .courses import (
    agreement_for,
    coach_problem,
    course_adjust,
    course_apply,
    course_assign_coach,
    course_choose_coach,
    course_complete,
    course_decide,
    course_open_coach_choice,
    course_withdraw,
    project_update,
    reflection_add,
)

__all__ = [
    "agreement_for", "block_create", "block_delete", "booking_cancel", "booking_check",
    "booking_create",
    "booking_mark", "booking_reschedule", "booking_reschedule_check", "cancellation_deadline",
    "coach_problem",
    "course_adjust", "course_apply", "course_assign_coach", "course_choose_coach",
    "course_complete", "course_decide", "course_open_coach_choice", "course_withdraw",
    "project_update", "reflection_add",
]
