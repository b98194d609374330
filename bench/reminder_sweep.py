"""Time a reminder sweep over the ``seed_demo --scale 10`` data; prints the figures.

    .venv/bin/python bench/reminder_sweep.py            # SQLite in a temp dir
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lederutvikling_bench \
        .venv/bin/python bench/reminder_sweep.py

Builds the demo data first (not timed), then runs ``lib.reminders.reminders_sweep``
— every registered source, the once-only rows and the enqueueing of the sends
(sending itself is the workers' job) — twice: the second sweep must queue
nothing. Target: under 10 s for the first sweep.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def manage(*args: str, env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,  # noqa: S603
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def measure() -> None:
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    from collections import Counter

    from django.db import connection
    from django.utils import timezone

    from lib import reminders
    from lib.models import SentReminder

    now = timezone.now()
    per_source = {}
    for key in sorted(reminders._sources):
        started = time.monotonic()
        count = sum(1 for _ in reminders._sources[key](now))
        per_source[key] = (count, time.monotonic() - started)
    started = time.monotonic()
    first = reminders.reminders_sweep(now=now)
    first_s = time.monotonic() - started
    started = time.monotonic()
    second = reminders.reminders_sweep(now=now)
    second_s = time.monotonic() - started
    kinds = Counter(SentReminder.objects.values_list("kind", flat=True))
    for key, (count, seconds) in per_source.items():
        print(f"  source {key}: {count} due, {seconds:.2f} s")
    print(f"first sweep: {first} reminders queued in {first_s:.2f} s; second sweep: {second} "
          f"queued in {second_s:.2f} s (database: {connection.vendor}; target < 10 s)")
    print("  by kind: " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())))


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "LEDERUTVIKLING_VAR_DIR": tmp,
               "DJANGO_SETTINGS_MODULE": "lederutvikling.settings",
               "CELERY_TASK_ALWAYS_EAGER": "0"}
        manage("migrate", "--verbosity", "0", env=env)
        started = time.monotonic()
        manage("seed_demo", "--reset", "--scale", "10", env=env)
        print(f"seed_demo --scale 10: {time.monotonic() - started:.1f} s (not part of the figure)")
        os.environ.update(env)
        measure()


if __name__ == "__main__":
    main()
