"""A worker killed mid-task loses no job: after a restart it is done exactly once.

Real PostgreSQL, real Redis, real `celery worker` processes (CI runs this).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from lederutvikling.celery import app
from lib.models import ReminderStatus, SentReminder
from lib.testing import wait_until
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def _worker(env: dict[str, str], name: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "lederutvikling", "worker", "-P", "solo",
         "--include", "lib.tests.worker_tasks", "-n", f"{name}@%h", "--without-heartbeat",
         "--without-mingle", "--without-gossip", "-l", "WARNING"],
        cwd=ROOT, env=env, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )




def test_killed_worker_job_is_done_once_after_restart(tmp_path, personas):
    db = settings.DATABASES["default"]
    database_url = (f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/"
                    f"{connection.settings_dict['NAME']}")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "lederutvikling.settings",
           "DATABASE_URL": database_url, "CELERY_VISIBILITY_TIMEOUT": "2",
           "CELERY_UNACKED_RESTORE_INTERVAL": "1",
           "LEDERUTVIKLING_VAR_DIR": str(tmp_path)}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    mail_dir = tmp_path / "mail"
    marker = tmp_path / "started"

    user = UserFactory(organisation=personas.org_a, email="kari@askvik.example")
    reminder = SentReminder.objects.create(
        organisation=personas.org_a, occasion="test.kill:1", recipient=user, kind="session",
        subject="Påminning", body="Samling i morgon", html="<p>Samling i morgon</p>")

    first = _worker(env, "first")
    try:
        app.send_task("lib.tests.worker_tasks.slow_reminder_send",
                      args=[reminder.pk, str(marker), 4.0])
        assert wait_until(lambda: marker.exists(), 60), "the first worker never started the job"
        os.killpg(first.pid, signal.SIGKILL)  # mid-task, before it could acknowledge
        first.wait(10)
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.PENDING
    assert not mail_dir.exists() or not any(mail_dir.iterdir())

    second = _worker(env, "second")
    try:
        def done() -> bool:
            reminder.refresh_from_db()
            return reminder.status == ReminderStatus.SENT
        assert wait_until(done, 90), "the job was lost: no worker finished it after the restart"
        time.sleep(3)  # give any duplicate delivery the chance to show itself
    finally:
        os.killpg(second.pid, signal.SIGTERM)
        second.wait(20)
    assert marker.read_text().count("started") == 2  # redelivered once
    mails = list(mail_dir.iterdir())
    assert len(mails) == 1
    assert "kari@askvik.example" in mails[0].read_text()
    assert reminder.attempts == 1
