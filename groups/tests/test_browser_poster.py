"""The whole poster journey in Chromium: a member drafts, another revises, the head
publishes, any leader of the municipality reads it and downloads the PDF."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page, live_server, email: str) -> None:
    page.goto(f"{live_server.url}/")
    page.get_by_label("E-postadresse").fill(email)
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url(f"{live_server.url}/min-side/")


def _log_out(page) -> None:
    page.get_by_role("button", name="Logg ut").click()


def test_poster_from_first_draft_to_printed_pdf(live_server, page, world):
    csp_errors: list[str] = []
    page.on("console", lambda msg: csp_errors.append(msg.text)
            if "Content Security Policy" in msg.text else None)
    poster_url = f"{live_server.url}/ledergrupper/{world.group.public_id}/formalsplakat/"

    # 1. Bob drafts the first version, starting from Min side.
    _log_in(page, live_server, "bob@askvik.example")
    page.get_by_role("link", name="Formålsplakat – Ledergruppen i Helse og velferd").click()
    page.get_by_role("link", name="Begynn å skrive").click()
    lead = page.get_by_label("Innledende setning")
    assert "skal skape MERVERDI" in lead.input_value()
    page.get_by_label("Forpliktelse 1", exact=True).fill("Sette en tydelig retning for "
                                                         "tjenestene")
    page.get_by_label("Formål for forpliktelse 1").select_option(label="sette retning")
    page.get_by_label("Forpliktelse 2", exact=True).fill("Ta beslutninger sammen")
    page.get_by_role("button", name="Lagre som ny versjon").click()
    expect(page.get_by_text("Lagret som versjon 1.")).to_be_visible()
    _log_out(page)

    # 2. Cecilie revises it and adds a third commitment with the JavaScript button.
    _log_in(page, live_server, "cecilie@askvik.example")
    page.goto(poster_url)
    page.get_by_role("link", name="Rediger utkastet").click()
    page.get_by_label("Forpliktelse 2", exact=True).fill(
        "Ta beslutninger sammen og stå samlet bak dem")
    # Two empty rows are offered; fill them, then add one more.
    page.get_by_label("Forpliktelse 3", exact=True).fill("Gi hverandre ærlige tilbakemeldinger")
    page.get_by_label("Forpliktelse 4", exact=True).fill("Følge opp det vi bestemmer")
    page.get_by_role("button", name="Legg til en forpliktelse").click()
    page.get_by_label("Forpliktelse 5", exact=True).fill("Dele ressurser på tvers")
    page.get_by_role("button", name="Lagre som ny versjon").click()
    expect(page.get_by_text("Lagret som versjon 2.")).to_be_visible()
    _log_out(page)

    # 3. Berit, the head, publishes version 2.
    _log_in(page, live_server, "berit@askvik.example")
    page.goto(poster_url)
    page.get_by_role("button", name="Publiser versjon 2").click()
    expect(page.get_by_text("Versjon 2 er publisert.")).to_be_visible()
    _log_out(page)

    # 4. Nils, a leader outside the group, finds it, reads it and prints it.
    _log_in(page, live_server, "nils@askvik.example")
    page.get_by_role("link", name="Ledergrupper", exact=True).click()
    page.get_by_role("link", name="Ledergruppen i Helse og velferd").click()
    sheet = page.locator("#published").inner_text()
    assert "Ta beslutninger sammen og stå samlet bak dem" in sheet
    assert "Dele ressurser på tvers" in sheet
    assert "Nyeste utkast" not in page.content()
    page.get_by_label("A4 stående").check()
    page.get_by_role("button", name="Lag PDF").click()
    page.wait_for_selector("#document-download")
    with page.expect_download() as info:
        page.locator("#document-download").click()
    pdf = PdfReader(io.BytesIO(Path(info.value.path()).read_bytes()))
    text = " ".join(" ".join(p.extract_text() for p in pdf.pages).split())
    for commitment in ("Sette en tydelig retning for tjenestene",
                       "Ta beslutninger sammen og stå samlet bak dem",
                       "Gi hverandre ærlige tilbakemeldinger", "Følge opp det vi bestemmer",
                       "Dele ressurser på tvers"):
        assert commitment in text
    assert len(pdf.pages) == 1
    assert csp_errors == []
