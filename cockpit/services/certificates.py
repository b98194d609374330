"""Course certificates (kursbevis): one page per completed module, signed by O&F.

"Completed" is the programs app's one rule (``Enrollment.is_completed``); the
signer is the municipality's :class:`~cockpit.models.CertificateSettings`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from lib.money import hours
from lib.pdf import render_pdf
from programs.models import Enrollment, EnrollmentStatus, ModuleSession

from ..models import CertificateSettings


@dataclass(frozen=True)
class Certificate:
    name: str
    module: str
    programme: str
    first: dt.date | None
    last: dt.date | None
    hours: Decimal
    sessions: int


def _minutes(session: ModuleSession) -> int:
    start = dt.datetime.combine(session.date, session.starts_at)
    end = dt.datetime.combine(session.date, session.ends_at)
    return max(int((end - start).total_seconds() // 60), 0)


def completed_for_certificates(enrollments: Sequence[int] | None = None, *,
                               module_ids: Sequence[int] | None = None) -> list[Enrollment]:
    """Completed enrolments (by id, or of modules) with what a certificate prints (3 queries)."""
    rows = Enrollment.objects.filter(status=EnrollmentStatus.SEATED)
    if enrollments is not None:
        rows = rows.filter(pk__in=enrollments)
    if module_ids is not None:
        rows = rows.filter(module_id__in=module_ids)
    rows = (rows.with_attendance()
            .select_related("leader__user", "module__programme")
            .prefetch_related(Prefetch("module__sessions",
                                       queryset=ModuleSession.objects.order_by("date",
                                                                                "starts_at")))
            .order_by("module__topic", "module_id", "leader__user__full_name", "pk"))
    return [row for row in rows if row.is_completed]


def certificate_for(enrollment: Enrollment) -> Certificate:
    sessions = list(enrollment.module.sessions.all())
    return Certificate(
        name=enrollment.leader.user.full_name, module=enrollment.module.topic,
        programme=enrollment.module.programme.name,
        first=sessions[0].date if sessions else None,
        last=sessions[-1].date if sessions else None,
        hours=hours(sum(_minutes(s) for s in sessions)), sessions=len(sessions))


def signer_for(organisation_id: int) -> CertificateSettings:
    signer = CertificateSettings.objects.filter(organisation_id=organisation_id).first()
    if signer is None:
        raise ValidationError(_("O&F has not yet said who signs the course certificates."),
                              code="no_signer")
    return signer


def certificates_pdf(*, enrollments: Sequence[Enrollment], organisation_id: int,
                     language: str) -> bytes:
    """One PDF with a page per completed enrolment; refuses none and a missing signer."""
    if not enrollments:
        raise ValidationError(_("Nobody has completed the module yet."), code="not_completed")
    if any(not e.is_completed for e in enrollments):
        raise ValidationError(_("The module is not completed yet."), code="not_completed")
    signer = signer_for(organisation_id)
    certificates = [certificate_for(e) for e in enrollments]
    return render_pdf(template="cockpit/pdf/certificates.html", language=language,
                      context={"title": _("Course certificate"), "certificates": certificates,
                               "signer": signer, "orientation": "landscape"})
