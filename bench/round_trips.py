"""What sending a page's reads together saves: n one-row prepared reads one by one against
the same reads in one round trip (``lib.prepared.together``, psycopg's pipeline mode).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lu_perf \\
    REDIS_URL=redis://127.0.0.1:6379/8 \\
        .venv/bin/python bench/round_trips.py [--reads 2 3 4 6 10] [--rounds 7]

Reads a user by primary key (any user of the demo data), ``--calls`` times per round and
size, the two ways interleaved in every round; prints the CPU (``process_time``: this
process, the driver and the kernel's socket work) and wall time per batch, fastest and
median round. The database is on this machine: over a network each round trip saved is
also the network's round-trip time.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reads", type=int, nargs="+", default=[2, 3, 4, 6, 10])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--calls", type=int, default=1000)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "bench"))
    import journeys

    journeys.bench_django()
    from accounts.models import User
    from lib.prepared import Prepared, together

    by_pk = Prepared(lambda pk: User.objects.filter(pk=pk).only("full_name"))
    ids = list(User.objects.order_by("pk").values_list("pk", flat=True)[:max(args.reads)])
    if len(ids) < max(args.reads):
        sys.exit("seed the demo data first (bench/page_cpu.py --seed 10)")
    times: dict[tuple[int, str], list[tuple[float, float]]] = {}
    for _ in range(args.rounds):
        for n in args.reads:
            reads = [by_pk.read(pk=pk) for pk in ids[:n]]
            ways = {"one by one": lambda reads=reads: [read() for read in reads],
                    "together": lambda reads=reads: together(*reads)}
            for way, run in ways.items():
                for _ in range(50):
                    run()
                started, started_wall = time.process_time(), time.perf_counter()
                for _ in range(args.calls):
                    run()
                times.setdefault((n, way), []).append(
                    ((time.process_time() - started) * 1e6 / args.calls,
                     (time.perf_counter() - started_wall) * 1e6 / args.calls))
    print(f"\n{args.calls} batches per round, {args.rounds} rounds, both ways in each\n")
    print("| reads | way | CPU µs fastest | CPU µs median | wall µs fastest | wall µs median |")
    print("|---:|---|---:|---:|---:|---:|")
    for (n, way), found in times.items():
        cpu, wall = sorted(c for c, _ in found), sorted(w for _, w in found)
        print(f"| {n} | {way} | {cpu[0]:.0f} | {cpu[len(cpu) // 2]:.0f} | {wall[0]:.0f} | "
              f"{wall[len(wall) // 2]:.0f} |")


if __name__ == "__main__":
    main()
