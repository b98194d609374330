"""Chromium: a leader asks for a place, the leader above approves from Min side, the
leader sees the seat and downloads the sessions as .ics."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from lib.testing import log_out
from programs.models import Enrollment, EnrollmentStatus
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, base, email):
    page.goto(f"{base}/min-side/")
    page.get_by_label("E-postadresse").fill(email)
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url(f"{base}/min-side/")


def test_leader_asks_leader_above_approves_leader_sees_seat_and_gets_ics(
        live_server, page, personas, module, tmp_path):
    base = live_server.url
    problems: list[str] = []  # console errors, e.g. a CSP violation by an inline script

    def console(msg):
        where = msg.location.get("url", "")
        # The browser's own favicon probe is not ours (the site ships none).
        if msg.type == "error" and not where.endswith("/favicon.ico"):
            problems.append(f"{msg.text} {where}")

    page.on("console", console)
    _login(page, base, "bob@askvik.example")
    page.get_by_role("link", name="Ledelsesfordypning").first.click()
    page.get_by_role("link", name="Søk om plass i Endringsledelse").click()
    page.get_by_label("Hvorfor vil du delta?").fill("Vi skal slå sammen to avdelinger.")
    page.get_by_role("button", name="Send søknad").click()
    expect(page.get_by_text("Søknaden er sendt til lederen din for godkjenning.")).to_be_visible()
    expect(page.get_by_text("Søkt, venter på godkjenning")).to_be_visible()
    log_out(page)

    _login(page, base, "berit@askvik.example")
    panel = page.locator("section", has=page.get_by_role("heading", name="Ledelsesfordypning"))
    expect(panel.get_by_text("Vi skal slå sammen to avdelinger.")).to_be_visible()
    panel.get_by_role("button", name="Godkjenn Bob Leder").click()
    page.wait_for_url(f"{base}/min-side/")
    expect(page.get_by_text("Godkjent: Bob Leder har fått plass.")).to_be_visible()
    log_out(page)

    _login(page, base, "bob@askvik.example")
    panel = page.locator("section", has=page.get_by_role("heading", name="Ledelsesfordypning"))
    expect(panel.get_by_text("Har plass")).to_be_visible()
    panel.get_by_role("link", name="Endringsledelse").click()
    with page.expect_download() as info:
        page.get_by_role("link", name="Last ned samlingene (.ics)").click()
    target = tmp_path / "samlinger.ics"
    info.value.save_as(target)
    content = target.read_text()
    assert content.startswith("BEGIN:VCALENDAR") and content.count("BEGIN:VEVENT") == 3
    assert Enrollment.objects.get().status == EnrollmentStatus.SEATED
    assert problems == []
