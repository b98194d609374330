"""Names of this app's audit actions, for the admin's audit trail (see lib.audit)."""

from django.utils.translation import gettext_lazy as _

from lib.audit import register_action_labels

register_action_labels({
    "surveys.instrument.copied": _("Questionnaire copied"),
    "surveys.items.pasted": _("Questions pasted into a question group"),
    "surveys.response.submitted": _("Survey answered"),
    "surveys.round.created": _("Survey round created"),
    "surveys.round.changed": _("Survey round changed"),
    "surveys.round.opened": _("Survey round opened"),
    "surveys.thresholds.changed": _("Anonymity thresholds changed"),
})
