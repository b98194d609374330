"""GDPR for the deepening track: what a leader's export holds, what anonymising scrubs.

Registered in ``ProgramsConfig.ready()`` with ``accounts.privacy``.
"""

from __future__ import annotations

from typing import Any

from accounts.models import Leader, User

from .models import Enrollment, ProgrammeParticipant


def personal_data(user: User) -> dict[str, Any]:
    """The user's enrolments (with their own note and attendance) and programmes."""
    enrollments = (Enrollment.objects.filter(leader__user=user)
                   .select_related("module__programme")
                   .prefetch_related("attendances__session").order_by("requested_at"))
    return {
        "programmes": list(ProgrammeParticipant.objects.filter(leader__user=user)
                           .values_list("programme__name", flat=True)),
        "enrollments": [{
            "module": e.module.topic, "programme": e.module.programme.name,
            "status": e.status, "why_i_want_to_take_part": e.note,
            "requested_at": e.requested_at.isoformat(),
            "decided_at": e.decided_at.isoformat() if e.decided_at else None,
            "reason_given": e.decision_note,
            "attendance": [{"session": a.session.date.isoformat(), "attended": a.attended}
                           for a in e.attendances.all()],
        } for e in enrollments],
    }


def anonymise(leader: Leader) -> None:
    """Clear the free text written by or about the leader; statuses and counts stay."""
    Enrollment.objects.filter(leader=leader).update(note="", decision_note="")
