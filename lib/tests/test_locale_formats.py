"""Each language writes dates and numbers its own way (issue 21 item 23).

An English page wrote "Wednesday 16. December", "EL (after noon)" and "3,00": the
Norwegian order and decimal comma in English words. Templates now name a format
(Django's or the portal's, see lederutvikling/formats/) and never spell one out.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import translation

from lib import money
from lib.dates import PORTAL_FORMATS, format_date, local_format

ROOT = Path(__file__).resolve().parent.parent.parent
WEDNESDAY = dt.date(2026, 12, 16)
AT_TWO = dt.datetime(2026, 12, 16, 13, 0, tzinfo=dt.UTC)  # 14:00 in Oslo


def _render(source: str, lang: str, **context: object) -> str:
    with translation.override(lang):
        return Template("{% load dates money %}" + source).render(Context(context))


@pytest.mark.parametrize(("lang", "expected"), [
    ("nb", "onsdag 16. desember 2026"),
    ("nn", "onsdag 16. desember 2026"),
    ("en", "Wednesday 16 December 2026"),
])
def test_weekday_dates_follow_the_language(lang, expected):
    assert _render('{{ d|when:"WEEKDAY_DATE_FORMAT" }}', lang, d=WEDNESDAY) == expected


@pytest.mark.parametrize(("lang", "expected"), [
    ("nb", "onsdag 16. desember 2026, 14:00"),
    ("en", "Wednesday 16 December 2026, 14:00"),
])
def test_aware_datetimes_are_shown_in_oslo_time(lang, expected):
    with translation.override(lang):
        assert format_date(AT_TWO, "WEEKDAY_DATETIME_FORMAT") == expected
    assert AT_TWO.astimezone(ZoneInfo("Europe/Oslo")).hour == 14


@pytest.mark.parametrize(("lang", "day", "date", "amount", "hours", "mean"), [
    ("nb", "16. desember", "16. desember 2026", "21\u202f875,00", "1,5", "3,5"),
    ("nn", "16. desember", "16. desember 2026", "21\u202f875,00", "1,5", "3,5"),
    ("en", "16 December", "16 December 2026", "21,875.00", "1.5", "3.5"),
])
def test_django_formats_numbers_and_money_follow_the_language(lang, day, date, amount, hours,
                                                             mean):
    out = _render('{{ d|date:"MONTH_DAY_FORMAT" }}|{{ d|date:"DATE_FORMAT" }}|{{ a|nok }}|'
                  '{{ h|qty }}|{{ m|floatformat:1 }}', lang,
                  d=WEDNESDAY, a=Decimal("21875"), h=Decimal("1.50"), m=Decimal("3.5"))
    assert out == f"{day}|{date}|{amount}|{hours}|{mean}"


def test_csv_amounts_stay_in_the_spreadsheet_format_in_every_language():
    for lang in ("nb", "nn", "en"):
        with translation.override(lang):
            assert money.csv_amount(Decimal("21875")) == "21875,00"


def test_every_portal_format_is_defined_in_every_language():
    for lang in ("nb", "nn", "en"):
        with translation.override(lang):
            for name in PORTAL_FORMATS:
                assert local_format(name), (lang, name)


# Formats a template may still spell out: they are the same in every language.
NEUTRAL = {"H:i", "W", "Y", "Y-m-d", "M Y"}
DATE_FILTER = re.compile(r'\|date:"([^"]*)"')


def _templates() -> list[Path]:
    return sorted(p for p in ROOT.glob("**/templates/**/*")
                  if p.suffix in {".html", ".txt", ".ics"} and p.is_file()
                  and not {".venv", "node_modules", "var", "mutants"}
                  & set(p.relative_to(ROOT).parts))


def _spelled_out(text: str) -> list[str]:
    return [f for f in DATE_FILTER.findall(text)
            if f not in NEUTRAL and not re.fullmatch(r"[A-Z_]+_FORMAT", f)]


def test_the_pattern_finds_spelled_out_formats():
    assert _spelled_out('{{ d|date:"l j. F Y" }} {{ d|date:"j.n.Y" }}') == ["l j. F Y", "j.n.Y"]
    assert _spelled_out('{{ d|date:"DATE_FORMAT" }} {{ t|date:"H:i" }}') == []


def test_no_template_spells_out_a_date_format():
    found = {str(p.relative_to(ROOT)): bad for p in _templates()
             if (bad := _spelled_out(p.read_text(encoding="utf-8")))}
    assert found == {}
