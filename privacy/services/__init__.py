"""The municipality's statements: made with defaults, saved by O&F, read by its users."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone

from lib.audit import audit_log

from ..defaults import ACCESSIBILITY_FEEDBACK, ACCESSIBILITY_SCOPE, KNOWN_DEVIATIONS, multilingual
from ..models import (
    AccessibilityStatement,
    KnownDeviation,
    PrivacyAcknowledgement,
    PrivacyStatement,
)
from .retention import retention_policies, retention_policy_get

if TYPE_CHECKING:
    from accounts.models import Organisation, User

__all__ = ["accessibility_statement_get", "privacy_acknowledge", "privacy_pending",
           "privacy_statement_save", "retention_policies", "retention_policy_get"]


def accessibility_statement_get(*, organisation: Organisation,
                                feedback_email: str) -> AccessibilityStatement:
    """The municipality's accessibility statement; made with the portal's own if it has none.

    The first one says what the portal covers and its known deviations
    (``privacy.defaults``) and sends feedback to ``feedback_email`` until O&F change it.
    """
    statement = AccessibilityStatement.objects.filter(organisation=organisation).first()
    if statement is not None:
        return statement
    try:
        with transaction.atomic():
            statement = AccessibilityStatement.objects.create(
                organisation=organisation, feedback_email=feedback_email,
                **multilingual("scope", ACCESSIBILITY_SCOPE),
                **multilingual("feedback", ACCESSIBILITY_FEEDBACK))
            KnownDeviation.objects.bulk_create(
                KnownDeviation(statement=statement, criterion=row["criterion"], area=row["area"],
                               position=position, **multilingual("description",
                                                                 row["description"]))
                for position, row in enumerate(KNOWN_DEVIATIONS, start=1))
    except IntegrityError:  # made by a racing request: one per municipality
        return AccessibilityStatement.objects.get(organisation=organisation)
    return statement


@transaction.atomic
def privacy_statement_save(*, statement: PrivacyStatement, actor: User | None,
                           everyone_reads: bool) -> PrivacyStatement:
    """Save O&F's privacy statement. ``everyone_reads``: a new version every user is shown.

    The first save is version 1, which everyone is shown at their next login.
    """
    is_new = statement.pk is None
    if not is_new and everyone_reads:
        current = PrivacyStatement.objects.select_for_update().get(pk=statement.pk)
        statement.version = current.version + 1
    statement.updated_at = timezone.now()
    statement.save()
    audit_log(organisation=statement.organisation, actor=actor,
              action="privacy.statement.saved", obj=statement,
              summary=f"v{statement.version}",
              data={"version": statement.version, "everyone_reads": is_new or everyone_reads})
    return statement


def privacy_pending(*, user: User) -> PrivacyStatement | None:
    """The statement ``user`` has not been shown in its current version, if any (one query)."""
    if not user.is_authenticated or not user.organisation_id:
        return None
    statement = (PrivacyStatement.objects.filter(organisation_id=user.organisation_id)
                 .only("pk", "version", "organisation_id").first())
    if statement is None:
        return None
    read = PrivacyAcknowledgement.objects.filter(
        user=user, organisation_id=user.organisation_id, version=statement.version).exists()
    return None if read else statement


def privacy_acknowledge(*, user: User) -> PrivacyAcknowledgement | None:
    """Record that ``user`` has been shown their municipality's current statement (once)."""
    if user.organisation_id is None:
        return None
    statement = PrivacyStatement.objects.filter(organisation_id=user.organisation_id).first()
    if statement is None:
        return None
    acknowledgement, _created = PrivacyAcknowledgement.objects.get_or_create(
        user=user, organisation_id=statement.organisation_id, version=statement.version)
    return acknowledgement
