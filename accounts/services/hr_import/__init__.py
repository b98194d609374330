"""Import from the HR system: the leader file and the unit tree file.

Three steps, as O&F meets them in the admin:

1. :func:`hr_import_upload` reads the file (refusing what is no table) and keeps
   it in an :class:`~accounts.models.HRImportBatch` until it is applied;
2. :func:`hr_import_preview` is the dry run: with the municipality's column
   mapping (remembered once it works) it lists new, changed and moved leaders
   or units, leaders missing from the file, and every refused row with its
   reason. Nothing is written but the mapping;
3. :func:`hr_import_apply` runs the same plan again inside one transaction, with
   the municipality locked, and writes it — only if no row is refused, so a
   file is imported whole or not at all. Applying the same file twice changes
   nothing the second time. Changes go to the change history
   (django-simple-history) and one entry to the audit trail.

django-import-export's ``Resource`` import works row by row; the rules here
span rows (leaders above in the same file, circles, leavers, parents before
children), so the plan is our own. Reading CSV and XLSX is in
:mod:`.files`, the column mapping in :mod:`.columns`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lib.audit import audit_log

from ...models import HRImportBatch, HRImportKind, HRImportStatus, Organisation, User
from .columns import fields_for, mapping_guess, mapping_resolve, mapping_save, mapping_saved
from .files import read_table
from .leaders import leaders_apply, leaders_plan
from .report import ImportReport
from .units import units_apply, units_plan

__all__ = ["Preview", "fields_for", "hr_import_apply", "hr_import_preview", "hr_import_upload",
           "read_table"]

KEEP_UNAPPLIED = dt.timedelta(days=1)


@dataclass
class Preview:
    headers: tuple[str, ...]
    columns: dict[str, str]
    report: ImportReport | None  # None while the mapping misses a column
    mapping_errors: list[str]

# The audit trail's action per kind of file (named in accounts/audit_labels.py).
AUDIT_ACTIONS: dict[str, str] = {HRImportKind.LEADERS: "accounts.hr_import.leaders",
                                  HRImportKind.UNITS: "accounts.hr_import.units"}


def hr_import_upload(*, organisation: Organisation, kind: str, file_name: str, content: bytes,
                     actor: User | None) -> HRImportBatch:
    """Keep an uploaded file for its dry run; refuses a file that is no table."""
    if kind not in HRImportKind.values:
        raise ValidationError(_("Unknown kind of file."), code="unknown_kind")
    read_table(content, file_name)
    # Files wait only for their dry run: the uploader's earlier one and any stale ones go.
    stale = Q(created_at__lt=timezone.now() - KEEP_UNAPPLIED)
    if actor is not None:
        stale |= Q(created_by=actor, kind=kind)
    HRImportBatch.objects.filter(stale, organisation=organisation,
                                 status=HRImportStatus.PREVIEWED).delete()
    return HRImportBatch.objects.create(organisation=organisation, kind=kind,
                                        file_name=file_name[:255], content=content,
                                        created_by=actor)


def _plan(batch: HRImportBatch, columns: dict[str, str]):  # type: ignore[no-untyped-def]
    table = read_table(bytes(batch.content), batch.file_name)
    if batch.kind == HRImportKind.LEADERS:
        return leaders_plan(organisation=batch.organisation, table=table, columns=columns)
    return units_plan(organisation=batch.organisation, table=table, columns=columns)


def hr_import_preview(*, batch: HRImportBatch, columns: dict[str, str] | None = None) -> Preview:
    """The dry run. ``columns`` (field → heading) defaults to the remembered mapping.

    A mapping that finds every required column is remembered for the
    municipality; nothing else is written.
    """
    if batch.status != HRImportStatus.PREVIEWED:
        raise ValidationError(_("This file has already been imported."), code="already_applied")
    table = read_table(bytes(batch.content), batch.file_name)
    organisation = batch.organisation
    if columns is None:
        columns = mapping_guess(headers=table.headers, kind=batch.kind,
                                saved=mapping_saved(organisation=organisation, kind=batch.kind))
    try:
        mapping_resolve(headers=table.headers, kind=batch.kind, columns=columns)
    except ValidationError as error:
        return Preview(table.headers, columns, None, error.messages)
    plan = _plan(batch, columns)
    with transaction.atomic():
        mapping_save(organisation=organisation, kind=batch.kind, columns=columns)
        batch.summary = {"columns": columns, "preview": plan.report.counts()}
        batch.save(update_fields=["summary"])
    return Preview(table.headers, columns, plan.report, [])


@transaction.atomic
def hr_import_apply(*, batch: HRImportBatch, actor: User | None,
                    deactivate_leavers: bool = True) -> ImportReport:
    """Write the previewed file, all or nothing; the same file twice changes nothing.

    The plan is made again under a lock on the municipality (one import at a
    time), with the mapping of the dry run, so it reflects the data as it is
    now. Refuses (``import_has_errors``) while any row is refused.
    """
    Organisation.objects.select_for_update().filter(pk=batch.organisation_id).first()
    batch = HRImportBatch.objects.select_for_update().select_related("organisation").get(
        pk=batch.pk)
    if batch.status != HRImportStatus.PREVIEWED or "columns" not in batch.summary:
        raise ValidationError(_("This file has already been imported."), code="already_applied")
    plan = _plan(batch, batch.summary["columns"])
    report = plan.report
    if report.errors:
        raise ValidationError(
            _("%(count)s rows have errors; correct the file and upload it again. Nothing was "
              "imported."), code="import_has_errors", params={"count": len(report.errors)})
    organisation = batch.organisation
    reason = _("HR import: %(file)s") % {"file": batch.file_name}
    try:
        with transaction.atomic():
            if batch.kind == HRImportKind.LEADERS:
                leaders_apply(plan=plan, organisation=organisation, actor=actor, reason=reason,
                              deactivate_leavers=deactivate_leavers)
            else:
                units_apply(plan=plan, organisation=organisation, actor=actor)
    except IntegrityError:
        raise ValidationError(
            _("The data changed while the file was being imported. Nothing was imported; "
              "preview the file again."), code="conflict") from None
    counts = report.counts()
    if batch.kind == HRImportKind.LEADERS:
        counts["deactivated"] = len(plan.leavers) if deactivate_leavers else 0
    audit_log(organisation=organisation, actor=actor, action=AUDIT_ACTIONS[batch.kind],
              obj=batch, summary=batch.file_name, data=counts)
    batch.status = HRImportStatus.APPLIED
    batch.applied_at = timezone.now()
    batch.content = b""  # personal data the portal no longer needs
    batch.summary = {**batch.summary, "applied": counts}
    batch.save(update_fields=["status", "applied_at", "content", "summary"])
    return report
