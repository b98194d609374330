"""Names of this app's audit actions, for the admin's audit trail (see lib.audit)."""

from django.utils.translation import gettext_lazy as _

from lib.audit import register_action_labels

register_action_labels({
    "accounts.leader.anonymised": _("Leader anonymised"),
    "accounts.hr_import.leaders": _("Leaders imported from the HR file"),
    "accounts.hr_import.units": _("Unit tree imported from the HR file"),
    "accounts.deputy.named": _("Deputy named"),
    "accounts.deputy.ended": _("Deputy period ended"),
    "accounts.approval.handed_over": _("Request handed to a colleague"),
    "accounts.two_factor_reset": _("Two-factor sign-in reset"),
})
