"""Render time of O&F's start page (Needs action) and the programme dashboard.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lu_cockpit_bench \\
        .venv/bin/python bench/cockpit.py [--scales 1 10] [--requests 20] [--no-seed]

For each scale (default 1× and 10×, the issue's pair), seeds the demo world with
``seed_demo --scale N --reset`` (unless ``--no-seed``, which measures the data as it is),
signs in the large municipality's O&F administrator and requests the admin's
index (with "Needs action") and the dashboard of the municipality's programme
through Django's test client, DEBUG off: two warm-ups, then ``--requests``
requests each. Prints the median and the slowest time in ms and the number of
SQL queries per page, with the process's CPU time (the part that does not wait
for PostgreSQL or a busy machine), and at the end the query counts side by side:
they must not differ between 1× and 10×. The issue's bar: under 300 ms each at 10× on
PostgreSQL.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--scale", type=int, help="one scale only (same as --scales N)")
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--no-seed", action="store_true")
    args = parser.parse_args()
    if "postgres" not in os.environ.get("DATABASE_URL", ""):
        sys.exit("set DATABASE_URL to a PostgreSQL database (it is reseeded)")
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lederutvikling.settings")
    os.environ.update({"DEBUG": "false", "LOG_LEVEL": "WARNING"})
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    scales = [args.scale] if args.scale else args.scales
    if args.no_seed:
        scales = scales[:1]
    counts: dict[int, dict[str, int]] = {}
    for scale in scales:
        if not args.no_seed:
            started = time.perf_counter()
            call_command("seed_demo", scale=scale, reset=True, verbosity=0)
            print(f"seed_demo --scale {scale}: {time.perf_counter() - started:.0f} s")
        counts[scale] = measure(args, scale)
    if len(counts) > 1:
        for name in next(iter(counts.values())):
            row = ", ".join(f"{scale}×: {found[name]}" for scale, found in counts.items())
            stable = len({found[name] for found in counts.values()}) == 1
            print(f"queries, {name}: {row} — {'stable' if stable else 'NOT STABLE'}")
    print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


def measure(args: argparse.Namespace, scale: int) -> dict[str, int]:
    """Median and slowest time of both pages at the seeded scale; their query counts."""
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from accounts.models import Organisation, User
    from programs.models import Programme

    org = (Organisation.objects.annotate(n=Count("leaders")).order_by("-n", "pk").first())
    admin = (User.objects.filter(is_oaf_admin=True, is_active=True, organisation=org)
             .order_by("pk").first())
    programme = Programme.objects.filter(organisation=org).order_by("-starts_on").first()
    print(f"{scale}×: municipality: {org.name}, leaders: {org.leaders.count()}, "
          f"programme: {programme.name if programme else '—'}")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(admin)
    pages = {"needs action (admin index)": reverse("admin:index"),
             "programme dashboard": reverse("admin:cockpit_dashboard")
             + (f"?programme={programme.pk}" if programme else "")}
    counts = {}
    for name, url in pages.items():
        for _ in range(2):
            assert client.get(url).status_code == 200, url
        times, cpu = [], []
        for _ in range(args.requests):
            started, started_cpu = time.perf_counter(), time.process_time()
            client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        counts[name] = len(queries.captured_queries)
        print(f"{scale}× {name}: median {statistics.median(times):.0f} ms, "
              f"slowest {max(times):.0f} ms, "
              f"Django CPU median {statistics.median(cpu):.0f} ms, "
              f"{len(queries.captured_queries)} queries ({args.requests} requests)")
    return counts


if __name__ == "__main__":
    main()
