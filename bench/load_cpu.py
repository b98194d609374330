"""Where the CPU goes under load: gunicorn, PostgreSQL and Redis, per request.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lu_hardening \\
    REDIS_URL=redis://127.0.0.1:6379/8 \\
        .venv/bin/python bench/load_cpu.py [--seconds 30]

Run after ``bench/load.py`` (it uses the demo data as seeded there). Starts
gunicorn as ``bench/load.py`` does, runs locust with no think time for the
realistic leader journeys (``bench/load.py``) and for the bare ceiling view, and
prints the CPU seconds per second each group of processes used (from psutil) and
the CPU milliseconds gunicorn spent per request. What is left of the two cores is
locust's.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import load  # noqa: E402


def _cpu() -> dict[tuple[str, int], float]:
    import psutil  # comes with locust, which load.ensure_locust() installs

    used: dict[tuple[str, int], float] = {}
    for proc in psutil.process_iter(["name", "cmdline", "cpu_times"]):
        try:
            cmd = " ".join(proc.info["cmdline"] or [])
            name = proc.info["name"] or ""
            key = ("gunicorn" if "gunicorn" in cmd else "postgres" if "postgres" in name
                   else "redis" if "redis" in name else None)
            if key:
                times = proc.info["cpu_times"]
                used[(key, proc.pid)] = times.user + times.system
        except (psutil.Error, TypeError):
            continue
    return used


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=30)
    args = parser.parse_args()
    load.ensure_locust()
    env = {**os.environ, "DEBUG": "false", "LEDERUTVIKLING_BENCH": "true",
           "DATABASE_CONN_MAX_AGE": "60", "LOG_LEVEL": "WARNING",
           "DJANGO_SETTINGS_MODULE": "lederutvikling.settings", "PYTHONPATH": str(load.ROOT)}
    workers = str(2 * (os.cpu_count() or 1) + 1)
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        (workdir / "locustfile.py").write_text(load.LOCUSTFILE, encoding="utf-8")
        people, _found = load._people(env, workdir, 600)
        env["BENCH_PEOPLE"] = str(people)
        print("| run | req/s | gunicorn cores | PostgreSQL cores | Redis cores | "
              "gunicorn CPU ms per request |\n|---|---:|---:|---:|---:|---:|")
        with load._server(env, workers):
            for user_class in ("Leader", "Ceiling"):
                load.locust(user_class, 50, 10, env, workdir, wait="0")
                before, started = _cpu(), time.monotonic()
                rows = load.locust(user_class, 50, args.seconds, env, workdir, wait="0")
                after, elapsed = _cpu(), time.monotonic() - started
                cores: dict[str, float] = {}
                for (key, pid), seconds in after.items():
                    # A process that started during the run counts from zero.
                    spent = seconds - before.get((key, pid), 0.0)
                    cores[key] = cores.get(key, 0.0) + spent / elapsed
                rps = rows["Aggregated"]["rps"]
                print(f"| {user_class} | {rps:.0f} | {cores.get('gunicorn', 0):.2f} | "
                      f"{cores.get('postgres', 0):.2f} | {cores.get('redis', 0):.2f} | "
                      f"{1000 * cores.get('gunicorn', 0) / rps:.1f} |")


if __name__ == "__main__":
    main()
