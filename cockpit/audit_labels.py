"""Names of this app's audit actions, for the admin's audit trail (see lib.audit)."""

from django.utils.translation import gettext_lazy as _

from lib.audit import register_action_labels

register_action_labels({
    "cockpit.message.sent": _("Message sent to participants"),
})
