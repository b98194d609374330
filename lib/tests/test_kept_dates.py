"""The kept date and time texts (``lib.dates.formatted``, the builtin ``date`` and ``time``
filters) are Django's own, whatever was written before them in the same process."""

from __future__ import annotations

import datetime as dt
import itertools
import zoneinfo

import pytest
from django.template import Context, Template, defaultfilters
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.timezone import template_localtime

from lib import dates
from lib.dates import format_date, formatted

OSLO = zoneinfo.ZoneInfo("Europe/Oslo")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
VALUES = [
    dt.date(2026, 12, 24), dt.date(1975, 1, 1), dt.datetime(2026, 3, 29, 1, 30),  # naive
    dt.datetime(2026, 3, 29, 0, 30, tzinfo=dt.UTC),  # Oslo's clocks go forward this night
    dt.datetime(2026, 10, 25, 2, 30, tzinfo=OSLO, fold=1),  # the repeated hour, second time
    dt.datetime(2026, 10, 25, 2, 30, tzinfo=OSLO), dt.datetime(2026, 6, 1, 9, tzinfo=NEW_YORK),
    dt.time(8, 15), dt.time(23, 59, 59),
]
FORMATS = [None, "DATE_FORMAT", "SHORT_DATETIME_FORMAT", "j. F Y H:i T", "D d M", "e O", "N"]


def test_the_filters_write_what_djangos_write_in_every_language_zone_and_order():
    date_tpl = Template("{{ v|date:f }}")
    time_tpl = Template("{{ v|time:f }}")
    assert date_tpl.nodelist[0].filter_expression.filters[0][0].__module__ == (
        "lib.templatetags.kept_dates")
    # Twice round, languages and zones in turn: a text kept for one and served for
    # another would differ from Django's here.
    for _, language, zone in itertools.product(range(2), ("nb", "nn", "en"),
                                               ("Europe/Oslo", "America/New_York")):
        with translation.override(language), timezone.override(zone):
            for value, fmt in itertools.product(VALUES, FORMATS):
                context = Context({"v": value, "f": fmt})
                local = template_localtime(value)
                try:
                    expected = escape(defaultfilters.date(local, fmt))
                except TypeError:  # a time format for a date: Django refuses, and so do we
                    with pytest.raises(TypeError):
                        date_tpl.render(context)
                    continue
                assert date_tpl.render(context) == expected, (value, fmt, language, zone)
                if fmt in (None, "e O", "N") or isinstance(value, dt.time):
                    time_fmt = "H:i" if fmt is None else fmt
                    context = Context({"v": value, "f": time_fmt})
                    assert time_tpl.render(context) == escape(
                        defaultfilters.time(local, time_fmt)), (value, time_fmt, language)


def test_one_instant_in_two_zones_is_two_texts():
    utc = dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC)
    oslo = utc.astimezone(OSLO)
    assert utc == oslo
    assert formatted("date", utc, "H:i") == "12:00"
    assert formatted("date", oslo, "H:i") == "13:00"


def test_the_portal_formats_follow_the_zone_and_language():
    meeting = dt.datetime(2026, 12, 16, 8, tzinfo=dt.UTC)
    with translation.override("nb"), timezone.override("Europe/Oslo"):
        norwegian = format_date(meeting, "WEEKDAY_DATETIME_FORMAT")
    with translation.override("en"), timezone.override("America/New_York"):
        english = format_date(meeting, "WEEKDAY_DATETIME_FORMAT")
    assert "09:00" in norwegian and "onsdag" in norwegian
    assert "Wednesday" in english and "03:00" in english


def test_a_settings_change_forgets_what_was_kept(settings):
    formatted("date", dt.date(2026, 1, 2), "Y")
    assert dates._kept.cache_info().currsize > 0
    settings.TIME_ZONE = "America/New_York"
    assert dates._kept.cache_info().currsize == 0


def test_other_values_are_written_afresh():
    class Day(dt.date):
        pass

    assert formatted("date", Day(2026, 1, 2), "Y") == "2026"
    assert formatted("date", "not a date", "Y") == ""
    assert formatted("date", dt.date(2026, 1, 2), None)  # the language's DATE_FORMAT


def test_a_date_and_the_midnight_of_that_day_are_two_texts():
    assert formatted("date", dt.date(2026, 1, 2), "c") == "2026-01-02"
    assert formatted("date", dt.datetime(2026, 1, 2), "c") == "2026-01-02T00:00:00"
    assert formatted("date", dt.date(2026, 1, 2), "c") == "2026-01-02"
