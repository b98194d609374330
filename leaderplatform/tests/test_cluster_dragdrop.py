"""Step 4's drag-and-drop: the script sends the same «assign» form (same view, service and
CSRF check) asking for JSON; the keyboard form keeps working. Browser tests drive both."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from lib.testing import axe_violations
from tests.factories import PASSWORD

from .. import services
from ..models import Proposal, Step
from .conftest import at_step, in_english

JSON = {"HTTP_ACCEPT": "application/json"}


def _proposals(lp):
    version = at_step(lp.version, Step.BRAINSTORM)
    made = [services.proposal_submit(version=version, actor=lp.facilitator,
                                     leader_group=lp.group, text=text)
            for text in ("Tydelig på mål", "Ser den enkelte <b>alltid</b>")]
    at_step(version, Step.ANALYSE)
    goals = services.candidate_create(version=version, actor=lp.oaf, text="Tydelige mål")
    return version, made, goals


@pytest.mark.django_db
def test_a_drop_is_the_assign_form_answered_in_json(client, lp):
    version, made, goals = _proposals(lp)
    url = reverse("leaderplatform:cluster", args=[version.uuid])
    client.force_login(in_english(lp.facilitator))
    response = client.post(url, {"action": "assign", "proposal": str(made[0].uuid),
                                 "candidate": str(goals.pk)}, **JSON)
    assert response.status_code == 200
    assert response.json() == {"ok": True,
                               "message": "«Tydelig på mål» is put into «Tydelige mål»."}
    assert Proposal.objects.get(pk=made[0].pk).characteristic == goals
    response = client.post(url, {"action": "assign", "proposal": str(made[0].uuid),
                                 "candidate": ""}, **JSON)
    assert response.json()["ok"] and Proposal.objects.get(pk=made[0].pk).characteristic is None

    # Refusals come back as a message to read out, and change nothing.
    at_step(version, Step.DECIDE)
    response = client.post(url, {"action": "assign", "proposal": str(made[0].uuid),
                                 "candidate": str(goals.pk)}, **JSON)
    assert response.status_code == 400 and "step 4" in response.json()["message"]
    assert Proposal.objects.get(pk=made[0].pk).characteristic is None


@pytest.mark.django_db
def test_the_json_path_keeps_the_access_rules_and_csrf(client, lp, personas):
    version, made, goals = _proposals(lp)
    url = reverse("leaderplatform:cluster", args=[version.uuid])
    data = {"action": "assign", "proposal": str(made[0].uuid), "candidate": str(goals.pk)}
    client.force_login(lp.member.user)  # a leader: not a sorter
    assert client.post(url, data, **JSON).status_code == 403
    client.force_login(personas.charlie)  # another municipality
    assert client.post(url, data, **JSON).status_code == 404
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(lp.oaf)
    assert strict.post(url, data, **JSON).status_code == 403  # no CSRF token
    assert Proposal.objects.get(pk=made[0].pk).characteristic is None


@pytest.mark.django_db
def test_the_page_marks_what_can_be_dragged_only_while_open(client, lp):
    version, made, goals = _proposals(lp)
    url = reverse("leaderplatform:cluster", args=[version.uuid])
    client.force_login(lp.oaf)
    page = client.get(url).content.decode()
    assert f'data-proposal="{made[0].uuid}"' in page
    assert f'data-drop-candidate="{goals.pk}"' in page
    assert "leaderplatform-cluster.js" in page and 'aria-live="polite"' in page
    assert "&lt;b&gt;alltid&lt;/b&gt;" in page  # the typed markup stays text
    at_step(version, Step.DECIDE)
    page = client.get(url).content.decode()
    assert "data-drop-candidate" not in page and "leaderplatform-cluster.js" not in page


# -- in Chromium -----------------------------------------------------------------------
def _login(page, live_server, email: str) -> None:
    page.goto(f"{live_server.url}/min-side/")
    page.get_by_label("E-postadresse").fill(email)
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url(f"{live_server.url}/min-side/")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_dragging_a_proposal_onto_a_candidate_sorts_it(live_server, page, lp):
    version, made, goals = _proposals(lp)
    in_english(lp.oaf)
    # Tall enough that the proposal and the candidate are on screen together: the mouse
    # drags, the page does not scroll under it.
    page.set_viewport_size({"width": 1280, "height": 1600})
    _login(page, live_server, lp.oaf.email)
    page.goto(f"{live_server.url}{reverse('leaderplatform:cluster', args=[version.uuid])}")
    expect(page.locator("#cluster-drag-hint")).to_be_visible()
    # Grab the proposal by its text (the list and button beside it are its form).
    source = page.locator(f'[data-proposal="{made[0].uuid}"] .lp-proposal-text')
    target = page.locator(f'[data-drop-candidate="{goals.pk}"]')
    source.drag_to(target)
    expect(page.locator("#cluster-live")).to_have_text(
        "«Tydelig på mål» is put into «Tydelige mål».")
    assert Proposal.objects.get(pk=made[0].pk).characteristic_id == goals.pk
    expect(page.locator(f'[data-proposals-of="{goals.pk}"]')).to_contain_text("Tydelig på mål")
    expect(page.locator(f'#assign-{made[0].pk}')).to_have_value(str(goals.pk))
    # … and back out onto "not sorted".
    source.drag_to(page.locator('[data-drop-candidate=""]'))
    expect(page.locator("#cluster-live")).to_have_text("«Tydelig på mål» is no longer sorted.")
    assert Proposal.objects.get(pk=made[0].pk).characteristic_id is None
    assert axe_violations(page) == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_keyboard_form_still_sorts_with_the_script_loaded(live_server, page, lp):
    version, made, goals = _proposals(lp)
    in_english(lp.facilitator)
    _login(page, live_server, lp.facilitator.email)
    page.goto(f"{live_server.url}{reverse('leaderplatform:cluster', args=[version.uuid])}")
    select = page.locator(f"#assign-{made[1].pk}")
    select.focus()
    select.select_option(str(goals.pk))
    page.keyboard.press("Tab")  # to the form's own «Put» button
    page.keyboard.press("Enter")
    expect(page.get_by_text("The proposal is sorted.")).to_be_visible()
    assert Proposal.objects.get(pk=made[1].pk).characteristic_id == goals.pk
