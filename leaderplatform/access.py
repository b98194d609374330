"""Who may see and do what with the leader platform — the one place these rules live.

* Every user of the municipality reads its platform versions (the process is
  open: leaders take part in it) and the published version;
* a proposal is entered for a group by its members, its head, its facilitator
  or O&F — and shown as the group's, never as the person's;
* O&F and the municipality's facilitators cluster proposals into candidates;
* every leader of the municipality rates the candidates, once;
* O&F moves the process on, records the leadership's decision and publishes;
* a self-assessment is its leader's alone. Their coach reads it only while the
  leader shares it; O&F, the leader above and other leaders get 404 (even its
  existence is the leader's). O&F sees only aggregates over the threshold;
* a 360 round is its leader's: raters reach only their own invitation (404 for
  anyone else, the leader included); the leader sees group means over the threshold;
* users of another municipality get 404 everywhere (``visible_to`` first).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.access import is_oaf_for, leader_for  # noqa: F401 (re-exported)
from accounts.models import Leader, User
from coaching.models import CoachingCourse
from coaching.models.courses import OPEN_STATUSES
from groups.models import LeaderGroup, LeaderGroupMembership
from lib.http import uuid_or_404
from lib.prepared import Prepared, narrowed
from networks.models import NetworkGroup, NetworkMembership

from .models import FeedbackInvitation, PlatformVersion, SelfAssessment

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser



def may_cluster(user: User | AnonymousUser, organisation_id: int | None) -> bool:
    """O&F and the municipality's facilitators analyse and summarise (step 4)."""
    if is_oaf_for(user, organisation_id):
        return True
    return bool(user.is_authenticated and user.is_facilitator
                and user.organisation_id == organisation_id)


# -- versions --------------------------------------------------------------------------
@dataclass(frozen=True)
class VersionAccess:
    version: PlatformVersion
    is_oaf: bool
    may_cluster: bool
    leader: Leader | None


_ONE_VERSION: Prepared[PlatformVersion] = Prepared(lambda organisation_id, version_uuid: (
    narrowed(PlatformVersion.objects.all(), organisation_id)
    .select_related("platform__organisation").filter(uuid=version_uuid).order_by("pk")[:1]))


def get_version_for_user(user: User, version_uuid: UUID | str) -> VersionAccess:
    """A version of the user's municipality (404 otherwise), with what the user may do."""
    found = _ONE_VERSION.visible_to(user, version_uuid=uuid_or_404(version_uuid))
    if not found:
        raise Http404
    version = found[0]
    org_id = version.platform.organisation_id
    return VersionAccess(version, is_oaf_for(user, org_id), may_cluster(user, org_id),
                         leader_for(user))


def get_version_for_oaf(user: User, version_uuid: UUID | str) -> VersionAccess:
    """Edit variant: O&F only; anyone else of the municipality gets PermissionDenied."""
    access = get_version_for_user(user, version_uuid)
    if not access.is_oaf:
        raise PermissionDenied(_("Only O&F runs the leader platform's process."))
    return access


def get_version_for_aggregates(user: User, version_uuid: UUID | str,
                               ) -> tuple[PlatformVersion, int]:
    """O&F's anonymous overview of self-assessments: a version of their municipality, or
    the standard platform (then only their own leaders count). Returns the version and
    the municipality whose leaders are counted; others of the municipality get 403,
    everyone else 404."""
    organisation_id = user.organisation_id
    if organisation_id is None:
        raise Http404
    version = (PlatformVersion.objects.select_related("platform")
               .filter(uuid=uuid_or_404(version_uuid))
               .filter(Q(platform__organisation__isnull=True)
                       | Q(platform__organisation_id=organisation_id)).first())
    if version is None:
        raise Http404
    if not is_oaf_for(user, organisation_id):
        raise PermissionDenied(_("Only O&F sees the anonymous overview."))
    return version, organisation_id


def get_version_for_clustering(user: User, version_uuid: UUID | str) -> VersionAccess:
    access = get_version_for_user(user, version_uuid)
    if not access.may_cluster:
        raise PermissionDenied(_("Only O&F and facilitators sort the proposals."))
    return access


# -- groups that submit proposals ---------------------------------------------------------
def may_submit_for_leader_group(user: User, group: LeaderGroup) -> bool:
    if is_oaf_for(user, group.organisation_id):
        return True
    if (group.head_id is not None
            and Leader.objects.filter(pk=group.head_id, user_id=user.pk).exists()):
        return True
    if LeaderGroupMembership.objects.filter(group=group, leader__user_id=user.pk).exists():
        return True
    return LeaderGroup.objects.filter(pk=group.pk, process__facilitator_id=user.pk).exists()


def may_submit_for_network_group(user: User, group: NetworkGroup) -> bool:
    if is_oaf_for(user, group.plan.programme.organisation_id):
        return True
    if group.facilitator_id == user.pk:
        return True
    return NetworkMembership.objects.filter(group=group, leader__user_id=user.pk).exists()


def proposal_groups(user: User, organisation_id: int) -> tuple[list[LeaderGroup],
                                                               list[NetworkGroup]]:
    """The leader groups and network groups the user may submit proposals for (two
    queries). O&F may enter for any group of the municipality."""
    leader_groups = LeaderGroup.objects.filter(organisation_id=organisation_id)
    network_groups = NetworkGroup.objects.filter(plan__programme__organisation_id=organisation_id)
    if not is_oaf_for(user, organisation_id):
        leader_groups = leader_groups.filter(
            Q(head__user_id=user.pk) | Q(memberships__leader__user_id=user.pk)
            | Q(process__facilitator_id=user.pk))
        network_groups = network_groups.filter(
            Q(facilitator_id=user.pk) | Q(memberships__leader__user_id=user.pk))
    return (list(leader_groups.distinct().order_by("name", "pk")),
            list(network_groups.distinct().select_related("plan__programme")
                 .order_by("plan__programme__name", "name", "pk")))


# -- self-assessments -------------------------------------------------------------------
@dataclass(frozen=True)
class AssessmentAccess:
    assessment: SelfAssessment
    is_own: bool  # False: the leader's coach, reading a shared result


def coach_reads(user: User, leader_id: int) -> bool:
    """Whether the user coaches the leader in an open course."""
    return CoachingCourse.objects.filter(leader_id=leader_id, coach__user_id=user.pk,
                                         status__in=OPEN_STATUSES).exists()


def get_assessment_for_user(user: User, assessment_uuid: UUID | str) -> AssessmentAccess:
    """The leader's own self-assessment; their coach's while shared; 404 for everyone else.

    O&F, the leader above and other leaders get 404, not 403: that a leader has
    assessed themself is theirs to tell.
    """
    assessment = (SelfAssessment.objects.visible_to(user)
                  .select_related("leader__user", "version__platform")
                  .filter(uuid=uuid_or_404(assessment_uuid)).first())
    if assessment is None:
        raise Http404
    if assessment.leader.user_id == user.pk:
        return AssessmentAccess(assessment, True)
    if assessment.shared_with_coach and coach_reads(user, assessment.leader_id):
        return AssessmentAccess(assessment, False)
    raise Http404


def get_own_assessment(user: User, assessment_uuid: UUID | str) -> SelfAssessment:
    """Edit variant: the leader only (the coach reading a shared result gets 403)."""
    access = get_assessment_for_user(user, assessment_uuid)
    if not access.is_own:
        raise PermissionDenied(_("Only the leader changes their self-assessment."))
    return access.assessment


# -- the light 360 ------------------------------------------------------------------------
def get_invitation_for_rater(user: User, invitation_uuid: UUID | str) -> FeedbackInvitation:
    """A 360 invitation, fetched through its rater: anyone else — the leader asking for
    feedback included — gets 404 (that someone was asked is not theirs to learn)."""
    invitation = (FeedbackInvitation.objects.visible_to(user)
                  .select_related("round__assessment__leader__user",
                                  "round__assessment__version__platform")
                  .filter(uuid=uuid_or_404(invitation_uuid), rater_id=user.pk).first())
    if invitation is None:
        raise Http404
    return invitation
