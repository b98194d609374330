"""The 360's rating page on a 360-px phone: a rater answers and sees only a thank-you."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from lib.testing import axe_violations
from tests.factories import PASSWORD

from .. import services
from ..models import RaterGroup
from .conftest import all_scores, in_english, publish

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_rater_answers_on_a_phone(live_server, page, lp):
    version = publish(lp)
    assessment = services.self_assessment_submit(leader=lp.member, version=version,
                                                 scores=all_scores(version, 4))
    rater = in_english(lp.other.user)
    round_ = services.feedback_round_start(
        assessment=assessment, leader=lp.member,
        raters=[(rater.email, RaterGroup.EMPLOYEE), (lp.nina.user.email, RaterGroup.PEER),
                (lp.ola.user.email, RaterGroup.PEER)])
    invitation = round_.invitations.get(rater=rater)
    page.set_viewport_size({"width": 360, "height": 780})
    page.goto(f"{live_server.url}/min-side/")
    page.get_by_label("E-postadresse").fill(rater.email)
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url(f"{live_server.url}/min-side/")
    page.goto(f"{live_server.url}/lederplattform/360/{invitation.uuid}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Feedback to Bob Leder")
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    for group in page.get_by_role("group").all():
        group.get_by_label("3", exact=True).check()
    page.get_by_role("button", name="Send my feedback").click()
    expect(page.get_by_text("Thank you for your feedback.").first).to_be_visible()
    assert page.get_by_role("radio").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    invitation.refresh_from_db()
    assert invitation.answered_at is not None
