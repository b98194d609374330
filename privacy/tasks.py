"""Beat jobs of the retention schedule: thin, each calls its service (services/retention.py)."""

from __future__ import annotations

from celery import shared_task


@shared_task
def retention_drafts_purge() -> int:
    """Delete unsent survey answers of closed rounds past the schedule."""
    from .services.retention import drafts_purge

    return drafts_purge()


@shared_task
def retention_reminders_scrub() -> int:
    """Remove the text of sent reminders past the schedule."""
    from .services.retention import reminders_scrub

    return reminders_scrub()


@shared_task
def retention_history_purge() -> int:
    """Delete audit entries and change history past the schedule."""
    from .services.retention import history_purge

    return history_purge()


@shared_task
def retention_leavers_anonymise() -> int:
    """Anonymise leaders who left longer ago than the schedule says."""
    from .services.retention import leavers_anonymise

    return leavers_anonymise()


@shared_task
def retention_documents_purge() -> int:
    """Delete generated files past the municipality's keeping time."""
    from .services.retention import documents_purge

    return documents_purge()
