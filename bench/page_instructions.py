"""Instructions per page: what ``bench/page_cpu.py`` measures in CPU time, counted.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lu_perf \\
    REDIS_URL=redis://127.0.0.1:6379/8 \\
        .venv/bin/python bench/page_instructions.py [--requests 20] [--only PAGE …]

CPU time on a shared or virtual machine moves by 10–50 % from one minute to the next
(``bench/RESULTS.md``): a change of a few per cent to one page shows only in many
interleaved rounds, if at all. The number of machine instructions the process runs
does not move: each page's requests (the same leaders, the same data, after the same
warming as ``page_cpu.py``'s) are run under valgrind's callgrind, counting only from
the first measured request to the last (``callgrind_control``), and the count is the
same to about 0.1 % from run to run. Use it to compare two versions of the code; the
issue's target is the CPU time, which also holds the kernel's share (a query's or a
cache read's socket calls), which instructions in this process do not.

Needs ``valgrind`` (Debian: ``apt-get install valgrind``). Each page is its own process
(about 25 s each: Django starts under valgrind); two run at a time. The data is the
demo data as it is (``page_cpu.py --seed 10`` makes it).
"""

# ruff: noqa: S603 — the commands are this script, valgrind and callgrind_control, found by which

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VALGRIND = shutil.which("valgrind")
CONTROL = shutil.which("callgrind_control")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20, help="counted requests per page")
    parser.add_argument("--only", metavar="PAGE", action="append", default=[],
                        help="count only these pages (and the bare view)")
    parser.add_argument("--jobs", type=int, default=2, help="pages counted at a time")
    parser.add_argument("--child", metavar="PAGE", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.requests)
        return
    if VALGRIND is None or CONTROL is None:
        sys.exit("valgrind is needed (apt-get install valgrind)")
    names = _page_names()
    if args.only:
        names = [n for n in names if n in args.only or n == "bare view"]
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        counts = dict(zip(names, pool.map(lambda n: _count(n, args.requests), names),
                          strict=True))
    bare = counts["bare view"] or 1
    print(f"\n{args.requests} requests per page, instructions of this process only "
          "(callgrind)\n")
    print("| page | instructions per request (millions) | bare view's as % of the page's |")
    print("|---|---:|---:|")
    for name, count in counts.items():
        if count is None:
            print(f"| {name} | — | (no such page in the data) |")
            continue
        print(f"| {name} | {count / 1e6:.2f} | {100 * bare / count:.0f} % |")


def _page_names() -> list[str]:
    """The pages of ``page_cpu.py``, in its order (asked of a child: Django is needed)."""
    found = subprocess.run([sys.executable, __file__, "--child", "?"], check=True,
                           capture_output=True, text=True, cwd=ROOT).stdout
    return [line for line in found.splitlines() if line]


def _count(name: str, requests: int) -> int | None:
    """Instructions per request of ``name``, counted in a child under callgrind."""
    done = subprocess.run(
        [str(VALGRIND), "--tool=callgrind", "--instr-atstart=no",
         "--callgrind-out-file=/dev/null", sys.executable, __file__, "--child", name,
         "--requests", str(requests)],
        capture_output=True, text=True, cwd=ROOT, check=False)
    if "no such page" in done.stdout:
        return None
    found = re.search(r"Collected : (\d+)", done.stderr)
    if done.returncode or not found:
        sys.exit(f"{name}: callgrind failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return int(found.group(1)) // requests


def _child(name: str, requests: int) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    import journeys
    import page_cpu

    journeys.bench_django()
    pages = page_cpu._pages(journeys, 10)
    if name == "?":
        print("\n".join(pages))
        return
    pairs = pages[name]
    if not pairs:
        print("no such page")
        return
    for _ in range(2):  # warm as page_cpu does (templates, translations, connections)
        for pair in pairs:
            page_cpu._hit(pair)
    pid = str(os.getpid())
    subprocess.run([str(CONTROL), "--instr=on", pid], check=True, capture_output=True)
    for i in range(requests):
        page_cpu._hit(pairs[i % len(pairs)])
    subprocess.run([str(CONTROL), "--instr=off", pid], check=True, capture_output=True)


if __name__ == "__main__":
    main()
