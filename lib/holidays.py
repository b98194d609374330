"""Norway's public holidays (helligdager and the two national days), computed, never stored.

Used to flag a date that lands on a day off, e.g. when a module's sessions are
copied to another semester. A municipality's own closed days (school holidays)
are a different thing: networks keeps those as ``NetworkHoliday`` rows.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

from django.utils.translation import gettext_lazy as _


def easter_sunday(year: int) -> dt.date:
    """Western Easter Sunday (the anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


@cache
def _holidays(year: int) -> dict[dt.date, list[object]]:
    """Each day off with its names (two can fall together: 17 May 2027 is Whit Monday too)."""
    easter = easter_sunday(year)
    days: dict[dt.date, list[object]] = {}
    for day, name in [
        (dt.date(year, 1, 1), _("New Year's Day")),
        (easter - dt.timedelta(days=3), _("Maundy Thursday")),
        (easter - dt.timedelta(days=2), _("Good Friday")),
        (easter, _("Easter Sunday")),
        (easter + dt.timedelta(days=1), _("Easter Monday")),
        (dt.date(year, 5, 1), _("Labour Day")),
        (dt.date(year, 5, 17), _("Constitution Day")),
        (easter + dt.timedelta(days=39), _("Ascension Day")),
        (easter + dt.timedelta(days=49), _("Whit Sunday")),
        (easter + dt.timedelta(days=50), _("Whit Monday")),
        (dt.date(year, 12, 25), _("Christmas Day")),
        (dt.date(year, 12, 26), _("Boxing Day")),
    ]:
        days.setdefault(day, []).append(name)
    return days


def public_holiday(day: dt.date) -> str | None:
    """The name of the Norwegian public holiday on ``day`` (in the active language), else None.

    Sundays are days off too but are not named here unless they are a holiday.
    """
    names = _holidays(day.year).get(day)
    return ", ".join(str(name) for name in names) if names else None


def public_holidays(year: int) -> dict[dt.date, str]:
    """Every public holiday of ``year`` with its name, in date order."""
    return {day: ", ".join(str(name) for name in names)
            for day, names in sorted(_holidays(year).items())}
