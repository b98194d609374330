"""Walk the URL conf: every named pattern with its full route and view."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name" (or the bare name outside a namespace)
    route: str
    view: Callable

    @property
    def names_object(self) -> bool:
        return "<" in self.route


def _walk(patterns: list, prefix: str, namespace: str) -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern) and entry.name:
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield Route(name, prefix + str(entry.pattern), entry.callback)


def all_routes() -> list[Route]:
    """Every named route of the portal except the Django admin's."""
    return list(_walk(get_resolver().url_patterns, "/", ""))


def object_routes() -> list[Route]:
    return [r for r in all_routes() if r.names_object]
