"""Norway's public holidays, computed."""

from __future__ import annotations

import datetime as dt

from django.utils import translation

from lib.holidays import easter_sunday, public_holiday, public_holidays


def test_easter_and_the_days_that_follow_it():
    assert [easter_sunday(y) for y in (2026, 2027, 2028)] == [
        dt.date(2026, 4, 5), dt.date(2027, 3, 28), dt.date(2028, 4, 16)]
    assert len(public_holidays(2026)) == 12
    days = public_holidays(2027)
    assert len(days) == 11  # 17 May 2027 is Whit Monday too
    assert dt.date(2027, 3, 25) in days  # skjærtorsdag
    assert dt.date(2027, 5, 6) in days  # Kristi himmelfartsdag (Easter + 39)
    assert dt.date(2027, 5, 17) in days and dt.date(2027, 5, 1) in days


def test_a_holiday_is_named_in_the_readers_language():
    with translation.override("en"):
        assert public_holiday(dt.date(2028, 5, 17)) == "Constitution Day"
        assert public_holiday(dt.date(2028, 12, 26)) == "Boxing Day"
        assert public_holiday(dt.date(2027, 5, 17)) == "Constitution Day, Whit Monday"
    assert public_holiday(dt.date(2028, 5, 18)) is None
