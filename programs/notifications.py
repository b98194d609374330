"""Emails of the deepening track, each in its reader's language.

Called by the services inside their transaction; ``queue_email`` sends after
commit, so a refused or rolled-back change sends nothing.
"""

from __future__ import annotations

from django.urls import reverse

from accounts.approvals import StepSpec
from accounts.models import User
from lib.emails import absolute_url, queue_email

from .models import Enrollment


def _send(user: User, template: str, enrollment: Enrollment, **extra: object) -> None:
    context = {
        "recipient": user,
        "enrollment": enrollment,
        "module": enrollment.module,
        "leader": enrollment.leader,
        "enrollment_url": absolute_url(reverse("programs:enrollment_detail",
                                               args=[enrollment.uuid])),
        "module_url": absolute_url(reverse("programs:module_detail",
                                           args=[enrollment.module.uuid])),
        **extra,
    }
    queue_email(to=user.email, template_base=f"programs/emails/{template}", context=context,
                language=user.language)


def request_to_approvers(*, enrollment: Enrollment) -> None:
    """Ask the leader above to decide; with no leader above, O&F decides."""
    above = enrollment.leader.leader_above
    if above is not None and above.user.is_active:
        approvers = [above.user]
    else:
        approvers = list(User.objects.filter(
            organisation_id=enrollment.module.programme.organisation_id, is_oaf_admin=True,
            is_active=True))
    for user in approvers:
        _send(user, "request", enrollment)


def step_to_approvers(*, enrollment: Enrollment, step: StepSpec) -> None:
    """A further approval step: its named decider, or O&F."""
    if step.principal_id is not None:
        approvers = list(User.objects.filter(pk=step.principal_id, is_active=True))
    else:
        approvers = list(User.objects.filter(
            organisation_id=enrollment.module.programme.organisation_id, is_oaf_admin=True,
            is_active=True))
    for user in approvers:
        _send(user, "request", enrollment)


def decision_to_leader(*, enrollment: Enrollment) -> None:
    _send(enrollment.leader.user, "decision", enrollment)


def seat_given_to_leader(*, enrollment: Enrollment) -> None:
    """Through the once-only reminder log: a retried or repeated fill never emails twice."""
    from lib.reminders import Due, reminder_queue

    user = enrollment.leader.user
    context = {
        "enrollment": enrollment, "module": enrollment.module, "leader": enrollment.leader,
        "enrollment_url": absolute_url(reverse("programs:enrollment_detail",
                                               args=[enrollment.uuid])),
        "module_url": absolute_url(reverse("programs:module_detail",
                                           args=[enrollment.module.uuid])),
    }
    seated = f"{enrollment.seated_at:%Y%m%d%H%M%S}" if enrollment.seated_at else "0"
    reminder_queue(Due(organisation=enrollment.module.programme.organisation,
                       occasion=f"programs.seat_given:{enrollment.pk}:{seated}", recipient=user,
                       kind="seat_given", template_base="programs/emails/seat_given",
                       context=context))


def cancelled_to_leader(*, enrollment: Enrollment) -> None:
    _send(enrollment.leader.user, "cancelled", enrollment)
