"""Helpers for the leader journeys in Chromium: the data they need and keyboard-only moves.

``journey_data`` gives Bob (a leader in A) everything a leader does in the portal: a module
open for requests (his leader above Berit approves), a leader group with a published purpose
poster and an open Effect survey, and an active coaching course with a coach who has free
hours. ``tab_to`` presses Tab until the wanted control has focus — the proof that it can be
reached by keyboard at all.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from coaching.tests.factories import AgreementFactory, CoachFactory, CourseFactory
from groups import services as group_services
from programs.tests.factories import ModuleFactory, ModuleSessionFactory, today
from surveys.tests.factories import make_round, standard_instruments
from tests.factories import LeaderGroupFactory, LeaderGroupMembershipFactory

# The focused element as the keyboard user meets it: its accessible name, roughly as a screen
# reader would announce it (aria-label, the label of a form field, else its text).
_FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  let name = el.getAttribute('aria-label') || '';
  if (!name && el.labels && el.labels.length) name = el.labels[0].innerText;
  if (!name) name = el.innerText || el.value || '';
  return {tag: el.tagName.toLowerCase(), type: el.getAttribute('type') || '',
          // A required field's label ends in a visual "*" (its text for screen readers is
          // hidden): leave it out of the name.
          name: name.replace(/\\s+/g, ' ').trim().replace(/\\s*\\*$/, ''), id: el.id || ''};
}"""


@dataclass
class JourneyData:
    module: Any
    group: Any
    round: Any
    course: Any


def journey_data(personas: Any, *, group_name: str = "Leiargruppa i Helse og velferd",
                 commitments: tuple[str, ...] = ("Setje ei tydeleg retning for tenestene",
                                                 "Ta avgjerder saman")) -> JourneyData:
    org = personas.org_a
    module = ModuleFactory(programme__organisation=org, topic="Endringsleiing")
    for n in range(3):
        ModuleSessionFactory(module=module, date=today() + dt.timedelta(days=60 + 14 * n))

    boss = personas.boss_leader
    group = LeaderGroupFactory(organisation=org, name=group_name, unit=boss.unit, head=boss)
    for leader in (boss, personas.bob_leader):
        LeaderGroupMembershipFactory(group=group, leader=leader)
    saved = group_services.poster_version_save(
        group=group, author=boss.user, base_number=None,
        lead="Leiargruppa vår skal skape MEIRVERDI for organisasjonen ved å:",
        commitments=[group_services.CommitmentInput(text) for text in commitments])
    group_services.poster_publish(version=saved.version, actor=boss.user)

    round = make_round(organisation=org, instrument=standard_instruments()["effect"],
                       group=group, phase="before")

    agreement = AgreementFactory(organisation=org, supplier__name="Fjellklar Coaching AS")
    coach = CoachFactory(organisation=org, supplier=agreement.supplier,
                         user__full_name="Cora Coach", user__email="cora@coach.example")
    course = CourseFactory(organisation=org, leader=personas.bob_leader, agreement=agreement,
                           coach=coach)
    return JourneyData(module=module, group=group, round=round, course=course)


def focused(page: Any) -> dict[str, str] | None:
    return page.evaluate(_FOCUSED)


def tab_to(page: Any, name: str | re.Pattern[str], *, tag: str | None = None,
           max_tabs: int = 80, backwards: bool = False) -> dict[str, str]:
    """Press Tab (Shift+Tab if ``backwards``) until the focused element's accessible name
    matches ``name`` (exactly, or a compiled pattern with search) and, if given, its tag.

    Fails if it is not reached within ``max_tabs`` presses: the control cannot be reached by
    keyboard, or it is too far down the tab order to be usable.
    """
    key = "Shift+Tab" if backwards else "Tab"
    seen: list[str] = []
    for _ in range(max_tabs):
        page.keyboard.press(key)
        element = focused(page)
        if element is None:
            seen.append("<body>")
            continue
        matches = (name.search(element["name"]) if isinstance(name, re.Pattern)
                   else element["name"] == name)
        if matches and (tag is None or element["tag"] == tag):
            return element
        seen.append(f"{element['tag']}:{element['name'][:40]}")
    raise AssertionError(f"{name!r} not reached with {max_tabs} × {key}; focus went through "
                         f"{seen}")


def focus_indicator(page: Any) -> dict[str, str]:
    """The focused element's computed outline and box shadow (a visible focus ring or not)."""
    return page.evaluate("""() => {
      const s = getComputedStyle(document.activeElement);
      return {outlineStyle: s.outlineStyle, outlineWidth: s.outlineWidth,
              boxShadow: s.boxShadow};
    }""")


def has_visible_focus(page: Any) -> bool:
    style = focus_indicator(page)
    outline = style["outlineStyle"] not in ("none", "") and style["outlineWidth"] not in ("0px",)
    shadow = style["boxShadow"] not in ("none", "")
    return outline or shadow
