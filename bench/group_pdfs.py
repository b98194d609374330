"""Build 100 purpose-poster PDFs with two real Celery workers; prints the figures.

    .venv/bin/python bench/group_pdfs.py            # SQLite + filesystem broker in a temp dir
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lederutvikling_bench \
    REDIS_URL=redis://127.0.0.1:6379/9 .venv/bin/python bench/group_pdfs.py

Builds the demo data first (not timed), queues 100 poster jobs through the same
``lib.tasks.document_build`` the pages use (the demo's published posters, in
turn), starts two worker processes and times from the first enqueue until every
document is done. Target: under 60 s.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COUNT = 100


def manage(*args: str, env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,  # noqa: S603
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def measure(env: dict[str, str]) -> None:
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    from django.utils import timezone

    from groups.models import PurposePoster
    from groups.services.poster import POSTER_PDF_KIND
    from lib.models import DocumentStatus, GeneratedDocument
    from lib.tasks import document_build

    posters = list(PurposePoster.objects.filter(published_version__isnull=False)
                   .select_related("group"))
    if not posters:
        raise SystemExit("the demo data has no published poster")
    expires = timezone.now() + dt.timedelta(days=1)
    documents = GeneratedDocument.objects.bulk_create([
        GeneratedDocument(organisation_id=posters[i % len(posters)].group.organisation_id,
                          kind=POSTER_PDF_KIND, title=f"Benk {i}",
                          params={"version_id": posters[i % len(posters)].published_version_id,
                                  "page_size": "A4" if i % 2 else "A3"},
                          language="nb", expires_at=expires)
        for i in range(COUNT)])
    workers = [subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "celery", "-A", "lederutvikling", "worker", "--pool", "solo",
         "--loglevel", "WARNING", "--hostname", f"bench{n}@%h", "--without-gossip",
         "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for n in range(2)]
    try:
        time.sleep(3)  # let both workers connect before the clock starts
        started = time.monotonic()
        for document in documents:
            document_build.delay(str(document.pk))
        ids = [d.pk for d in documents]
        while GeneratedDocument.objects.filter(pk__in=ids, status__in=[
                DocumentStatus.QUEUED, DocumentStatus.RUNNING]).exists():
            if time.monotonic() - started > 600:
                raise SystemExit("gave up after 600 s")
            time.sleep(0.25)
        elapsed = time.monotonic() - started
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=30)
    done = GeneratedDocument.objects.filter(pk__in=ids, status=DocumentStatus.DONE).count()
    database = "postgresql" if "DATABASE_URL" in env else "sqlite"
    broker = "redis" if env.get("REDIS_URL") else "filesystem"
    print(f"{COUNT} poster PDFs ({len(posters)} different posters, A4 and A3) with 2 workers: "
          f"{elapsed:.1f} s, {elapsed / COUNT * 1000:.0f} ms each, {done} done "
          f"(database: {database}, broker: {broker}; target < 60 s)")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "LEDERUTVIKLING_VAR_DIR": tmp,
               "DJANGO_SETTINGS_MODULE": "lederutvikling.settings",
               "CELERY_TASK_ALWAYS_EAGER": "0"}
        manage("migrate", "--verbosity", "0", env=env)
        manage("seed_demo", "--reset", env=env)
        os.environ.update(env)
        measure(env)


if __name__ == "__main__":
    main()
