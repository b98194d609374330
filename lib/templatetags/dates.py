"""``{{ value|when:"WEEKDAY_DATE_FORMAT" }}``: a date in the active language's format.

Django's ``date`` filter knows only its own format names; the portal's (a weekday
with the date, a day and month with the time) live beside them in
``lederutvikling/formats/<language>/formats.py`` and are read by
:func:`lib.dates.local_format`. Templates never spell a format out, so an
English page never shows a Norwegian "16. desember" order.
"""

from __future__ import annotations

import datetime as dt

from django import template

from lib.dates import format_date

register = template.Library()


@register.filter
def when(value: dt.date | dt.datetime | None, name: str = "DATE_FORMAT") -> str:
    return "" if value in (None, "") else format_date(value, name)
