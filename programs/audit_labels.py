"""Names of this app's audit actions, for the admin's audit trail (see lib.audit)."""

from django.utils.translation import gettext_lazy as _

from lib.audit import register_action_labels

register_action_labels({
    "programs.attendance.marked": _("Attendance marked"),
    "programs.enrollment.approved": _("Enrolment approved"),
    "programs.enrollment.cancelled": _("Enrolment cancelled"),
    "programs.enrollment.declined": _("Enrolment declined"),
    "programs.enrollment.enrolled": _("Leader enrolled by O&F"),
    "programs.enrollment.requested": _("Enrolment requested"),
    "programs.enrollment.seat_from_waiting_list": _("Seat given from the waiting list"),
})
