"""What a page writes the same way for everyone, kept per process by what it depends on.

The page frame per kind of visitor (``lib.templatetags.frame``), a blank form
(``lib.blank_forms``), a survey's fields and its blank questions (``surveys.forms``,
``surveys.templatetags.survey_answer``): each is made from a key that names everything
its output depends on (the language, the texts, ids), made once and served again. A
:class:`Kept` holds up to ``most`` of them, then starts over (a municipality's surveys
and languages are far fewer); any settings change (tests) empties every one.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any

from django.core.signals import setting_changed

_every: list[Kept[Any]] = []


class Kept[V]:
    def __init__(self, most: int) -> None:
        self.most = most
        self._values: dict[Hashable, V] = {}
        _every.append(self)

    def get(self, key: Hashable, make: Callable[[], V]) -> V:
        """The value kept for ``key``, made by ``make()`` the first time."""
        try:
            return self._values[key]
        except KeyError:
            pass
        value = make()
        if len(self._values) >= self.most:
            self._values.clear()
        self._values[key] = value
        return value

    def __len__(self) -> int:
        return len(self._values)

    def clear(self) -> None:
        self._values.clear()


def split_at(text: str, markers: Sequence[str]) -> tuple[str | int, ...]:
    """``text`` as the text between its markers, each marker as its place in
    ``markers``: a kept text with holes, filled per request by :func:`filled` without
    searching it for each marker again (the frame's token, nonce and path; an address's
    arguments)."""
    pieces: list[str | int] = [text]
    for place, marker in enumerate(markers):
        split: list[str | int] = []
        for piece in pieces:
            if isinstance(piece, int):
                split.append(piece)
                continue
            for i, between in enumerate(piece.split(marker)):
                if i:
                    split.append(place)
                if between:
                    split.append(between)
        pieces = split
    return tuple(pieces)


def filled(pieces: Sequence[str | int], values: Sequence[str]) -> str:
    """The text of :func:`split_at` with each hole filled by the value of its place."""
    return "".join([piece if isinstance(piece, str) else values[piece] for piece in pieces])


def _forget(**kwargs: Any) -> None:
    for kept in _every:
        kept.clear()


setting_changed.connect(_forget, dispatch_uid="lib.kept")
