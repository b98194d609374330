"""Bands of years as leader, set per instrument (the needs survey's "years as leader").

An instrument stores where each band after the first starts, as text O&F types:
"1, 3, 6, 10" means under 1, 1–2, 3–5, 6–9 and 10 years or more. A response
stores its band's key ("0", "1-2", "3-5", "6-9", "10+"), so reports group by
it; every key and label is derived here, nowhere else. Instruments made before
the bands could be set keep the bands they were answered with, "1, 4, 10"
(under 1, 1–3, 4–9, 10+), set by the data migration that added the field.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

DEFAULT_YEARS_BANDS = "1, 3, 6, 10"
LEGACY_YEARS_BANDS = "1, 4, 10"
MAX_BANDS = 8
MAX_YEARS = 60


def parse_bounds(text: str) -> list[int]:
    """The starts of the bands after the first, from "1, 3, 6, 10"; refused with a code."""
    parts = [p.strip() for p in text.replace(";", ",").split(",") if p.strip()]
    if not parts:
        raise ValidationError(_("Give where each band starts, e.g. 1, 3, 6, 10."),
                              code="bands_empty")
    try:
        bounds = [int(p) for p in parts]
    except ValueError:
        raise ValidationError(
            _("Write whole years separated by commas, e.g. 1, 3, 6, 10."),
            code="bands_not_numbers") from None
    if any(b < 1 or b > MAX_YEARS for b in bounds):
        raise ValidationError(_("Each band must start between 1 and %(max)s years.")
                              % {"max": MAX_YEARS}, code="bands_out_of_range")
    if any(a >= b for a, b in zip(bounds, bounds[1:], strict=False)):
        raise ValidationError(_("The years must grow from left to right, e.g. 1, 3, 6, 10."),
                              code="bands_not_increasing")
    if len(bounds) + 1 > MAX_BANDS:
        raise ValidationError(_("At most %(max)s bands: fewer, wider bands protect anonymity.")
                              % {"max": MAX_BANDS}, code="bands_too_many")
    return bounds


def validate_bands(text: str) -> None:
    parse_bounds(text)


def _ranges(bounds: list[int]) -> list[tuple[int, int | None]]:
    starts = [0, *bounds]
    return [(lo, (starts[i + 1] - 1) if i + 1 < len(starts) else None)
            for i, lo in enumerate(starts)]


def _key(lo: int, hi: int | None) -> str:
    if hi is None:
        return f"{lo}+"
    return str(lo) if lo == hi else f"{lo}-{hi}"


def _label(lo: int, hi: int | None) -> str:
    if hi is None:
        return ngettext("%(n)s year or more", "%(n)s years or more", lo) % {"n": lo}
    if lo == 0:
        return ngettext("under %(n)s year", "under %(n)s years", hi + 1) % {"n": hi + 1}
    if lo == hi:
        return ngettext("%(n)s year", "%(n)s years", lo) % {"n": lo}
    return _("%(low)s–%(high)s years") % {"low": lo, "high": hi}


def band_choices(text: str) -> list[tuple[str, str]]:
    """(key, label) of every band, youngest first, in the active language."""
    return [(_key(lo, hi), _label(lo, hi)) for lo, hi in _ranges(parse_bounds(text))]


def band_for(years: int, text: str) -> str:
    """The key of the band ``years`` as leader falls in."""
    for lo, hi in _ranges(parse_bounds(text)):
        if years >= lo and (hi is None or years <= hi):
            return _key(lo, hi)
    return _key(0, parse_bounds(text)[0] - 1)  # a negative count: the first band
