from __future__ import annotations

import pytest
from django.utils import translation

from lib.durations import duration_text


@pytest.mark.parametrize(("seconds", "nb", "nn"), [
    (86_400, "1 døgn", "1 døgn"),
    (2 * 86_400, "2 døgn", "2 døgn"),
    (21_600, "6 timer", "6 timar"),
    (3_600, "1 time", "1 time"),
    (900, "15 minutter", "15 minutt"),
    (60, "1 minutt", "1 minutt"),
    (30, "30 sekunder", "30 sekund"),
    (90, "90 sekunder", "90 sekund"),
])
def test_a_duration_is_said_in_the_largest_whole_unit(seconds, nb, nn):
    with translation.override("nb"):
        assert duration_text(seconds) == nb
    with translation.override("nn"):
        assert duration_text(seconds) == nn
    with translation.override("en"):
        assert duration_text(86_400) == "1 day"
