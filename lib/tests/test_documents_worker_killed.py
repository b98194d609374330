"""`kill -9` of a worker mid-PDF: within two minutes every job is done or failed.

Real PostgreSQL, real Redis, real `celery worker` processes, and the broker's
visibility timeout left at its production value (an hour): the recovery comes from
the heartbeat and the ``documents_reap`` sweep, not from Redis handing the message out
again. The test calls the sweep every few seconds where beat would every 30.
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection
from pypdf import PdfReader

from lib.documents import document_request, documents_reap
from lib.models import DocumentStatus, GeneratedDocument
from lib.testing import wait_until

from .document_worker_hooks import KIND

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def _worker(env: dict[str, str], name: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "lederutvikling", "worker", "-P", "solo",
         "--include", "lib.tests.document_worker_hooks", "-n", f"{name}@%h",
         "--without-heartbeat", "--without-mingle", "--without-gossip", "-l", "WARNING"],
        cwd=ROOT, env=env, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


def _stop(worker: subprocess.Popen, sig: int) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, sig)
        worker.wait(20)


@pytest.fixture
def media_in_tmp(settings, tmp_path):
    """Read the files where the worker (LEDERUTVIKLING_VAR_DIR=tmp_path) wrote them."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def forget_unacked():
    """The killed worker's message stays unacknowledged in Redis for an hour; drop it."""
    yield
    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    client.delete("unacked", "unacked_index", "unacked_mutex")


def test_every_job_of_a_killed_worker_is_done_or_failed_within_two_minutes(
        tmp_path, personas, media_in_tmp, not_eager, forget_unacked):
    db = settings.DATABASES["default"]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "lederutvikling.settings",
           "DATABASE_URL": (f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/"
                            f"{connection.settings_dict['NAME']}"),
           "LEDERUTVIKLING_VAR_DIR": str(tmp_path)}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    env.pop("CELERY_VISIBILITY_TIMEOUT", None)  # the production hour
    marker = tmp_path / "started"

    first = _worker(env, "first")
    try:
        documents = [
            document_request(kind=KIND, organisation=personas.org_a, requested_by=personas.bob,
                             title=f"Referat {n} – Ørsta og Volda",
                             params={"marker": str(marker), "seconds": 6})
            for n in range(3)]
        ids = [d.pk for d in documents]
        assert wait_until(lambda: marker.exists(), 60), "the first worker never started a build"
        time.sleep(1.5)  # mid-build, progress reported
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(10)
        killed_at = time.monotonic()
    finally:
        _stop(first, signal.SIGKILL)
    victim_id = marker.read_text().split()[0]
    victim = GeneratedDocument.objects.get(pk=victim_id)
    assert victim.status == DocumentStatus.RUNNING and victim.progress > 1

    second = _worker(env, "second")
    try:
        def all_finished() -> bool:
            documents_reap()  # beat's job, every 30 s in production
            return not GeneratedDocument.objects.filter(
                pk__in=ids, status__in=[DocumentStatus.QUEUED, DocumentStatus.RUNNING],
            ).exists()
        finished = wait_until(all_finished, 120, every=3)
        seconds = time.monotonic() - killed_at
    finally:
        _stop(second, signal.SIGTERM)
    print(f"\nall {len(ids)} jobs finished {seconds:.1f} s after kill -9 of their worker")
    assert finished and seconds <= 120, f"jobs still open {seconds:.0f} s after the kill"

    rows = {str(d.pk): d for d in GeneratedDocument.objects.filter(pk__in=ids)}
    assert {d.status for d in rows.values()} == {DocumentStatus.DONE}
    victim = rows[victim_id]
    assert victim.requeued and victim.attempts == 2  # sent again once, built the second time
    for document in rows.values():
        reader = PdfReader(io.BytesIO(document.file.read()))
        assert "Møtereferat frå Ørsta" in reader.pages[0].extract_text()
    starts = marker.read_text().splitlines()
    assert starts.count(f"{victim_id} 1") == 1 and starts.count(f"{victim_id} 2") == 1
