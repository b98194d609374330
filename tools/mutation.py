"""Mutation testing of the modules that carry the rules, with mutmut (issue 24).

mutmut changes one thing at a time in a module (``<`` to ``<=``, ``+`` to ``-``, a
constant, a dropped argument …) and runs the tests that call the changed function;
a mutant some test fails on is *killed*, one every test passes is a *survivor*.

Each **set** below names the modules to mutate and the test files that guard them.
A set runs in its own copy of the project under ``var/mutation/<set>/`` (``var/``
is ignored by git, ruff and ``makemessages --ignore "var/*"``), where mutmut
writes its ``mutants/`` tree, so nothing in the checkout changes. mutmut first
runs the set's tests once to learn which test calls which function, then runs
only those tests per mutant. Each set has its own test database,
``test_<db>_mut_<set>`` (from ``DATABASE_URL``), kept between mutants (``--reuse-db``).

Usage::

    tools/mutation [set ...]        # default: every set; prints per-module counts
    tools/mutation --report [set]   # counts and survivors of the last run, no run
    tools/mutation breaks [name ...]  # the hand-made rule breaks (tools/rule_breaks.py)

The machine is shared: mutmut runs one mutant at a time under ``nice -n 19``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "mutation"
PACKAGES = ["accounts", "groups", "programs", "surveys", "coaching", "networks", "reports",
            "demo", "lib", "lederutvikling"]
ALSO_COPY = ["conftest.py", "templates", "static", "locale", "tools"]
EXCLUDE = [".git", ".venv", "var", "mutants", "__pycache__", "node_modules", "test-results",
           ".ruff_cache", ".pytest_cache"]


@dataclass(frozen=True)
class MutationSet:
    modules: tuple[str, ...]
    tests: tuple[str, ...]
    # mutmut's names of the functions that carry the rule ("coaching.invoices.x_invoice_basis*",
    # "pkg.mod.xǁClassǁmethod*"); empty: every function of the modules.
    functions: tuple[str, ...] = ()


SETS: dict[str, MutationSet] = {
    # Money: Decimal to the øre, half-up, priced once and summed.
    "money": MutationSet(
        ("lib/money.py", "coaching/invoices.py"),
        ("coaching/tests/test_invoices.py", "coaching/tests/test_invoice_rounding.py",
         "coaching/tests/test_invoice_paying_unit.py", "lib/tests/test_money.py",
         "reports/tests/test_costs.py"),
        # The arithmetic, the month and who may see it; not the CSV/PDF/xlsx layout.
        ("lib.money.x_money__*", "lib.money.x_money_sum__*", "lib.money.x_price__*",
         "lib.money.x_minutes_price__*", "lib.money.x_hours__*", "lib.money.x_vat__*",
         "lib.money.x_with_vat__*", "coaching.invoices.x_invoice_basis__*",
         "coaching.invoices.x_month_bounds__*", "coaching.invoices.x_may_view_invoice__*")),
    # Anonymity: thresholds and what a report may show.
    # Anonymity in the group report: which round, dimension, choice item and comment is shown.
    "anonymity": MutationSet(
        ("surveys/reports/anonymity.py", "surveys/reports/group.py"),
        ("surveys/tests/test_reports_group.py", "surveys/tests/test_rule_guards.py",
         "surveys/tests/test_report_choices.py"),
        ("surveys.reports.anonymity.*", "surveys.reports.group.x_pair_of__*",
         "surveys.reports.group.x__shown_sides__*",
         "surveys.reports.group.x__add_dimension_stats__*",
         "surveys.reports.group.x__choice_results__*", "surveys.reports.group.x__comments__*")),
    # Evaluation totals: only rounds shown on their own are added up.
    "evaluation": MutationSet(
        ("surveys/reports/evaluation.py",),
        ("surveys/tests/test_rule_guards.py", "surveys/tests/test_evaluations.py"),
        ("surveys.reports.evaluation.x_evaluation_summary__*",
         "surveys.reports.evaluation.x__stats_by__*")),
    # The statistics and release rule every survey report shares (not run for the
    # figure in bench/RESULTS.md: about 200 mutants, each running the report tests).
    "report-common": MutationSet(
        ("surveys/reports/common.py",),
        ("surveys/tests/test_reports_group.py", "surveys/tests/test_rule_guards.py",
         "surveys/tests/test_report_choices.py", "surveys/tests/test_reports_needs.py")),
    # Seats: the seat arithmetic and the enrolment helpers that run under the module's
    # row lock (the @transaction.atomic services themselves mutmut does not mutate).
    "seats": MutationSet(
        ("programs/seats.py", "programs/services*.py", "programs/services/*.py"),
        ("programs/tests/test_seats.py", "programs/tests/test_enrollment_services.py",
         "programs/tests/test_enrollment_rules.py", "programs/tests/test_seat_rule_guards.py"),
        ("programs.seats.*", "programs.services*.x__seat_state__*",
         "programs.services*.x__waiting_count__*", "programs.services*.x__place__*",
         "programs.services*.x__waiting_list_full__*",
         "programs.services*.x__refuse_if_full__*",
         "programs.services*.x__fill_from_waiting_list__*")),
    # Access helpers: who reaches a course, booking, coach, network group, module.
    "access": MutationSet(
        ("coaching/access.py", "networks/access.py", "programs/access.py", "accounts/access.py"),
        ("coaching/tests/test_views.py", "coaching/tests/test_privacy.py",
         "networks/tests/test_views_access.py", "programs/tests/test_views.py")),
    # Tenant scoping: the ORM guard and the scoped querysets.
    "scoping": MutationSet(
        ("lib/scoping.py",),
        ("tests/test_orm_guard.py", "tests/test_history_scoping.py",
         "accounts/tests/test_admin_scoping.py")),
    # The network meeting rules (facilitator per slot and day, holidays, clashes).
    "network-rules": MutationSet(
        ("networks/rules.py",),
        ("networks/tests/test_meeting_rules.py", "networks/tests/test_planner.py",
         "networks/tests/test_rule_guards.py")),
    # The sent-log: every reminder once per occasion and recipient.
    "sent-log": MutationSet(
        ("lib/reminders.py",),
        ("lib/tests/test_reminders.py", "reports/tests/test_track_reminders.py",
         "reports/tests/test_program_reminders.py")),
    # The needs report's complementary suppression.
    "disclosure": MutationSet(
        ("surveys/reports/disclosure.py",),
        ("surveys/tests/test_disclosure.py", "surveys/tests/test_reports_needs.py")),
    # A new leader (< 12 months) and the language rule.
    "accounts": MutationSet(
        ("accounts/middleware.py",),
        ("accounts/tests/test_language_ignores_browser.py", "accounts/tests/test_views.py",
         "accounts/tests/test_session_activity.py")),
}


def _baseline(work: Path, tests: list[str], name: str) -> tuple[list[str], list[str]]:
    """Run the set's tests on the unmutated copy: (test files that load, tests to leave out).

    A test that fails without any mutation cannot kill one; the checkout is shared
    and edited while this runs, so such tests are left out and listed.
    """
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "pytest", "-q", "-rfE", "-p", "no:randomly", "-m", "not browser",
         "--reuse-db", *tests], cwd=work, env=_env(name), capture_output=True, text=True,
        check=False)
    broken_files, deselect = set(), []
    for line in result.stdout.splitlines():
        if line.startswith(("FAILED ", "ERROR ")):
            node = line.split()[1]
            if "::" in node:
                deselect.append(node)
            else:
                broken_files.add(node)
    loaded = [t for t in tests if t not in broken_files]
    for node in sorted(broken_files) + deselect:
        print(f"   left out (fails without a mutation): {node}")
    return loaded, deselect


def _mutmut_config(chosen: MutationSet, tests: list[str], deselect: list[str]) -> str:
    def toml_list(items: list[str] | tuple[str, ...]) -> str:
        return "[" + ", ".join(json.dumps(i) for i in items) + "]"

    tests = tests + [f"--deselect={node}" for node in deselect]
    return "\n".join([
        "", "[tool.mutmut]",
        f"source_paths = {toml_list(PACKAGES)}",
        f"also_copy = {toml_list(ALSO_COPY)}",
        f"only_mutate = {toml_list(chosen.modules)}",
        "pytest_add_cli_args = " + toml_list(["--reuse-db", "-m", "not browser", "-p",
                                              "tools.mutation_plugin"]),
        f"pytest_add_cli_args_test_selection = {toml_list(tests)}",
        "use_git_change_detection = false",
        # mutmut's CPU-time limit per mutant is (tests' time + constant) × 30; the constant
        # must cover a pytest session's start and the test database check, or a mutant
        # that changes nothing "times out" on a busy machine.
        "timeout_constant = 20.0",
        "",
    ])


def _prepare(name: str) -> Path:
    """A copy of the project for this set (mtimes kept, so mutmut re-mutates only changes)."""
    work = WORK / name
    work.mkdir(parents=True, exist_ok=True)
    # mutmut copies a file into mutants/ only if it is not there yet: start afresh, so a
    # template or test changed since the last run is not tested in its old version.
    shutil.rmtree(work / "mutants", ignore_errors=True)
    excludes = [f"--exclude={e}" for e in EXCLUDE]
    subprocess.run(["rsync", "-a", "--delete", *excludes,  # noqa: S603, S607
                    "--exclude=/pyproject.toml",
                    f"{ROOT}/", f"{work}/"], check=True)
    text = (ROOT / "pyproject.toml").read_text()
    (work / "pyproject.toml").write_text(text)
    tests = [t for t in SETS[name].tests if (ROOT / t).exists()]
    tests, deselect = _baseline(work, tests, name)
    target = work / "pyproject.toml"
    wanted = text + _mutmut_config(SETS[name], tests, deselect)
    if not target.exists() or target.read_text() != wanted:
        target.write_text(wanted)
    return work


def _env(name: str) -> dict[str, str]:
    """Each set tests against a database of its own, so two sets may run side by side."""
    env = dict(os.environ)
    url = env.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        env["DATABASE_URL"] = f"{url}_mut_{name.replace('-', '_')}"
    env.pop("CI_REQUIRE_SERVICES", None)
    return env


def _run(name: str) -> int:
    work = _prepare(name)
    mutmut = Path(sys.executable).with_name("mutmut")
    command = ["nice", "-n", "19", str(mutmut), "run", "--max-children", "1",
               *SETS[name].functions]
    print(f"== {name}: {' '.join(command)} (in {work.relative_to(ROOT)})", flush=True)
    return subprocess.run(command, cwd=work, env=_env(name), check=False).returncode  # noqa: S603


STATUS = {1: "killed", 3: "killed", 0: "survived", 5: "no tests", 33: "no tests",
          34: "skipped", 36: "timeout", 24: "timeout", -24: "timeout", 152: "timeout",
          255: "timeout", None: "not checked"}


def report(name: str) -> tuple[Counter, list[str]]:
    work = WORK / name
    total: Counter = Counter()
    survivors: list[str] = []
    print(f"\n{name}: {'module':40} {'mutants':>7} {'killed':>6} {'survived':>8} "
          f"{'no tests':>8} {'timeout':>7} {'other':>5}  score")
    metas = [(str(meta.relative_to(work / "mutants"))[:-len(".meta")], meta)
             for pattern in SETS[name].modules
             for meta in sorted((work / "mutants").glob(f"{pattern}.meta"))]
    if not metas:
        print(f"{'':{len(name) + 2}}(not run)")
    for module, meta in metas:
        codes = json.loads(meta.read_text())["exit_code_by_key"]
        if SETS[name].functions:
            codes = {k: v for k, v in codes.items()
                     if any(fnmatch(k, f) for f in SETS[name].functions)}
        counts = Counter(STATUS.get(code, "other") for code in codes.values())
        survivors += sorted(k for k, code in codes.items() if STATUS.get(code) == "survived")
        checked = counts["killed"] + counts["survived"] + counts["timeout"]
        # Timeouts count as not killed: on a shared machine one may be slowness, not a kill.
        score = f"{100 * counts['killed'] / checked:5.1f} %" if checked else "  -"
        other = len(codes) - sum(counts[k] for k in ("killed", "survived", "no tests",
                                                     "timeout"))
        print(f"{'':{len(name) + 2}}{module:40} {len(codes):7} {counts['killed']:6} "
              f"{counts['survived']:8} {counts['no tests']:8} {counts['timeout']:7} "
              f"{other:5}  {score}")
        total.update(counts)
        total["mutants"] += len(codes)
    return total, survivors


def show(name: str, mutants: list[str]) -> None:
    mutmut = Path(sys.executable).with_name("mutmut")
    for mutant in mutants:
        print(f"--- {mutant}")
        subprocess.run([str(mutmut), "show", mutant], cwd=WORK / name, check=False)  # noqa: S603


def main(argv: list[str]) -> int:
    if argv[:1] == ["breaks"]:
        from tools.rule_breaks import BREAKS, run
        return run(argv[1:] or list(BREAKS))
    only_report = "--report" in argv
    names = [a for a in argv if not a.startswith("--")] or list(SETS)
    for name in names:
        if not only_report:
            _run(name)
    grand: Counter = Counter()
    for name in names:
        total, survivors = report(name)
        grand.update(total)
        if survivors:
            print(f"\nsurvivors of {name}:")
            show(name, survivors)
    checked = grand["killed"] + grand["survived"] + grand["timeout"]
    if checked:
        print(f"\nall: {grand['mutants']} mutants, {grand['killed']} killed, "
              f"{grand['timeout']} timeout, {grand['survived']} survived, "
              f"{grand['no tests']} without a test; score (killed / checked) "
              f"{100 * grand['killed'] / checked:.1f} %")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main(sys.argv[1:]))
