"""Who may see and do what with network groups — the one place these rules live.

* O&F administrators of the municipality compose the groups, plan, confirm and
  cancel meetings; they see the date-poll answers but not the groups' notes;
* members of a confirmed group see their group and its meetings, answer the
  date polls and write the notes after a meeting;
* the group's (or the meeting's) facilitator sees the group, the answers and
  the notes, and the meeting plan of the programmes they facilitate; the
  group's own adviser also enters its meetings by hand, changes them and
  records them as held (``can_record``), as O&F does;
* everyone else in the municipality gets 403 on groups and meetings and 404 on
  notes (a note's existence is the group's own);
* users of another municipality get 404 everywhere: everything is fetched
  through ``visible_to`` first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.access import is_oaf_for, leader_for  # noqa: F401 (re-exported)
from accounts.models import Leader, User
from lib.http import uuid_or_404
from lib.prepared import Prepared, narrowed
from programs.models import Programme

from .models import MeetingStatus, NetworkGroup, NetworkMeeting, NetworkMembership, NetworkPlan


# -- programmes and plans ----------------------------------------------------------------
def get_programme_for_oaf(user: User, slug: str) -> Programme:
    """A programme of the user's municipality (404 otherwise); only O&F may start its groups."""
    programme = Programme.objects.visible_to(user).filter(slug=slug).first()
    if programme is None:
        raise Http404
    if not is_oaf_for(user, programme.organisation_id):
        raise PermissionDenied(_("Only O&F sets up network groups."))
    return programme


@dataclass(frozen=True)
class PlanAccess:
    plan: NetworkPlan
    can_manage: bool  # O&F: compose, plan, confirm


def get_plan_for_user(user: User, plan_uuid: UUID | str) -> PlanAccess:
    """The plan for O&F and the programme's facilitators (read); 403 for other users."""
    plan = (NetworkPlan.objects.visible_to(user).select_related("programme")
            .filter(uuid=uuid_or_404(plan_uuid)).first())
    if plan is None:
        raise Http404
    if is_oaf_for(user, plan.programme.organisation_id):
        return PlanAccess(plan, True)
    if user.is_facilitator and (plan.facilitators.filter(pk=user.pk).exists()
                                or plan.groups.filter(facilitator=user).exists()):
        return PlanAccess(plan, False)
    raise PermissionDenied(_("The meeting plan is for O&F and the programme's facilitators."))


def get_plan_for_edit(user: User, plan_uuid: UUID | str) -> NetworkPlan:
    """Edit variant: O&F only; anyone else of the municipality gets PermissionDenied."""
    plan = (NetworkPlan.objects.visible_to(user).select_related("programme")
            .filter(uuid=uuid_or_404(plan_uuid)).first())
    if plan is None:
        raise Http404
    if not is_oaf_for(user, plan.programme.organisation_id):
        raise PermissionDenied(_("Only O&F composes network groups and plans their meetings."))
    return plan


# -- groups ------------------------------------------------------------------------------
@dataclass(frozen=True)
class GroupAccess:
    group: NetworkGroup
    is_member: bool
    is_facilitator: bool
    is_oaf: bool


def _membership(user: User) -> Exists:
    return Exists(NetworkMembership.objects.filter(group=OuterRef("pk"),
                                                   leader__user_id=user.pk))


# Every group and meeting page reads its group or meeting this way: compiled once.
_ONE_GROUP: Prepared[Any] = Prepared(lambda organisation_id, user_id, group_uuid: (
    narrowed(NetworkGroup.objects.all(), organisation_id)
    .select_related("plan__programme", "facilitator")
    .annotate(_is_member=Exists(NetworkMembership.objects.filter(
        group=OuterRef("pk"), leader__user_id=user_id)))
    .filter(uuid=group_uuid).order_by("pk")[:1]))
_ONE_MEETING: Prepared[Any] = Prepared(lambda organisation_id, user_id, meeting_uuid: (
    narrowed(NetworkMeeting.objects.all(), organisation_id)
    .select_related("group__plan__programme", "group__facilitator", "facilitator",
                    "focus_gathering")
    .annotate(_is_member=Exists(NetworkMembership.objects.filter(
        group=OuterRef("group"), leader__user_id=user_id)),
              # "meeting N of M" on its page: the group's meetings not cancelled
              _rounds=Coalesce(Subquery(
                  NetworkMeeting.objects.filter(group=OuterRef("group"))
                  .exclude(status=MeetingStatus.CANCELLED)
                  .order_by().values("group").annotate(n=Count("pk")).values("n")), 0))
    .filter(uuid=meeting_uuid).order_by("pk")[:1]))


def get_group_for_user(user: User, group_uuid: UUID | str) -> GroupAccess:
    """A group for its members (once confirmed), its facilitator and O&F; 403 for others."""
    found = _ONE_GROUP.visible_to(user, user_id=user.pk, group_uuid=uuid_or_404(group_uuid))
    if not found:
        raise Http404
    group = found[0]
    is_oaf = is_oaf_for(user, group.plan.programme.organisation_id)
    # Members see their group once O&F has confirmed it, not while it is a draft.
    is_member = bool(group._is_member) and not group.plan.is_draft
    is_facilitator = group.facilitator_id == user.pk
    if not (is_oaf or is_member or is_facilitator):
        raise PermissionDenied(_("This network group is for its members and facilitator."))
    return GroupAccess(group, is_member, is_facilitator, is_oaf)


def get_group_for_record(user: User, group_uuid: UUID | str) -> NetworkGroup:
    """O&F and the group's adviser enter the group's meetings by hand; members get
    PermissionDenied."""
    access = get_group_for_user(user, group_uuid)
    if not (access.is_oaf or access.is_facilitator):
        raise PermissionDenied(_("Only O&F and the group's adviser enter its meetings."))
    return access.group


def get_group_for_edit(user: User, group_uuid: UUID | str) -> NetworkGroup:
    """Edit variant: O&F renames, gives a facilitator, removes; others get PermissionDenied."""
    access = get_group_for_user(user, group_uuid)
    if not access.is_oaf:
        raise PermissionDenied(_("Only O&F composes network groups and plans their meetings."))
    return access.group


# -- meetings ----------------------------------------------------------------------------
@dataclass(frozen=True)
class MeetingAccess:
    meeting: NetworkMeeting
    leader: Leader | None  # set when the user is a member
    is_member: bool
    is_facilitator: bool
    is_oaf: bool
    adviser_of_group: bool = False

    @property
    def can_vote(self) -> bool:
        return self.is_member

    @property
    def can_read_note(self) -> bool:
        return self.is_member or self.is_facilitator

    @property
    def can_manage(self) -> bool:
        return self.is_oaf

    @property
    def can_record(self) -> bool:
        """O&F and the group's adviser change the meeting's date, time and place and record
        it as held; confirming and cancelling stay O&F's."""
        return self.is_oaf or self.is_group_adviser

    @property
    def is_group_adviser(self) -> bool:
        return self.is_facilitator and self.adviser_of_group


def _load_meeting(user: User, meeting_uuid: UUID | str) -> MeetingAccess | None:
    found = _ONE_MEETING.visible_to(user, user_id=user.pk,
                                    meeting_uuid=uuid_or_404(meeting_uuid))
    if not found:
        return None
    meeting = found[0]
    group = meeting.group
    is_member = bool(meeting._is_member) and not group.plan.is_draft
    return MeetingAccess(
        meeting=meeting, leader=leader_for(user) if is_member else None, is_member=is_member,
        is_facilitator=user.pk in (meeting.facilitator_id, group.facilitator_id),
        is_oaf=is_oaf_for(user, group.plan.programme.organisation_id),
        adviser_of_group=user.pk == group.facilitator_id)


def get_meeting_for_user(user: User, meeting_uuid: UUID | str) -> MeetingAccess:
    """A meeting for its group's members, its facilitator and O&F; 403 for others."""
    access = _load_meeting(user, meeting_uuid)
    if access is None:
        raise Http404
    if not (access.is_member or access.is_facilitator or access.is_oaf):
        raise PermissionDenied(_("This meeting is for the network group and its facilitator."))
    return access


def get_meeting_for_vote(user: User, meeting_uuid: UUID | str) -> MeetingAccess:
    access = get_meeting_for_user(user, meeting_uuid)
    if not access.can_vote:
        raise PermissionDenied(_("Only the group's members answer the date poll."))
    return access


def get_meeting_for_edit(user: User, meeting_uuid: UUID | str) -> MeetingAccess:
    access = get_meeting_for_user(user, meeting_uuid)
    if not access.can_manage:
        raise PermissionDenied(_("Only O&F plans and confirms network meetings."))
    return access


def get_meeting_for_record(user: User, meeting_uuid: UUID | str) -> MeetingAccess:
    access = get_meeting_for_user(user, meeting_uuid)
    if not access.can_record:
        raise PermissionDenied(_("Only O&F and the group's adviser change this meeting."))
    return access


def get_meeting_for_note(user: User, meeting_uuid: UUID | str) -> MeetingAccess:
    """The note is the group's own: members and the facilitator read it; to everyone else,
    O&F included, it does not exist (404)."""
    access = _load_meeting(user, meeting_uuid)
    if access is None or not access.can_read_note:
        raise Http404
    return access


def get_meeting_for_note_edit(user: User, meeting_uuid: UUID | str) -> MeetingAccess:
    """Members write the note; the facilitator reads it (PermissionDenied on writing)."""
    access = get_meeting_for_note(user, meeting_uuid)
    if not access.is_member:
        raise PermissionDenied(_("The group's members write the note."))
    return access
