"""Names of this app's audit actions, for the admin's audit trail (see lib.audit)."""

from django.utils.translation import gettext_lazy as _

from lib.audit import register_action_labels

register_action_labels({
    "programs.attendance.marked": _("Attendance marked"),
    "programs.enrollment.approved": _("Enrolment approved"),
    "programs.enrollment.step_approved": _("Enrolment approved at one step"),
    "programs.enrollment.cancelled": _("Enrolment cancelled"),
    "programs.enrollment.declined": _("Enrolment declined"),
    "programs.enrollment.enrolled": _("Leader enrolled by O&F"),
    "programs.enrollment.requested": _("Enrolment requested"),
    "programs.enrollment.seat_from_waiting_list": _("Seat given from the waiting list"),
    "programs.gathering.cancelled": _("Gathering cancelled"),
    "programs.gathering.moved": _("Gathering moved"),
    "programs.module.cancelled": _("Module cancelled"),
    "programs.module.copied": _("Module copied"),
    "programs.programme.copied": _("Programme copied"),
    "programs.session.cancelled": _("Module session cancelled"),
    "programs.session.moved": _("Module session moved"),
})
