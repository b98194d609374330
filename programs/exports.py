"""Participant lists as CSV and Excel (.xlsx) for O&F, written by ``lib.exports``.

A leader's note starting with "=" must not run as a formula when O&F opens the file:
the helper escapes every cell.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from lib.exports import csv_bytes, xlsx_bytes

from .models import Enrollment, Module
from .selectors import STATUS_LABELS

Cell = str | int


def participant_rows(modules: QuerySet[Module]) -> tuple[list[str], list[list[Cell]]]:
    """Every enrolment of the modules, one row each (one query)."""
    header = [_("Module"), _("Semester"), _("Name"), _("Email"), _("Job title"), _("Unit"),
              _("Status"), _("Waiting list no."), _("Talent seat"), _("Requested on"),
              _("Decided by"), _("Sessions attended"), _("Note")]
    enrollments = list(
        Enrollment.objects.filter(module__in=modules)
        .select_related("module", "leader__user", "leader__unit", "decided_by")
        .with_attendance().with_waiting_position()
        .order_by("module__year", "module__term", "module__topic", "status",
                  "leader__user__full_name"))
    rows: list[list[Cell]] = []
    for e in enrollments:
        rows.append([
            e.module.topic, e.module.semester_label, e.leader.user.full_name,
            e.leader.user.email, e.leader.title, e.leader.unit.name,
            str(STATUS_LABELS[e.shown_status]),
            e.waiting_position if e.waiting_position is not None else "",
            _("yes") if e.talent_seat else "", e.requested_at.strftime("%Y-%m-%d %H:%M"),
            e.decided_by.full_name if e.decided_by else "", e.attended_count, e.note,
        ])
    return header, rows


def as_csv(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    return csv_bytes([header, *rows])


def as_xlsx(header: Sequence[str], rows: Iterable[Sequence[Cell]],
            sheet: str = "Deltakere") -> bytes:
    return xlsx_bytes(header, rows, sheet=sheet)
