"""Min side is assembled from panels that each app registers.

accounts owns the page but must not import the track apps (they depend on
accounts, not the other way round). Each app registers a panel in its
``AppConfig.ready()``: a template and a function that loads that panel's data
in a fixed number of queries.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from lib.prepared import Read, ahead

from .models import Leader, User


@dataclass(frozen=True)
class Panel:
    key: str
    order: int
    template: str
    load: Callable[[User, Leader | None], dict[str, Any] | None]
    # The prepared reads ``load`` starts with (``Prepared.read``): Min side sends every
    # panel's together, in one round trip (``lib.prepared.ahead``). Reads that depend on
    # another's rows are not listed; they run when ``load`` gets to them.
    reads: Callable[[User, Leader | None], list[Read[Any]]] | None = None


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


def now_on_page(leader: Leader | None) -> dt.datetime:
    """``timezone.now()``, the same one for every panel of one rendering of Min side (a
    panel's reads, sent ahead, and its load ask with the same time)."""
    if leader is None:
        return timezone.now()
    return shared_on_page(leader, "now", timezone.now)


def on_page(leader: Leader) -> Leader:
    """The leader of one rendering of Min side: a copy carrying that rendering's memo
    (:func:`shared_on_page`, :func:`now_on_page`); ``leader`` itself if it is one."""
    if _PAGE_MEMO in leader.__dict__:
        return leader
    leader = copy.copy(leader)  # the memo lives on this rendering's copy only
    leader.__dict__[_PAGE_MEMO] = {}
    return leader


def _in_order() -> list[Panel]:
    return sorted(_panels.values(), key=lambda p: p.order)


def panel_reads(user: User, leader: Leader | None) -> Iterator[Read[Any]]:
    """Every panel's first reads (:attr:`Panel.reads`), for ``leader`` from
    :func:`on_page`: to be sent ahead with the page's own (``lib.prepared.ahead``).
    Made as they are taken (a block nested in one that sent them takes none)."""
    for panel in _in_order():
        if panel.reads is not None:
            yield from panel.reads(user, leader)


def panels_for(user: User, leader: Leader | None) -> list[tuple[str, dict[str, Any]]]:
    """Return (template, context) for each panel with something to show. The panels'
    first reads go to the database together (:func:`panel_reads`); inside a block that
    has sent them already (Min side's own, with its reads) they are served from there."""
    if leader is not None:
        leader = on_page(leader)
    shown = []
    with ahead(panel_reads(user, leader)):
        for panel in _in_order():
            context = panel.load(user, leader)
            if context is not None:
                shown.append((panel.template, context))
    return shown
