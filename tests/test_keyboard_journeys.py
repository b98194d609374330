"""Chromium, keyboard alone: log in, ask for a place in a module (and the leader above approves),
answer a survey (radio groups with the arrow keys), book a coaching session and cancel it.

Only ``page.keyboard`` moves and types — no clicks, no ``fill`` — and every control is reached
with Tab (``tests.keyboard.tab_to``), so a control that cannot be focused fails the test. Buttons
must show a visible focus ring while focused.
"""

from __future__ import annotations

import re

import pytest

from coaching.models import Booking, BookingStatus
from programs.models import Enrollment, EnrollmentStatus
from surveys.models import Item, Response
from tests.factories import PASSWORD
from tests.keyboard import focused, has_visible_focus, journey_data, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _press_button(page, name: str | re.Pattern[str], **kwargs) -> None:
    """Tab to a button, check it shows where the focus is, press Enter."""
    element = tab_to(page, name, **kwargs)
    assert element["tag"] == "button" or element["type"] == "submit", element
    assert has_visible_focus(page), f"no visible focus on {element}"
    with page.expect_navigation():
        page.keyboard.press("Enter")


def _follow_link(page, name: str | re.Pattern[str], **kwargs) -> None:
    element = tab_to(page, name, tag="a", **kwargs)
    assert has_visible_focus(page), f"no visible focus on {element}"
    with page.expect_navigation():
        page.keyboard.press("Enter")


def _login(page, base: str, email: str) -> None:
    page.goto(f"{base}/konto/logg-inn/")
    tab_to(page, "E-postadresse", tag="input")
    page.keyboard.type(email)
    tab_to(page, "Passord", tag="input")
    page.keyboard.type(PASSWORD)
    _press_button(page, "Logg inn")
    page.wait_for_url(f"{base}/min-side/")


def _body(page) -> str:
    return page.locator("body").inner_text()


def test_log_in_and_ask_for_a_place_by_keyboard(live_server, page, personas):
    base = live_server.url
    journey_data(personas)
    _login(page, base, "bob@askvik.example")
    assert "Velkommen, Bob Leder" in _body(page)

    # The skip link comes first and takes focus to the main content.
    page.keyboard.press("Tab")
    assert focused(page)["name"] == "Hopp til hovedinnhold"

    _follow_link(page, "Ledelsesfordypning")
    assert page.locator("h1").inner_text() == "Ledelsesfordypning"
    _follow_link(page, "Søk om plass i Endringsleiing")
    tab_to(page, "Hvorfor vil du delta?", tag="textarea")
    page.keyboard.type("Vi skal slå sammen to avdelinger.")
    _press_button(page, "Send søknad")
    assert "Søknaden er sendt til lederen din for godkjenning." in _body(page)
    enrollment = Enrollment.objects.get()
    assert enrollment.status == EnrollmentStatus.REQUESTED
    assert enrollment.note == "Vi skal slå sammen to avdelinger."

    # Berit, the leader above, logs in and approves from Min side, still by keyboard.
    _press_button(page, "Logg ut")
    _login(page, base, "berit@askvik.example")
    _press_button(page, "Godkjenn Bob Leder")
    assert "Godkjent: Bob Leder har fått plass." in _body(page)
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.SEATED


def test_answer_a_survey_by_keyboard(live_server, page, personas):
    base = live_server.url
    data = journey_data(personas)
    items = list(Item.objects.filter(instrument=data.round.instrument, kind="scale")
                 .order_by("order"))
    _login(page, base, "bob@askvik.example")
    _follow_link(page, re.compile(r"^Effektkartlegging før – "))
    page.wait_for_url(f"**/undersokelser/{data.round.pk}/svar/")

    # Each question is one radio group: Tab enters it, Space picks the first, the arrow keys
    # move the choice (and Left takes one back), Tab leaves for the next group.
    first = tab_to(page, re.compile(r"^1\b"), tag="input")
    assert first["type"] == "radio"
    for number, item in enumerate(items):
        if number:
            page.keyboard.press("Tab")
        element = page.evaluate("({name: document.activeElement.name, "
                                "type: document.activeElement.type})")
        assert element == {"name": f"item_{item.pk}", "type": "radio"}, (number, element)
        page.keyboard.press("Space")
        for _ in range(4):
            page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowLeft")
        assert page.is_checked(f'input[name="item_{item.pk}"][value="4"]')
    _press_button(page, "Send inn svarene")
    page.wait_for_url(f"{base}/undersokelser/")
    assert "Takk! Svarene dine er sendt inn." in _body(page)
    assert Response.objects.filter(round=data.round).count() == 1


def test_book_and_cancel_coaching_by_keyboard(live_server, page, personas):
    base = live_server.url
    data = journey_data(personas)
    _login(page, base, "bob@askvik.example")
    _follow_link(page, "Coaching")
    assert page.locator("h1").inner_text() == "Individuell coaching"
    _follow_link(page, data.course.semester.label.capitalize())
    _follow_link(page, "Bestill en samtale")
    # The mode is a radio group; the slots are buttons named with the whole time.
    mode = tab_to(page, re.compile(r"."), tag="input")
    assert mode["type"] == "radio"
    page.keyboard.press("ArrowRight")
    chosen, label = page.evaluate("[document.activeElement.value, "
                                  "document.activeElement.labels[0].innerText]")
    _press_button(page, re.compile(r"^Velg "))
    # Choosing a time only asks: nothing is booked until the confirm button is pressed.
    assert page.locator("h1").inner_text() == "Bestille denne timen?"
    body = _body(page)
    assert label.capitalize() in body, (label, body)
    assert re.search(r"avbestill\w* gratis", body), body  # the cancellation rule
    assert not Booking.objects.exists()
    _press_button(page, "Bestill timen")
    assert "Samtalen din er bestilt" in _body(page)
    booking = Booking.objects.get()
    assert booking.status == BookingStatus.BOOKED
    assert booking.mode == chosen

    _follow_link(page, "Avbestill")
    _press_button(page, "Avbestill samtalen")
    assert "Samtalen er avbestilt." in _body(page)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
