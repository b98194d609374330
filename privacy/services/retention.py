"""The retention schedule: what is past its keeping time, and the jobs that remove it.

One function per kind of data says what is due (``*_due``, a queryset for one
municipality's policy at a given time) and one job removes it for every
municipality (``*_purge`` / ``*_scrub`` / ``leavers_anonymise``), called by the
beat task of the same name (``privacy/tasks.py``). Each job

* removes only what its own ``*_due`` selects, so the admin's preview
  ("what will be deleted next") and the job never disagree;
* is safe to run twice: what it removed no longer matches (a scrubbed reminder
  has no text, an anonymised leader no history, a deleted row is gone);
* logs how many rows it touched per kind, never what they held.
"""

from __future__ import annotations

import calendar
import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models, transaction
from django.db.models import OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Leader, Organisation, User
from accounts.privacy import leader_anonymise
from lib.models import AuditEntry, GeneratedDocument, ReminderStatus, SentReminder
from lib.scoping import organisation_lookup
from surveys.models import Draft

from ..models import RetentionPolicy

logger = logging.getLogger("privacy.retention")

# The address leader_anonymise gives: an anonymised leader is never due again.
ANONYMISED_EMAIL = "@invalid.example"
# The scrubbed columns of a sent reminder: the rendered message and the error text.
REMINDER_CONTENT = ("subject", "body", "html", "ics", "last_error")


# --- Policies -------------------------------------------------------------------------------

def retention_policy_get(*, organisation_id: int) -> RetentionPolicy:
    """The municipality's retention schedule; created with the defaults if it has none."""
    policy, _created = RetentionPolicy.objects.get_or_create(organisation_id=organisation_id)
    return policy


def retention_policies(organisation_ids: Iterable[int] | None = None
                       ) -> dict[int, RetentionPolicy]:
    """Every municipality's schedule (or the ones asked for), missing ones made with defaults."""
    wanted = set(organisation_ids if organisation_ids is not None
                 else Organisation.objects.values_list("pk", flat=True))
    found = {p.organisation_id: p
             for p in RetentionPolicy.objects.filter(organisation_id__in=wanted)}
    if missing := wanted - found.keys():
        RetentionPolicy.objects.bulk_create(
            [RetentionPolicy(organisation_id=pk) for pk in sorted(missing)],
            ignore_conflicts=True)
        found.update({p.organisation_id: p
                      for p in RetentionPolicy.objects.filter(organisation_id__in=missing)})
    return found


def years_before(moment: dt.datetime, years: int) -> dt.datetime:
    """The same moment ``years`` earlier (29 February becomes 28 February)."""
    year = moment.year - years
    day = min(moment.day, calendar.monthrange(year, moment.month)[1])
    return moment.replace(year=year, day=day)


def months_before(moment: dt.datetime, months: int) -> dt.datetime:
    """The same moment ``months`` earlier, on the month's last day if it is shorter."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


# --- Unsent survey answers --------------------------------------------------------------------

def drafts_due(policy: RetentionPolicy, now: dt.datetime) -> models.QuerySet[Draft]:
    """Answers saved halfway in rounds that closed more than ``draft_days`` days ago."""
    last_close = timezone.localdate(now) - dt.timedelta(days=policy.draft_days)
    return Draft.objects.in_organisation(policy.organisation_id).filter(
        invitation__round__closes_on__lt=last_close)


# --- Sent reminders -----------------------------------------------------------------------------

def reminders_due(policy: RetentionPolicy, now: dt.datetime) -> models.QuerySet[SentReminder]:
    """Reminders older than ``reminder_days`` that still hold their text or an error.

    A reminder still waiting to be sent keeps its text; the row itself stays
    (its unique occasion and recipient is what stops a second send).
    """
    has_content = Q()
    for name in REMINDER_CONTENT:
        has_content |= ~Q(**{name: ""})
    return (SentReminder.objects.in_organisation(policy.organisation_id)
            .filter(created_at__lt=now - dt.timedelta(days=policy.reminder_days))
            .exclude(status=ReminderStatus.PENDING).filter(has_content))


# --- Audit trail and change history -------------------------------------------------------------

def history_models() -> list[type[models.Model]]:
    """Every change-history model django-simple-history keeps (HistoricalUser, …)."""
    from simple_history.models import HistoricalChanges

    return sorted((m for m in apps.get_models() if issubclass(m, HistoricalChanges)),
                  key=lambda m: m._meta.label)


def history_due(policy: RetentionPolicy, now: dt.datetime
                ) -> list[models.QuerySet[Any]]:
    """Audit entries and history rows of the municipality older than ``history_years``."""
    cutoff = years_before(now, policy.history_years)
    due: list[models.QuerySet[Any]] = [AuditEntry.objects.filter(
        organisation_id=policy.organisation_id, created_at__lt=cutoff)]
    for model in history_models():
        path = organisation_lookup(model)
        if path is None:  # pragma: no cover - every history model here is scoped
            continue
        due.append(model._base_manager.filter(**{path: policy.organisation_id},
                                              history_date__lt=cutoff))
    return due


def _orphaned_history(now: dt.datetime) -> list[models.QuerySet[Any]]:
    """History of rows whose municipality can no longer be found, past the default period."""
    years = RetentionPolicy._meta.get_field("history_years").get_default()
    cutoff = years_before(now, years)
    due = []
    for model in history_models():
        path = organisation_lookup(model)
        if path is not None:  # no municipality: a superuser's, or the path's row is gone
            due.append(model._base_manager.filter(**{f"{path}__isnull": True},
                                                  history_date__lt=cutoff))
    return due


# --- Leaders who have left ---------------------------------------------------------------------

def _inactive_since() -> Subquery:
    """When the user's account was last deactivated, from the user's change history.

    The first history row with ``is_active`` off after the last one with it on;
    none when the history holds no deactivation (nothing is then assumed).
    """
    history = User.history.model._base_manager
    # Inside ``since`` below: its own row's user (``id``) is the outer reference.
    last_active = Subquery(history.filter(id=OuterRef("id"), is_active=True)
                           .order_by("-history_date").values("history_date")[:1])
    since = (history.filter(id=OuterRef("user_id"), is_active=False)
             .filter(history_date__gt=Coalesce(
                 last_active, Value(dt.datetime(1900, 1, 1, tzinfo=dt.UTC))))
             .order_by("history_date").values("history_date")[:1])
    return Subquery(since)


def leavers(organisation_id: int) -> models.QuerySet[Any]:
    """Leaders of the municipality whose account is off and who are not yet anonymised."""
    return (Leader.objects.in_organisation(organisation_id)
            .filter(user__is_active=False)
            .exclude(user__email__endswith=ANONYMISED_EMAIL)
            .annotate(inactive_since=_inactive_since()))


def leavers_due(policy: RetentionPolicy, now: dt.datetime) -> models.QuerySet[Any]:
    """Leaders deactivated more than ``leaver_months`` months ago, not yet anonymised."""
    return leavers(policy.organisation_id).filter(
        inactive_since__lt=months_before(now, policy.leaver_months))


# --- Generated files --------------------------------------------------------------------------

def documents_due(policy: RetentionPolicy, now: dt.datetime
                  ) -> models.QuerySet[GeneratedDocument]:
    """Files asked for more than ``document_days`` days ago, or past their own keeping time."""
    return GeneratedDocument.objects.in_organisation(policy.organisation_id).filter(
        Q(created_at__lt=now - dt.timedelta(days=policy.document_days)) | Q(expires_at__lt=now))


# --- The jobs -----------------------------------------------------------------------------------

def _each_policy() -> Iterable[RetentionPolicy]:
    return retention_policies().values()


def drafts_purge(*, now: dt.datetime | None = None) -> int:
    """Delete unsent survey answers past their keeping time; returns how many went."""
    now = now or timezone.now()
    total = 0
    for policy in _each_policy():
        with transaction.atomic():
            total += drafts_due(policy, now).delete()[0]
    logger.info("retention: deleted %d unsent survey drafts", total)
    return total


def reminders_scrub(*, now: dt.datetime | None = None) -> int:
    """Blank the text of old reminders (the row and its status stay); returns how many."""
    now = now or timezone.now()
    total = 0
    for policy in _each_policy():
        total += reminders_due(policy, now).update(**dict.fromkeys(REMINDER_CONTENT, ""))
    logger.info("retention: removed the text of %d sent reminders", total)
    return total


def history_purge(*, now: dt.datetime | None = None) -> int:
    """Delete audit entries and history rows past their keeping time; returns how many."""
    now = now or timezone.now()
    counts: dict[str, int] = {}
    for policy in _each_policy():
        with transaction.atomic():
            for queryset in history_due(policy, now):
                label = queryset.model._meta.label
                counts[label] = counts.get(label, 0) + queryset.delete()[0]
    with transaction.atomic():
        for queryset in _orphaned_history(now):
            label = queryset.model._meta.label
            counts[label] = counts.get(label, 0) + queryset.delete()[0]
    for label, count in sorted(counts.items()):
        if count:
            logger.info("retention: deleted %d rows of %s", count, label)
    total = sum(counts.values())
    logger.info("retention: deleted %d audit and history entries", total)
    return total


def leavers_anonymise(*, now: dt.datetime | None = None) -> int:
    """Anonymise leaders who left longer ago than the schedule says; returns how many.

    Through ``accounts.privacy.leader_anonymise``, one leader per transaction, so
    one leader's failure stops neither the others nor a later run.
    """
    now = now or timezone.now()
    total = failed = 0
    for policy in _each_policy():
        for leader in leavers_due(policy, now).order_by("pk"):
            try:
                leader_anonymise(leader=leader, actor=None)
            except Exception:  # noqa: BLE001 - logged (without personal data), retried next run
                failed += 1
                logger.exception("retention: anonymising leader #%d failed", leader.pk)
            else:
                total += 1
    logger.info("retention: anonymised %d leaders who had left (%d failed)", total, failed)
    return total


def documents_purge(*, now: dt.datetime | None = None) -> int:
    """Delete generated files past the municipality's keeping time; returns how many."""
    now = now or timezone.now()
    total = 0
    for policy in _each_policy():
        for document in documents_due(policy, now):
            if document.file:
                document.file.delete(save=False)
            document.delete()
            total += 1
    logger.info("retention: deleted %d generated files", total)
    return total


# --- What will be deleted next (the admin's preview) -------------------------------------------

@dataclass(frozen=True)
class RetentionKind:
    key: str
    label: Any  # gettext_lazy
    what: Any  # what happens to it, gettext_lazy
    period: Callable[[RetentionPolicy], Any]
    count: Callable[[RetentionPolicy, dt.datetime], int]


def _count_history(policy: RetentionPolicy, now: dt.datetime) -> int:
    return sum(queryset.count() for queryset in history_due(policy, now))


RETENTION_KINDS: list[RetentionKind] = [
    RetentionKind("drafts", _("Unsent survey answers"), _("deleted"),
                  lambda p: _("%(days)s days after the survey closes") % {"days": p.draft_days},
                  lambda p, now: drafts_due(p, now).count()),
    RetentionKind("reminders", _("Text of sent reminders"), _("text removed"),
                  lambda p: _("%(days)s days") % {"days": p.reminder_days},
                  lambda p, now: reminders_due(p, now).count()),
    RetentionKind("history", _("Audit trail and change history"), _("deleted"),
                  lambda p: _("%(years)s years") % {"years": p.history_years},
                  _count_history),
    RetentionKind("leavers", _("Leaders who have left"), _("anonymised"),
                  lambda p: _("%(months)s months after the account was deactivated")
                  % {"months": p.leaver_months},
                  lambda p, now: leavers_due(p, now).count()),
    RetentionKind("documents", _("Generated files"), _("deleted"),
                  lambda p: _("%(days)s days") % {"days": p.document_days},
                  lambda p, now: documents_due(p, now).count()),
]


@dataclass(frozen=True)
class PreviewRow:
    kind: RetentionKind
    period: str
    due_now: int  # removed by the next run
    due_soon: int  # removed within ``ahead`` days, the next run's included


@dataclass(frozen=True)
class RetentionPreview:
    policy: RetentionPolicy
    rows: list[PreviewRow]
    ahead_days: int
    leavers_undated: int  # deactivated, but the history does not say when


def retention_preview(*, organisation_id: int, now: dt.datetime | None = None,
                      ahead_days: int = 30) -> RetentionPreview:
    """For O&F: how much of each kind the next run removes, and how much in ``ahead_days``."""
    now = now or timezone.now()
    policy = retention_policy_get(organisation_id=organisation_id)
    later = now + dt.timedelta(days=ahead_days)
    rows = [PreviewRow(kind=kind, period=str(kind.period(policy)),
                       due_now=kind.count(policy, now), due_soon=kind.count(policy, later))
            for kind in RETENTION_KINDS]
    undated = leavers(organisation_id).filter(inactive_since__isnull=True).count()
    return RetentionPreview(policy=policy, rows=rows, ahead_days=ahead_days,
                            leavers_undated=undated)

