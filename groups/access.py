"""Who may do what with a leader group — the one place these rules live.

* members (the head included) follow the group: progress, drafts, comments;
  they draft the poster and mark training tasks done;
* the head also publishes a version of the poster;
* the group's facilitator follows it, comments on drafts and records sessions;
* O&F administrators of the municipality follow every group read-only and
  record sessions;
* every other user of the municipality sees only the published poster;
* users of another municipality see nothing (404, never 403: a foreign group
  must not be revealed to exist).
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from accounts.models import User
from lib.http import uuid_or_404
from lib.prepared import Prepared, narrowed

from .models import GroupProcess, LeaderGroup, LeaderGroupMembership


@dataclass(frozen=True)
class GroupAccess:
    group: LeaderGroup
    user: User
    is_head: bool
    is_member: bool
    is_facilitator: bool
    is_oaf: bool

    @property
    def can_follow(self) -> bool:
        """See progress, drafts, versions and comments."""
        return self.is_member or self.is_facilitator or self.is_oaf

    @property
    def can_draft(self) -> bool:
        return self.is_member

    @property
    def can_comment(self) -> bool:
        return self.is_member or self.is_facilitator

    @property
    def can_publish(self) -> bool:
        return self.is_head

    @property
    def can_do_tasks(self) -> bool:
        return self.is_member

    @property
    def can_run_sessions(self) -> bool:
        return self.is_facilitator or self.is_oaf

    @property
    def process(self) -> GroupProcess | None:
        return group_process(self.group)


def group_process(group: LeaderGroup) -> GroupProcess | None:
    """The group's process or None, without a query when it was select_related."""
    try:
        return group.process
    except GroupProcess.DoesNotExist:
        return None


# What the follower pages show; the published poster needs only what access_for reads
# and the unit (each join costs PostgreSQL planning time on every request).
FOLLOWER_RELATED = ("unit", "head__user", "organisation", "process__facilitator", "process__wave")
READER_RELATED = ("unit", "head", "process")


def groups_with_access(user: User, related: tuple[str, ...] = FOLLOWER_RELATED
                       ) -> QuerySet[LeaderGroup]:
    """Groups of the user's municipality, each annotated with whether the user is a member."""
    return _with_access(LeaderGroup.objects.visible_to(user), user.pk, related)


def _with_access(groups: QuerySet[LeaderGroup], user_id: int, related: tuple[str, ...]
                 ) -> QuerySet[LeaderGroup]:
    return groups.select_related(*related).annotate(_is_member=Exists(
        LeaderGroupMembership.objects.filter(group=OuterRef("pk"), leader__user_id=user_id)))


def _one_group(related: tuple[str, ...]) -> Prepared[LeaderGroup]:
    return Prepared(lambda organisation_id, user_id, public_id: _with_access(
        narrowed(LeaderGroup.objects.all(), organisation_id), user_id, related)
        .filter(public_id=public_id).order_by("pk")[:1])


# Every group page reads its group this way: compiled once per process.
_ONE_GROUP: dict[tuple[str, ...], Prepared[LeaderGroup]] = {
    related: _one_group(related) for related in (FOLLOWER_RELATED, READER_RELATED)}


def access_for(user: User, group: LeaderGroup) -> GroupAccess:
    """Compute the access of ``user`` to a group loaded through :func:`groups_with_access`."""
    is_head = group.head.user_id == user.pk
    process = group_process(group)
    is_oaf = user.is_superuser or (user.is_oaf_admin
                                   and user.organisation_id == group.organisation_id)
    return GroupAccess(
        group=group, user=user, is_head=is_head,
        is_member=is_head or bool(getattr(group, "_is_member", False)),
        is_facilitator=process is not None and process.facilitator_id == user.pk,
        is_oaf=is_oaf,
    )


def _load(user: User, public_id: UUID | str,
          related: tuple[str, ...] = FOLLOWER_RELATED) -> GroupAccess:
    found = _ONE_GROUP[related].visible_to(user, user_id=user.pk,
                                           public_id=uuid_or_404(public_id))
    if not found:
        raise Http404
    return access_for(user, found[0])


def get_group_for_reader(user: User, public_id: UUID | str) -> GroupAccess:
    """The group for anyone of its municipality (the published poster); 404 for others."""
    return _load(user, public_id, READER_RELATED)


def get_group_for_user(user: User, public_id: UUID | str) -> GroupAccess:
    """The group for those who follow it (members, head, facilitator, O&F); 404 for others.

    A leader outside the group gets 404 too: drafts, comments and progress are
    the group's own.
    """
    access = _load(user, public_id)
    if not access.can_follow:
        raise Http404
    return access


def get_group_for_edit(user: User, public_id: UUID | str, *, permission: str) -> GroupAccess:
    """As :func:`get_group_for_user`, then PermissionDenied unless ``access.<permission>``."""
    access = get_group_for_user(user, public_id)
    if not getattr(access, permission):
        raise PermissionDenied
    return access
