"""Norwegian working days: weekends and the public holidays (helligdager) are off.

Used where a rule counts "N working days" (an approval waiting too long). The
holidays come from :mod:`lib.holidays` (computed from Easter), so no table
needs updating each year.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

from .holidays import public_holidays


@cache
def norwegian_holidays(year: int) -> frozenset[dt.date]:
    """The days off of ``year`` besides weekends (dates only: no names, no translation)."""
    return frozenset(public_holidays(year))


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in norwegian_holidays(day.year)


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 if end <= start)."""
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        count += is_working_day(day)
    return count


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date ``days`` working days after ``start`` (``start`` itself for 0)."""
    day = start
    while days > 0:
        day += dt.timedelta(days=1)
        days -= is_working_day(day)
    return day


def subtract_working_days(end: dt.date, days: int) -> dt.date:
    """The date ``days`` working days before ``end``."""
    day = end
    while days > 0:
        day -= dt.timedelta(days=1)
        days -= is_working_day(day)
    return day
