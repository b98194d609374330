"""The six-step process of a platform version, run by O&F: create, move on, decide, publish."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import is_oaf_for
from accounts.models import Organisation, User
from lib.audit import audit_log

from ..models import (
    Characteristic,
    CharacteristicStatus,
    Platform,
    PlatformVersion,
    Step,
    StepPlan,
    VersionStatus,
)


def _require_oaf(actor: User, organisation_id: int) -> None:
    if not is_oaf_for(actor, organisation_id):
        raise PermissionDenied(_("Only O&F runs the leader platform's process."))


def require_step(version: PlatformVersion, step: int) -> None:
    """Refuse unless the draft is at ``step`` (code ``wrong_step``)."""
    if not version.in_step(step):
        raise ValidationError(
            _("This can only be done in step %(step)s of the process; the platform is now "
              "in a different step.") % {"step": step}, code="wrong_step")


@transaction.atomic
def platform_version_create(*, organisation: Organisation, actor: User, name_nb: str = "",
                            step_dates: dict[int, tuple[dt.date | None, dt.date | None]]
                            | None = None) -> PlatformVersion:
    """A new draft version at step 1, with a plan row for each of the six steps.

    Creates the municipality's platform the first time. One draft at a time
    (code ``draft_exists``); the platform row is locked so two O&F
    administrators cannot both start one.
    """
    _require_oaf(actor, organisation.pk)
    platform = Platform.objects.select_for_update().filter(organisation=organisation).first()
    if platform is None:
        platform = Platform.objects.create(
            organisation=organisation,
            name_nb=name_nb or _("Leader platform for %(name)s") % {"name": organisation.name})
        platform = Platform.objects.select_for_update().get(pk=platform.pk)
    if platform.versions.filter(status=VersionStatus.DRAFT).exists():
        raise ValidationError(_("A draft version is already under way; finish it first."),
                              code="draft_exists")
    number = (platform.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = PlatformVersion.objects.create(platform=platform, number=number)
    dates = step_dates or {}
    StepPlan.objects.bulk_create(
        StepPlan(version=version, step=step, starts_on=dates.get(step, (None, None))[0],
                 ends_on=dates.get(step, (None, None))[1]) for step in Step.values)
    audit_log(organisation=organisation, actor=actor, action="leaderplatform.version_created",
              obj=version, summary=f"{platform.name_nb} v{number}")
    return version


def _locked(version: PlatformVersion) -> PlatformVersion:
    return (PlatformVersion.objects.select_for_update(of=("self",))
            .select_related("platform__organisation").get(pk=version.pk))


@transaction.atomic
def version_advance(*, version: PlatformVersion, actor: User) -> PlatformVersion:
    """Move a draft to the next step.

    Refuses a published version (``not_draft``), past step 6 (``last_step``),
    into step 5 without candidates (``no_candidates``) and into step 6 before
    the leadership has adopted at least one characteristic (``nothing_adopted``)
    or while candidates are undecided (``undecided``).
    """
    version = _locked(version)
    _require_oaf(actor, version.owner.pk)
    if not version.is_draft:
        raise ValidationError(_("This version is already published."), code="not_draft")
    if version.step >= Step.LAUNCH:
        raise ValidationError(_("The process is at its last step: publish the platform."),
                              code="last_step")
    characteristics = Characteristic.objects.filter(version=version)
    if version.step == Step.ANALYSE and not characteristics.exists():
        raise ValidationError(_("Make at least one candidate characteristic from the "
                                "proposals before the leaders rate them."), code="no_candidates")
    if version.step == Step.DECIDE:
        if characteristics.filter(status=CharacteristicStatus.CANDIDATE).exists():
            raise ValidationError(_("Record the leadership's decision on every candidate "
                                    "first."), code="undecided")
        if not characteristics.filter(status=CharacteristicStatus.ADOPTED).exists():
            raise ValidationError(_("The leadership has adopted no characteristic yet."),
                                  code="nothing_adopted")
    version.step += 1
    version.save(update_fields=["step"])
    audit_log(organisation=version.owner, actor=actor,
              action="leaderplatform.step_advanced", obj=version,
              summary=f"v{version.number}", data={"step": version.step})
    return version


@transaction.atomic
def candidate_decide(*, characteristic: Characteristic, adopted: bool,
                     actor: User) -> Characteristic:
    """Record the leadership's decision on one candidate (step 5, O&F)."""
    version = _locked(characteristic.version)
    _require_oaf(actor, version.owner.pk)
    require_step(version, Step.DECIDE)
    characteristic.status = (CharacteristicStatus.ADOPTED if adopted
                             else CharacteristicStatus.REJECTED)
    characteristic.save(update_fields=["status"])
    audit_log(organisation=version.owner, actor=actor,
              action="leaderplatform.candidate_decided", obj=characteristic,
              summary=characteristic.text_nb[:200], data={"adopted": adopted})
    return characteristic


@transaction.atomic
def version_publish(*, version: PlatformVersion, actor: User,
                    announce: bool = True) -> PlatformVersion:
    """Publish a draft at step 6: it replaces the published version, if any, and every
    active leader of the municipality is told in their language.

    Refuses outside step 6 (``wrong_step``), an adopted characteristic without a
    theme (``unthemed``) or without a behaviour (``no_behaviours``): the
    self-assessment rates behaviours, so every characteristic needs one.
    """
    from .. import notifications

    version = _locked(version)
    _require_oaf(actor, version.owner.pk)
    require_step(version, Step.LAUNCH)
    adopted = Characteristic.objects.filter(version=version,
                                            status=CharacteristicStatus.ADOPTED)
    if adopted.filter(theme__isnull=True).exists():
        raise ValidationError(_("Place every adopted characteristic in a theme first."),
                              code="unthemed")
    if adopted.filter(behaviours__isnull=True).exists():
        raise ValidationError(_("Give every adopted characteristic at least one observable "
                                "behaviour first."), code="no_behaviours")
    PlatformVersion.objects.filter(platform=version.platform,
                                   status=VersionStatus.PUBLISHED).update(
        status=VersionStatus.REPLACED)
    version.status = VersionStatus.PUBLISHED
    version.published_at = timezone.now()
    version.published_by = actor
    version.save(update_fields=["status", "published_at", "published_by"])
    audit_log(organisation=version.owner, actor=actor,
              action="leaderplatform.version_published", obj=version,
              summary=f"{version.platform.name_nb} v{version.number}")
    if announce:
        notifications.platform_published(version=version)
    return version
