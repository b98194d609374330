"""Chromium: O&F logs in to the admin, makes the cost report (PDF) and the status report (CSV)
by clicking through, waits for the files and downloads them. Each holds the municipality's
own figures and nothing of the other municipality's."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from coaching.models import BookingStatus
from coaching.tests.factories import BookingFactory, CourseFactory, at
from lib.models import GeneratedDocument
from lib.testing import axe_violations
from programs.tests.factories import (
    GatheringFactory,
    ProgrammeFactory,
    ProgrammeParticipantFactory,
    today,
)
from reports.models import Payer
from reports.tests.factories import ProgrammeBudgetFactory, TravelCostFactory
from tests.factories import PASSWORD, LeaderFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _priced_programme(org, *, name: str, travel: str, theme: str, unit, supplier: str):
    """A programme with a gathering, a travel cost and a held coaching session in its period."""
    programme = ProgrammeFactory(organisation=org, name=name,
                                 starts_on=today() - dt.timedelta(days=30),
                                 ends_on=today() + dt.timedelta(days=60))
    ProgrammeBudgetFactory(programme=programme)
    adviser = UserFactory(organisation=org, is_facilitator=True)
    GatheringFactory(programme=programme, theme=theme,
                     date=today() + dt.timedelta(days=10)).advisers.add(adviser)
    TravelCostFactory(programme=programme, description=travel, amount=Decimal("1234.50"),
                      paid_by=Payer.OAF, date=today())
    leader = LeaderFactory(organisation=org, unit=unit)
    ProgrammeParticipantFactory(programme=programme, leader=leader)
    course = CourseFactory(organisation=org, leader=leader, agreement__supplier__name=supplier)
    BookingFactory(course=course, starts_at=at(today() - dt.timedelta(days=1), 10), minutes=60,
                   status=BookingStatus.HELD)
    return programme


@pytest.fixture
def two_programmes(personas):
    unit_a = personas.bob_leader.unit
    unit_b = personas.dora_leader.unit
    a = _priced_programme(personas.org_a, name="Askvikleiaren 2026", travel="Ferje til Askøy",
                          theme="Tillit i Askvik", unit=unit_a, supplier="Fjellklar Coaching AS")
    b = _priced_programme(personas.org_b, name="Brattliprogrammet", travel="Fly til Brattli",
                          theme="Brattli-samlinga", unit=unit_b,
                          supplier="Brattli Rettleiing AS")
    return a, b


def _admin_login(page, base: str) -> None:
    page.goto(f"{base}/admin/")
    page.get_by_label("E-postadresse").fill("alice@askvik.example")
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url(f"{base}/admin/")


def _make_report(page, *, report: str, programme: str) -> None:
    """From the admin index: Report jobs → add → choose → submit."""
    page.get_by_role("link", name="Rapportjobber", exact=True).click()
    page.get_by_role("link", name="Legg til ny rapportjobb").click()
    expect(page.locator("h1")).to_have_text("Lag en rapport")
    options = page.get_by_label("Program:", exact=True).locator("option").all_inner_texts()
    assert programme in options
    assert "Brattliprogrammet" not in options  # the other municipality's programme
    page.get_by_label("Rapport:", exact=True).select_option(label=report)
    page.get_by_label("Program:", exact=True).select_option(label=programme)
    page.get_by_role("button", name="Lag rapporten").click()


def _download(page, tmp_path: Path, name: str) -> Path:
    # Celery is eager in tests, so the file is usually ready at once; if not, the page polls
    # and reloads itself, and the download link appears.
    link = page.locator("#document-download")
    expect(link).to_be_visible(timeout=20_000)
    expect(page.get_by_text("Filen er klar.")).to_be_visible()
    with page.expect_download() as info:
        link.click()
    target = tmp_path / name
    info.value.save_as(target)
    return target


def test_oaf_makes_cost_pdf_and_status_csv_and_downloads_them(live_server, page, personas,
                                                              two_programmes, tmp_path):
    base = live_server.url
    _admin_login(page, base)

    # 1. The cost overview as PDF.
    _make_report(page, report="Kostnadsoversikt mot budsjett (PDF)", programme="Askvikleiaren 2026")
    page.wait_for_url("**/dokumenter/**")
    expect(page.locator("h1")).to_contain_text("Askvikleiaren 2026")
    pdf = _download(page, tmp_path, "kostnader.pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "pdftotext is missing (apt-get install poppler-utils)"
    text = subprocess.run([pdftotext, "-raw", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    flat = " ".join(text.split())
    # Without contract terms the gathering is a flagged calendar line (no theme); the
    # coaching is under a general agreement: its own section, named by the supplier.
    for own in ("Askvikleiaren 2026", "Ferje til Askøy", "Fjellklar Coaching AS",
                "Askvik kommune"):
        assert own in flat, own
    for foreign in ("Brattli", "Fly til Brattli"):
        assert foreign not in flat, foreign
    # The document page is the portal's own page (not the admin): WCAG 2.1 AA.
    assert axe_violations(page) == []

    # 2. The status report as CSV, by clicking from the admin again.
    page.get_by_role("navigation", name="Hovedmeny").get_by_role(
        "link", name="Administrasjon").click()
    page.wait_for_url(f"{base}/admin/")
    _make_report(page, report="Programstatus for toppledelsen (CSV)",
                 programme="Askvikleiaren 2026")
    page.wait_for_url("**/dokumenter/**")
    data = _download(page, tmp_path, "status.csv").read_bytes()
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Del", "Navn", "Verdi", "Av"]
    assert ["Deltakelse per spor", "Ledersamlinger", "1", ""] in rows
    assert ["Tjenesteområde", "Helse og velferd", "1", ""] in rows
    assert [row[:3] for row in rows if row[1] == "Ledere nådd"] == [["Deltakelse", "Ledere nådd",
                                                                     "1"]]
    assert not any("Brattli" in cell for row in rows for cell in row)
    assert GeneratedDocument.objects.filter(organisation=personas.org_a,
                                            status="done").count() == 2
    assert not GeneratedDocument.objects.filter(organisation=personas.org_b).exists()
