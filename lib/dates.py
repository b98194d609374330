"""Dates people type: refuse the absurd ones before anything adds a day to them.

Python's ``date`` ends at 9999-12-31, so a year-9999 value that is stored
happily overflows the first time a view adds a duration or converts it to
local time (``OverflowError``, a 500). Forms check typed dates against one
range here; a refusal carries the code ``date_out_of_range``.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from django.core.exceptions import ValidationError
from django.core.signals import setting_changed
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

# Wide enough for any real record (leaders employed since the 1970s, agreements
# a decade ahead), narrow enough that no arithmetic on it can overflow.
EARLIEST_YEAR = 1900
LATEST_YEAR = 2100

OUT_OF_RANGE = "date_out_of_range"


def out_of_range_error(*, earliest: int = EARLIEST_YEAR,
                       latest: int = LATEST_YEAR) -> ValidationError:
    return ValidationError(
        _("Enter a date between the years %(earliest)s and %(latest)s."),
        code=OUT_OF_RANGE, params={"earliest": earliest, "latest": latest})


def validate_sane_date(value: dt.date | dt.datetime | None) -> None:
    """Form validator: the date (or datetime, in any offset) lies in the sane range."""
    if value is None:
        return
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        try:
            value = timezone.localtime(value)
        except OverflowError:
            raise out_of_range_error() from None
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise out_of_range_error()


def aware_or_refuse(value: dt.datetime) -> dt.datetime:
    """``value`` made aware in the current time zone, refusing one that overflows doing so."""
    try:
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        validate_sane_date(value)
    except (OverflowError, ValueError):
        raise out_of_range_error() from None
    return value


# The portal's own named formats, defined per language in lederutvikling/formats/
# beside Django's (DATE_FORMAT, MONTH_DAY_FORMAT, …): a template or service names
# the kind of date it shows and every language writes it its own way.
PORTAL_FORMATS = frozenset({
    "WEEKDAY_DATE_FORMAT", "WEEKDAY_DATETIME_FORMAT", "WEEKDAY_MONTH_DAY_FORMAT",
    "SHORT_WEEKDAY_DATE_FORMAT", "SHORT_WEEKDAY_MONTH_DAY_FORMAT",
    "SHORT_WEEKDAY_DATETIME_FORMAT", "MONTH_DAY_TIME_FORMAT",
})


def local_format(name: str) -> str:
    """The active language's format string for a Django or portal format name."""
    from django.utils import formats, translation

    if name in PORTAL_FORMATS:
        for module in formats.get_format_modules(translation.get_language()):
            if (found := getattr(module, name, None)) is not None:
                return str(found)
        raise ValueError(f"No format {name} for {translation.get_language()}")
    return str(formats.get_format(name))


def format_date(value: dt.date | dt.datetime, name: str = "DATE_FORMAT") -> str:
    """``value`` written the active language's way (aware datetimes in local time)."""
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return formatted("portal", value, name)


def _write(how: str, value: Any, arg: Any) -> str:
    """``value`` written afresh: by Django's ``date`` or ``time`` filter, or (``"portal"``)
    in the active language's format named ``arg``."""
    if how == "portal":
        from django.utils import dateformat

        return dateformat.format(value, local_format(arg))
    from django.template import defaultfilters

    return getattr(defaultfilters, how)(value, arg)


_KEPT_TYPES = (dt.date, dt.datetime, dt.time)


def formatted(how: str, value: Any, arg: Any = None) -> str:
    """``value`` written by Django's ``date`` or ``time`` filter (``how``) or
    :func:`format_date` (``"portal"``), kept per process for the next time the same
    value is written the same way (issue 23).

    Writing a date costs 20–40 µs (the format's lookup, a ``DateFormat``, a translated
    month name), and list pages write the same few dates again and again. The output
    depends only on the value (with its time zone and ``fold``: equal instants in two
    zones are different keys; a date never equals a datetime), the format and the active
    language; the formats and the default time zone are settings, and a settings change
    (tests) forgets what is kept. A value of another type (a subclass too), or a format
    that is not a plain string, is written afresh.
    """
    if type(value) in _KEPT_TYPES and (arg is None or isinstance(arg, str)):
        return _kept(how, value, getattr(value, "tzinfo", None), getattr(value, "fold", 0),
                     arg, get_language())
    return _write(how, value, arg)


@functools.lru_cache(maxsize=4096)
def _kept(how: str, value: Any, tzinfo: Any, fold: int, arg: str | None,
          language: str | None) -> str:
    return _write(how, value, arg)


def _forget(**kwargs: Any) -> None:
    _kept.cache_clear()


setting_changed.connect(_forget, dispatch_uid="lib.dates.formatted")
