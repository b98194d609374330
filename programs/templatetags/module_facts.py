"""``{% module_window card %}`` and ``{% module_seats card %}``: a module's enrolment window
and its seats, as the module list's cards and the module page show them.

They were includes (``programs/includes/window.html`` and ``seats.html``) with a
``{% blocktranslate %}`` or two each: on the module list, rendered once per card, they
were a third of the list's template time (about 130 µs a card; issue 23,
``bench/page_cpu.py``). Written here with the same messages (the same msgids, so the
same translations), each value localised and escaped as the template did;
``programs/tests/test_module_facts.py`` compares them with the includes they replaced.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from lib.dates import formatted
from lib.template_fold import localized_text

register = template.Library()


def _shown(value: Any) -> str:
    """A value as ``{% blocktranslate %}`` writes it: localised, then escaped."""
    return str(conditional_escape(localized_text(value)))


def _day(value: Any, name: str) -> str:
    """A date as ``{{ value|date:name }}`` writes it (kept per value: ``lib.dates``)."""
    return _shown(formatted("date", value, name))


@register.simple_tag
def module_window(card: Any) -> SafeString:
    """Whether enrolment is open: cancelled, draft, open until, opens on, or closed."""
    module = card.module
    if module.is_cancelled:
        badge = "text-bg-dark", conditional_escape(gettext("Module cancelled"))
    elif module.is_draft:
        badge = "text-bg-secondary", conditional_escape(gettext("Draft, not shown to leaders"))
    elif card.is_open:
        badge = "text-bg-success", gettext("Enrolment open until %(date)s") % {
            "date": _day(module.enrolment_closes_on, "SHORT_DATE_FORMAT")}
    elif module.opens_later():
        badge = "text-bg-info", gettext("Enrolment opens %(date)s") % {
            "date": _day(module.enrolment_opens_on, "DATE_FORMAT")}
    else:
        badge = "text-bg-secondary", conditional_escape(gettext("Enrolment closed"))
    # The texts are the catalogue's (trusted, as in the template); every value is escaped.
    return mark_safe(f'<span class="badge {badge[0]}">{badge[1]}</span>')  # noqa: S308


@register.simple_tag
def module_seats(card: Any) -> SafeString:
    """Seats left (and the waiting list), and the talent seats still kept."""
    module, seats = card.module, card.seats
    left = seats.free
    text = ngettext("%(left)s of %(total)s seats left", "%(left)s of %(total)s seats left",
                    left) % {"left": _shown(left), "total": _shown(module.capacity)}
    if module.waiting_count:
        text += " · " + ngettext(
            "%(waiting)s on the waiting list", "%(waiting)s on the waiting list",
            module.waiting_count) % {"waiting": _shown(module.waiting_count)}
    html = f'<p class="mb-1">{text}</p>'
    kept = seats.talent_free
    if kept:
        if module.talent_seats_release_on:
            note = ngettext(
                "%(kept)s of the seats left is held for the talent programme until %(date)s. "
                "Other leaders wait for a seat until then, unless one is freed.",
                "%(kept)s of the seats left are held for the talent programme until %(date)s. "
                "Other leaders wait for a seat until then, unless one is freed.",
                kept) % {"kept": _shown(kept),
                         "date": _day(module.talent_seats_release_on, "DATE_FORMAT")}
        else:
            note = ngettext(
                "%(kept)s of the seats left is held for the talent programme; other leaders "
                "wait for a seat that is freed.",
                "%(kept)s of the seats left are held for the talent programme; other leaders "
                "wait for a seat that is freed.", kept) % {"kept": _shown(kept)}
        html += f'\n<p class="small mb-1 programs-talent-note">{note}</p>'
    # The texts are the catalogue's (trusted, as in the template); every value is escaped.
    return mark_safe(html)  # noqa: S308
