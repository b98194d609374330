"""WCAG 2.1 AA with axe-core in Chromium on the foundation's pages."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from lib.testing import axe_violations
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, live_server, email: str) -> None:
    page.goto(f"{live_server.url}/konto/logg-inn/")
    page.get_by_label("E-postadresse").fill(email)
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url(f"{live_server.url}/min-side/")


def test_public_pages_have_no_violations(live_server, page, personas):
    for path in ("/konto/logg-inn/", "/konto/passord/glemt/", "/finnes-ikke/",
                 "/tilgjengelighet/", "/personvern/"):
        page.goto(f"{live_server.url}{path}")
        assert axe_violations(page) == [], path
    # After the main interaction: a failed login shows the error summary.
    page.goto(f"{live_server.url}/konto/logg-inn/")
    page.get_by_label("E-postadresse").fill("bob@askvik.example")
    page.get_by_label("Passord").fill("feil")
    page.get_by_role("button", name="Logg inn").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert axe_violations(page) == []


@pytest.mark.parametrize("email", ["bob@askvik.example", "berit@askvik.example",
                                   "alice@askvik.example"])
def test_min_side_has_no_violations(live_server, page, personas, email):
    _login(page, live_server, email)
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/konto/passord/endre/")
    assert axe_violations(page) == []


def test_keyboard_alone_reaches_skip_link_and_main(live_server, page, personas):
    _login(page, live_server, "bob@askvik.example")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Hopp til hovedinnhold"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
