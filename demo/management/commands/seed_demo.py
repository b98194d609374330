"""``manage.py seed_demo``: build the demo world (``demo/world.py``) in one transaction."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, transaction

from demo.world import demo_delete, demo_exists, seed_all


class Command(BaseCommand):
    help = "Create demo municipalities with invented leaders, units and leader groups."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", type=int, default=1,
                            help="Multiply the large municipality (10 ≈ 6,500 leaders).")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--if-empty", action="store_true",
                            help="Do nothing if demo data is already there.")
        parser.add_argument("--reset", action="store_true",
                            help="Delete the demo municipalities first.")

    def handle(self, *args: Any, scale: int, seed: int, if_empty: bool, reset: bool,
               **options: Any) -> None:
        if scale < 1:
            self.stderr.write("--scale must be 1 or more")
            raise SystemExit(2)
        exists = demo_exists()
        if exists and if_empty:
            self.stdout.write("Demo data already present; nothing to do.")
            return
        if exists and not reset:
            self.stderr.write("Demo data already present; use --reset to build it again.")
            raise SystemExit(1)
        started = time.monotonic()
        with transaction.atomic():
            if reset:
                demo_delete()
            counts = seed_all(scale=scale, seed=seed)
        if connection.vendor == "postgresql":
            # Bulk inserts leave the planner's statistics empty until autovacuum runs.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.stdout.write(self.style.SUCCESS(
            f"Demo data ready in {time.monotonic() - started:.1f} s: " + ", ".join(
                f"{k} {v}" for k, v in counts.items())))
