"""Writes of the leader platform; each refusal is a coded ValidationError or PermissionDenied."""

from .assessment import (
    focus_to_project,
    open_course,
    self_assessment_focus,
    self_assessment_share,
    self_assessment_submit,
)
from .feedback import (
    MAX_RATERS,
    MIN_RATERS,
    feedback_answer,
    feedback_round_close,
    feedback_round_start,
)
from .instruments import evaluation_instrument_build
from .process import (
    candidate_decide,
    platform_version_create,
    require_step,
    version_advance,
    version_publish,
)
from .proposals import (
    candidate_create,
    candidates_merge,
    clean_text,
    proposal_cluster,
    proposal_submit,
)
from .rating import ballot_cast, check_scores

__all__ = [
    "ballot_cast", "candidate_create", "candidate_decide", "candidates_merge", "check_scores",
    "clean_text", "evaluation_instrument_build", "MAX_RATERS", "MIN_RATERS", "feedback_answer",
    "feedback_round_close", "feedback_round_start", "focus_to_project", "open_course",
    "platform_version_create",
    "proposal_cluster", "proposal_submit",
    "require_step", "self_assessment_focus", "self_assessment_share", "self_assessment_submit",
    "version_advance", "version_publish",
]
