from __future__ import annotations

from celery import shared_task


@shared_task
def poll_invitations_send(*, plan_id: int) -> int:
    """Email every member with an open date poll; a plan deleted meanwhile sends nothing."""
    from .models import NetworkPlan
    from .services import poll_invitations_send as send

    plan = NetworkPlan.objects.filter(pk=plan_id).first()
    return 0 if plan is None else send(plan=plan)
