"""Names of this app's audit actions, for the admin's audit trail (see lib.audit)."""

from django.utils.translation import gettext_lazy as _

from lib.audit import register_action_labels

register_action_labels({
    "leaderplatform.version_created": _("Leader platform version started"),
    "leaderplatform.step_advanced": _("Leader platform moved to the next step"),
    "leaderplatform.proposal_submitted": _("Proposal for the leader platform submitted"),
    "leaderplatform.candidate_created": _("Candidate characteristic made"),
    "leaderplatform.candidates_merged": _("Candidate characteristics merged"),
    "leaderplatform.candidate_decided": _("Decision on a candidate characteristic recorded"),
    "leaderplatform.version_published": _("Leader platform published"),
    "leaderplatform.evaluation_instrument_built": _("Session evaluation built from the leader "
                                                    "platform"),
})
