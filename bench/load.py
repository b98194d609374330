"""Load benchmark: the portal under gunicorn on PostgreSQL, as many leaders use it.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lu_perf \\
    REDIS_URL=redis://127.0.0.1:6379/8 \\
        .venv/bin/python bench/load.py [--scales 10] [--users 50] [--seconds 60]
                                       [--profile realistic|pages] [--no-seed]

For each scale it reseeds the demo data (``seed_demo --reset --scale N``; not with
``--no-seed``), makes a session for each of several hundred leaders
(``bench/journeys.py``), starts gunicorn with ``bench.load_settings`` (the
project's settings plus a bare one-query view, only with ``LEDERUTVIKLING_BENCH=true``)
and runs locust headless against it.

``--profile realistic`` (the default, issue 23): every journey is played by a
leader who has not been seen before in the run — first visits, as when an email
brings a leader to the portal. A journey opens the login page (anonymous), then
Min side, then one of the module list, a survey to answer, a purpose poster,
a coaching course or a network group (what that leader has), then does one
thing there — opens a module, saves a survey draft, answers a network date
poll — with ``--think`` seconds between steps. Three runs, each ``--seconds`` long:
the bare view without think time (the ceiling), the journeys without think time
(capacity), and the journeys at a leader's pace with ``--users`` leaders at a time.
It prints p50/p95 per page, requests/s, failures and throughput against the bare view.

``--profile pages`` is the earlier profile: 50 leaders open the same four pages
(Min side, module list, survey, poster) again and again.

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

LOCUSTFILE = r'''
import itertools, json, os, random, re
from locust import HttpUser, between, constant, task

PEOPLE = json.load(open(os.environ["BENCH_PEOPLE"]))
THINK = float(os.environ.get("BENCH_THINK", "2"))
# "0": closed loop, each user fires again at once (capacity); "1": a leader's pace.
PACED = os.environ["BENCH_WAIT"] != "0"
WAIT = between(THINK / 2, THINK * 1.5) if PACED else constant(0)
# Each journey takes the next leader: nobody is seen twice until the list runs out.
NEXT = itertools.cycle(PEOPLE)
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
RADIO = re.compile(r'type="radio"[^>]*name="(item_\d+)"[^>]*value="(\d+)"'
                   r'|name="(item_\d+)"[^>]*type="radio"[^>]*value="(\d+)"')
OPTION = re.compile(r'name="(option_\d+)"')
MODULE = re.compile(r'href="(/fordypning/moduler/[0-9a-f-]+/)"')


class Ceiling(HttpUser):
    wait_time = WAIT

    @task
    def ceiling(self):
        self.client.get("/bench/ceiling/", name="ceiling")


class Pages(HttpUser):
    """The earlier profile: the same leaders open the same four pages again and again."""
    wait_time = between(0.5, 1.5) if PACED else constant(0)

    def on_start(self):
        choices = [p for p in PEOPLE if p["survey"] and p["poster"]] or PEOPLE
        self.me = random.choice(choices)
        self.client.cookies.set("sessionid", self.me["session"])

    @task
    def journey(self):
        self.client.get("/min-side/", name="min side")
        self.client.get("/fordypning/", name="module list")
        if self.me["survey"]:
            self.client.get(self.me["survey"], name="survey answer")
        if self.me["poster"]:
            self.client.get(self.me["poster"], name="poster")


class Leader(HttpUser):
    """One journey per leader, each by a leader not seen before (first visits)."""
    wait_time = WAIT

    def think(self):
        if PACED:
            self._sleep(random.uniform(THINK / 2, THINK * 1.5))

    def _sleep(self, seconds):
        import gevent
        gevent.sleep(seconds)

    def post(self, url, page, data, name):
        token = TOKEN.search(page)
        if token is None:
            return
        self.client.post(url, data={"csrfmiddlewaretoken": token.group(1), **data},
                         name=name, headers={"Referer": self.host + url})

    @task
    def journey(self):
        me = next(NEXT)
        self.client.cookies.clear()
        self.client.get("/konto/logg-inn/", name="login page")
        self.think()
        # Signed in: a session made beforehand (the password hash is not measured).
        self.client.cookies.set("sessionid", me["session"])
        self.client.get("/min-side/", name="min side")
        self.think()
        kinds = [k for k in ("survey", "poster", "coaching", "network") if me[k]]
        kind = random.choice(kinds + ["modules"])
        if kind == "modules":
            page = self.client.get("/fordypning/", name="module list").text
            found = MODULE.findall(page)
            if found:
                self.think()
                self.client.get(random.choice(found), name="module detail")
        elif kind == "survey":
            page = self.client.get(me["survey"], name="survey answer").text
            answers = {}
            for m in RADIO.finditer(page):
                name, value = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
                answers.setdefault(name, value)
            if answers:
                self.think()
                first = dict(itertools.islice(answers.items(), 3))
                self.post(me["survey"], page, {**first, "action": "save"},
                          name="survey draft save (POST, then the page again)")
        elif kind == "poster":
            self.client.get(me["poster"], name="poster")
        elif kind == "coaching":
            self.client.get(me["coaching"], name="coaching course")
        else:
            self.client.get(me["network"], name="network group")
            if me["meeting"]:
                self.think()
                page = self.client.get(me["meeting"], name="network meeting").text
                options = dict.fromkeys(OPTION.findall(page))
                if options:
                    self.think()
                    self.post(me["meeting"] + "svar/", page,
                              {name: random.choice(["ja", "kanskje", "nei"]) for name in options},
                              name="network poll answer (POST, then the meeting)")
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
           workdir: Path, *, wait: str, ramp: float = 0) -> dict[str, dict[str, float]]:
    """One locust run; ``ramp`` seconds for all ``users`` to arrive (0: at once)."""
    prefix = workdir / f"{user_class}-{wait}"
    env = {**env, "BENCH_WAIT": wait}
    locustfile = str(workdir / "locustfile.py")
    result = subprocess.run([PYTHON, "-m", "locust", "-f", locustfile, user_class,
                             "--headless", "-u", str(users),
                             "-r", str(users / ramp if ramp > 0 else users),
                             "-t", f"{seconds}s", "--host", HOST, "--csv", str(prefix),
                             "--only-summary", "--loglevel", "WARNING"],
                            cwd=ROOT, env=env, check=False, capture_output=True, text=True)
    if "Traceback" in result.stderr:  # an error in the locustfile: show the first
        start = result.stderr.index("Traceback")
        print(result.stderr[max(0, start - 300):start + 2000], file=sys.stderr)
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


def _table(title: str, rows: dict[str, dict[str, float]],
           extra: list[tuple[str, dict[str, float]]] = ()) -> list[str]:  # type: ignore[assignment]
    lines = [f"#### {title}", "", "| page | requests | failures | p50 ms | p95 ms | req/s |",
             "|---|---:|---:|---:|---:|---:|"]
    for name, row in [*extra, *sorted((n, r) for n, r in rows.items() if n != "Aggregated"),
                      ("all pages", rows["Aggregated"])]:
        lines.append(f"| {name} | {row['requests']:.0f} | {row['failures']:.0f} | "
                     f"{row['p50']:.0f} | {row['p95']:.0f} | {row['rps']:.1f} |")
    return [*lines, ""]


def _people(env: dict[str, str], workdir: Path, count: int) -> tuple[Path, str]:
    people_file = workdir / "people.json"
    found = run([PYTHON, str(ROOT / "bench" / "journeys.py"), str(count), str(people_file),
                 "--sessions"], env).strip()
    return people_file, found


def bench_realistic(scale: int, args: argparse.Namespace, base_env: dict[str, str],
                    workdir: Path) -> list[str]:
    env = dict(base_env)
    seeded = _seed(scale, args, env)
    people_file, found = _people(env, workdir, args.leaders)
    env.update({"BENCH_PEOPLE": str(people_file), "BENCH_THINK": str(args.think)})
    workers = str(2 * (os.cpu_count() or 1) + 1)
    with _server(env, workers):
        # Warm every worker (translations, templates, connections) before measuring.
        locust("Leader", args.users, 15, env, workdir, wait="1")
        ceiling = locust("Ceiling", args.users, args.seconds, env, workdir,
                         wait="0")["Aggregated"]
        capacity = locust("Leader", args.users, args.seconds, env, workdir, wait="0")
        paced = locust("Leader", args.users, args.seconds, env, workdir, wait="1",
                       ramp=args.ramp)
    lines = [f"### Scale {scale}, realistic profile", "",
             f"Seeded in {seeded}; {found} (distinct leaders, each plays one journey, "
             f"then the list starts over); {args.users} users, {args.seconds} s per run, "
             f"think time {args.think / 2:.1f}–{args.think * 1.5:.1f} s between steps at a "
             f"leader's pace, the leaders arriving over {args.ramp:g} s; "
             f"gunicorn {workers} sync workers, {os.cpu_count()} CPUs "
             f"(locust on the same machine); load average at the end "
             f"{os.getloadavg()[0]:.1f}.", ""]
    lines += _table(f"At a leader's pace, {args.users} leaders at a time", paced)
    lines += _table("Capacity (no think time)", capacity,
                    [("ceiling (bare view, 1 query)", ceiling)])
    ratio = capacity["Aggregated"]["rps"] / ceiling["rps"] if ceiling["rps"] else 0.0
    worst = max((r["p95"], n) for n, r in paced.items() if n != "Aggregated")
    failures = capacity["Aggregated"]["failures"] + paced["Aggregated"]["failures"]
    return [*lines, f"Summary — throughput {ratio:.0%} of the bare view; at a leader's pace "
            f"the slowest page's p95 {worst[0]:.0f} ms ({worst[1]}; target < 150 ms); "
            f"failures {failures:.0f} (target 0).", ""]


def bench_pages(scale: int, args: argparse.Namespace, base_env: dict[str, str],
                workdir: Path) -> list[str]:
    """The earlier profile: the same leaders open the same four pages again and again."""
    env = dict(base_env)
    seeded = _seed(scale, args, env)
    people_file, found = _people(env, workdir, args.leaders)
    env["BENCH_PEOPLE"] = str(people_file)
    workers = str(2 * (os.cpu_count() or 1) + 1)
    with _server(env, workers):
        locust("Pages", args.users, 15, env, workdir, wait="1")
        ceiling = locust("Ceiling", args.users, args.seconds, env, workdir, wait="0")
        capacity = locust("Pages", args.users, args.seconds, env, workdir, wait="0")
        paced = locust("Pages", args.users, args.seconds, env, workdir, wait="1",
                       ramp=args.ramp)
    lines = [f"### Scale {scale}, pages profile (the same leaders again and again)", "",
             f"Seeded in {seeded}; {found}; {args.users} users, {args.seconds} s per run.", ""]
    lines += _table("Capacity (no think time)", capacity,
                    [("ceiling (bare view, 1 query)", ceiling["Aggregated"])])
    lines += _table("At a leader's pace (0.5–1.5 s between journeys)", paced)
    top = ceiling["Aggregated"]["rps"] or 1.0
    lines += [f"Throughput against the bare view: {capacity['Aggregated']['rps'] / top:.0%}; "
              f"p95 at a leader's pace {paced['Aggregated']['p95']:.0f} ms.", ""]
    return lines


def _seed(scale: int, args: argparse.Namespace, env: dict[str, str]) -> str:
    if args.no_seed:
        return "not reseeded (--no-seed)"
    t0 = time.monotonic()
    run([PYTHON, "manage.py", "seed_demo", "--reset", "--scale", str(scale)], env)
    return f"{time.monotonic() - t0:.0f} s"


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
    parser.add_argument("--scales", type=int, nargs="+", default=[10])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--leaders", type=int, default=600,
                        help="distinct leaders to play (each journey takes the next)")
    parser.add_argument("--think", type=float, default=2.0,
                        help="mean seconds between steps at a leader's pace")
    parser.add_argument("--ramp", type=float, default=5.0,
                        help="seconds over which the leaders of the paced run arrive (0: all "
                             "in the same instant, whose first requests then queue together "
                             "— before the seventh session every run did that)")
    parser.add_argument("--profile", choices=("realistic", "pages"), default="realistic")
    parser.add_argument("--no-seed", action="store_true", help="use the data as it is")
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
    bench = bench_realistic if args.profile == "realistic" else bench_pages
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        (workdir / "locustfile.py").write_text(LOCUSTFILE, encoding="utf-8")
        report = []
        for scale in args.scales:
            report += bench(scale, args, env, workdir)
    print("\n".join(report))
    print(json.dumps({"command": " ".join(sys.argv)}))


if __name__ == "__main__":
    main()
