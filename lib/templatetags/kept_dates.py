"""Django's ``date`` and ``time`` filters, each value's text kept per process.

A builtin library (``TEMPLATES["OPTIONS"]["builtins"]``): it replaces Django's two
filters of the same names in every template, the admin's included, with the same
output (:func:`lib.dates.formatted` says what the kept text depends on;
``lib/tests/test_kept_dates.py`` compares them with Django's for dates, times, naive and
aware values in three zones, every language and named and spelled-out formats).
"""

from __future__ import annotations

from typing import Any

from django import template

from lib.dates import formatted

register = template.Library()


@register.filter(expects_localtime=True, is_safe=False)
def date(value: Any, arg: Any = None) -> str:
    return formatted("date", value, arg)


@register.filter(expects_localtime=True, is_safe=False)
def time(value: Any, arg: Any = None) -> str:
    return formatted("time", value, arg)
