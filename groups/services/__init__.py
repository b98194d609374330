"""Every write of the groups app: views, admin actions and tasks call these.

``process`` covers rollout waves, starting a process, sessions and training
tasks; ``poster`` covers drafting, commenting on and publishing the purpose
poster and asking for its PDF.
"""

from .poster import (
    CommitmentInput,
    VersionSaved,
    poster_comment_add,
    poster_pdf_request,
    poster_publish,
    poster_version_save,
)
from .process import (
    ProcessesPlanned,
    process_finish,
    process_start,
    processes_plan,
    session_record,
    sessions_plan,
    task_create,
    task_mark_done,
)

__all__ = [
    "CommitmentInput",
    "ProcessesPlanned",
    "VersionSaved",
    "poster_comment_add",
    "poster_pdf_request",
    "poster_publish",
    "poster_version_save",
    "process_finish",
    "process_start",
    "processes_plan",
    "session_record",
    "sessions_plan",
    "task_create",
    "task_mark_done",
]
