"""Names of this app's audit actions, for the admin's audit trail (see lib.audit)."""

from django.utils.translation import gettext_lazy as _

from lib.audit import register_action_labels

register_action_labels({
    "coaching.block.created": _("Coach's time blocked"),
    "coaching.block.deleted": _("Coach's blocked time freed"),
    "coaching.booking.created": _("Coaching session booked"),
    "coaching.booking.held": _("Coaching session held"),
    "coaching.booking.no_show": _("Leader did not turn up for coaching"),
    "coaching.booking.cancelled": _("Coaching session cancelled"),
    "coaching.booking.late_cancelled": _("Coaching session cancelled late"),
    "coaching.booking.rescheduled": _("Coaching session moved"),
    "coaching.course.adjusted": _("Coaching course adjusted"),
    "coaching.course.applied": _("Applied for coaching"),
    "coaching.course.approved": _("Coaching approved"),
    "coaching.course.step_approved": _("Coaching approved at one step"),
    "coaching.course.rejected": _("Coaching declined"),
    "coaching.course.coach_assigned": _("Coach assigned"),
    "coaching.course.coach_choice_opened": _("Leader may choose a coach"),
    "coaching.course.coach_chosen": _("Coach chosen"),
    "coaching.course.completed": _("Coaching course completed"),
    "coaching.course.withdrawn": _("Coaching application withdrawn"),
    "coaching.project.updated": _("Development project updated"),
})
