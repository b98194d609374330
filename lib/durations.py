"""A length of time as people say it: "1 døgn", "6 timer", "15 minutter", not "1 440 minutter"."""

from __future__ import annotations

from django.utils.translation import ngettext

MINUTE = 60
HOUR = 60 * MINUTE
DAY = 24 * HOUR


def duration_text(seconds: float) -> str:
    """``seconds`` in the largest unit that measures it whole (days, hours, minutes, seconds)."""
    whole = round(seconds)
    if whole and whole % DAY == 0:
        count = whole // DAY
        return ngettext("%(count)d day", "%(count)d days", count) % {"count": count}
    if whole and whole % HOUR == 0:
        count = whole // HOUR
        return ngettext("%(count)d hour", "%(count)d hours", count) % {"count": count}
    if whole and whole % MINUTE == 0:
        count = whole // MINUTE
        return ngettext("%(count)d minute", "%(count)d minutes", count) % {"count": count}
    return ngettext("%(count)d second", "%(count)d seconds", whole) % {"count": whole}
