"""Min side is assembled from panels that each app registers.

accounts owns the page but must not import the track apps (they depend on
accounts, not the other way round). Each app registers a panel in its
``AppConfig.ready()``: a template and a function that loads that panel's data
in a fixed number of queries.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .models import Leader, User


@dataclass(frozen=True)
class Panel:
    key: str
    order: int
    template: str
    load: Callable[[User, Leader | None], dict[str, Any] | None]


_panels: dict[str, Panel] = {}


def register_panel(panel: Panel) -> None:
    _panels[panel.key] = panel


_PAGE_MEMO = "_min_side_memo"


def shared_on_page[T](leader: Leader, key: str, load: Callable[[], T]) -> T:
    """``load()``, read once per rendering of Min side: panels that ask with the same
    ``key`` share one answer (one app's own modules and another's certificates come
    from the same enrolments). Outside :func:`panels_for` it simply calls ``load()``.
    """
    memo = leader.__dict__.get(_PAGE_MEMO)
    if memo is None:
        return load()
    if key not in memo:
        memo[key] = load()
    return memo[key]


def panels_for(user: User, leader: Leader | None) -> list[tuple[str, dict[str, Any]]]:
    """Return (template, context) for each panel with something to show."""
    if leader is not None:
        leader = copy.copy(leader)  # the memo lives on this rendering's copy only
        leader.__dict__[_PAGE_MEMO] = {}
    shown = []
    for panel in sorted(_panels.values(), key=lambda p: p.order):
        context = panel.load(user, leader)
        if context is not None:
            shown.append((panel.template, context))
    return shown
