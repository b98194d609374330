"""Names of this app's audit actions, for the admin's audit trail (see lib.audit)."""

from django.utils.translation import gettext_lazy as _

from lib.audit import register_action_labels

register_action_labels({
    "networks.group_created": _("Network group created"),
    "networks.group_deleted": _("Network group deleted"),
    "networks.group_updated": _("Network group changed"),
    "networks.groups_confirmed": _("Network groups confirmed"),
    "networks.groups_proposed": _("Network groups proposed"),
    "networks.meeting_cancelled": _("Network meeting cancelled"),
    "networks.meeting_changed": _("Network meeting changed"),
    "networks.meeting_confirmed": _("Network meeting confirmed"),
    "networks.meeting_held": _("Network meeting recorded as held"),
    "networks.meeting_recorded": _("Network meeting entered by hand"),
    "networks.meetings_imported": _("Network meeting plan imported"),
    "networks.meetings_planned": _("Network meetings planned"),
    "networks.member_moved": _("Leader moved to another network group"),
    "networks.option_added": _("Date proposed for a network meeting"),
    "networks.plan_created": _("Network plan created"),
    "networks.poll_announced": _("Date poll sent to a network group"),
})
