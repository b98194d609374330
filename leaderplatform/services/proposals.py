"""Step 3 (groups submit proposals) and step 4 (O&F and facilitators cluster them)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from accounts.models import User
from groups.models import LeaderGroup
from lib.audit import audit_log
from networks.models import NetworkGroup

from ..access import may_cluster, may_submit_for_leader_group, may_submit_for_network_group
from ..models import (
    PROPOSAL_MAX_CHARS,
    Characteristic,
    CharacteristicStatus,
    PlatformVersion,
    Proposal,
    Step,
    Theme,
)
from .process import require_step

CANDIDATE_MAX_CHARS = 300


def clean_text(text: str, *, limit: int, field: str = "text") -> str:
    """Trimmed text with NUL bytes removed; refuses empty (``empty``) and too long
    (``too_long``). Markup is kept as typed and escaped wherever it is shown."""
    text = (text or "").replace("\x00", "").strip()
    if not text:
        raise ValidationError({field: ValidationError(_("Write the proposal first."),
                                                      code="empty")})
    if len(text) > limit:
        raise ValidationError({field: ValidationError(
            _("Keep it under %(limit)s characters (it has %(count)s).")
            % {"limit": limit, "count": len(text)}, code="too_long")})
    return text


def _locked(version: PlatformVersion) -> PlatformVersion:
    return (PlatformVersion.objects.select_for_update(of=("self",))
            .select_related("platform__organisation").get(pk=version.pk))


@transaction.atomic
def proposal_submit(*, version: PlatformVersion, actor: User, text: str,
                    leader_group: LeaderGroup | None = None,
                    network_group: NetworkGroup | None = None) -> Proposal:
    """A proposal from one group's session (step 3). Members, the head, the facilitator
    or O&F enter it; it is stored as the group's."""
    version = _locked(version)
    org_id = version.platform.organisation_id
    if (leader_group is None) == (network_group is None):
        raise ValidationError({"group": ValidationError(_("Choose the group the proposal is "
                                                          "from."), code="no_group")})
    if leader_group is not None:
        if leader_group.organisation_id != org_id:
            raise PermissionDenied(_("This group is not of the platform's municipality."))
        if not may_submit_for_leader_group(actor, leader_group):
            raise PermissionDenied(_("Only the group's members, head and facilitator submit "
                                     "its proposals."))
    if network_group is not None:
        if network_group.plan.programme.organisation_id != org_id:
            raise PermissionDenied(_("This group is not of the platform's municipality."))
        if not may_submit_for_network_group(actor, network_group):
            raise PermissionDenied(_("Only the group's members and facilitator submit its "
                                     "proposals."))
    require_step(version, Step.BRAINSTORM)
    text = clean_text(text, limit=PROPOSAL_MAX_CHARS)
    proposal = Proposal.objects.create(version=version, leader_group=leader_group,
                                       network_group=network_group, text=text, entered_by=actor)
    group = leader_group or network_group
    audit_log(organisation=version.owner, actor=actor,
              action="leaderplatform.proposal_submitted", obj=proposal,
              summary=group.name if group else "")
    return proposal


def _require_cluster(version: PlatformVersion, actor: User) -> None:
    if not may_cluster(actor, version.owner.pk):
        raise PermissionDenied(_("Only O&F and facilitators sort the proposals."))
    require_step(version, Step.ANALYSE)


@transaction.atomic
def candidate_create(*, version: PlatformVersion, actor: User, text: str,
                     theme: Theme | None = None,
                     proposals: list[Proposal] | None = None) -> Characteristic:
    """A candidate characteristic (step 4), optionally made from some proposals."""
    version = _locked(version)
    _require_cluster(version, actor)
    if theme is not None and theme.version_id != version.pk:
        raise ValidationError(_("The theme belongs to another version."), code="other_version")
    text = clean_text(text, limit=CANDIDATE_MAX_CHARS)
    position = (Characteristic.objects.filter(version=version)
                .aggregate(p=Max("position"))["p"] or 0) + 1
    candidate = Characteristic.objects.create(version=version, theme=theme, text_nb=text,
                                              position=position)
    for proposal in proposals or []:
        _assign(version, proposal, candidate)
    audit_log(organisation=version.owner, actor=actor,
              action="leaderplatform.candidate_created", obj=candidate, summary=text[:200])
    return candidate


def _assign(version: PlatformVersion, proposal: Proposal,
            candidate: Characteristic | None) -> None:
    if proposal.version_id != version.pk or (candidate is not None
                                             and candidate.version_id != version.pk):
        raise ValidationError(_("The proposal belongs to another version."),
                              code="other_version")
    proposal.characteristic = candidate
    proposal.save(update_fields=["characteristic"])


@transaction.atomic
def proposal_cluster(*, proposal: Proposal, candidate: Characteristic | None,
                     actor: User) -> Proposal:
    """Put a proposal into a candidate (or take it out with ``None``); step 4."""
    version = _locked(proposal.version)
    _require_cluster(version, actor)
    _assign(version, proposal, candidate)
    return proposal


@transaction.atomic
def candidates_merge(*, source: Characteristic, target: Characteristic,
                     actor: User) -> Characteristic:
    """Merge a duplicate into another candidate: its proposals move over (the link back to
    the groups stays) and the duplicate is deleted. Step 4."""
    version = _locked(target.version)
    _require_cluster(version, actor)
    if source.pk == target.pk:
        raise ValidationError(_("Choose two different candidates to merge."), code="same")
    if source.version_id != version.pk:
        raise ValidationError(_("The candidates belong to different versions."),
                              code="other_version")
    if CharacteristicStatus.CANDIDATE not in (source.status, target.status):
        raise ValidationError(_("Only candidates are merged."), code="not_candidate")
    moved = Proposal.objects.filter(characteristic=source).update(characteristic=target)
    audit_log(organisation=version.owner, actor=actor,
              action="leaderplatform.candidates_merged", obj=target,
              summary=f"{source.text_nb[:90]} → {target.text_nb[:90]}", data={"moved": moved})
    source.delete()
    return target
