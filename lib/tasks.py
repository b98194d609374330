from __future__ import annotations

import smtplib

from celery import Task, shared_task

from .emails import RenderedEmail, send_rendered


@shared_task(bind=True, autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
             retry_backoff=30, retry_backoff_max=60 * 30, max_retries=8)
def email_send(self: Task, *, to: str, subject: str, body: str, html: str,
               attachments: list[list[str]] | None = None) -> None:
    """Send one rendered email; a failing mail server is retried with back-off."""
    files = tuple((name, content, mimetype) for name, content, mimetype in attachments or [])
    send_rendered(RenderedEmail(to=to, subject=subject, body=body, html=html,
                                attachments=files))


# Acknowledged only when done, and given back if the worker process is lost, so a
# killed build is redelivered; documents_reap covers a worker killed outright.
@shared_task(acks_late=True, reject_on_worker_lost=True)
def document_build(document_id: str) -> str:
    """Build a requested document (PDF/CSV); idempotent, so a redelivery is harmless."""
    from .documents import document_run

    document = document_run(document_id)
    return document.status if document is not None else "missing"


@shared_task
def documents_reap() -> int:
    """Run by beat: send again, or fail, builds whose worker was lost."""
    from .documents import documents_reap as reap

    return reap()


@shared_task
def outbox_flush() -> int:
    """Run by beat: send the jobs queued while the broker was unreachable."""
    from .outbox import outbox_flush as flush

    return flush()


@shared_task
def documents_purge_expired() -> int:
    from .documents import documents_purge_expired as purge

    return purge()


@shared_task(bind=True, max_retries=6)
def reminder_send(self: Task, reminder_id: int) -> str:
    """Send one reminder; SMTP trouble is retried with back-off, then marked failed."""
    from .reminders import reminder_deliver, reminder_record_failure

    try:
        return reminder_deliver(reminder_id)
    except (smtplib.SMTPException, ConnectionError, TimeoutError) as exc:
        final = self.request.retries >= self.max_retries
        reminder_record_failure(reminder_id, f"{type(exc).__name__}: {exc}", final=final)
        if final:
            return "failed"
        # At most 45 minutes: below the broker's visibility timeout (settings).
        raise self.retry(exc=exc, countdown=min(60 * 2 ** self.request.retries, 45 * 60)) from exc


@shared_task
def reminders_sweep() -> int:
    """Run by beat: queue every reminder that is due (each at most once)."""
    from .reminders import reminders_sweep as sweep

    return sweep()
