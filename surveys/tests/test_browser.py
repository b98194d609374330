"""Done when: a member answers the before round in Chromium — saves halfway, comes back,
submits — and the report stays hidden until N have answered, then shows."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from surveys import services
from surveys.models import Draft, Item, Response
from tests.factories import (
    PASSWORD,
    LeaderFactory,
    LeaderGroupFactory,
    LeaderGroupMembershipFactory,
)

from .factories import make_round, scale_answers, standard_instruments

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_member_answers_the_before_round_and_the_report_appears_at_n(live_server, page,
                                                                      personas):
    instruments = standard_instruments()
    head = personas.boss_leader
    group = LeaderGroupFactory(organisation=personas.org_a, head=head, unit=head.unit,
                               name="Ledergruppen i Helse")
    others = [LeaderFactory(organisation=personas.org_a, leader_above=head) for _ in range(3)]
    for leader in [personas.bob_leader, *others]:
        LeaderGroupMembershipFactory(group=group, leader=leader)
    round = make_round(organisation=personas.org_a, instrument=instruments["effect"],
                       group=group, phase="before")
    for leader in others:  # three colleagues have answered already
        services.response_submit(round=round, leader=leader, answers=scale_answers(round, 4))
    items = list(Item.objects.filter(instrument=round.instrument, kind="scale")
                 .order_by("order"))

    # Bob logs in and finds the survey on Min side.
    page.goto(f"{live_server.url}/min-side/")
    page.get_by_label("E-postadresse").fill("bob@askvik.example")
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url(f"{live_server.url}/min-side/")
    assert "Undersøkelser som venter på deg" in page.content()
    page.get_by_role("link", name="Effektkartlegging før – Ledergruppen i Helse").first.click()
    page.wait_for_url(f"**/undersokelser/{round.pk}/svar/")

    # Halfway: ten questions, then save.
    for item in items[:10]:
        page.check(f'input[name="item_{item.pk}"][value="6"]')
    page.get_by_role("button", name="Lagre og fullfør senere").click()
    expect(page.get_by_text("Svarene dine er lagret")).to_be_visible()  # the next page
    assert Draft.objects.filter(invitation__leader=personas.bob_leader).exists()

    # Away and back: the answers are still there.
    page.goto(f"{live_server.url}/min-side/")
    page.get_by_role("link", name="Effektkartlegging før – Ledergruppen i Helse").first.click()
    page.wait_for_url(f"**/undersokelser/{round.pk}/svar/")
    assert "Du lagret svarene dine" in page.content()
    assert page.is_checked(f'input[name="item_{items[0].pk}"][value="6"]')

    # Submitting with questions left gives a clear message and keeps the draft.
    page.get_by_role("button", name="Send inn svarene").click()
    expect(page.get_by_text("Svar på dette spørsmålet.").first).to_be_visible()
    assert Response.objects.filter(round=round).count() == 3

    for item in items[10:]:
        page.check(f'input[name="item_{item.pk}"][value="5"]')
    page.get_by_role("button", name="Send inn svarene").click()
    page.wait_for_url(f"{live_server.url}/undersokelser/")
    assert "Takk! Svarene dine er sendt inn." in page.content()
    assert Response.objects.filter(round=round).count() == 4
    assert not Draft.objects.exists()

    # Four of five: the report is there but shows nothing.
    page.goto(f"{live_server.url}/undersokelser/{round.pk}/rapport/")
    assert "Ingen resultater kan vises ennå." in page.content()
    assert page.locator("svg.survey-chart").count() == 0

    # The fifth answers: everyone is in, the round closes early, the report shows.
    services.response_submit(round=round, leader=head, answers=scale_answers(round, 5))
    page.reload()
    assert page.locator("svg.survey-chart").count() == 1
    expect(page.get_by_role("img", name="Gjennomsnitt per dimensjon, før og etter")).to_be_visible()
    assert "Psykologisk trygghet og læring" in page.content()
    assert "n = 5" in page.content()
