from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from accounts.models import Leader, User

from .models import LeaderGroup


def groups_for_leader(*, leader: Leader) -> list[LeaderGroup]:
    """The groups a leader heads or belongs to, with head and member count (one query)."""
    mine = LeaderGroup.objects.filter(Q(head=leader) | Q(memberships__leader=leader))
    return list(
        LeaderGroup.objects.filter(pk__in=mine.values("pk"))
        .select_related("head__user", "unit")
        .annotate(member_count=Count("memberships"))
        .order_by("name")
    )


def min_side_panel(user: User, leader: Leader | None) -> dict[str, Any] | None:
    if leader is None:
        return None
    groups = groups_for_leader(leader=leader)
    if not groups:
        return None
    return {"groups": groups, "leader": leader}
