"""Import a year's meeting plan from a spreadsheet, with a preview before anything is saved.

Every row goes through :func:`networks.services.rounds.meeting_record` — the
same rules, messages and codes as a meeting entered by hand — inside one
transaction, each row in a savepoint of its own, so a clash between two rows of
the file is found just as a clash with the database is. A preview (``dry_run``)
and an import with any refused row are rolled back whole: nothing is saved
until every row keeps the rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from accounts.models import User
from lib.audit import audit_log
from lib.http import error_text

from ..imports import PlanRow
from ..models import MeetingStatus, NetworkGroup, NetworkMeeting, NetworkPlan
from .groups import lock_plan
from .rounds import MeetingInput, meeting_record


@dataclass
class RowResult:
    row: PlanRow
    action: str = ""  # "new" / "changed" / "" when refused
    problems: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)

    @property
    def replaces(self) -> bool:
        """The row changes a round the group already has (same number)."""
        return self.action == "changed"


@dataclass
class ImportReport:
    rows: list[RowResult]
    saved: bool = False

    @property
    def problems(self) -> list[RowResult]:
        return [r for r in self.rows if r.problems]

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.problems


def _codes(exc: ValidationError) -> list[str]:
    return [e.code or "invalid" for e in exc.error_list]


def meetings_import(*, plan: NetworkPlan, rows: list[PlanRow], actor: User | None,
                    dry_run: bool) -> ImportReport:
    """Check (and unless ``dry_run``, save) every row of a plan file.

    Guarantees all or nothing: the plan is saved only when no row is refused,
    and a preview saves nothing. Imported meetings are marked as entered by hand
    (the planner leaves them alone); no email goes out for them — O&F tells the
    groups when the plan is ready ("Ask members to answer").
    """
    results: list[RowResult] = []
    with transaction.atomic():
        plan = lock_plan(plan)
        groups = {name.casefold(): g for g in plan.groups.all() for name in [g.name]}
        advisers = {}
        for user in (User.objects.filter(organisation_id=plan.programme.organisation_id,
                                         is_facilitator=True, is_active=True)
                     .annotate(email_lower=Lower("email"))):
            advisers[user.email_lower] = user
            advisers.setdefault(user.full_name.casefold(), user)
        for row in rows:
            result = RowResult(row, problems=list(row.problems))
            results.append(result)
            group = groups.get(row.group.casefold())
            if row.group and group is None:
                result.problems.append(_("There is no group «%(group)s» in this plan.")
                                       % {"group": row.group})
            adviser = advisers.get(row.adviser.casefold()) if row.adviser else None
            if row.adviser and adviser is None:
                result.problems.append(_("«%(name)s» is not an adviser of the municipality.")
                                       % {"name": row.adviser})
            if result.problems or group is None or row.number is None:
                continue
            exists = NetworkMeeting.objects.filter(group=group, number=row.number).exclude(
                status=MeetingStatus.CANCELLED).exists()
            try:
                with transaction.atomic():
                    if row.state == MeetingStatus.CANCELLED:
                        _cancel_round(group=group, number=row.number)
                    else:
                        meeting_record(group=group, actor=actor, number=row.number,
                                       notify=False, data=MeetingInput(
                                           status=row.state, date=row.date, slot=row.slot,
                                           facilitator=adviser, place=plan.default_place))
            except (ValidationError, PermissionDenied) as exc:
                result.problems.extend(exc.messages if isinstance(exc, ValidationError)
                                       else [error_text(exc)])
                result.codes.extend(_codes(exc) if isinstance(exc, ValidationError)
                                    else ["permission"])
            else:
                result.action = "changed" if exists else "new"
        report = ImportReport(results)
        if dry_run or not report.ok:
            transaction.set_rollback(True)
            return report
        report.saved = True
        audit_log(organisation=plan.programme.organisation, actor=actor,
                  action="networks.meetings_imported", obj=plan,
                  summary=f"{plan.programme}: {len(results)}")
        return report


def _cancel_round(*, group: NetworkGroup, number: int) -> None:
    existing = (NetworkMeeting.objects.select_for_update()
                .filter(group=group, number=number)
                .exclude(status=MeetingStatus.CANCELLED).first())
    if existing is not None:
        existing.status = MeetingStatus.CANCELLED
        existing.hand_made = True
        existing.save(update_fields=["status", "hand_made"])
        return
    NetworkMeeting.objects.create(group=group, number=number, status=MeetingStatus.CANCELLED,
                                  hand_made=True)
