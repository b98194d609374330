"""Leader groups, their development process and their purpose poster.

Split by domain: ``group`` (the group and its members), ``process`` (rollout
waves, the process, sessions, training tasks), ``poster`` (the purpose poster
and its versions).
"""

from .group import LeaderGroup, LeaderGroupMembership
from .poster import (
    COMMITMENT_MAX_LENGTH,
    LEAD_MAX_LENGTH,
    MAX_COMMITMENTS,
    PosterComment,
    PosterCommitment,
    PosterVersion,
    Purpose,
    PurposePoster,
)
from .process import (
    GroupProcess,
    Phase,
    ProcessSession,
    RolloutWave,
    SessionKind,
    TaskCompletion,
    TrainingTask,
)

__all__ = [
    "COMMITMENT_MAX_LENGTH",
    "LEAD_MAX_LENGTH",
    "MAX_COMMITMENTS",
    "GroupProcess",
    "LeaderGroup",
    "LeaderGroupMembership",
    "Phase",
    "PosterComment",
    "PosterCommitment",
    "PosterVersion",
    "ProcessSession",
    "Purpose",
    "PurposePoster",
    "RolloutWave",
    "SessionKind",
    "TaskCompletion",
    "TrainingTask",
]
