"""Writes of the reports app: policies and rates created on demand with defaults."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from lib.documents import document_request
from lib.models import GeneratedDocument
from programs.models import Programme

from ..documents import REPORT_KINDS
from ..models import ReminderPolicy


@transaction.atomic
def policy_get(*, organisation_id: int) -> ReminderPolicy:
    """The municipality's reminder policy; created with the defaults if it has none.

    The one-to-one constraint makes a race between two callers create one row;
    the loser reads the winner's.
    """
    policy, _ = ReminderPolicy.objects.get_or_create(organisation_id=organisation_id)
    return policy


def policies_get(*, organisation_ids: Iterable[int]) -> dict[int, ReminderPolicy]:
    """Policies for many municipalities: one query, two more only if some are missing.

    Missing ones are inserted with the defaults (``ignore_conflicts``: a racing
    sweep inserting the same row is harmless under the one-to-one constraint).
    """
    wanted = set(organisation_ids)
    if not wanted:
        return {}
    found = {p.organisation_id: p
             for p in ReminderPolicy.objects.filter(organisation_id__in=wanted)}
    missing = wanted - found.keys()
    if missing:
        ReminderPolicy.objects.bulk_create(
            [ReminderPolicy(organisation_id=pk) for pk in sorted(missing)],
            ignore_conflicts=True)
        found = {p.organisation_id: p
                 for p in ReminderPolicy.objects.filter(organisation_id__in=wanted)}
    return found


@transaction.atomic
def report_request(*, kind: str, programme: Programme, requested_by: User,
                   first: dt.date | None = None, last: dt.date | None = None,
                   title: str) -> GeneratedDocument:
    """Queue one management report; Celery builds it after commit.

    Refuses a programme of another municipality and a period that ends before
    it starts; nothing is stored then.
    """
    if kind not in REPORT_KINDS:
        raise ValidationError(_("Unknown kind of report."), code="unknown_kind")
    if not requested_by.is_superuser and programme.organisation_id != requested_by.organisation_id:
        raise ValidationError(_("Choose a programme of your own municipality."),
                              code="other_municipality")
    if first and last and last < first:
        raise ValidationError(_("The period must end on or after the day it starts."),
                              code="end_before_start")
    params: dict[str, object] = {"programme": programme.pk}
    if first:
        params["first"] = first.isoformat()
    if last:
        params["last"] = last.isoformat()
    return document_request(kind=kind, organisation=programme.organisation,
                            requested_by=requested_by, title=title, params=params)
