"""A task for the killed-worker test only (loaded with ``worker --include``).

It marks that it started, waits, then delivers a reminder through the real
service — long enough for the test to kill the worker mid-task.
"""

from __future__ import annotations

import time
from pathlib import Path

from celery import shared_task

from lib.reminders import reminder_deliver


@shared_task(name="lib.tests.worker_tasks.slow_reminder_send")
def slow_reminder_send(reminder_id: int, marker: str, delay: float) -> str:
    with Path(marker).open("a") as handle:
        handle.write("started\n")
    time.sleep(delay)
    return reminder_deliver(reminder_id)
