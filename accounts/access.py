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


# What ``leader_for`` gives with the profile, read from a user or from the profile's side.
_PROFILE_RELATED = ("unit", "organisation")


def _leader_of(user_id: int) -> QuerySet[Leader]:
    from .models import Leader

    return Leader.objects.select_related(*_PROFILE_RELATED).filter(
        user_id=user_id).order_by("pk")[:1]


_LEADER_ONLY: Prepared[Leader] = Prepared(_leader_of)

# What the signed-in user is read with on every request (``RoleBackend.get_user``): their
# leader profile as ``leader_for`` gives it, so most leader pages ask no query for it.
USER_WITH_PROFILE = tuple(f"leader__{name}" for name in _PROFILE_RELATED)


def remember_leader(user: User, leader: Leader | None) -> None:
    """Keep ``leader`` (None: the user has no profile) as what :func:`leader_for` answers
    for this user object."""
    if leader is not None:
        leader.user = user
    setattr(user, _LEADER, leader)


def leader_for(user: User | AnonymousUser) -> Leader | None:
    """The user's leader profile with unit and municipality, or None.

    The signed-in user of a request is read with the profile (``USER_WITH_PROFILE``,
    one join), so for them this asks no query. For any other user object it asks one
    (compiled once per process) the first time, none after: the answer is kept on
    that object. Its ``user`` is the object asked about (no join for it). The answer
    is not refreshed within a request: code that changes the profile re-reads it.
    """
    if not user.is_authenticated:
        return None
    known = getattr(user, _LEADER, _LEADER)
    if known is not _LEADER:
        return cast("Leader | None", known)
    found = _LEADER_ONLY(user_id=user.pk)
    leader = found[0] if found else None
    remember_leader(user, leader)
    return leader
