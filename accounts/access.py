"""Role checks shared by every app's access helpers."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from lib.prepared import Prepared

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.db.models import QuerySet

    from .models import Leader, User

_LEADER = "_leader_profile"  # where leader_for keeps its answer on the user object


def is_oaf_for(user: User | AnonymousUser, organisation_id: int | None) -> bool:
    """O&F administrators of the municipality (and system administrators)."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or (user.is_oaf_admin and user.organisation_id == organisation_id)


def _leader_query(*related: str) -> Prepared[Leader]:
    def build(user_id: int) -> QuerySet[Leader]:
        from .models import Leader

        return Leader.objects.select_related(*related).filter(user_id=user_id).order_by("pk")[:1]
    return Prepared(build)


_LEADER_ONLY = _leader_query("unit", "organisation")
_LEADER_WITH_ABOVE = _leader_query("unit", "organisation", "leader_above__user")


def leader_for(user: User | AnonymousUser, *, with_leader_above: bool = False) -> Leader | None:
    """The user's leader profile with unit and municipality (and, ``with_leader_above``,
    the leader above and their name), or None.

    One query (compiled once per process) the first time it is asked for a user
    object, none after: the answer is kept on that object, and each request loads its
    user anew, so a page whose view, access helper and panels all ask reads the
    profile once. Its ``user`` is
    the object asked about (no join for it). Min side, which shows the leader above,
    asks first with ``with_leader_above``; a page that asks for it after a plain
    call reads the leader above and their name on first use (two queries). The answer
    is not refreshed within a request: code that changes the profile re-reads it.
    """
    if not user.is_authenticated:
        return None
    known = getattr(user, _LEADER, _LEADER)
    if known is not _LEADER:
        return cast("Leader | None", known)
    found = (_LEADER_WITH_ABOVE if with_leader_above else _LEADER_ONLY)(user_id=user.pk)
    leader = found[0] if found else None
    if leader is not None:
        leader.user = user
    setattr(user, _LEADER, leader)
    return leader
