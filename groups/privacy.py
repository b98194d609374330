"""GDPR for leader groups: what a leader's export holds, what anonymising scrubs.

Registered in ``GroupsConfig.ready()`` with ``accounts.privacy``.
"""

from __future__ import annotations

from typing import Any

from accounts.models import Leader, User

from .models import LeaderGroupMembership, PosterComment, PosterVersion, TaskCompletion


def personal_data(user: User) -> dict[str, Any]:
    """Group memberships, the poster versions and comments the user wrote, tasks done."""
    memberships = (LeaderGroupMembership.objects.filter(leader__user=user)
                   .select_related("group").order_by("group__name"))
    versions = (PosterVersion.objects.filter(author=user).select_related("poster__group")
                .prefetch_related("commitments").order_by("created_at"))
    return {
        "group_memberships": [m.group.name for m in memberships],
        "poster_versions_written": [{
            "group": v.poster.group.name, "version": v.number, "lead_sentence": v.lead,
            "commitments": [c.text for c in v.commitments.all()],
            "saved": v.created_at.isoformat(),
        } for v in versions],
        "poster_comments": [{
            "group": c.version.poster.group.name, "version": c.version.number, "comment": c.body,
            "written": c.created_at.isoformat(),
        } for c in PosterComment.objects.filter(author=user)
            .select_related("version__poster__group").order_by("created_at")],
        "training_tasks_done": list(TaskCompletion.objects.filter(leader__user=user)
                                    .values_list("task__title", flat=True)),
    }


def anonymise(leader: Leader) -> None:
    """Scrub the leader's comments (personal voice); the group's poster text stays the group's."""
    PosterComment.objects.filter(author=leader.user).update(body="—")
