"""Django's ``linebreaks`` and ``linebreaksbr`` filters, each text's HTML kept per process.

A builtin library (``TEMPLATES["OPTIONS"]["builtins"]``), as ``kept_dates``: a task's
instructions, a session's notes and a poster's texts are the same for everyone who
reads them, and Django splits, escapes and joins them anew for each (9 µs a text, ten
on a group's progress page). The HTML depends only on the text, whether it is already
safe and whether the page escapes: Django's own filter writes it the first time, for
texts up to 4,000 characters (longer ones are written each time).
``lib/tests/test_template_fold.py`` compares them with Django's.
"""

from __future__ import annotations

import functools
from typing import Any

from django import template
from django.template import defaultfilters
from django.utils.safestring import SafeString

register = template.Library()

_LONGEST = 4000


_DJANGO = {"linebreaks": defaultfilters.linebreaks_filter,
           "linebreaksbr": defaultfilters.linebreaksbr}


@functools.lru_cache(maxsize=2048)
def _kept(name: str, text: str, safe: bool, autoescape: bool) -> str:
    return _DJANGO[name](SafeString(text) if safe else text, autoescape=autoescape)


def _written(name: str, value: Any, autoescape: bool) -> str:
    kind = type(value)
    if (kind is str or kind is SafeString) and len(value) <= _LONGEST:
        return _kept(name, str.__str__(value), kind is SafeString, bool(autoescape))
    return _DJANGO[name](value, autoescape=autoescape)


@register.filter("linebreaks", is_safe=True, needs_autoescape=True)
def linebreaks_filter(value: Any, autoescape: bool = True) -> str:
    return _written("linebreaks", value, autoescape)


@register.filter(is_safe=True, needs_autoescape=True)
def linebreaksbr(value: Any, autoescape: bool = True) -> str:
    return _written("linebreaksbr", value, autoescape)
