from __future__ import annotations

import pytest


@pytest.fixture
def run_sweep(django_capture_on_commit_callbacks):
    """Run the real beat sweep with on-commit sends executed (eager Celery in tests)."""
    from lib.reminders import reminders_sweep

    def run(now=None) -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return reminders_sweep(now=now)

    return run
