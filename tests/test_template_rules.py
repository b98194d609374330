"""Templates ask the model, they do not compare status codes.

A rule such as "a seated enrolment" or "a proposed meeting" is a property of the
model (``enrollment.is_seated``, ``meeting.is_proposed``), written once beside the
choices it reads; a template that compares ``status == "plass"`` repeats the rule
and breaks silently when a code changes. This test reads every template and fails
on a comparison of a status, state, kind, mode, phase or audience with a string
literal, either way round.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CODE = r"(?:[\w.]+\.)?(?:status|state|kind|mode|phase|audience)"
LITERAL = r"""(?:"[^"]*"|'[^']*')"""
COMPARISON = re.compile(rf"\b{CODE}\s*(?:==|!=)\s*{LITERAL}|{LITERAL}\s*(?:==|!=)\s*{CODE}\b")
TAG = re.compile(r"{%.*?%}", re.DOTALL)


def _templates() -> list[Path]:
    return sorted(p for p in ROOT.glob("**/templates/**/*")
                  if p.suffix in {".html", ".txt", ".ics", ".xml"} and p.is_file()
                  and not {".venv", "node_modules", "var"} & set(p.relative_to(ROOT).parts))


def _comparisons(text: str) -> list[str]:
    return [m.group(0) for tag in TAG.findall(text) for m in COMPARISON.finditer(tag)]


def test_the_pattern_finds_status_comparisons() -> None:
    # The test must be able to fail: each of these is a comparison it has to catch.
    for bad in ('{% if enrollment.status == "plass" %}', "{% if 'held' != booking.status %}",
                '{% elif meeting.state != "x" %}', "{% if kind == 'text' %}",
                '{% if a and round.phase == "before" %}'):
        assert _comparisons(bad), bad
    for good in ('{% if enrollment.is_seated %}', '{% if code == "nb" %}',
                 '<p class="status">status == "x"</p>'):
        assert not _comparisons(good), good


def test_templates_use_model_properties_not_status_codes() -> None:
    templates = _templates()
    assert len(templates) > 50  # the glob found the apps' templates
    found = [f"{path.relative_to(ROOT)}: {hit}" for path in templates
             for hit in _comparisons(path.read_text(encoding="utf-8"))]
    assert not found, "Compare with a model property instead:\n" + "\n".join(found)
