"""Texts that O&F writes in three languages: bokmål, nynorsk and English.

A translatable text is three fields, ``<name>_nb``, ``<name>_nn`` and
``<name>_en``. The reader gets their own language and bokmål when that one is
empty (bokmål is the portal's default and always filled in).
"""

from __future__ import annotations

from typing import Any

from django.utils import translation

LANGUAGE_SUFFIXES = ("nb", "nn", "en")


def pick(obj: Any, name: str, language: str | None = None) -> str:
    """``obj.<name>_<language>``, falling back to bokmål."""
    language = (language or translation.get_language() or "nb")[:2]
    value = getattr(obj, f"{name}_{language}", "") if language in LANGUAGE_SUFFIXES else ""
    return value or getattr(obj, f"{name}_nb", "")
