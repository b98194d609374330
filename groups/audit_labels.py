"""Names of this app's audit actions, for the admin's audit trail (see lib.audit)."""

from django.utils.translation import gettext_lazy as _

from lib.audit import register_action_labels

register_action_labels({
    "groups.poster.published": _("Purpose poster published"),
    "groups.poster.saved": _("Purpose poster saved"),
    "groups.process.finished": _("Group process finished"),
    "groups.process.planned": _("Group put into a rollout wave"),
    "groups.process.started": _("Group process started"),
    "groups.session.cancelled": _("Group session cancelled"),
    "groups.session.held": _("Group session held"),
    "groups.session.moved": _("Group session moved"),
    "groups.sessions.planned": _("Group sessions planned"),
    "groups.task.created": _("Training task given"),
})
