"""Writes for the purpose poster: save a version, comment, publish, ask for the PDF."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from lib.audit import audit_log
from lib.documents import document_request
from lib.models import GeneratedDocument

from .. import notifications
from ..models import (
    COMMITMENT_MAX_LENGTH,
    LEAD_MAX_LENGTH,
    MAX_COMMITMENTS,
    LeaderGroup,
    LeaderGroupMembership,
    PosterComment,
    PosterCommitment,
    PosterVersion,
    Purpose,
    PurposePoster,
)

POSTER_PDF_KIND = "groups.poster_pdf"
PAGE_SIZES = ("A4", "A3")
COMMENT_MAX_LENGTH = 2000


@dataclass(frozen=True)
class CommitmentInput:
    text: str
    purpose: str = ""


@dataclass(frozen=True)
class VersionSaved:
    version: PosterVersion
    # Versions others saved after the one this save started from: if any, the
    # author edited a stale draft. Both are kept; the page says so.
    newer: list[PosterVersion] = field(default_factory=list)
    # True when the save was identical to the newest version: nothing was written
    # and ``version`` is that newest version (six quick clicks make one version).
    already_saved: bool = False

    @property
    def conflict(self) -> bool:
        return bool(self.newer)


def _is_member(group: LeaderGroup, user: User) -> bool:
    return group.head.user_id == user.pk or LeaderGroupMembership.objects.filter(
        group=group, leader__user_id=user.pk).exists()


def _locked_group(group: LeaderGroup) -> LeaderGroup:
    # The group row is the parent every poster write locks, so even the first
    # save (which creates the poster) is serialised.
    return (LeaderGroup.objects.select_for_update(of=("self",))
            .select_related("head", "organisation", "unit").get(pk=group.pk))


def _clean_content(lead: str, commitments: list[CommitmentInput],
                   ) -> tuple[str, list[CommitmentInput]]:
    lead = " ".join(lead.split())
    cleaned = [CommitmentInput(" ".join(c.text.split()), c.purpose or "")
               for c in commitments if c.text.strip()]
    errors: dict[str, list[ValidationError]] = {}
    if len(lead) > LEAD_MAX_LENGTH:
        errors.setdefault("lead", []).append(ValidationError(
            _("The lead sentence has %(count)s characters; it can have at most %(max)s. "
              "Shorten it and save again.") % {"count": len(lead), "max": LEAD_MAX_LENGTH},
            code="too_long"))
    if len(cleaned) > MAX_COMMITMENTS:
        errors.setdefault("__all__", []).append(ValidationError(
            _("A poster has at most %(max)s commitments, so that each can be read from across "
              "the room.") % {"max": MAX_COMMITMENTS}, code="too_many_commitments"))
    for n, item in enumerate(cleaned, start=1):
        if len(item.text) > COMMITMENT_MAX_LENGTH:
            errors.setdefault("__all__", []).append(ValidationError(
                _("Commitment %(n)s has %(count)s characters; it can have at most %(max)s. "
                  "Shorten it and save again.")
                % {"n": n, "count": len(item.text), "max": COMMITMENT_MAX_LENGTH},
                code="too_long"))
        if item.purpose and item.purpose not in Purpose.values:
            errors.setdefault("__all__", []).append(ValidationError(
                _("Commitment %(n)s has an unknown purpose.") % {"n": n}, code="invalid_purpose"))
    if not lead and not cleaned:
        errors.setdefault("__all__", []).append(ValidationError(
            _("Write the lead sentence or at least one commitment before saving."), code="empty"))
    if errors:
        raise ValidationError(errors)
    return lead, cleaned


def _content(version: PosterVersion) -> tuple[str, list[tuple[str, str]]]:
    return version.lead, [(c.text, c.purpose) for c in version.commitments.order_by("position")]


@transaction.atomic
def poster_version_save(*, group: LeaderGroup, author: User, base_number: int | None,
                        lead: str, commitments: list[CommitmentInput]) -> VersionSaved:
    """Save the poster as a new version by a member of the group.

    Guarantees nothing is ever overwritten: each save is a new, numbered
    version (group row locked, number unique per poster). A save whose base
    is not the newest version is kept too, and the result lists the newer
    versions so the author can be told and compare. A save identical to the
    newest version (same lead, same commitments in the same order) writes
    nothing and answers that version with ``already_saved`` — whatever the base,
    so repeated clicks on «save» never make duplicate versions.
    """
    lead, cleaned = _clean_content(lead, commitments)
    group = _locked_group(group)
    if not _is_member(group, author):
        raise PermissionDenied(_("Only members of the group draft its poster."))
    poster, _created = PurposePoster.objects.get_or_create(group=group)
    latest = poster.versions.order_by("-number").first()
    base = None
    if base_number is not None:
        base = poster.versions.filter(number=base_number).first()
        if base is None:
            raise ValidationError(_("The version you started from does not exist."),
                                  code="unknown_version")
    if latest is not None and _content(latest) == (lead, [(c.text, c.purpose) for c in cleaned]):
        return VersionSaved(version=latest, already_saved=True)
    newer = list(poster.versions.filter(number__gt=base_number or 0)
                 .select_related("author").order_by("number"))
    version = PosterVersion.objects.create(
        poster=poster, number=(latest.number if latest else 0) + 1, based_on=base, lead=lead,
        author=author)
    PosterCommitment.objects.bulk_create(
        PosterCommitment(version=version, position=n, text=c.text, purpose=c.purpose)
        for n, c in enumerate(cleaned, start=1))
    audit_log(organisation=group.organisation, actor=author, action="groups.poster.saved",
              obj=version, summary=_("Purpose poster of %(group)s saved as version %(number)s")
              % {"group": group.name, "number": version.number},
              data={"based_on": base_number, "newer": [v.number for v in newer]})
    return VersionSaved(version=version, newer=newer)


@transaction.atomic
def poster_comment_add(*, version: PosterVersion, author: User, body: str) -> PosterComment:
    """A member or the facilitator comments on a version (usually a draft)."""
    body = body.strip()
    if not body:
        raise ValidationError({"body": ValidationError(_("Write a comment first."), code="empty")})
    if len(body) > COMMENT_MAX_LENGTH:
        raise ValidationError({"body": ValidationError(
            _("A comment can be at most %(max)s characters.") % {"max": COMMENT_MAX_LENGTH},
            code="too_long")})
    version = PosterVersion.objects.select_related(
        "poster__group__head", "poster__group__process").get(pk=version.pk)
    group = version.poster.group
    process = getattr(group, "process", None)
    if not (_is_member(group, author) or (process and process.facilitator_id == author.pk)):
        raise PermissionDenied(_("Only members and the facilitator comment on the poster."))
    return PosterComment.objects.create(version=version, author=author, body=body)


@transaction.atomic
def poster_publish(*, version: PosterVersion, actor: User) -> PurposePoster:
    """The head of the group publishes a version; every leader can then read it.

    Guarantees only the head publishes, an empty poster is never published,
    and the members are told by email (in their own language) after commit.
    """
    group = _locked_group(version.poster.group)
    version = PosterVersion.objects.select_related("poster").get(pk=version.pk,
                                                                 poster__group=group)
    poster = PurposePoster.objects.select_for_update().get(pk=version.poster_id)
    if group.head.user_id != actor.pk:
        raise PermissionDenied(_("Only the head of the group publishes the poster."))
    if not version.lead.strip() or not version.commitments.exclude(text="").exists():
        raise ValidationError(_("An empty poster cannot be published: it needs the lead "
                                "sentence and at least one commitment."), code="empty")
    if poster.published_version_id == version.pk:
        raise ValidationError(_("Version %(number)s is already the published one.")
                              % {"number": version.number}, code="already_published")
    now = timezone.now()
    poster.published_version = version
    poster.published_at = now
    poster.published_by = actor
    poster.save(update_fields=["published_version", "published_at", "published_by"])
    if version.first_published_at is None:
        version.first_published_at = now
        version.save(update_fields=["first_published_at"])
    audit_log(organisation=group.organisation, actor=actor, action="groups.poster.published",
              obj=version, summary=_("Purpose poster of %(group)s published (version %(number)s)")
              % {"group": group.name, "number": version.number})
    notifications.poster_published(group=group, version=version, actor=actor)
    return poster


def poster_pdf_request(*, group: LeaderGroup, actor: User, page_size: str) -> GeneratedDocument:
    """Ask Celery for a wall-poster PDF of the published version (A4 or A3 portrait)."""
    if page_size not in PAGE_SIZES:
        raise ValidationError(_("Choose A4 or A3."), code="invalid_paper_size")
    poster = PurposePoster.objects.filter(group=group).select_related(
        "published_version").first()
    if poster is None or poster.published_version is None:
        raise ValidationError(_("The poster has not been published yet."), code="not_published")
    return document_request(
        kind=POSTER_PDF_KIND, organisation=group.organisation, requested_by=actor,
        title=_("Purpose poster – %(group)s (%(size)s)") % {"group": group.name,
                                                              "size": page_size},
        params={"version_id": poster.published_version.pk, "page_size": page_size},
        language=actor.language)
