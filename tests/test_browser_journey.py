"""Real Chromium against a live server: log in as a leader, see Min side, switch to nynorsk."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_leader_logs_in_sees_min_side_and_switches_to_nynorsk(live_server, page, personas):
    page.goto(f"{live_server.url}/")
    assert page.locator("h1").inner_text() == "Logg inn"
    page.get_by_label("E-postadresse").fill("bob@askvik.example")
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()

    page.wait_for_url(f"{live_server.url}/min-side/")
    assert "Velkommen, Bob Leder" in page.locator("h1").inner_text()
    assert "Solbakken sykehjem" in page.content()
    assert "Berit Sjef" in page.content()

    # Keyboard only: focus the language list, choose nynorsk, submit.
    page.get_by_label("Språk").select_option("nn")
    page.get_by_role("button", name="Bytt språk").press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", "nn")
    expect(page.locator("h1")).to_contain_text("Velkomen, Bob Leder")
    expect(page.get_by_role("link", name="Mi side")).to_be_visible()

    # Remembered: a fresh login keeps nynorsk.
    page.get_by_role("button", name="Logg ut").click()
    page.goto(f"{live_server.url}/min-side/")
    page.get_by_label("E-postadresse").fill("bob@askvik.example")
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url(f"{live_server.url}/min-side/")
    assert page.locator("html").get_attribute("lang") == "nn"
