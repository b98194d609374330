"""Cold CPU per page: every leader page and O&F's admin lists, each a first visit.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lu_perf \\
    REDIS_URL=redis://127.0.0.1:6379/8 \\
        .venv/bin/python bench/page_cpu.py [--seed 10] [--requests 40] [--leaders 10]
                                           [--profile PAGE [--sort tottime]]

Uses the demo data as it is (``--seed N`` first runs ``seed_demo --reset --scale N``).
Each leader page is requested by ``--leaders`` different leaders who have such a
page (``bench/journeys.py``), in turn, through Django's test client with the load
benchmark's settings (DEBUG off, Redis cache and sessions). Nothing of a page is
cached between requests (see docs/ARCHITECTURE.md), so this is what a first visit costs.
The admin lists are requested by the municipality's O&F administrator. One row is a
POST: each survey leader saves a draft of the first three questions (the redirect that
follows is not requested).

It prints, per page, the process CPU per request (``time.process_time``: Django's
own work, not PostgreSQL's, so a busy machine inflates it less than wall time),
the wall time, the queries of one request and the bare view's CPU as a share of
the page's — the throughput the page would reach against the bare view's (the
issue's target: ≥ 25 % for every leader page). Each page is warmed once per
leader first (templates, translations, connections).

``--profile PAGE`` (a name from the table, e.g. ``"min side"``) adds a cProfile of
that page's requests, sorted by ``--sort`` (default ``cumulative``).

``--ab SETTING --rounds 15`` compares a boolean setting on and off instead, both in
every round (``PREPARED_READS_AHEAD``: a page's reads sent together or one by one): on
a noisy machine a change of a few per cent shows only in many interleaved rounds.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import re
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, metavar="SCALE",
                        help="reseed the demo data at this scale first")
    parser.add_argument("--requests", type=int, default=40, help="measured requests per page")
    parser.add_argument("--rounds", type=int, default=1,
                        help="measure each page this many times, pages interleaved, and "
                             "report the fastest round (a shared or virtual machine's noise "
                             "only ever adds time)")
    parser.add_argument("--leaders", type=int, default=10,
                        help="different leaders per leader page")
    parser.add_argument("--profile", metavar="PAGE", action="append", default=[])
    parser.add_argument("--dump", metavar="PREFIX",
                        help="also write each --profile to PREFIX.<page>.prof (pstats)")
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--calls", action="store_true",
                        help="also count Python function calls per request (cProfile over "
                             "10 requests): a figure the machine's noise does not move")
    parser.add_argument("--split", action="store_true",
                        help="also split each page's CPU: templates (the template backend's "
                             "render, outermost), the database cursor's execute, the rest")
    parser.add_argument("--only", metavar="PAGE", action="append", default=[],
                        help="measure only these pages (and the bare view)")
    parser.add_argument("--ab", metavar="SETTING",
                        help="measure each page with this boolean setting on and off, "
                             "the two interleaved in every round (e.g. PREPARED_READS_AHEAD): "
                             "the fastest and the median round of each")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "bench"))
    import journeys

    journeys.bench_django()
    from django.core.management import call_command

    if args.seed:
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        call_command("seed_demo", scale=args.seed, reset=True, verbosity=0)
        print(f"seed_demo --scale {args.seed}: {time.perf_counter() - started:.0f} s")
    pages = _pages(journeys, args.leaders)
    if args.only:
        pages = {n: v for n, v in pages.items() if n in args.only or n == "bare view"}
    if args.ab:
        _ab(pages, args)
        return
    _measure(pages, args)


def _ab(pages: dict[str, list[tuple[Any, ...]]], args: argparse.Namespace) -> None:
    """``--ab SETTING``: each round measures every page with the setting on, then off, so
    the machine's slow and fast spells fall on both; fastest and median of the rounds."""
    from django.conf import settings

    for pairs in pages.values():
        for pair in pairs:  # warm, as _measure does
            _hit(pair)
    times: dict[tuple[str, bool], list[tuple[float, float]]] = {}
    for _ in range(args.rounds):
        for value in (True, False):
            setattr(settings, args.ab, value)
            for name, pairs in pages.items():
                if pairs:
                    times.setdefault((name, value), []).append(_timed(pairs, args.requests))
    print(f"\n{args.requests} requests per page and round, {args.rounds} rounds, {args.ab} "
          f"on and off interleaved; load average {os.getloadavg()[0]:.1f} on "
          f"{os.cpu_count()} CPUs\n")
    print(f"| page | {args.ab} | CPU ms fastest | CPU ms median | wall ms fastest | "
          "wall ms median |\n|---|---|---:|---:|---:|---:|")
    for name, pairs in pages.items():
        for value in (True, False):
            if not pairs:
                continue
            cpu = sorted(c for c, _ in times[(name, value)])
            wall = sorted(w for _, w in times[(name, value)])
            print(f"| {name} | {'on' if value else 'off'} | {cpu[0]:.2f} | "
                  f"{cpu[len(cpu) // 2]:.2f} | {wall[0]:.2f} | {wall[len(wall) // 2]:.2f} |")


def _pages(journeys: Any, leaders: int) -> dict[str, list[tuple[Any, ...]]]:
    """Page name → (client, URL) pairs, one per leader who has such a page."""
    from django.test import Client

    from accounts.demo import DEMO_ACCOUNTS
    from accounts.models import User
    from coaching.models import Booking
    from programs.models import Module

    people = journeys.people(max(400, leaders * 20))
    users = User.objects.in_bulk([p["user_id"] for p in people])
    clients: dict[int, Any] = {}

    def client_for(person: dict[str, Any]) -> Any:
        if person["user_id"] not in clients:
            client = Client(HTTP_HOST="127.0.0.1")
            # A session made directly, as the load test's: the password hash is not measured.
            client.force_login(users[person["user_id"]],
                               backend="accounts.backends.RoleBackend")
            clients[person["user_id"]] = client
        return clients[person["user_id"]]

    def leader_pages(kind: str | None, url: str | None = None) -> list[tuple[Any, str]]:
        chosen = [p for p in people if kind is None or p[kind]][:leaders]
        return [(client_for(p), url or p[kind]) for p in chosen]

    module = (Module.objects.filter(programme__organisation__slug=journeys.ORG)
              .order_by("pk").values_list("uuid", flat=True).first())
    oaf = Client(HTTP_HOST="127.0.0.1")
    oaf.force_login(User.objects.get(email=DEMO_ACCOUNTS["oaf"]),
                    backend="accounts.backends.RoleBackend")
    busiest = (Booking.objects.filter(course__leader__organisation__slug=journeys.ORG)
               .order_by("-starts_at").values_list("starts_at", flat=True).first())
    month = f"?maned={busiest:%Y-%m}" if busiest else ""
    anonymous = Client(HTTP_HOST="127.0.0.1")
    return {
        "bare view": leader_pages(None, "/bench/ceiling/")[:1],
        "login page": [(anonymous, "/konto/logg-inn/")],
        "signed-in frame": leader_pages(None, "/bench/frame/"),
        "min side": leader_pages(None, "/min-side/"),
        "module list": leader_pages(None, "/fordypning/"),
        "module detail": leader_pages(None, f"/fordypning/moduler/{module}/"),
        "surveys": leader_pages(None, "/undersokelser/"),
        "survey answer": leader_pages("survey"),
        "survey draft save (POST)": _draft_saves(leader_pages("survey")),
        "leader groups": leader_pages("progress", "/ledergrupper/"),
        "group progress": leader_pages("progress"),
        "poster": leader_pages("poster"),
        "coaching": leader_pages("coaching", "/coaching/"),
        "coaching course": leader_pages("coaching"),
        "network group": leader_pages("network"),
        "network meeting": leader_pages("meeting"),
        "leader platform": leader_pages(None, "/lederplattform/"),
        "calendar week": leader_pages(None, "/kalender/uke/"),
        "admin: leaders": [(oaf, "/admin/accounts/leader/")],
        "admin: enrolments": [(oaf, "/admin/programs/enrollment/")],
        "admin: bookings": [(oaf, "/admin/coaching/booking/")],
        "admin: invoice basis": [(oaf, f"/admin/coaching/invoicebasis/{month}")],
    }


def _hit(pair: tuple[Any, ...]) -> Any:
    """GET (client, URL), or POST (client, URL, data) as the page's form would: URL-encoded,
    as a browser sends a form without ``enctype`` (and bench/load.py's client does), not
    the test client's default multipart body."""
    client, url, *data = pair
    if not data:
        return client.get(url)
    return client.post(url, urlencode(data[0], doseq=True),
                       content_type="application/x-www-form-urlencoded")


def _timed(pairs: list[tuple[Any, ...]], requests: int) -> tuple[float, float]:
    """CPU and wall ms per request over ``requests`` requests, the pairs in turn."""
    started, started_wall = time.process_time(), time.perf_counter()
    for i in range(requests):
        _hit(pairs[i % len(pairs)])
    return ((time.process_time() - started) * 1000 / requests,
            (time.perf_counter() - started_wall) * 1000 / requests)


def _draft_saves(pairs: list[tuple[Any, str]]) -> list[tuple[Any, str, dict[str, str]]]:
    """Each survey leader saves a draft of the first three questions (as bench/load.py's
    journey does): the POST alone, the page it redirects to is not followed."""
    radio = re.compile(r'type="radio" name="([^"]+)" value="([^"]+)"')
    saves = []
    for client, url in pairs:
        answers: dict[str, str] = {}
        for match in radio.finditer(client.get(url).content.decode()):
            answers.setdefault(match.group(1), match.group(2))
        if answers:
            saves.append((client, url, {**dict(list(answers.items())[:3]), "action": "save"}))
    return saves


def _measure(pages: dict[str, list[tuple[Any, ...]]], args: argparse.Namespace) -> None:
    from django.db import connection

    queries: dict[str, int] = {}
    for name, pairs in pages.items():
        for pair in pairs:  # warm: templates, translations, this leader's connection
            response = _hit(pair)
            if response.status_code != (302 if len(pair) == 3 else 200):
                sys.exit(f"{name}: {pair[1]} answered {response.status_code}")
        if not pairs:
            continue
        # Counted by a wrapper: the query log is emptied when a request starts.
        executed: list[str] = []

        def count(run: Any, sql: str, *rest: Any, executed: list[str] = executed) -> Any:
            executed.append(sql)
            return run(sql, *rest)

        with connection.execute_wrapper(count):
            _hit(pairs[0])
        queries[name] = len(executed)
    best: dict[str, tuple[float, float]] = {}
    for _ in range(args.rounds):
        for name, pairs in pages.items():
            if not pairs:
                continue
            cpu, wall = _timed(pairs, args.requests)
            if name not in best or cpu < best[name][0]:
                best[name] = (cpu, wall)
    rows: list[tuple[str, float | None, float | None, int | None, int]] = [
        (name, *best[name], queries[name], len(pairs)) if pairs else (name, None, None, None, 0)
        for name, pairs in pages.items()]
    bare = rows[0][1] or 1.0
    print(f"\n{args.requests} requests per page, fastest of {args.rounds} round(s); load "
          f"average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs\n")
    print("| page | leaders | CPU ms | wall ms | queries | bare view's CPU as % of the page's |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, cpu, wall, n_queries, n in rows:
        if cpu is None:
            print(f"| {name} | 0 | — | — | — | (no such page in the data) |")
            continue
        print(f"| {name} | {n} | {cpu:.2f} | {wall:.1f} | {n_queries} | {100 * bare / cpu:.0f} % |")
    if args.calls:
        print("\n| page | function calls per request |\n|---|---:|")
        for name, pairs in pages.items():
            if not pairs:
                continue
            profile = cProfile.Profile()
            profile.enable()
            for i in range(10):
                _hit(pairs[i % len(pairs)])
            profile.disable()
            print(f"| {name} | {pstats.Stats(profile).total_calls // 10} |")  # type: ignore[attr-defined]
    if args.split:
        _split(pages, args)
    for name in args.profile:
        pairs = pages[name]
        profile = cProfile.Profile(time.process_time)
        profile.enable()
        for i in range(args.requests):
            _hit(pairs[i % len(pairs)])
        profile.disable()
        print(f"\n### cProfile: {name} ({args.requests} requests, sorted by {args.sort})\n")
        pstats.Stats(profile).sort_stats(args.sort).print_stats(50)
        if args.dump:
            profile.dump_stats(f"{args.dump}.{name.replace(' ', '_').replace(':', '')}.prof")


def _split(pages: dict[str, list[tuple[Any, ...]]], args: argparse.Namespace) -> None:
    """Per page, the CPU inside the template backend's outermost ``render`` and inside
    the cursor's ``execute`` (fastest of ``--rounds``); the rest is middleware, session,
    the view's Python and rows turned into objects."""
    from django.db import connection
    from django.template.backends.django import Template

    spent = {"templates": 0.0, "cursor": 0.0}
    depth = [0]
    original = Template.render

    def render(template: Any, context: Any = None, request: Any = None) -> Any:
        depth[0] += 1
        started = time.process_time()
        try:
            return original(template, context, request)
        finally:
            depth[0] -= 1
            if not depth[0]:
                spent["templates"] += time.process_time() - started

    def execute(run: Any, *rest: Any) -> Any:
        started = time.process_time()
        try:
            return run(*rest)
        finally:
            spent["cursor"] += time.process_time() - started

    print("\n| page | CPU ms | templates ms | cursor ms | rest ms |\n|---|---:|---:|---:|---:|")
    Template.render = render  # type: ignore[method-assign,assignment]
    try:
        for name, pairs in pages.items():
            if not pairs:
                continue
            best: tuple[float, float, float] | None = None
            for _ in range(args.rounds):
                spent.update(templates=0.0, cursor=0.0)
                with connection.execute_wrapper(execute):
                    started = time.process_time()
                    for i in range(args.requests):
                        _hit(pairs[i % len(pairs)])
                    total = time.process_time() - started
                if best is None or total < best[0]:
                    best = (total, spent["templates"], spent["cursor"])
            assert best is not None
            total, templates, cursor = (value * 1000 / args.requests for value in best)
            print(f"| {name} | {total:.2f} | {templates:.2f} | {cursor:.2f} | "
                  f"{total - templates - cursor:.2f} |")
    finally:
        Template.render = original  # type: ignore[method-assign]


if __name__ == "__main__":
    main()
