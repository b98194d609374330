"""Break one rule at a time and check that a test notices (issue 24, "test strength").

Each entry of :data:`BREAKS` names a rule, how to break it and the tests that must
then fail. The break is applied inside the test process only — no file of the
checkout is touched — as one of:

* ``source``: the source of one function (or method, or property) with one piece of
  text replaced, compiled in its own module so it sees the same globals;
* ``attr``: an attribute set on an object (``@login_not_required`` is one);
* ``drop_constraint``: a database constraint removed from the test database.

The first eleven are the breaks of issue 24; the ``mutant-*`` ones are survivors of
``tools/mutation`` that a new test now kills. Run every break (each in its own
pytest process; about twenty minutes on the shared machine)::

    tools/mutation breaks            # or: .venv/bin/python tools/rule_breaks.py [name ...]

It prints one line per break — ``caught`` when a listed test failed, ``MISSED``
when every test still passed — and exits non-zero if any break was missed.
The same file is the pytest plugin (``-p tools.rule_breaks``) that applies the
break named in the environment variable ``RULE_BREAK``.
"""

from __future__ import annotations

import importlib
import inspect
import json
import os
import re
import subprocess
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Patch:
    kind: str  # "source", "attr" or "drop_constraint"
    target: str  # "module:Qual.name" (source, attr) or "app_label.Model:constraint_name"
    old: str = ""
    new: Any = ""


@dataclass(frozen=True)
class Break:
    what: str
    patches: tuple[Patch, ...]
    tests: tuple[str, ...]
    extra_args: tuple[str, ...] = field(default_factory=tuple)


BREAKS: dict[str, Break] = {
    "group-dimension-under-n": Break(
        "surveys/reports/group.py: a dimension answered by N-1 in a shown round is shown",
        (Patch("source", "surveys.reports.group:_add_dimension_stats",
               'if not enough_answered(row["n"], status.round.min_respondents):',
               "if False:"),),
        ("surveys/tests/test_rule_guards.py::"
         "test_a_dimension_answered_by_fewer_than_n_is_hidden_while_the_round_is_shown",)),
    "meeting-facilitator-slot-constraint": Break(
        "networks: the (facilitator, date, slot) constraint for active meetings removed",
        (Patch("drop_constraint",
               "networks.NetworkMeeting:network_meeting_facilitator_once_per_slot"),),
        ("networks/tests/test_rule_guards.py::"
         "test_the_database_refuses_a_facilitator_twice_in_one_slot",)),
    "meeting-confirm-facilitator-lock": Break(
        "networks/services/meetings.py meeting_confirm: the facilitator row lock removed",
        (Patch("source", "networks.services.meetings:meeting_confirm",
               "        _lock_users([m.facilitator_id])\n", ""),),
        ("networks/tests/test_concurrency_facilitator.py",)),
    "course-detail-login-not-required": Break(
        "coaching/views/leader.py: course_detail marked @login_not_required",
        (Patch("attr", "coaching.views.leader:course_detail.login_required", new=False),),
        ("tests/test_access_matrix.py::test_anonymous_visitors_are_sent_to_log_in_everywhere",
         "tests/test_access_matrix.py::test_the_public_pages_are_exactly_the_listed_ones")),
    "invoice-float-rounding": Break(
        "coaching/invoices.py (lib/money.py): an amount rounded with float",
        (Patch("source", "lib.money:minutes_price",
               "money(Decimal(minutes) * hourly_rate / 60)",
               "Decimal(str(round(minutes * float(hourly_rate) / 60, 2)))"),),
        ("coaching/tests/test_invoice_rounding.py",)),
    "evaluation-total-with-hidden-round": Break(
        "surveys/reports/evaluation.py: module totals include rounds under N",
        (Patch("source", "surveys.reports.evaluation:evaluation_summary",
               "answers = Answer.objects.filter(response__round_id__in=shown_ids)",
               "answers = Answer.objects.filter(response__round_id__in=[r.pk for r in rounds])"),),
        ("surveys/tests/test_rule_guards.py::"
         "test_a_module_total_counts_only_the_rounds_shown_on_their_own",)),
    "round-target-change-after-answers": Break(
        "surveys/services/rounds.py: instrument, group, phase changeable after a response",
        (Patch("source", "surveys.services.rounds:round_validate_change",
               'for name in ("instrument_id", "group_id", "module_session_id", '
               '"gathering_id", "phase"):',
               "for name in ():"),),
        ("surveys/tests/test_rule_guards.py",)),
    "new-leader-boundary": Break(
        "accounts/models.py: a leader of exactly 365 days counted as new",
        (Patch("source", "accounts.models:Leader.is_new", "< NEW_LEADER_DAYS",
               "<= NEW_LEADER_DAYS"),
         Patch("source", "accounts.models:LeaderQuerySet.new_leaders", "leader_since__gt=",
               "leader_since__gte=")),
        ("accounts/tests/test_new_leader_boundary.py",)),
    "new-leader-boundary-queryset": Break(
        "accounts/models.py: new_leaders() alone counts a leader of exactly 365 days",
        (Patch("source", "accounts.models:LeaderQuerySet.new_leaders", "leader_since__gt=",
               "leader_since__gte="),),
        ("accounts/tests/test_new_leader_boundary.py",)),
    "language-from-browser": Break(
        "accounts/middleware.py: the browser's Accept-Language picks the page language",
        (Patch("source", "accounts.middleware:LanguageMiddleware.language_for",
               "return settings.LANGUAGE_CODE",
               "return translation.get_language_from_request(request)"),),
        ("accounts/tests/test_language_ignores_browser.py",)),
    "answer-round-lock": Break(
        "surveys/services/answering.py response_submit: the round row lock removed",
        (Patch("source", "surveys.services.answering:response_submit",
               'Round.objects.select_for_update(of=("self",)).select_related("group")',
               'Round.objects.select_related("group")'),),
        ("surveys/tests/test_concurrency.py::"
         "test_everyone_answering_at_once_closes_the_round_exactly_when_the_last_is_in",)),
    # Survivors of tools/mutation, each killed by a test written for it (the mutant's
    # change, as mutmut made it).
    "mutant-month-bounds-day": Break(
        "coaching.invoices.x_month_bounds__mutmut_3: the month starts on the 2nd",
        (Patch("source", "coaching.invoices:month_bounds", "month.replace(day=1)",
               "month.replace(day=2)"),),
        ("coaching/tests/test_invoice_rounding.py",)),
    "mutant-evaluation-order-gathering": Break(
        "surveys.reports.evaluation.x_evaluation_summary__mutmut_5: rows not in session order",
        (Patch("source", "surveys.reports.evaluation:evaluation_summary",
               '.order_by("module_session__date", "gathering__date")',
               '.order_by("gathering__date")'),),
        ("surveys/tests/test_rule_guards.py",)),
    "mutant-evaluation-order-session": Break(
        "surveys.reports.evaluation.x_evaluation_summary__mutmut_6: rows not in gathering order",
        (Patch("source", "surveys.reports.evaluation:evaluation_summary",
               '.order_by("module_session__date", "gathering__date")',
               '.order_by("module_session__date")'),),
        ("surveys/tests/test_rule_guards.py",)),
    "mutant-evaluation-today": Break(
        "surveys.reports.evaluation.x_evaluation_summary__mutmut_22/24: ``today`` ignored",
        (Patch("source", "surveys.reports.evaluation:evaluation_summary",
               "statuses = round_statuses(rounds, today)",
               "statuses = round_statuses(rounds, None)"),),
        ("surveys/tests/test_rule_guards.py",)),
    "mutant-evaluation-programme-total": Break(
        "surveys.reports.evaluation.x_evaluation_summary__mutmut_42: no programme totals",
        (Patch("source", "surveys.reports.evaluation:evaluation_summary",
               "per_programme = _stats_by(", "per_programme = None and _stats_by("),),
        ("surveys/tests/test_rule_guards.py",)),
    "mutant-waiting-count-all-modules": Break(
        "programs.services.x__waiting_count__mutmut_3: every module's waiting leaders counted",
        (Patch("source", "programs.services:_waiting_count", "filter(module=module, status",
               "filter(status"),),
        ("programs/tests/test_seat_rule_guards.py",)),
    "mutant-place-today": Break(
        "programs.services.x__place__mutmut_4: the seat is chosen as of the real today",
        (Patch("source", "programs.services:_place", "_seat_state(module, today)",
               "_seat_state(module, None)"),),
        ("programs/tests/test_seat_rule_guards.py",)),
    "mutant-free-for-talent": Break(
        "programs.seats.xǁSeatStateǁfree_for__mutmut_1: a talent sees only the open seats",
        (Patch("source", "programs.seats:SeatState.free_for", "if is_talent else",
               "if is_talent and False else"),),
        ("programs/tests/test_seat_rule_guards.py",)),
    "mutant-waiting-list-order": Break(
        "programs.services.x__fill_from_waiting_list__mutmut_6: served in request order",
        (Patch("source", "programs.services:_fill_from_waiting_list",
               '.order_by("decided_at", "pk")', '.order_by("pk")'),),
        ("programs/tests/test_seat_rule_guards.py",)),
    "mutant-waiting-list-other-module": Break(
        "programs.services.x__fill_from_waiting_list__mutmut_14: any module's waiting leader",
        (Patch("source", "programs.services:_fill_from_waiting_list",
               ".filter(module=module, status=EnrollmentStatus.WAITING)",
               ".filter(status=EnrollmentStatus.WAITING)"),),
        ("programs/tests/test_seat_rule_guards.py",)),
    "mutant-evaluation-group-key": Break(
        "surveys.reports.evaluation.x_evaluation_summary__mutmut_80: every round in one group",
        (Patch("source", "surveys.reports.evaluation:evaluation_summary",
               'groups.setdefault(key,',
               'groups.setdefault(None,'),),
        ("surveys/tests/test_rule_guards.py",)),
    "mutant-evaluation-programme-key": Break(
        "surveys.reports.evaluation.x_evaluation_summary__mutmut_73: every programme in one group",
        (Patch("source", "surveys.reports.evaluation:evaluation_summary",
               'key = ("programme", programme.pk)',
               'key = None'),),
        ("surveys/tests/test_rule_guards.py",)),
    "mutant-evaluation-label": Break(
        "surveys.reports.evaluation.x_evaluation_summary__mutmut_84: a group without its name",
        (Patch("source", "surveys.reports.evaluation:evaluation_summary",
               'SummaryGroup(label=label,',
               'SummaryGroup(label=None,'),),
        ("surveys/tests/test_rule_guards.py",)),
    "mutant-evaluation-row-status": Break(
        "surveys.reports.evaluation.x_evaluation_summary__mutmut_95: a row without its status",
        (Patch("source", "surveys.reports.evaluation:evaluation_summary",
               'status=statuses[r.pk], stat=stat',
               'status=None, stat=stat'),),
        ("surveys/tests/test_rule_guards.py",)),
    "mutant-evaluation-session-count": Break(
        "surveys.reports.evaluation.x_evaluation_summary__mutmut_116:"
        " a facilitator's rounds counted once",
        (Patch("source", "surveys.reports.evaluation:evaluation_summary",
               'session_counts[user_id] += 1',
               'session_counts[user_id] = 1'),),
        ("surveys/tests/test_rule_guards.py",)),
    "mutant-evaluation-gathering-count": Break(
        "surveys.reports.evaluation.x_evaluation_summary__mutmut_128:"
        " an adviser's rounds counted once",
        (Patch("source", "surveys.reports.evaluation:evaluation_summary",
               'gathering_counts[user_id] += 1',
               'gathering_counts[user_id] = 1'),),
        ("surveys/tests/test_rule_guards.py",)),
    "mutant-evaluation-count-default": Break(
        "surveys.reports.evaluation.x_evaluation_summary__mutmut_158: no count for none",
        (Patch("source", "surveys.reports.evaluation:evaluation_summary",
               'gathering_counts.get(u.pk, 0)',
               'gathering_counts.get(u.pk, None)'),),
        ("surveys/tests/test_rule_guards.py",)),
    "mutant-fill-return": Break(
        "programs.services.x__fill_from_waiting_list__mutmut_34: the promoted list not returned",
        (Patch("source", "programs.services:_fill_from_waiting_list",
               '            break',
               '            return'),),
        ("programs/tests/test_seat_rule_guards.py",)),
    "mutant-fill-not-talent": Break(
        "programs.services.x__fill_from_waiting_list__mutmut_36:"
        " a waiting talent treated as no talent",
        (Patch("source", "programs.services:_fill_from_waiting_list",
               'state.seat_for(is_talent=enrollment.leader.is_talent)',
               'state.seat_for(is_talent=None)'),),
        ("programs/tests/test_seat_rule_guards.py",)),
    "mutant-fill-stop-at-no-seat": Break(
        "programs.services.x__fill_from_waiting_list__mutmut_38:"
        " the line stops at a leader no free seat fits",
        (Patch("source", "programs.services:_fill_from_waiting_list",
               '            continue',
               '            break'),),
        ("programs/tests/test_seat_rule_guards.py",)),
    "mutant-fill-talent-flag": Break(
        "programs.services.x__fill_from_waiting_list__mutmut_42: the talent-seat flag inverted",
        (Patch("source", "programs.services:_fill_from_waiting_list",
               'enrollment.talent_seat = kind == SeatKind.TALENT',
               'enrollment.talent_seat = kind != SeatKind.TALENT'),),
        ("programs/tests/test_seat_rule_guards.py",)),
    "mutant-fill-seated-count": Break(
        "programs.services.x__fill_from_waiting_list__mutmut_60: one promotion counted as two",
        (Patch("source", "programs.services:_fill_from_waiting_list",
               'seated=state.seated + 1,',
               'seated=state.seated + 2,'),),
        ("programs/tests/test_seat_rule_guards.py",)),
    "mutant-fill-talent-count": Break(
        "programs.services.x__fill_from_waiting_list__mutmut_61:"
        " a talent seat taken counted as freed",
        (Patch("source", "programs.services:_fill_from_waiting_list",
               'talent_seated=state.talent_seated + (kind == SeatKind.TALENT))',
               'talent_seated=state.talent_seated - (kind == SeatKind.TALENT))'),),
        ("programs/tests/test_seat_rule_guards.py",)),
    "mutant-fill-audit-actor": Break(
        "programs.services.x__fill_from_waiting_list__mutmut_64:"
        " the audit entry without who did it",
        (Patch("source", "programs.services:_fill_from_waiting_list",
               'audit_log(organisation=module.programme.organisation, actor=actor,',
               'audit_log(organisation=module.programme.organisation, actor=None,'),),
        ("programs/tests/test_seat_rule_guards.py",)),
}


# --- the pytest plugin --------------------------------------------------------------------

def _resolve(target: str) -> tuple[Any, Any, str]:
    """``module:A.b`` → (module, the object holding ``b``, "b")."""
    module_name, _, qualname = target.partition(":")
    module = importlib.import_module(module_name)
    *parents, name = qualname.split(".")
    holder: Any = module
    for part in parents:
        holder = getattr(holder, part)
    return module, holder, name


def _apply_source(patch: Patch) -> None:
    module, holder, name = _resolve(patch.target)
    original = inspect.getattr_static(holder, name)
    func = original.fget if isinstance(original, property) else original
    func = getattr(func, "__wrapped__", func)  # inspect.getsource follows it anyway
    source = textwrap.dedent(inspect.getsource(func))
    if source.count(patch.old) != 1:
        raise RuntimeError(f"{patch.target}: the text to break was found "
                           f"{source.count(patch.old)} times (the code changed?)")
    namespace: dict[str, Any] = {}
    filename = inspect.getsourcefile(func) or "<break>"
    exec(compile(source.replace(patch.old, patch.new), filename, "exec"),  # noqa: S102
         module.__dict__, namespace)
    replacement = namespace[name]
    if holder is module:
        # Callers inside the module look the name up in its globals; others that
        # imported it by name are re-pointed too.
        for other in list(sys.modules.values()):
            if getattr(other, name, None) is original:
                setattr(other, name, replacement)
    else:
        setattr(holder, name, replacement)


def _apply_attr(patch: Patch) -> None:
    _module, holder, name = _resolve(patch.target)
    setattr(holder, name, patch.new)


def _selected() -> Break | None:
    """The break named in ``RULE_BREAK``, or one given there as JSON (to try a mutant):
    ``[{"kind": "source", "target": "mod:func", "old": "…", "new": "…"}]``."""
    name = os.environ.get("RULE_BREAK")
    if not name:
        return None
    if name.startswith("["):
        return Break(name, tuple(Patch(**p) for p in json.loads(name)), ())
    return BREAKS[name]


def pytest_sessionstart(session: Any) -> None:
    chosen = _selected()
    if chosen is None:
        return
    for patch in chosen.patches:
        if patch.kind == "source":
            _apply_source(patch)
        elif patch.kind == "attr":
            _apply_attr(patch)


def _drop_constraints(chosen: Break) -> None:
    from django.apps import apps
    from django.db import connection

    for patch in chosen.patches:
        if patch.kind != "drop_constraint":
            continue
        model_label, _, constraint_name = patch.target.partition(":")
        model = apps.get_model(model_label)
        (constraint,) = [c for c in model._meta.constraints if c.name == constraint_name]
        with connection.schema_editor() as editor:
            editor.remove_constraint(model, constraint)


try:
    import pytest

    @pytest.fixture(scope="session", autouse=True)
    def _rule_break_in_database(request: Any) -> None:
        chosen = _selected()
        if chosen is None or not any(p.kind == "drop_constraint" for p in chosen.patches):
            return
        request.getfixturevalue("django_db_setup")
        with request.getfixturevalue("django_db_blocker").unblock():
            _drop_constraints(chosen)
except ImportError:  # run as a script without pytest installed
    pass


# --- the runner -----------------------------------------------------------------------------

def run(names: list[str]) -> int:
    missed = []
    for name in names:
        chosen = BREAKS[name]
        env = {**os.environ, "RULE_BREAK": name}
        command = [sys.executable, "-m", "pytest", "-p", "tools.rule_breaks", "-x", "-q",
                   "-p", "no:randomly", *chosen.extra_args, *chosen.tests]
        result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True,  # noqa: S603
                                text=True, check=False)
        tail = (result.stdout.strip().splitlines() or ["(no output)"])[-1]
        if result.returncode == 1 and re.search(r"\b\d+ failed\b", tail):
            verdict = "caught"
        elif result.returncode == 0:
            verdict = "MISSED"
            missed.append(name)
        else:  # a crash, a usage or a collection error is not a caught break
            verdict = f"ERROR ({result.returncode})"
            missed.append(name)
            print(result.stdout[-3000:], result.stderr[-3000:])
        print(f"{verdict:8} {name:38} {tail}", flush=True)
    print(f"\n{len(names) - len(missed)} of {len(names)} breaks caught")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:] or list(BREAKS)))
