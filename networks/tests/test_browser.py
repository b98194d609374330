"""The whole journey in Chromium: O&F composes and confirms the groups and plans the
meetings, a member answers the date poll, O&F confirms a date, the member sees the
confirmed meeting and downloads its .ics. Every page is checked with axe-core."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from lib.testing import axe_violations, log_out
from tests.factories import PASSWORD, LeaderFactory, UnitFactory

from ..models import NetworkMeeting, NetworkMembership
from .factories import FacilitatorFactory, GatheringFactory, ParticipantFactory, ProgrammeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, live_server, email: str) -> None:
    page.goto(f"{live_server.url}/min-side/")
    page.get_by_label("E-postadresse").fill(email)
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url(f"{live_server.url}/min-side/")


def _no_violations(page) -> None:
    assert axe_violations(page) == [], page.url


@pytest.fixture
def programme(personas):
    org = personas.org_a
    today = timezone.localdate()
    programme = ProgrammeFactory(organisation=org, name="Askviklederen 2027", slug="askvik-2027",
                                 starts_on=today, ends_on=today + dt.timedelta(days=200))
    facilitator = FacilitatorFactory(organisation=org, full_name="Fia Fasilitator")
    for offset, theme in ((2, "Felles plattform"), (70, "Relasjonsledelse"),
                          (140, "Gjennomføring")):
        GatheringFactory(programme=programme, theme=theme,
                         date=today + dt.timedelta(days=offset)).advisers.add(facilitator)
    participants = [personas.bob_leader, personas.boss_leader]
    for area_name in ("Oppvekst", "Teknisk"):
        area = UnitFactory(organisation=org, name=area_name, kind="tjenesteomrade")
        for i in range(5):
            unit = UnitFactory(organisation=org, name=f"{area_name} enhet {i}", parent=area)
            participants.append(LeaderFactory(organisation=org, unit=unit,
                                              user__full_name=f"{area_name} Leder{i}"))
    for leader in participants:
        ParticipantFactory(programme=programme, leader=leader)
    return programme


def test_compose_plan_vote_confirm_and_download(live_server, page, personas, programme):
    # --- O&F composes and confirms the groups, then plans the meetings.
    _login(page, live_server, "alice@askvik.example")
    page.get_by_role("link", name="Nettverksgrupper").first.click()
    page.get_by_role("button", name="Start nettverksgrupper – Askviklederen 2027").click()
    page.get_by_label("Største gruppe").fill("6")
    page.get_by_label("Minste gruppe").fill("5")
    page.get_by_role("button", name="Foreslå grupper").click()
    expect(page.get_by_text("Foreslo 2 grupper")).to_be_visible()
    _no_violations(page)

    # Moving bob next to his leader above is refused, with the reason.
    boss_group = NetworkMembership.objects.get(leader=personas.boss_leader).group
    page.locator("#id_leader").select_option(label="Bob Leder")
    page.get_by_label("Flytt til gruppe").select_option(label=boss_group.name)
    page.get_by_role("button", name="Flytt", exact=True).click()
    expect(page.get_by_text("Berit Sjef er leders leder for Bob Leder")).to_be_visible()
    _no_violations(page)

    bob_group = NetworkMembership.objects.get(leader=personas.bob_leader).group
    page.get_by_label("Navn").nth(0 if bob_group.position == 0 else 1).fill("Gygrene")
    page.get_by_role("button", name=f"Lagre – {bob_group.name}").click()
    expect(page.get_by_text("Gruppen «Gygrene» er lagret.")).to_be_visible()
    page.get_by_role("button", name="Bekreft gruppene").click()
    expect(page.get_by_text("Gruppene er bekreftet")).to_be_visible()
    page.get_by_role("button", name="Foreslå datoer for alle grupper").click()
    expect(page.get_by_text("møter foreslått")).to_be_visible()
    _no_violations(page)
    log_out(page)

    # --- Bob answers the poll for his group's first meeting.
    meeting = NetworkMeeting.objects.filter(group__name="Gygrene").order_by("number").first()
    options = list(meeting.options.order_by("date", "starts_at"))
    assert len(options) >= 2
    _login(page, live_server, "bob@askvik.example")
    expect(page.get_by_text("Nettverksgruppen din")).to_be_visible()
    expect(page.get_by_text("Foreslått – ikke bekreftet ennå").first).to_be_visible()
    page.locator(f'a[href="/nettverk/moter/{meeting.uuid}/"]').first.click()
    page.wait_for_url(f"{live_server.url}/nettverk/moter/{meeting.uuid}/")
    _no_violations(page)
    page.locator(f'input[name="option_{options[0].pk}"][value="nei"]').check()
    page.locator(f'input[name="option_{options[1].pk}"][value="ja"]').check()
    for option in options[2:]:
        page.locator(f'input[name="option_{option.pk}"][value="kanskje"]').check()
    page.get_by_role("button", name="Lagre svarene mine").click()
    expect(page.get_by_text("Takk, svarene dine er lagret.")).to_be_visible()
    log_out(page)

    # --- O&F sees the answers and confirms the date that suits.
    _login(page, live_server, "alice@askvik.example")
    page.goto(f"{live_server.url}/nettverk/moter/{meeting.uuid}/")
    expect(page.get_by_text("Bob Leder (ja)")).to_be_visible()
    _no_violations(page)
    page.get_by_role("link", name="Endre møtet").click()
    page.wait_for_url(f"{live_server.url}/nettverk/moter/{meeting.uuid}/endre/")
    _no_violations(page)
    page.get_by_label("Sted").fill("Askvik rådhus, møterom Fjellet")
    page.get_by_role("button", name="Lagre", exact=True).click()
    expect(page.get_by_text("Møtet er lagret.")).to_be_visible()
    page.get_by_role("button", name="Bekreft denne datoen").nth(1).click()
    expect(page.get_by_text("Møtet er bekreftet")).to_be_visible()
    log_out(page)

    # --- Bob sees the confirmed meeting and downloads its .ics.
    _login(page, live_server, "bob@askvik.example")
    panel = page.locator("section", has=page.get_by_role("heading", name="Nettverksgruppen din"))
    expect(panel.get_by_text("Bekreftet").first).to_be_visible()
    page.locator(f'a[href="/nettverk/moter/{meeting.uuid}/"]').first.click()
    with page.expect_download() as info:
        page.get_by_role("link", name="Legg i kalenderen (.ics)").click()
    body = Path(info.value.path()).read_text(encoding="utf-8")
    assert "STATUS:CONFIRMED" in body
    assert f"{options[1].date:%Y%m%d}T" in body
    assert "Askvik rådhus" in body
    meeting.refresh_from_db()
    assert meeting.is_confirmed and meeting.date == options[1].date
