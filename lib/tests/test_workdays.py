"""Norwegian working days: weekends and the statutory holidays are off."""

from __future__ import annotations

import datetime as dt

from lib.workdays import (
    add_working_days,
    is_working_day,
    norwegian_holidays,
    subtract_working_days,
    working_days_between,
)


def test_easter_and_the_moving_holidays_are_off():
    days = norwegian_holidays(2027)
    # Maundy Thursday, Good Friday, Easter Monday, Ascension, Whit Monday, 17 May.
    for day in (dt.date(2027, 3, 25), dt.date(2027, 3, 26), dt.date(2027, 3, 29),
                dt.date(2027, 5, 6), dt.date(2027, 5, 17), dt.date(2027, 12, 26)):
        assert day in days and not is_working_day(day)


def test_counting_skips_weekends_and_holidays():
    friday = dt.date(2026, 12, 4)
    assert add_working_days(friday, 1) == dt.date(2026, 12, 7)  # Monday
    assert working_days_between(friday, dt.date(2026, 12, 11)) == 5
    # Christmas 2026: 24th is a Thursday (working), 25th/26th off, 28th Monday.
    assert add_working_days(dt.date(2026, 12, 24), 1) == dt.date(2026, 12, 28)
    assert subtract_working_days(dt.date(2026, 12, 28), 1) == dt.date(2026, 12, 24)
    assert add_working_days(friday, 0) == friday and working_days_between(friday, friday) == 0
