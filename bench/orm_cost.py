"""Where a leader page's CPU goes: building querysets, compiling SQL, rows to objects.

    DATABASE_URL=postgres://…/lu_bench REDIS_URL=redis://127.0.0.1:6379/8 \
        .venv/bin/python bench/orm_cost.py /min-side/ /undersokelser/ survey progress

Each argument is a URL, or a kind of journey page from ``bench/journeys.py``
(``survey``, ``poster``, ``progress``, ``coaching``, ``network``, ``meeting``: each
leader's own). Every page is requested once to warm up, then three times by 20
leaders; the CPU (process time) per request is printed with the part spent in
``QuerySet`` building methods, in ``SQLCompiler.as_sql`` and in reading rows into
objects (``results_iter``), and, with ``--sites``, SQL compile time per call site in
the project's code. Prepared queries (``lib/prepared.py``) show as neither build nor
compile. The wrappers add their own cost, so read the parts against each other and
take a page's CPU from ``bench/page_cpu.py``. Needs the scale-10 demo data
(``bench/page_cpu.py --seed 10``).
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BUILDING = ("filter", "exclude", "annotate", "select_related", "only", "order_by",
            "prefetch_related", "values", "values_list", "alias", "distinct", "__getitem__")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pages", nargs="+", help="URLs or journey kinds")
    parser.add_argument("--sites", action="store_true",
                        help="also SQL compile time per call site in the project")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "bench"))
    import journeys

    journeys.bench_django()
    from django.db.models import query
    from django.db.models.sql import compiler
    from django.test import Client

    from accounts.models import User

    spent: dict[str, float] = defaultdict(float)
    sites: dict[str, float] = defaultdict(float)
    depth = [0]

    def timed(cls: Any, name: str, part: str) -> None:
        original = getattr(cls, name)

        def wrapper(*a: Any, **kw: Any) -> Any:
            if depth[0]:
                return original(*a, **kw)
            depth[0] += 1
            started = time.process_time()
            try:
                return original(*a, **kw)
            finally:
                took = time.process_time() - started
                depth[0] -= 1
                spent[part] += took
                if part == "compile" and args.sites:
                    sites[_site()] += took

        setattr(cls, name, wrapper)

    timed(compiler.SQLCompiler, "as_sql", "compile")
    timed(compiler.SQLCompiler, "results_iter", "rows to objects")
    for name in BUILDING:
        timed(query.QuerySet, name, "build")

    people = journeys.people(400)
    clients: dict[int, Any] = {}

    def client(person: dict[str, Any]) -> Any:
        if person["user_id"] not in clients:
            clients[person["user_id"]] = Client(HTTP_HOST="127.0.0.1")
            clients[person["user_id"]].force_login(User.objects.get(pk=person["user_id"]),
                                                    backend="accounts.backends.RoleBackend")
        return clients[person["user_id"]]

    print("| page | CPU ms | build | compile | rows to objects |\n|---|---:|---:|---:|---:|")
    for page in args.pages:
        requests = [(client(p), page if page.startswith("/") else p[page])
                    for p in people if page.startswith("/") or p[page]][:20]
        for c, url in requests:
            c.get(url)
        spent.clear()
        sites.clear()
        started = time.process_time()
        for _ in range(3):
            for c, url in requests:
                c.get(url)
        n = 3 * len(requests)
        total = (time.process_time() - started) * 1000 / n
        parts = [spent[p] * 1000 / n for p in ("build", "compile", "rows to objects")]
        print(f"| {page} | {total:.2f} | " + " | ".join(f"{p:.2f}" for p in parts) + " |")
        for site, took in sorted(sites.items(), key=lambda kv: -kv[1])[:8]:
            print(f"|   compiled at {site} | | | {took * 1000 / n:.2f} | |")


def _site() -> str:
    for frame in reversed(traceback.extract_stack()[:-2]):
        if str(ROOT) in frame.filename and "/.venv/" not in frame.filename:
            return f"{Path(frame.filename).relative_to(ROOT)}:{frame.lineno} {frame.name}"
    return "?"


if __name__ == "__main__":
    main()
