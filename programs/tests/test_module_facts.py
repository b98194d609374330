"""``{% module_window %}`` and ``{% module_seats %}`` say what the includes they replaced
(``programs/includes/window.html`` and ``seats.html``, kept here as they were) said: for
every state of a module's enrolment window and seats, in bokmål, nynorsk and English."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.utils import translation

from programs.seats import SeatState

WINDOW = Template('{% load i18n %}{# Whether enrolment is open; expects `card`. #}\n{% if card.module.is_cancelled %}<span class="badge text-bg-dark">{% translate "Module cancelled" %}</span>{% elif card.module.is_draft %}<span class="badge text-bg-secondary">{% translate "Draft, not shown to leaders" %}</span>{% elif card.is_open %}<span class="badge text-bg-success">{% blocktranslate with date=card.module.enrolment_closes_on|date:"SHORT_DATE_FORMAT" %}Enrolment open until {{ date }}{% endblocktranslate %}</span>{% elif card.module.opens_later %}<span class="badge text-bg-info">{% blocktranslate with date=card.module.enrolment_opens_on|date:"DATE_FORMAT" %}Enrolment opens {{ date }}{% endblocktranslate %}</span>{% else %}<span class="badge text-bg-secondary">{% translate "Enrolment closed" %}</span>{% endif %}\n')  # noqa: E501
SEATS = Template('{% load i18n %}{# Seats of a module; expects `card`. #}\n<p class="mb-1">{% blocktranslate count left=card.seats.free with total=card.module.capacity %}{{ left }} of {{ total }} seats left{% plural %}{{ left }} of {{ total }} seats left{% endblocktranslate %}{% if card.module.waiting_count %} · {% blocktranslate count waiting=card.module.waiting_count %}{{ waiting }} on the waiting list{% plural %}{{ waiting }} on the waiting list{% endblocktranslate %}{% endif %}</p>\n{% if card.seats.talent_free %}<p class="small mb-1 programs-talent-note">{% if card.module.talent_seats_release_on %}{% blocktranslate count kept=card.seats.talent_free with date=card.module.talent_seats_release_on|date:"DATE_FORMAT" %}{{ kept }} of the seats left is held for the talent programme until {{ date }}. Other leaders wait for a seat until then, unless one is freed.{% plural %}{{ kept }} of the seats left are held for the talent programme until {{ date }}. Other leaders wait for a seat until then, unless one is freed.{% endblocktranslate %}{% else %}{% blocktranslate count kept=card.seats.talent_free %}{{ kept }} of the seats left is held for the talent programme; other leaders wait for a seat that is freed.{% plural %}{{ kept }} of the seats left are held for the talent programme; other leaders wait for a seat that is freed.{% endblocktranslate %}{% endif %}</p>{% endif %}\n')  # noqa: E501
TAGS = Template("{% load module_facts %}{% module_window card %}|{% module_seats card %}")


class _Module(SimpleNamespace):
    def opens_later(self) -> bool:  # a method, as Module.opens_later(today=None)
        return self.later


def _cards():
    today = dt.date(2026, 12, 7)
    for status in ("cancelled", "draft", "open", "later", "closed"):
        for capacity, seated, reserved, talent_seated in ((25, 25, 0, 0), (25, 24, 0, 0),
                                                            (1200, 3, 4, 1), (12, 10, 2, 0),
                                                            (12, 11, 3, 0)):
            for waiting, release in ((0, None), (1, today), (1003, today + dt.timedelta(40))):
                module = _Module(
                    is_cancelled=status == "cancelled", is_draft=status == "draft",
                    later=status == "later", capacity=capacity, waiting_count=waiting,
                    talent_seats_release_on=release,
                    enrolment_closes_on=today + dt.timedelta(days=3),
                    enrolment_opens_on=dt.date(2027, 1, 15))
                yield SimpleNamespace(module=module, is_open=status == "open",
                                      seats=SeatState(capacity, reserved, seated, talent_seated))


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_the_tags_write_what_the_includes_wrote(language):
    compared = set()
    with translation.override(language):
        for card in _cards():
            context = Context({"card": card})
            window, seats = TAGS.render(context).split("|")
            assert window == WINDOW.render(context).strip()
            assert seats == SEATS.render(context).strip()
            compared.add((window, seats))
    assert len(compared) > 30  # the states are told apart


def test_numbers_and_dates_are_localised_as_the_template_did():
    card = next(c for c in _cards()
                if c.module.capacity == 1200 and c.module.waiting_count == 1003)
    with translation.override("nb"):
        seats = TAGS.render(Context({"card": card})).split("|")[1]
    assert "1\xa0200" in seats and "1\xa0003 på venteliste" in seats
    assert "18. januar 2027" not in seats and "16. januar 2027" in seats
