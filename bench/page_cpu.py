"""CPU per request of the four benchmark pages, one warm request at a time.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lu_perf \\
    REDIS_URL=redis://127.0.0.1:6379/8 \\
        .venv/bin/python bench/page_cpu.py [--requests 200] [--profile cumulative]

Run after ``bench/load.py`` (it uses the demo data as seeded there). Logs one
leader with an open survey in through a session (as the load test does), then
requests Min side, the module list, the survey's answer page, a published poster
and the bare ceiling view through Django's test client with the benchmark's
settings (DEBUG off, Redis cache, so the fragment cache is on): three warm-ups,
then ``--requests`` requests each, and prints the process CPU time per request.
No HTTP server and no locust: this is what one page costs Django itself.
``--profile SORT`` adds a cProfile of the four pages (CPU time), sorted by SORT.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = ("min side", "module list", "survey answer", "poster view")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--profile", metavar="SORT")
    args = parser.parse_args()
    if "postgres" not in os.environ.get("DATABASE_URL", "") or not os.environ.get("REDIS_URL"):
        sys.exit("set DATABASE_URL (PostgreSQL, seeded by bench/load.py) and REDIS_URL")
    sys.path.insert(0, str(ROOT))
    os.environ.update({"DEBUG": "false", "LEDERUTVIKLING_BENCH": "true",
                       "DATABASE_CONN_MAX_AGE": "60", "LOG_LEVEL": "WARNING",
                       "DJANGO_SETTINGS_MODULE": "bench.load_settings"})
    import django

    django.setup()
    from django.test import Client
    from django.utils import timezone

    from groups.models import LeaderGroup
    from surveys.models import Invitation, Round

    rounds = Round.objects.filter(organisation__slug="fjordvik").open_on(timezone.localdate())
    invitation = (Invitation.objects.filter(round__in=rounds, submitted=False,
                                            leader__user__is_active=True)
                  .select_related("leader__user").order_by("pk").first())
    poster = (LeaderGroup.objects.filter(organisation__slug="fjordvik",
                                         poster__published_version__isnull=False)
              .values_list("public_id", flat=True).first())
    if invitation is None or poster is None:
        sys.exit("no open survey or published poster: run bench/load.py first")
    client = Client(HTTP_HOST="127.0.0.1")
    # A session made directly, as the load test's: the password hash is not measured.
    client.force_login(invitation.leader.user, backend="accounts.backends.RoleBackend")
    urls = {"min side": "/min-side/", "module list": "/fordypning/",
            "survey answer": f"/undersokelser/{invitation.round_id}/svar/",
            "poster view": f"/ledergrupper/{poster}/formalsplakat/",
            "ceiling": "/bench/ceiling/"}
    print("| page | CPU ms per request | response bytes |\n|---|---:|---:|")
    for name, url in urls.items():
        for _ in range(3):
            response = client.get(url)
            if response.status_code != 200:
                sys.exit(f"{url} answered {response.status_code}")
        started = time.process_time()
        for _ in range(args.requests):
            client.get(url)
        spent = (time.process_time() - started) * 1000 / args.requests
        print(f"| {name} | {spent:.2f} | {len(response.content)} |")
    if args.profile:
        profile = cProfile.Profile(time.process_time)
        profile.enable()
        for _ in range(100):
            for name in PAGES:
                client.get(urls[name])
        profile.disable()
        pstats.Stats(profile).sort_stats(args.profile).print_stats(45)
    client.logout()


if __name__ == "__main__":
    main()
