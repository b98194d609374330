from django.utils.translation import gettext_lazy as _

from lib.audit import register_action_labels

register_action_labels({
    "privacy.statement.saved": _("Privacy statement saved"),
})
