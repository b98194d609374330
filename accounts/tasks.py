from __future__ import annotations

import smtplib

from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone


@shared_task
def sessions_clear_expired() -> int:
    """Delete expired login sessions (run by beat); returns how many went."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


@shared_task(bind=True, autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
             retry_backoff=30, retry_backoff_max=60 * 30, max_retries=8)
def password_reset_send(self, *, email: str, domain: str, protocol: str) -> int:
    """Queued for every reset request; sends only if the address may reset its password."""
    from .password_reset import password_reset_deliver

    return password_reset_deliver(email=email, domain=domain, protocol=protocol)


@shared_task
def approvals_escalate() -> int:
    """Offer requests that waited too long higher up (run by beat); returns how many."""
    from .services.approvals import escalations_make

    return len(escalations_make())
