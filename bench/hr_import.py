"""Time the HR import on a file the size of seed_demo --scale 10 (6,500 leaders); prints figures.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lu_bench_hr \\
        .venv/bin/python bench/hr_import.py [--skip-seed]

Seeds the demo data at scale 10 (not timed; ``--skip-seed`` reuses it), then
exports the large municipality as the HR system would: a unit tree file (code,
name, kind, parent code) and a leader file (employee number, first and last
name, email, title, unit code and name, leader above's employee number, leader
since as dd.mm.yyyy) in Windows-1252 with semicolons, as Excel writes it. It
times, through the same services the admin calls:

1. the unit tree and the leader file into a new, empty municipality (every
   leader new: the heaviest apply);
2. the same leader file again (idempotent: nothing changes);
3. the first import onto the seeded municipality itself (leaders typed in
   without employee numbers are found by email and get theirs).

Targets: the dry run of 6,500 rows under 10 s, applying them under 30 s.
The benchmark municipality is deleted at the end.
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PREVIEW_TARGET, APPLY_TARGET = 10.0, 30.0


def manage(*args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, check=True,  # noqa: S603
                   stdout=subprocess.DEVNULL)


def _csv(rows: list[list[str]]) -> bytes:
    import csv

    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("cp1252", errors="replace")


def export_files(org, numbers: dict[int, str]) -> tuple[bytes, bytes]:  # type: ignore[no-untyped-def]
    from accounts.models import Leader, Unit

    units = list(Unit.objects.filter(organisation=org).order_by("path"))
    by_path = {u.path: u for u in units}
    unit_rows = [["Enhetskode", "Enhetsnavn", "Type", "Overordnet"]]
    for unit in units:
        parent = by_path.get(unit.path[:-unit.steplen]) if unit.depth > 1 else None
        unit_rows.append([unit.code, unit.name, unit.kind, parent.code if parent else ""])
    leader_rows = [["Ansattnr", "Fornavn", "Etternavn", "E-post", "Stilling", "Enhetskode",
                    "Enhet", "Nærmeste leder", "Leder fra"]]
    leaders = Leader.objects.filter(organisation=org).select_related("user", "unit").order_by(
        "pk")
    for leader in leaders:
        first, _, last = leader.user.full_name.partition(" ")
        leader_rows.append([
            numbers[leader.pk], first, last, leader.user.email, leader.title, leader.unit.code,
            leader.unit.name, numbers.get(leader.leader_above_id or 0, ""),
            leader.leader_since.strftime("%d.%m.%Y")])
    return _csv(unit_rows), _csv(leader_rows)


def timed(label: str, call):  # type: ignore[no-untyped-def]
    started = time.monotonic()
    result = call()
    seconds = time.monotonic() - started
    print(f"  {label}: {seconds:.2f} s")
    return result, seconds


def import_file(org, actor, kind: str, content: bytes, label: str):  # type: ignore[no-untyped-def]
    from accounts.services.hr_import import hr_import_apply, hr_import_preview, hr_import_upload

    def dry_run():  # type: ignore[no-untyped-def]
        batch = hr_import_upload(organisation=org, kind=kind, file_name=f"{label}.csv",
                                 content=content, actor=actor)
        return batch, hr_import_preview(batch=batch)

    (batch, preview), preview_s = timed(f"{label} — dry run", dry_run)
    report = preview.report
    assert report is not None, preview.mapping_errors
    assert not report.errors, report.errors[:5]
    counts = report.counts()
    print(f"    {counts}")
    _, apply_s = timed(f"{label} — apply", lambda: hr_import_apply(batch=batch, actor=actor))
    return counts, preview_s, apply_s


def _remove(org) -> None:  # type: ignore[no-untyped-def]
    from accounts.models import Leader, User

    Leader.objects.filter(organisation=org).update(leader_above=None)
    Leader.objects.filter(organisation=org).delete()
    User.objects.filter(organisation=org).delete()
    org.delete()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--skip-seed", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lederutvikling.settings")
    if not args.skip_seed:
        manage("migrate", "--verbosity", "0")
        started = time.monotonic()
        manage("seed_demo", "--reset", "--scale", "10")
        print(f"seed_demo --scale 10: {time.monotonic() - started:.1f} s (not part of the figures)")

    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    from django.db.models import Count

    from accounts.models import Leader, Organisation, User

    org = Organisation.objects.annotate(n=Count("leaders")).order_by("-n").first()
    assert org is not None, "no demo data"
    numbers = {pk: str(100000 + i) for i, pk in enumerate(
        Leader.objects.filter(organisation=org).order_by("pk").values_list("pk", flat=True))}
    unit_file, leader_file = export_files(org, numbers)
    rows = leader_file.count(b"\r\n") - 1
    print(f"{org.name}: {rows} leader rows ({len(leader_file) // 1024} KiB), "
          f"{unit_file.count(b'\r\n') - 1} unit rows")

    stale = Organisation.objects.filter(slug="benkvik").first()
    if stale is not None:  # left behind by an interrupted run
        _remove(stale)
    bench = Organisation.objects.create(name="Benkvik kommune (benk)", slug="benkvik")
    actor = User.objects.create_user(email="of@benkvik.example", full_name="O&F Benk",
                                     organisation=bench, is_oaf_admin=True)
    # Another municipality's addresses: the bench's leaders get their own.
    bench_file = leader_file.replace(b"@", b".benk@")
    figures = []
    unit_counts, unit_preview_s, unit_apply_s = {}, 0.0, 0.0
    try:
        print("1. Into an empty municipality")
        unit_counts, unit_preview_s, unit_apply_s = import_file(bench, actor, "units", unit_file,
                                                                "unit tree")
        figures.append(("all new", *import_file(bench, actor, "leaders", bench_file, "leaders")))
        print("2. The same file again")
        figures.append(("same file again",
                        *import_file(bench, actor, "leaders", bench_file, "leaders again")))
        print("3. First import onto the seeded municipality (matched by email)")
        oaf = User.objects.filter(organisation=org, is_oaf_admin=True).first() or actor
        figures.append(("first import, by email",
                        *import_file(org, oaf, "leaders", leader_file, "leaders")))
    finally:
        _remove(bench)
        # Leave the demo municipality as seeded.
        Leader.objects.filter(organisation=org).update(employee_number="")
    print()
    print(f"| case ({rows} rows) | dry run | apply | new | changed | unchanged |")
    print("|---|---|---|---|---|---|")
    ok = True
    print(f"| unit tree, all new ({unit_counts['rows']} rows) | {unit_preview_s:.1f} s | "
          f"{unit_apply_s:.1f} s | {unit_counts['new']} | 0 | 0 |")
    for label, counts, preview_s, apply_s in figures:
        print(f"| {label} | {preview_s:.1f} s | {apply_s:.1f} s | {counts['new']} | "
              f"{counts['changed'] + counts['moved']} | {counts['unchanged']} |")
        ok = ok and preview_s < PREVIEW_TARGET and apply_s < APPLY_TARGET
    print(f"\ntargets: dry run < {PREVIEW_TARGET:.0f} s, apply < {APPLY_TARGET:.0f} s: "
          f"{'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main()
