"""Done when: in Chromium at 390 px, a leader picks a new time, sees both times on the
confirmation page without sideways scrolling, backs out (nothing changes), then confirms."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from coaching.models import Booking
from tests.factories import PASSWORD

from .factories import BookingFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_moving_asks_first_on_a_phone(live_server, page, personas, setup):
    booking = BookingFactory(course=setup.course, starts_at=setup.slot(10))
    base = live_server.url
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/konto/logg-inn/")
    page.get_by_label("E-postadresse").fill(personas.bob.email)
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url(f"{base}/min-side/")
    slots = (base + reverse("coaching:booking_reschedule", args=[booking.uuid])
             + f"?fra={setup.monday.isoformat()}")
    page.goto(slots)
    page.locator(f'.slot-button[value^="{setup.slot(14, 2).isoformat()[:16]}"]').click()
    expect(page.locator("#move-from")).to_contain_text("10:00")
    expect(page.locator("#move-to")).to_contain_text("14:00")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    for button in ("#confirm-move", "#cancel-move"):
        box = page.locator(button).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    page.locator("#cancel-move").click()
    page.wait_for_url("**/lop/**")
    assert Booking.objects.get(pk=booking.pk).starts_at == setup.slot(10)
    page.goto(slots)
    page.locator(f'.slot-button[value^="{setup.slot(14, 2).isoformat()[:16]}"]').click()
    page.locator("#confirm-move").click()
    page.wait_for_url("**/lop/**")
    moved = Booking.objects.get(pk=booking.pk)
    assert moved.starts_at == setup.slot(14, 2) and moved.times_moved == 1
