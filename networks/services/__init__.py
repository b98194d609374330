"""Every write of the networks app; views, admin actions and tasks call these."""

from .groups import (
    GroupProposal,
    network_group_create,
    network_group_delete,
    network_group_update,
    network_groups_confirm,
    network_groups_propose,
    network_member_move,
    network_plan_create,
)
from .meetings import (
    PlanResult,
    meeting_cancel,
    meeting_confirm,
    meeting_note_save,
    meeting_option_add,
    meeting_update,
    meeting_vote,
    meetings_plan,
    meetings_poll_announce,
    poll_invitations_send,
)

__all__ = [
    "GroupProposal", "PlanResult", "meeting_cancel", "meeting_confirm", "meeting_note_save",
    "meeting_option_add", "meeting_update", "meeting_vote", "meetings_plan",
    "meetings_poll_announce", "network_group_create", "network_group_delete",
    "network_group_update", "network_groups_confirm", "network_groups_propose",
    "network_member_move", "network_plan_create", "poll_invitations_send",
]
