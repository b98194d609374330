"""Reports as PDF (Celery, WeasyPrint): the same figures and thresholds, only for readers."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from lib.models import DocumentStatus, GeneratedDocument
from tests.factories import LeaderFactory, UnitFactory

from .factories import bulk_responses, close, make_round

pytestmark = pytest.mark.django_db


def _pdf(client, round, django_capture_on_commit_callbacks) -> tuple[GeneratedDocument, str]:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("surveys:report_pdf", args=[round.pk]))
    assert response.status_code == 302
    document = GeneratedDocument.objects.get()
    assert document.status == DocumentStatus.DONE, document.error
    reader = PdfReader(io.BytesIO(document.file.read()))
    return document, "\n".join(page.extract_text() for page in reader.pages)


def test_group_report_pdf_has_the_chart_and_figures(client, personas, instruments, team,
                                                    django_capture_on_commit_callbacks):
    bulk_responses(team.before, [{}] * 6, value=3)
    close(team.before)
    after = make_round(organisation=personas.org_a, instrument=instruments["effect"],
                       group=team.group, phase="after", baseline=team.before)
    bulk_responses(after, [{}] * 5, value=5)
    close(after)
    client.force_login(personas.bob)
    document, text = _pdf(client, after, django_capture_on_commit_callbacks)
    assert "Effektkartlegging – Ledergruppen i Helse" in text
    assert "Psykologisk trygghet og læring" in text
    assert "Endring fra" in text and "+2,0" in text and "Før 3,0" in text
    # The PDF page is for readers of the report only; lib answers 404 to everyone else.
    detail = reverse("lib:document_detail", args=[document.pk])
    assert client.get(detail).status_code == 200
    client.force_login(LeaderFactory(organisation=personas.org_a).user)
    assert client.get(detail).status_code == 404
    client.force_login(personas.charlie)
    assert client.get(detail).status_code == 404


def test_group_pdf_below_n_shows_no_figures(client, personas, team,
                                            django_capture_on_commit_callbacks):
    bulk_responses(team.before, [{}] * 4, value=7)
    close(team.before)
    client.force_login(personas.alice)
    _document, text = _pdf(client, team.before, django_capture_on_commit_callbacks)
    assert "Resultatet vises når minst 5 har svart; 4 har svart" in text
    assert "7,0" not in text


def test_needs_report_pdf_ranks_and_breaks_down(client, personas, instruments,
                                                django_capture_on_commit_callbacks):
    round = make_round(organisation=personas.org_a, instrument=instruments["needs"])
    other = UnitFactory(organisation=personas.org_a, kind="tjenesteomrade", name="Kultur")
    bands = [{"area": personas.boss_leader.unit, "level": "teamleder", "years_band": "1-3"},
             {"area": other, "level": "avdelingsleder", "years_band": "4-9"}] * 8
    bulk_responses(round, bands, value=lambda i, item: 1 + (i + item.order) % 5)
    close(round)
    client.force_login(personas.alice)
    _document, text = _pdf(client, round, django_capture_on_commit_callbacks)
    for expected in ("Behovskartlegging for ledere", "Hva er viktigst for en leder på ditt nivå?",
                     "Etter tjenesteområde", "Etter ledernivå", "Kultur", "Teamledelse"):
        assert expected in text


def test_pdf_in_nynorsk_for_a_nynorsk_reader(client, personas, team,
                                             django_capture_on_commit_callbacks):
    bulk_responses(team.before, [{}] * 5, value=4)
    close(team.before)
    personas.alice.language = "nn"
    personas.alice.save()
    client.force_login(personas.alice)
    _document, text = _pdf(client, team.before, django_capture_on_commit_callbacks)
    assert "Psykologisk tryggleik og læring" in text
