"""The journey in Chromium: a facilitator enters three proposals from a group session, O&F
moves the process on in the admin and sorts them, a leader rates the candidates on a phone;
after publishing the leader finds the platform on Min side, takes the self-assessment and
reads the profile at 360 px without sideways scrolling. Every page is checked with axe-core.

The users read the portal in English so the journey does not depend on the catalogues;
the login page is in bokmål (no user is known yet).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from lib.testing import axe_violations, log_out
from tests.factories import PASSWORD

from .. import services
from ..models import Behaviour, Characteristic, Proposal, SelfAssessment, Step

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PROPOSALS = ["Tydelig på mål og forventninger", "Ser hver enkelt medarbeider",
             "Klare mål – og forklarer hvorfor"]


def _login(page, live_server, email: str) -> None:
    page.goto(f"{live_server.url}/min-side/")
    page.get_by_label("E-postadresse").fill(email)
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url(f"{live_server.url}/min-side/")


def _no_violations(page) -> None:
    assert axe_violations(page) == [], page.url


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), page.url


def test_proposals_sorting_rating_and_self_assessment(live_server, page, lp):
    for user in (lp.facilitator, lp.oaf, lp.member.user):
        user.language = "en"
        user.save(update_fields=["language"])
    version = lp.version
    services.version_advance(version=version, actor=lp.oaf)
    services.version_advance(version=version, actor=lp.oaf)

    # --- The facilitator enters three proposals from the group's session.
    _login(page, live_server, lp.facilitator.email)
    page.get_by_role("link", name="Submit your group's proposals").click()
    for text in PROPOSALS:
        page.get_by_label("From the group").select_option(label="Ledergruppa Helse og velferd")
        page.get_by_label("Proposal", exact=True).fill(text)
        page.get_by_role("button", name="Save the proposal").click()
        expect(page.get_by_text("The proposal is saved as the group's.")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text=PROPOSALS[2])).to_be_visible()
    _no_violations(page)
    assert Proposal.objects.filter(leader_group=lp.group).count() == 3
    log_out(page)

    # --- O&F moves the process to step 4 in the admin, then sorts the proposals.
    _login(page, live_server, lp.oaf.email)
    page.goto(f"{live_server.url}/admin/leaderplatform/platformversion/")
    page.locator("input.action-select").first.check()
    page.get_by_label("Action:").select_option(label="Move to the next step")
    page.get_by_role("button", name="Run").click()
    expect(page.get_by_text("1 version moved on.")).to_be_visible()
    page.goto(f"{live_server.url}/lederplattform/{version.uuid}/sortering/")
    page.get_by_label("Candidate characteristic").fill("Tydelig på mål og forventninger")
    page.get_by_label(f"{PROPOSALS[0]} (Ledergruppa Helse").check()
    page.get_by_label(f"{PROPOSALS[2]} (Ledergruppa Helse").check()
    page.get_by_role("button", name="Make the candidate").click()
    expect(page.get_by_text("The candidate is made.")).to_be_visible()
    page.get_by_label("Candidate characteristic").fill("Ser den enkelte")
    page.get_by_role("button", name="Make the candidate").click()
    # The second proposal goes into the second candidate with the keyboard-usable form.
    row = page.get_by_role("listitem").filter(has_text=PROPOSALS[1])
    row.get_by_label("Put into").select_option(label="Ser den enkelte")
    row.get_by_role("button", name="Put").press("Enter")
    expect(page.get_by_text("The proposal is sorted.")).to_be_visible()
    _no_violations(page)
    goals = Characteristic.objects.get(text_nb="Tydelig på mål og forventninger")
    seen = Characteristic.objects.get(text_nb="Ser den enkelte")
    assert goals.proposals.count() == 2 and seen.proposals.count() == 1
    log_out(page)

    # --- Step 5: a leader rates the candidates on a phone.
    services.version_advance(version=version, actor=lp.oaf)
    page.set_viewport_size({"width": 360, "height": 780})
    _login(page, live_server, lp.member.user.email)
    page.get_by_role("link", name="Rate the candidate characteristics").click()
    page.get_by_role("group", name="Tydelig på mål og forventninger").get_by_label("5").check()
    page.get_by_role("group", name="Ser den enkelte").get_by_label("4").check()
    _no_sideways_scroll(page)
    _no_violations(page)
    page.get_by_role("button", name="Send my scores").click()
    expect(page.get_by_text("Your scores are stored without your name")).to_be_visible()
    log_out(page)

    # --- The leadership decides and O&F publishes (the services the admin actions call).
    version.refresh_from_db()
    for candidate in (goals, seen):
        services.candidate_decide(characteristic=candidate, adopted=True, actor=lp.oaf)
    theme = version.themes.create(name_nb="Oppgave og relasjon",
                                  reflection_nb="Hva vil det si å være tydelig som leder?")
    Characteristic.objects.filter(pk__in=[goals.pk, seen.pk]).update(theme=theme)
    Behaviour.objects.create(characteristic=goals, text_nb="Bryter ned mål til konkrete oppgaver")
    Behaviour.objects.create(characteristic=seen, text_nb="Gir konkrete tilbakemeldinger")
    services.version_advance(version=version, actor=lp.oaf)
    version.refresh_from_db()
    assert version.step == Step.LAUNCH
    services.version_publish(version=version, actor=lp.oaf, announce=False)

    # --- Later: the published platform on Min side, the self-assessment, the profile.
    _login(page, live_server, lp.member.user.email)
    page.get_by_role("link", name="Read the leader platform").click()
    expect(page.get_by_role("heading", name="Tydelig på mål og forventninger")).to_be_visible()
    expect(page.get_by_text("Bryter ned mål til konkrete oppgaver")).to_be_visible()
    _no_sideways_scroll(page)
    page.get_by_role("link", name="Take the self-assessment").click()
    page.get_by_role("group", name="Bryter ned mål til konkrete oppgaver").get_by_label("4").check()
    page.get_by_role("group", name="Gir konkrete tilbakemeldinger").get_by_label("2").check()
    page.get_by_role("button", name="See my profile").click()
    expect(page.get_by_role("heading", name="My leadership profile")).to_be_visible()
    expect(page.get_by_role("img", name="Mean score per theme, 1 to 5")).to_be_visible()
    expect(page.get_by_text("Hva vil det si å være tydelig som leder?")).to_be_visible()
    _no_sideways_scroll(page)
    _no_violations(page)
    assert SelfAssessment.objects.get().leader == lp.member
