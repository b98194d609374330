"""Sections other apps add to a module's page, without programs importing them.

An app higher up (the leader platform: «Builds: Clear direction, …») registers a
:class:`ModuleSection` in its ``AppConfig.ready()``; the module page renders each
section whose ``load`` returns a context, in ``order``. Like Min side's panels
(``accounts/dashboard.py``), this keeps the dependency one-way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from accounts.models import User

    from .models import Module


@dataclass(frozen=True)
class ModuleSection:
    key: str
    order: int
    template: str
    load: Callable[[Module, User], dict[str, Any] | None]


@dataclass(frozen=True)
class RenderedSection:
    key: str
    template: str
    context: dict[str, Any]


_sections: dict[str, ModuleSection] = {}


def register_module_section(section: ModuleSection) -> None:
    _sections[section.key] = section


def module_sections(module: Module, user: User) -> list[RenderedSection]:
    """The sections with something to show for this module and user, in order."""
    result = []
    for section in sorted(_sections.values(), key=lambda s: s.order):
        context = section.load(module, user)
        if context is not None:
            result.append(RenderedSection(section.key, section.template, context))
    return result
