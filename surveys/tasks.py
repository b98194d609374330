"""Celery tasks: thin wrappers that load ids and call a service."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task
def round_invitations_send(round_id: str) -> int:
    """Email a round's invitations; each is claimed before sending, so reruns are safe."""
    return services.round_invitations_send(round_id=round_id)


@shared_task
def rounds_open_due() -> int:
    """Beat, daily: open the rounds whose opening day has come."""
    return services.rounds_open_due()


@shared_task
def evaluations_open_due() -> int:
    """Beat, every 15 minutes: open an evaluation for each session or gathering just ended."""
    return services.evaluations_open_due()


@shared_task
def reports_prepare() -> int:
    """Beat, hourly: work out the shown cells of needs surveys whose results were released."""
    from .reports.needs import needs_rounds_prepare

    return needs_rounds_prepare()
