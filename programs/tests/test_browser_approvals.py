"""Chromium, issue 26: the leader above is away; her deputy approves from the approver's
list on a 320 px screen; the requesting leader sees "approved by X on behalf of Y".

Everyone reads English (their account's language), so the texts are the msgids.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import ApprovalDecision
from accounts.services.approvals import deputy_set
from programs.models import Enrollment, EnrollmentStatus
from tests.factories import PASSWORD, LeaderFactory

from .factories import EnrollmentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, base, email):
    page.goto(f"{base}/min-side/")
    page.get_by_label("E-postadresse").fill(email)
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url(f"{base}/min-side/")


def test_deputy_approves_from_the_list_and_the_leader_sees_on_whose_behalf(
        live_server, page, personas, module):
    base = live_server.url
    today = timezone.localdate()
    deputy = LeaderFactory(organisation=personas.org_a, unit=personas.boss_leader.unit,
                           user__full_name="Dag Stedfortreder",
                           user__email="dag@askvik.example", user__language="en")
    for user in (personas.bob, personas.boss_leader.user):
        user.language = "en"
        user.save(update_fields=["language"])
    # Berit (leader above) is away this week; Dag stands in.
    deputy_set(leader=personas.boss_leader.user, deputy=deputy.user, starts_on=today,
               ends_on=today + dt.timedelta(days=4), actor=personas.boss_leader.user)
    request = EnrollmentFactory(module=module, leader=personas.bob_leader,
                                note="Vi slår sammen to avdelinger.")
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text)
            if msg.type == "error" and not msg.location.get("url", "").endswith("favicon.ico")
            else None)

    page.set_viewport_size({"width": 320, "height": 900})
    _login(page, base, "dag@askvik.example")
    page.get_by_role("link", name="Requests to decide").click()
    item = page.get_by_test_id("approval-item")
    expect(item.get_by_text("As deputy for Berit Sjef")).to_be_visible()
    expect(item.get_by_text("Seats left now")).to_be_visible()
    page.get_by_label("Bob Leder: Endringsledelse").check()
    page.get_by_label("Approve").check()
    page.get_by_label("Reason (sent to each leader; asked for when declining)").fill(
        "Godt begrunnet.")
    # Nothing of the list needs sideways scrolling at 320 px (the shared header's language
    # switch is the base template's, outside this page).
    wide = page.evaluate("""[...document.querySelectorAll('main *')]
        .filter(e => e.getBoundingClientRect().right > 321).map(e => e.tagName)""")
    assert wide == []
    page.get_by_role("button", name="Go on").click()
    expect(page.get_by_text("1 request approved.")).to_be_visible()
    page.set_viewport_size({"width": 1280, "height": 900})  # the menu is folded at 320 px
    page.get_by_role("button", name="Log out").click()

    _login(page, base, "bob@askvik.example")
    page.goto(f"{base}/fordypning/pameldinger/{request.uuid}/")
    step = page.get_by_test_id("approval-step")
    expect(step.get_by_text(
        "approved by Dag Stedfortreder on behalf of Berit Sjef")).to_be_visible()
    assert Enrollment.objects.get(pk=request.pk).status == EnrollmentStatus.SEATED
    decision = ApprovalDecision.objects.get()
    assert (decision.decided_by_id, decision.on_behalf_of_id) == (
        deputy.user_id, personas.boss_leader.user_id)
    assert problems == []
