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
from .imports import ImportReport, meetings_import
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
from .planning import RangePlan, meetings_plan_range
from .rounds import MeetingInput, leading_option, meeting_mark_held, meeting_record

__all__ = [
    "GroupProposal", "ImportReport", "MeetingInput", "PlanResult", "RangePlan",
    "leading_option", "meeting_mark_held", "meeting_record", "meetings_import",
    "meetings_plan_range", "meeting_cancel", "meeting_confirm", "meeting_note_save",
    "meeting_option_add", "meeting_update", "meeting_vote", "meetings_plan",
    "meetings_poll_announce", "network_group_create", "network_group_delete",
    "network_group_update", "network_groups_confirm", "network_groups_propose",
    "network_member_move", "network_plan_create", "poll_invitations_send",
]
