"""Chromium, all in nynorsk: a leader picks nynorsk on the login page, asks for a place in a
module, the leader above (also nynorsk) approves, the leader sees the seat, answers the Effect
survey, reads the group's purpose poster, books a coaching session and cancels it.

Every page must be in nynorsk (``html[lang=nn]``, nynorsk headings and buttons) with no
bokmål-only word from the portal's own texts leaking through.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from coaching.models import Booking, BookingStatus
from lib.testing import log_out
from programs.models import Enrollment, EnrollmentStatus
from surveys.models import Item, Response
from tests.factories import PASSWORD
from tests.keyboard import journey_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Words of the portal's texts that are bokmål and never nynorsk (the nynorsk in brackets).
BOKMAL_ONLY = [
    r"\bMin side\b",  # Mi side
    r"\bLedelsesfordypning\b",  # Leiingsfordjuping
    r"\bLedergrupper\b",  # Leiargrupper
    r"\bUndersøkelser\b",  # Undersøkingar
    r"\bLederutvikling\b",  # Leiarutvikling
    r"\bVelkommen\b",  # Velkomen
    r"\bventer\b",  # ventar
    r"\bikke\b",  # ikkje
    r"\bhvorfor\b",  # kvifor
    r"\bsvarene\b",  # svara
    r"\bBytt språk\b",  # Byt språk
]


def assert_nynorsk(page, *texts: str) -> None:
    """The page is nynorsk: lang, the nynorsk nav and ``texts``, and no bokmål-only word.

    A click that navigates returns before the next page is there: the checks that can
    wait for it (lang, the texts) come first and retry until it is; the caller gives a
    text of the next page (or waits for one) so the bokmål check reads that page."""
    expect(page.locator("html")).to_have_attribute("lang", "nn")
    for text in texts:
        expect(page.locator("body")).to_contain_text(text)
    page.wait_for_load_state()
    body = page.locator("body").inner_text()
    leaks = [word for word in BOKMAL_ONLY if re.search(word, body, re.IGNORECASE)]
    assert leaks == [], (page.url, leaks)
    if page.get_by_role("button", name="Logg ut").count():
        nav = page.get_by_role("navigation", name="Hovudmeny")
        for item in ("Mi side", "Leiingsfordjuping", "Leiargrupper", "Undersøkingar"):
            expect(nav.get_by_role("link", name=item, exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Byt språk")).to_be_visible()


def _login(page, base: str, email: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/konto/logg-inn/")
    assert page.locator("html").get_attribute("lang") == "nb"  # nobody has chosen yet
    # Choose nynorsk on the login page itself (the footer's language form).
    page.get_by_label("Språk").select_option(label="Norsk nynorsk")
    page.get_by_role("button", name="Bytt språk").click()
    assert_nynorsk(page, "Logg inn")
    expect(page.locator("h1")).to_have_text("Logg inn")
    page.get_by_label("E-postadresse").fill(email)
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url(f"{base}/min-side/")


def test_a_whole_leader_journey_in_nynorsk(live_server, page, personas):
    base = live_server.url
    for user in (personas.bob, personas.boss_leader.user):
        user.language = "nn"
        user.save(update_fields=["language"])
    data = journey_data(personas)
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text)
            if msg.type == "error" and "favicon" not in msg.location.get("url", "") else None)

    # 1. Bob asks for a place in the module.
    _login(page, base, "bob@askvik.example")
    assert_nynorsk(page, "Velkomen, Bob Leder", "Leiargruppa di", "Undersøkingar som ventar på deg")
    page.get_by_role("navigation", name="Hovudmeny").get_by_role(
        "link", name="Leiingsfordjuping").click()
    expect(page.locator("h1")).to_have_text("Leiingsfordjuping")
    assert_nynorsk(page)
    page.get_by_role("link", name="Søk om plass i Endringsleiing").click()
    assert_nynorsk(page, "Søk om plass")
    page.get_by_label("Kvifor vil du delta?").fill("Vi skal slå saman to avdelingar.")
    page.get_by_role("button", name="Send søknad").click()
    assert_nynorsk(page, "Søknaden er send til leiaren din for godkjenning.",
                   "Søkt, ventar på godkjenning")
    log_out(page)

    # 2. Berit, the leader above, approves from Mi side.
    _login(page, base, "berit@askvik.example")
    assert_nynorsk(page, "Søknader som ventar på deg", "Vi skal slå saman to avdelingar.")
    page.get_by_role("button", name="Godkjenn Bob Leder").click()
    assert_nynorsk(page, "Godkjend: Bob Leder har fått plass.")
    log_out(page)

    # 3. Bob sees the seat on Mi side.
    _login(page, base, "bob@askvik.example")
    panel = page.locator("section", has=page.get_by_role("heading", name="Leiingsfordjuping"))
    expect(panel.get_by_text("Har plass")).to_be_visible()
    expect(panel.get_by_role("heading", name="Modulane dine")).to_be_visible()
    assert Enrollment.objects.get().status == EnrollmentStatus.SEATED

    # 4. He answers the Effect survey of his leader group.
    title = "Effektkartlegging før – Leiargruppa i Helse og velferd"
    page.get_by_role("link", name=title).first.click()
    page.wait_for_url(f"**/undersokelser/{data.round.pk}/svar/")
    assert_nynorsk(page, "Svar ut frå korleis leiargruppa di fungerer i dag.",
                   "Føremål og oppgåver")
    expect(page.get_by_role("button", name="Lagre og fullfør seinare")).to_be_visible()
    for item in Item.objects.filter(instrument=data.round.instrument, kind="scale"):
        page.check(f'input[name="item_{item.pk}"][value="5"]')
    page.get_by_role("button", name="Send inn svara").click()
    page.wait_for_url(f"{base}/undersokelser/")
    assert_nynorsk(page, "Takk! Svara dine er sende inn.")
    assert Response.objects.filter(round=data.round).count() == 1

    # 5. He opens the group's purpose poster from Mi side.
    page.get_by_role("link", name="Mi side", exact=True).click()
    page.get_by_role("link", name="Formålsplakat – Leiargruppa i Helse og velferd").click()
    assert_nynorsk(page, "Publisert plakat", "Setje ei tydeleg retning for tenestene",
                   "Ta avgjerder saman")
    expect(page.locator("h1")).to_have_text("Formålsplakat – Leiargruppa i Helse og velferd")
    expect(page.get_by_role("button", name="Lag PDF")).to_be_visible()

    # 6. He books a coaching session and cancels it.
    page.get_by_role("navigation", name="Hovudmeny").get_by_role(
        "link", name="Coaching", exact=True).click()
    assert_nynorsk(page, "Individuell coaching", "Løpa dine")
    page.locator("table").get_by_role("link").first.click()
    assert_nynorsk(page, "Løpet", "Coachingsamtalar")
    page.get_by_role("link", name="Bestill ein samtale").click()
    expect(page.locator("h1")).to_have_text("Bestill ein samtale")
    assert_nynorsk(page)
    page.locator(".slot-button").first.click()
    # A click on a time only asks first, in nynorsk too, with the cancellation rule.
    assert_nynorsk(page, "Korleis", "Du og coachen får ei stadfesting på e-post")
    expect(page.locator("h1")).to_have_text("Bestille denne timen?")
    expect(page.locator("main")).to_contain_text(
        re.compile(r"Du kan flytte eller avbestille gratis til|Timen startar om mindre enn"))
    expect(page.get_by_role("link", name="Vel eit anna tidspunkt")).to_be_visible()
    assert not Booking.objects.exists()
    page.get_by_role("button", name="Bestill timen").click()
    assert_nynorsk(page, "Samtalen din er bestilt", "Ei stadfesting kjem på e-post.")
    booking = Booking.objects.get()
    assert booking.status == BookingStatus.BOOKED
    page.get_by_role("link", name="Avbestill", exact=True).click()
    assert_nynorsk(page, "Då kan du bestille samtalen på nytt.")
    expect(page.get_by_role("link", name="Behald han")).to_be_visible()
    page.get_by_role("button", name="Avbestill samtalen").click()
    assert_nynorsk(page, "Samtalen er avbestilt.")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert errors == []
