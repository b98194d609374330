"""O&F's morning in Chromium: the start page says what waits, O&F approves, writes to a
module's participants, and a leader reads the message on Min side. Screenshots at 390 and
1280 px go to /tmp/shots/cockpit/."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone, translation
from playwright.sync_api import expect

from cockpit import rules
from lib.testing import axe_violations
from programs.models import Enrollment, EnrollmentStatus
from programs.tests.factories import EnrollmentFactory
from tests.factories import PASSWORD, LeaderFactory

from .conftest import seat

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/tmp/shots/cockpit")  # noqa: S108 - where the lead collects screenshots


def _shots(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
        # No sideways scrolling at either width.
        assert page.evaluate("document.documentElement.scrollWidth") <= width + 1, (name, width)
    page.set_viewport_size({"width": 1280, "height": 900})


def _log_in(page, url: str, email: str) -> None:
    page.goto(url)
    page.get_by_label("E-postadresse").fill(email)
    page.get_by_label("Passord").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Logg inn").click()


def test_oaf_acts_on_what_waits_and_writes_to_a_module(live_server, page, personas, module,
                                                      participants):
    waiting = [EnrollmentFactory(module=module, leader=LeaderFactory(
        organisation=personas.org_a, leader_above=personas.boss_leader,
        user__full_name=name), requested_at=timezone.now() - dt.timedelta(days=days))
        for name, days in (("Kari Nordmann", 8), ("Ola Ås", 10), ("Nils Ødegård", 12))]
    with translation.override("nb"):
        expected = rules.requests_waiting([personas.org_a.pk], timezone.now()).text
    assert expected.startswith("3 ")

    _log_in(page, f"{live_server.url}/admin/", "alice@askvik.example")
    item = page.locator('[data-rule="requests_waiting"] a')
    assert item.inner_text() == expected
    _shots(page, "01-needs-action")
    with page.expect_navigation():
        item.click()
    expect(page.locator("#result_list tbody tr")).to_have_count(3)
    page.locator("#action-toggle").check()
    page.locator("select[name=action]").select_option("approve")
    with page.expect_navigation():
        page.locator("button[name=index]").click()
    assert set(Enrollment.objects.filter(pk__in=[e.pk for e in waiting])
               .values_list("status", flat=True)) == {EnrollmentStatus.SEATED}
    page.goto(f"{live_server.url}/admin/")
    assert page.locator('[data-rule="requests_waiting"]').count() == 0

    # Write to the module's participants: action, form, preview with the count, send.
    page.goto(f"{live_server.url}/admin/programs/module/")
    page.locator(f'input[name=_selected_action][value="{module.pk}"]').check()
    page.locator("select[name=action]").select_option("send_message")
    with page.expect_navigation():
        page.locator("button[name=index]").click()
    assert "6" in page.locator("#recipient-count").inner_text()  # 3 seated + 3 approved
    page.locator("#id_subject").fill("Ny sal til første samling")
    page.locator("#id_body").fill("Vi møtes i Rådhuset, sal 2.\nTa med kaffekopp.")
    with page.expect_navigation():
        page.locator("input[name=preview]").click()
    _shots(page, "02-message-preview")
    with page.expect_navigation():
        page.locator("input[name=send]").click()
    assert "Ny sal til første samling" in page.content()
    _shots(page, "03-message-history")

    # Bob reads it on Min side.
    page.context.clear_cookies()  # a fresh browser session for the leader
    _log_in(page, f"{live_server.url}/min-side/", "bob@askvik.example")
    message = page.locator(".cockpit-message", has_text="Ny sal til første samling")
    message.locator("summary").click()
    assert "Rådhuset, sal 2." in message.inner_text()
    _shots(page, "04-min-side-message")


def test_the_dashboard_at_both_widths(live_server, page, personas, module, participants):
    seat(module, LeaderFactory(organisation=personas.org_a))
    _log_in(page, f"{live_server.url}/admin/cockpit/message/dashboard/", "alice@askvik.example")
    assert page.locator("svg.cockpit-svg[role=img]").count() >= 4
    assert axe_violations(page) == []
    _shots(page, "05-dashboard")
    page.goto(f"{live_server.url}/admin/")
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/admin/cockpit/message/send/?kind=module&ids={module.pk}")
    assert axe_violations(page) == []
