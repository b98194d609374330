"""The kept cursor and psycopg's text cache switched on and off in one process.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lu_bench \\
    REDIS_URL=redis://127.0.0.1:6379/8 \\
        .venv/bin/python bench/driver_ab.py [--alternations 24] [PAGE ...]

On a machine whose speed drifts between runs, two commits measured one after the other
differ by more than a change of a few per cent. This script takes the drift out for
two of the thirteenth session's changes (bench/RESULTS.md): in one process it switches
``lib.prepared._kept_cursor`` and ``lib.driver_caches`` on (as the portal runs) and off
(a new cursor per query; psycopg's own cache of 128 texts of at most 4 kB) between
blocks of requests of each page (``bench/page_cpu.py``'s pages and leaders, the demo
data as seeded), starting each pair with the other one in turn. It prints the median
and fastest CPU per request each way, and on / off. The deferred-column builder cannot
be switched here: a prepared shape is compiled once.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PSYCOPG_TEXTS_KEPT, PSYCOPG_LONGEST_KEPT = 128, 4096  # psycopg 3.3's own limits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="*",
                        default=["min side", "network meeting", "coaching course", "surveys"])
    parser.add_argument("--alternations", type=int, default=24)
    parser.add_argument("--blocks", type=int, default=2,
                        help="requests per leader in each measured block")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "bench"))
    import journeys
    import page_cpu

    journeys.bench_django()
    from psycopg import _queries

    import lib.prepared as prepared

    pages = page_cpu._pages(journeys, 10)
    kept_cursor = prepared._kept_cursor
    kept = (_queries._query2pg, _queries.MAX_CACHED_STATEMENT_LENGTH)
    plain = (lru_cache(maxsize=PSYCOPG_TEXTS_KEPT)(_queries._query2pg_nocache),
             PSYCOPG_LONGEST_KEPT)

    def switch(on: bool) -> None:
        prepared._kept_cursor = kept_cursor if on else (  # type: ignore[assignment]
            lambda connection: connection.cursor())
        _queries._query2pg, _queries.MAX_CACHED_STATEMENT_LENGTH = kept if on else plain

    cpu: dict[str, dict[bool, list[float]]] = {name: {True: [], False: []}
                                               for name in args.pages}
    for name in args.pages:
        for pair in pages[name]:
            page_cpu._hit(pair)
    for round_ in range(args.alternations):
        for on in ((True, False) if round_ % 2 else (False, True)):
            switch(on)
            for name in args.pages:
                for pair in pages[name]:  # once unmeasured: the switched caches fill
                    page_cpu._hit(pair)
                started = time.process_time()
                for _ in range(args.blocks):
                    for pair in pages[name]:
                        page_cpu._hit(pair)
                cpu[name][on].append((time.process_time() - started) * 1000
                                     / (args.blocks * len(pages[name])))
    switch(True)
    print(f"{args.alternations} alternations, {args.blocks} requests per leader a block\n")
    print("| page | CPU ms on (median, fastest) | off (median, fastest) | on / off (medians) |")
    print("|---|---:|---:|---:|")
    for name in args.pages:
        on, off = cpu[name][True], cpu[name][False]
        print(f"| {name} | {statistics.median(on):.2f}, {min(on):.2f} | "
              f"{statistics.median(off):.2f}, {min(off):.2f} | "
              f"{statistics.median(on) / statistics.median(off):.3f} |")


if __name__ == "__main__":
    main()
