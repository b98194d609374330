"""Participant lists as CSV and Excel (.xlsx) for O&F, written with tablib."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import tablib
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from .models import Enrollment, EnrollmentStatus, Module
from .selectors import COMPLETED, STATUS_LABELS, waiting_positions

Cell = str | int


def participant_rows(modules: QuerySet[Module]) -> tuple[list[str], list[list[Cell]]]:
    """Every enrolment of the modules, one row each (two queries)."""
    header = [_("Module"), _("Semester"), _("Name"), _("Email"), _("Title"), _("Unit"),
              _("Status"), _("Waiting list no."), _("Talent seat"), _("Requested on"),
              _("Decided by"), _("Sessions attended"), _("Note")]
    enrollments = list(
        Enrollment.objects.filter(module__in=modules)
        .select_related("module", "leader__user", "leader__unit", "decided_by")
        .annotate(attended_count=Count("attendances", filter=Q(attendances__attended=True)))
        .order_by("module__year", "module__term", "module__topic", "status",
                  "leader__user__full_name"))
    positions = waiting_positions(module_ids={e.module_id for e in enrollments})
    rows: list[list[Cell]] = []
    for e in enrollments:
        status = e.status
        if status == EnrollmentStatus.SEATED and \
                e.attended_count >= e.module.min_sessions_attended:
            status = COMPLETED
        rows.append([
            e.module.topic, e.module.semester_label, e.leader.user.full_name,
            e.leader.user.email, e.leader.title, e.leader.unit.name,
            str(STATUS_LABELS[status]), positions.get(e.pk, ""),
            _("yes") if e.talent_seat else "", e.requested_at.strftime("%Y-%m-%d %H:%M"),
            e.decided_by.full_name if e.decided_by else "", e.attended_count, e.note,
        ])
    return header, rows


def _csv_safe(value: Cell) -> Cell:
    # A leader's note starting with "=" must not run as a formula when O&F opens the file.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _dataset(header: Sequence[str], rows: Iterable[Sequence[Cell]], title: str) -> tablib.Dataset:
    data = tablib.Dataset(headers=list(header), title=title[:31])
    for row in rows:
        data.append([_csv_safe(v) for v in row])
    return data


def as_csv(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    # Semicolons and a byte-order mark: what Norwegian Excel opens without an import dialog.
    text = _dataset(header, rows, "Deltakere").export("csv", delimiter=";")
    return ("\ufeff" + text).encode("utf-8")


def as_xlsx(header: Sequence[str], rows: Iterable[Sequence[Cell]],
            sheet: str = "Deltakere") -> bytes:
    return _dataset(header, rows, sheet).export("xlsx")
