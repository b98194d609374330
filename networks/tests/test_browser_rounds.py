"""Issue 17 in Chromium: O&F adds a meeting by hand and marks a past one held; a member
on a 360-px-wide phone sees a round "not yet set" and answers the date poll without
sideways scrolling. Screenshots go to /tmp/shots/networks/ (or $SHOTS_DIR)."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from lib.testing import axe_violations
from tests.factories import PASSWORD, LeaderFactory, UnitFactory

from ..models import MeetingStatus, NetworkMeeting, Slot
from .factories import (
    FacilitatorFactory,
    MeetingFactory,
    MembershipFactory,
    NetworkGroupFactory,
    NetworkPlanFactory,
    OptionFactory,
    ParticipantFactory,
    ProgrammeFactory,
    weekday_after,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("SHOTS_DIR", "/tmp/shots/networks"))  # noqa: S108 (review copies)


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _login(page, live_server, email: str) -> None:
    page.goto(f"{live_server.url}/min-side/")
    page.get_by_label("E-postadresse").fill(email)
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url(f"{live_server.url}/min-side/")


def _no_sideways_scroll(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url


@pytest.fixture
def world(personas):
    org = personas.org_a
    today = timezone.localdate()
    programme = ProgrammeFactory(organisation=org, name="Askviklederen 2026–27",
                                 slug="askvik-rounds", starts_on=today - dt.timedelta(days=120),
                                 ends_on=today + dt.timedelta(days=200))
    plan = NetworkPlanFactory(programme=programme, default_place="Kommunestyresalen")
    adviser = FacilitatorFactory(organisation=org, full_name="Vilde Rådgiver",
                                 email="vilde@askvik.example")
    group = NetworkGroupFactory(plan=plan, name="Kvitveis", facilitator=adviser)
    area = UnitFactory(organisation=org, name="Helse og omsorg\nøst", kind="tjenesteomrade")
    members = [personas.bob_leader]
    for i, name in enumerate(("Åse Ødegård-Lindqvist", "Per Ås", "Kari Nordmann-Ødegaard",
                              "Jon-Erik Bø")):
        unit = UnitFactory(organisation=org, name="Hjemmetjenesten", parent=area)
        members.append(LeaderFactory(organisation=org, unit=unit, user__full_name=name,
                                     user__email=f"leder{i}@askvik.example"))
    for leader in members:
        ParticipantFactory(programme=programme, leader=leader)
        MembershipFactory(group=group, leader=leader)
    past = MeetingFactory(group=group, number=1, date=weekday_after(today, -14),
                          status=MeetingStatus.CONFIRMED, confirmed_at=timezone.now(),
                          facilitator=adviser)
    proposed = MeetingFactory(group=group, number=2, date=weekday_after(today, 20),
                              facilitator=adviser)
    options = [OptionFactory(meeting=proposed),
               OptionFactory(meeting=proposed, date=weekday_after(today, 23),
                             slot=Slot.AFTERNOON, starts_at=dt.time(12, 30),
                             ends_at=dt.time(15, 0))]
    return group, past, proposed, options


def test_oaf_adds_and_records_member_answers_at_360px(live_server, page, personas, world):
    group, past, proposed, options = world
    today = timezone.localdate()

    # --- O&F adds round 3 as "not yet proposed" and round 4 confirmed in the afternoon.
    page.set_viewport_size({"width": 1280, "height": 900})
    _login(page, live_server, "alice@askvik.example")
    page.goto(f"{live_server.url}/nettverk/grupper/{group.uuid}/")
    page.locator("#id_status").select_option(MeetingStatus.NOT_PROPOSED)
    page.locator("form[action$='/nytt-mote/'] button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    later = weekday_after(today, 40)
    page.locator("#id_status").select_option(MeetingStatus.CONFIRMED)
    page.locator("#id_date").fill(f"{later:%Y-%m-%d}")
    page.locator("#id_slot").select_option(Slot.AFTERNOON)
    page.locator("form[action$='/nytt-mote/'] button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    assert axe_violations(page) == []
    _shot(page, "01-oaf-group-rounds-added")
    fourth = NetworkMeeting.objects.get(group=group, number=4)
    assert (fourth.status, fourth.date, fourth.starts_at) == (
        MeetingStatus.CONFIRMED, later, dt.time(12, 30))
    assert NetworkMeeting.objects.get(group=group, number=3).date is None

    # A date in the past cannot be confirmed: the form says why and keeps the input.
    page.locator("#id_status").select_option(MeetingStatus.CONFIRMED)
    page.locator("#id_date").fill(f"{weekday_after(today, -7):%Y-%m-%d}")
    page.locator("form[action$='/nytt-mote/'] button[type=submit]").click()
    expect(page.locator("#error-summary")).to_be_visible()
    assert NetworkMeeting.objects.filter(group=group).count() == 4

    # --- ... and records the meeting of two weeks ago as held.
    page.goto(f"{live_server.url}/nettverk/moter/{past.uuid}/")
    page.locator("form[action$='/holdt/'] button").click()
    expect(page.locator(".badge", has_text="Gjennomført")).to_be_visible()
    _shot(page, "02-oaf-past-meeting-held")
    past.refresh_from_db()
    assert past.is_held
    page.get_by_role("button", name="Logg ut").click()

    # --- Bob, on a 360-px phone, sees round 3 as not yet set and answers the poll.
    page.set_viewport_size({"width": 360, "height": 780})
    _login(page, live_server, "bob@askvik.example")
    page.goto(f"{live_server.url}/nettverk/grupper/{group.uuid}/")
    expect(page.get_by_text(re.compile("not yet set|ikke fastsatt ennå")).first).to_be_visible()
    _no_sideways_scroll(page, 360)
    _shot(page, "03-member-group-360")
    page.goto(f"{live_server.url}/nettverk/moter/{proposed.uuid}/")
    page.locator(f'input[name="option_{options[0].pk}"][value="nei"]').check()
    page.locator(f'input[name="option_{options[1].pk}"][value="ja"]').check()
    page.get_by_role("button", name="Lagre svarene mine").click()
    expect(page.get_by_text("Takk, svarene dine er lagret.")).to_be_visible()
    _no_sideways_scroll(page, 360)
    assert axe_violations(page) == []
    _shot(page, "04-member-poll-answered-360")
    # The leading answer is now the proposal.
    proposed.refresh_from_db()
    assert (proposed.date, proposed.slot) == (options[1].date, Slot.AFTERNOON)
    expect(page.locator("tr.table-success")).to_contain_text(str(options[1].date.year))


def test_import_preview_planner_and_the_advisers_week(live_server, page, personas, world,
                                                       tmp_path):
    group, past, proposed, options = world
    today = timezone.localdate()
    # --- O&F previews a plan file with a clash (a gathering day is not in this plan, but
    # round 2 on the proposed meeting's own day and slot clashes with nothing; round 5
    # on a Saturday is refused with the weekend rule).
    saturday = today + dt.timedelta(days=(5 - today.weekday()) % 7 + 14)
    monday = weekday_after(today, 30)
    plan_file = tmp_path / "plan.csv"
    plan_file.write_bytes(("Gruppe;Runde;Dato;Tid;Rådgiver;Status\r\n"
                           f"Kvitveis;5;{saturday:%d.%m.%y};FL;vilde@askvik.example;foreslått\r\n"
                           f"Kvitveis;6;{monday:%d.%m.%Y};;;foreslått\r\n").encode("cp1252"))
    page.set_viewport_size({"width": 1280, "height": 900})
    _login(page, live_server, "alice@askvik.example")
    page.goto(f"{live_server.url}/nettverk/{group.plan.uuid}/moteplan/importer/")
    page.locator("#id_file").set_input_files(str(plan_file))
    page.locator("form[enctype] button[type=submit]").click()
    expect(page.locator("tr.table-danger")).to_have_count(1)
    assert axe_violations(page) == []
    _shot(page, "05-oaf-import-preview-with-clash")
    assert not NetworkMeeting.objects.filter(group=group, number__in=[5, 6]).exists()
    page.goto(f"{live_server.url}/nettverk/{group.plan.uuid}/moteplan/")
    # The cost-aware planner's preview is a page of its own: every new meeting by day,
    # the adviser-days and the contract price, and nothing saved until "Plan these".
    page.locator("#id_per_group").fill("4")
    count = NetworkMeeting.objects.count()
    page.locator("form[action$='/pakk/'] button:not([name=save])").click()
    expect(page.locator("#planner-result li.list-group-item").first).to_be_visible()
    assert NetworkMeeting.objects.count() == count
    assert axe_violations(page) == []
    _shot(page, "06-oaf-meeting-plan-with-planner")
    page.locator("#planner-result button[name=save]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    assert NetworkMeeting.objects.filter(group=group).count() == 4
    page.get_by_role("button", name="Logg ut").click()

    # --- The adviser's week at 360 px: the proposed meeting is there, no sideways scroll.
    page.set_viewport_size({"width": 360, "height": 780})
    _login(page, live_server, "vilde@askvik.example")
    page.goto(f"{live_server.url}/kalender/uke/?uke={proposed.date:%Y-%m-%d}")
    expect(page.get_by_text("Kvitveis").first).to_be_visible()
    _no_sideways_scroll(page, 360)
    assert axe_violations(page) == []
    _shot(page, "07-adviser-week-360")
