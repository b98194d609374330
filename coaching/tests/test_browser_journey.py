"""Done when: in Chromium, a leader applies, is approved, books, moves the session, the coach
marks it held, and the month's invoice basis shows the hours."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from coaching.models import Booking, CoachingCourse
from tests.factories import PASSWORD

from .factories import AgreementFactory, CoachFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, base, email):
    page.context.clear_cookies()
    page.goto(f"{base}/konto/logg-inn/")
    page.get_by_label("E-postadresse").fill(email)
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url(f"{base}/min-side/")


def test_apply_approve_book_move_hold_invoice(live_server, page, personas):
    base = live_server.url
    agreement = AgreementFactory(organisation=personas.org_a,
                                 supplier__name="Fjellklar Coaching AS")
    CoachFactory(organisation=personas.org_a, supplier=agreement.supplier,
                 user__full_name="Cora Coach", user__email="cora@coach.example")

    # 1. Bob applies for next semester, paid by his own unit.
    _login(page, base, "bob@askvik.example")
    page.get_by_role("link", name="Coaching", exact=True).click()
    page.get_by_role("link", name="Søk om coaching").click()
    page.get_by_label("Semester").select_option(index=1)
    assert page.get_by_label("Bestillende enhet").input_value() == str(
        personas.bob_leader.unit.pk)
    page.get_by_label("Belbins teamroller").check()
    page.get_by_label("Hva skal kjennetegne mitt lederskap?").fill("Tydelighet og tillit")
    page.get_by_label("Mine viktigste utviklingspunkter (fra modellen)").fill("Følge opp")
    page.get_by_role("button", name="Send søknad").click()
    expect(page.locator("#course-status")).to_contain_text("Venter på godkjenning")

    # 2. Berit, his leader above, approves from Min side.
    _login(page, base, "berit@askvik.example")
    page.get_by_role("button", name="Godkjenn Bob Leder").click()
    expect(page.locator("body")).to_contain_text("Du godkjente søknaden fra Bob Leder")

    # 3. O&F lets Bob choose his coach (an admin action); Bob chooses Cora.
    _login(page, base, "alice@askvik.example")
    page.goto(f"{base}/admin/coaching/coachingcourse/")
    page.locator("input[name=_selected_action]").first.check()
    page.locator("select[name=action]").select_option("open_coach_choice")
    page.locator("button[name=index]").click()
    expect(page.locator("body")).to_contain_text("1 ledere kan nå velge coach")
    _login(page, base, "bob@askvik.example")
    page.get_by_role("link", name="Velg coach").click()
    page.get_by_role("button", name="Velg Cora Coach").click()

    # 4. Bob books the first free slot, then moves it to another.
    page.wait_for_url("**/bestill/")
    page.locator(".slot-button").first.click()
    # A click on a time only asks: the confirmation step shows the cancellation rule.
    page.locator("#confirm-booking").click()
    expect(page.locator("body")).to_contain_text("Samtalen din er bestilt")
    booking = Booking.objects.get()
    first_time = booking.starts_at
    page.get_by_role("link", name="Flytt").click()
    page.locator(".slot-button").nth(3).click()
    # Moving asks first too: both times, and nothing changes until confirmed.
    expect(page.locator("#move-from")).to_be_visible()
    assert Booking.objects.get().starts_at == first_time
    page.locator("#confirm-move").click()
    expect(page.locator("body")).to_contain_text("Samtalen din er flyttet til")
    booking.refresh_from_db()
    assert booking.starts_at != first_time and booking.times_moved == 1

    # 5. The session takes place: rather than wait for it, move it an hour into the past.
    start = timezone.now().replace(second=0, microsecond=0) - dt.timedelta(hours=1)
    Booking.objects.filter(pk=booking.pk).update(starts_at=start,
                                                 ends_at=start + dt.timedelta(hours=1))
    _login(page, base, "cora@coach.example")
    page.get_by_role("link", name="Coachkalender").click()
    page.get_by_role("button", name="Gjennomført: Bob Leder").first.click()
    expect(page.locator("body")).to_contain_text("samtalen er merket gjennomført")

    # 6. O&F opens the month's invoice basis: one hour for Bob's unit.
    _login(page, base, "alice@askvik.example")
    month = timezone.localtime(start).strftime("%Y-%m")
    page.goto(f"{base}/admin/coaching/invoicebasis/?maned={month}")
    row = page.locator("#invoice-basis tbody tr")
    assert row.count() == 1
    assert "Solbakken sykehjem" in row.inner_text()
    assert row.locator(".invoice-hours").inner_text() == "1,00"
    assert page.locator("#invoice-total-amount").inner_text() == "2\xa0187,50"
    assert CoachingCourse.objects.get().status == "aktiv"
