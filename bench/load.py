"""Load benchmark: the portal under gunicorn on PostgreSQL, 50 simulated leaders.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lu_hardening \\
    REDIS_URL=redis://127.0.0.1:6379/8 \\
        .venv/bin/python bench/load.py [--scales 1 10] [--users 50] [--seconds 60]

For each scale it reseeds the demo data (``seed_demo --reset --scale N``),
starts gunicorn with ``bench.load_settings`` (the project's settings plus a
bare one-query view, only with ``LEDERUTVIKLING_BENCH=true``) and runs locust
headless twice against it: first 50 users on the bare view (the ceiling), then
50 leaders going through Min side, the module list, a survey's answer page and
a published purpose poster, at capacity and at a leader's pace. It then restarts
gunicorn with the fragment cache off (``FRAGMENT_CACHE_SECONDS=0``, see
``lib/fragments.py``) and runs the capacity test again, so the figures show
what a page costs when nothing is cached too. It prints p50/p95, requests/s,
failures and the ratio of the portal's throughput to the ceiling's.

locust is not a project dependency: if it is missing it is installed into
this virtualenv with pip (pinned, ``locust==2.47.0``).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

# A local benchmark script: it runs fixed commands (this interpreter, gunicorn, locust)
# against 127.0.0.1 only.
# ruff: noqa: S603, S310

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PORT = 8765
HOST = f"http://127.0.0.1:{PORT}"
LOCUST = "locust==2.47.0"

LOCUSTFILE = '''
import json, os, random
from locust import HttpUser, between, constant, task

PEOPLE = json.load(open(os.environ["BENCH_PEOPLE"]))
# "0": closed loop, each user fires again at once (capacity); "1": a leader's pace.
WAIT = constant(0) if os.environ["BENCH_WAIT"] == "0" else between(0.5, 1.5)


class Ceiling(HttpUser):
    wait_time = WAIT

    @task
    def ceiling(self):
        self.client.get("/bench/ceiling/", name="ceiling")


class Leader(HttpUser):
    wait_time = WAIT

    def on_start(self):
        # Sessions are made beforehand (bench/load.py): the password hash is not measured.
        self.me = random.choice(PEOPLE)
        self.client.cookies.set("sessionid", self.me["session"])

    @task
    def journey(self):
        self.client.get("/min-side/", name="min side")
        self.client.get("/fordypning/", name="module list")
        self.client.get(self.me["survey"], name="survey answer")
        self.client.get(self.me["poster"], name="poster view")
'''

PEOPLE_SCRIPT = '''
import json, sys
import django
django.setup()
from django.utils import timezone
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from importlib import import_module
from django.conf import settings
SessionStore = import_module(settings.SESSION_ENGINE).SessionStore
from groups.models import LeaderGroup
from surveys.models import Invitation, Round
from surveys.services.answering import answer_access
from surveys.services import AnswerRefused

org = "fjordvik"
posters = list(LeaderGroup.objects.filter(organisation__slug=org,
               poster__published_version__isnull=False).values_list("public_id", flat=True))
people = []
rounds = Round.objects.filter(organisation__slug=org).open_on(timezone.localdate())
for inv in (Invitation.objects.filter(round__in=rounds, leader__user__is_active=True)
            .select_related("round", "leader__user").order_by("pk")):
    try:
        answer_access(round=inv.round, leader=inv.leader)
    except AnswerRefused:
        continue
    user = inv.leader.user
    session = SessionStore()
    session.update({SESSION_KEY: str(user.pk), BACKEND_SESSION_KEY: "accounts.backends.RoleBackend",
                    HASH_SESSION_KEY: user.get_session_auth_hash()})
    session.create()
    people.append({"email": user.email, "session": session.session_key,
                   "survey": f"/undersokelser/{inv.round_id}/svar/",
                   "poster": f"/ledergrupper/{posters[len(people) % len(posters)]}/formalsplakat/"})
    if len(people) >= int(sys.argv[1]):
        break
json.dump(people, open(sys.argv[2], "w"))
print(len(people))
'''


def ensure_locust() -> None:
    try:
        import locust  # noqa: F401
    except ImportError:
        print(f"installing {LOCUST} into {sys.prefix} …", flush=True)
        subprocess.run([PYTHON, "-m", "pip", "install", "-q", LOCUST], check=True)


def run(cmd: list[str], env: dict[str, str]) -> str:
    result = subprocess.run(cmd, cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    return result.stdout


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer")


def locust(user_class: str, users: int, seconds: int, env: dict[str, str],
           workdir: Path, *, wait: str) -> dict[str, dict[str, float]]:
    prefix = workdir / f"{user_class}-{wait}"
    env = {**env, "BENCH_WAIT": wait}
    locustfile = str(workdir / "locustfile.py")
    result = subprocess.run([PYTHON, "-m", "locust", "-f", locustfile, user_class,
                    "--headless", "-u", str(users), "-r", str(users), "-t", f"{seconds}s",
                    "--host", HOST, "--csv", str(prefix), "--only-summary",
                    "--loglevel", "WARNING"],
                   cwd=ROOT, env=env, check=False, capture_output=True, text=True)
    if "Traceback" in result.stderr:
        print(result.stderr[-3000:], file=sys.stderr)
    rows = {}
    with open(f"{prefix}_stats.csv", newline="") as handle:
        for row in csv.DictReader(handle):
            rows[row["Name"]] = {
                "requests": float(row["Request Count"]), "failures": float(row["Failure Count"]),
                "p50": _number(row["50%"]), "p95": _number(row["95%"]),
                "rps": float(row["Requests/s"]),
            }
    return rows


def _number(value: str) -> float:
    return 0.0 if value in {"", "N/A"} else float(value)


def bench_scale(scale: int, users: int, seconds: int, base_env: dict[str, str],
                workdir: Path) -> list[str]:
    env = dict(base_env)
    t0 = time.monotonic()
    run([PYTHON, "manage.py", "seed_demo", "--reset", "--scale", str(scale)], env)
    seeded = time.monotonic() - t0
    people_file = workdir / "people.json"
    found = run([PYTHON, "-c", PEOPLE_SCRIPT, str(users), str(people_file)], env).strip()
    env["BENCH_PEOPLE"] = str(people_file)
    workers = str(2 * (os.cpu_count() or 1) + 1)
    with _server(env, workers):
        # Warm every worker (translations, templates, connections) before measuring.
        locust("Leader", users, 15, env, workdir, wait="1")
        ceiling = locust("Ceiling", users, seconds, env, workdir, wait="0")["Aggregated"]
        capacity = locust("Leader", users, seconds, env, workdir, wait="0")
        paced = locust("Leader", users, seconds, env, workdir, wait="1")
    # The same capacity run with the fragment cache off: what every page costs when
    # nothing is cached (a leader's first visit, or right after a change).
    with _server({**env, "FRAGMENT_CACHE_SECONDS": "0"}, workers):
        locust("Leader", users, 15, env, workdir, wait="1")
        uncached = locust("Leader", users, seconds, env, workdir, wait="0")
    lines = [f"## Scale {scale}", "",
             f"Seeded in {seeded:.0f} s; {found} leaders with an open survey; {users} users, "
             f"{seconds} s per run; gunicorn {workers} sync workers, {os.cpu_count()} CPUs "
             "(locust runs on the same machine).", ""]
    for title, rows in (("Capacity (no think time; the ceiling run is the same)", capacity),
                        ("At a leader's pace (0.5–1.5 s between journeys)", paced),
                        ("Capacity with the fragment cache off", uncached)):
        lines += [f"### {title}", "", "| endpoint | requests | failures | p50 ms | p95 ms | "
                  "req/s |", "|---|---:|---:|---:|---:|---:|"]
        named = [("ceiling (bare view, 1 query)", ceiling)] if rows is capacity else []
        for name, row in [*named, *((n, r) for n, r in rows.items() if n != "Aggregated"),
                          ("portal, all four pages", rows["Aggregated"])]:
            lines.append(f"| {name} | {row['requests']:.0f} | {row['failures']:.0f} | "
                         f"{row['p50']:.0f} | {row['p95']:.0f} | {row['rps']:.1f} |")
        lines.append("")
    ratio = capacity["Aggregated"]["rps"] / ceiling["rps"] if ceiling["rps"] else 0.0
    cold = uncached["Aggregated"]["rps"] / ceiling["rps"] if ceiling["rps"] else 0.0
    failures = sum(rows["Aggregated"]["failures"] for rows in (capacity, paced, uncached))
    lines += [f"Throughput portal/ceiling at capacity: {ratio:.0%} (target ≥ 30 %); "
              f"with the fragment cache off: {cold:.0%}. "
              f"p95 at a leader's pace: {paced['Aggregated']['p95']:.0f} ms (target < 300 ms "
              f"at scale 10). Failures: {failures:.0f} (target 0).", ""]
    return lines


@contextlib.contextmanager
def _server(env: dict[str, str], workers: str) -> Iterator[None]:
    server_env = {**env, "DJANGO_SETTINGS_MODULE": "bench.load_settings"}
    server = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "lederutvikling.wsgi:application", "-b", f"127.0.0.1:{PORT}",
         "-w", workers, "--log-level", "warning"],
        cwd=ROOT, env=server_env, stderr=subprocess.DEVNULL)
    try:
        wait_for(f"{HOST}/bench/ceiling/")
        yield
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    args = parser.parse_args()
    if "postgres" not in os.environ.get("DATABASE_URL", ""):
        sys.exit("set DATABASE_URL to a PostgreSQL database (it is reseeded)")
    if not os.environ.get("REDIS_URL"):
        sys.exit("set REDIS_URL (the cache, as in production; its database is used as is)")
    ensure_locust()
    env = {**os.environ, "DEBUG": "false", "LEDERUTVIKLING_BENCH": "true",
           "DATABASE_CONN_MAX_AGE": "60", "LOG_LEVEL": "WARNING",
           "DJANGO_SETTINGS_MODULE": "lederutvikling.settings",
           "PYTHONPATH": str(ROOT)}
    run([PYTHON, "manage.py", "migrate", "-v0"], env)
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        (workdir / "locustfile.py").write_text(LOCUSTFILE, encoding="utf-8")
        report = []
        for scale in args.scales:
            report += bench_scale(scale, args.users, args.seconds, env, workdir)
    print("\n".join(report))
    print(json.dumps({"command": " ".join(sys.argv)}))


if __name__ == "__main__":
    main()
