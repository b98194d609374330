from __future__ import annotations

import smtplib

from celery import Task, shared_task


@shared_task(bind=True, max_retries=6)
def message_deliver(self: Task, delivery_id: int) -> str:
    """Send one message to one person; SMTP trouble is retried with back-off, then failed."""
    from .services import message_deliver as deliver
    from .services import message_record_failure

    try:
        return deliver(delivery_id)
    except (smtplib.SMTPException, ConnectionError, TimeoutError) as exc:
        final = self.request.retries >= self.max_retries
        message_record_failure(delivery_id, f"{type(exc).__name__}: {exc}", final=final)
        if final:
            return "failed"
        raise self.retry(exc=exc, countdown=min(60 * 2 ** self.request.retries, 45 * 60)) from exc
