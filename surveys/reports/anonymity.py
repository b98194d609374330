"""The one anonymity comparison every report makes: are there enough respondents to show?

A round promises those invited that nothing is shown for fewer respondents
than its threshold (``Round.min_respondents`` for scores and choices,
``Round.min_text_respondents`` for comments). Every report module asks this
function rather than comparing on its own, so "at least N" can never turn into
"more than N" in one place.
"""

from __future__ import annotations


def enough_answered(count: int, threshold: int) -> bool:
    """Whether ``count`` respondents may be shown under a promise of ``threshold``."""
    return count >= threshold
