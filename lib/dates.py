"""Dates people type: refuse the absurd ones before anything adds a day to them.

Python's ``date`` ends at 9999-12-31, so a year-9999 value that is stored
happily overflows the first time a view adds a duration or converts it to
local time (``OverflowError``, a 500). Forms check typed dates against one
range here; a refusal carries the code ``date_out_of_range``.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
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
    from django.utils import dateformat

    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return dateformat.format(value, local_format(name))
