"""Writes of the surveys app. Views, admin actions and tasks all call these."""

from .answering import AnswerRefused, answer_access, draft_save, response_submit
from .evaluations import evaluation_open, evaluations_open_due
from .instruments import PASTE_MAX_ITEMS, instrument_copy, items_paste, thresholds_set
from .rounds import (
    round_create,
    round_invitations_send,
    round_open,
    round_save,
    round_validate_change,
    rounds_open_due,
)
from .tokens import invitation_from_token, invitation_token

__all__ = [
    "PASTE_MAX_ITEMS", "AnswerRefused", "answer_access", "draft_save", "evaluation_open",
    "evaluations_open_due", "instrument_copy", "invitation_from_token", "invitation_token",
    "items_paste", "response_submit", "round_create", "round_invitations_send", "round_open",
    "round_save", "round_validate_change", "rounds_open_due", "thresholds_set",
]
