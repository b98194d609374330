"""The published platform as a print-ready PDF: every theme, characteristic and behaviour."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from lib import pdf_testing
from lib.models import DocumentStatus, GeneratedDocument
from lib.testing import assert_refused

from ..documents import PLATFORM_PDF_KIND, platform_pdf_request, render_platform_pdf
from .conftest import publish

pytestmark = [pytest.mark.django_db]


def test_the_pdf_prints_the_whole_platform_in_the_readers_language(lp):
    version = publish(lp)
    printed = pdf_testing.printed(render_platform_pdf(version, page_size="A4", language="nb"))
    for phrase in ("Askvik kommune", "Oppgaveorientert ledelse", "Tydelig på mål og forventninger",
                   "Bryter ned mål til konkrete oppgaver", "Følger opp avtaler og frister",
                   "Relasjonsorientert ledelse", "Gir konkrete og ærlige tilbakemeldinger",
                   "Hva vil det si å være tydelig som leder?"):
        assert printed.has(phrase), phrase
    assert not printed.has("Alltid tilgjengelig")  # not adopted
    assert printed.off_page == []
    nynorsk = pdf_testing.printed(render_platform_pdf(version, page_size="A4", language="nn"))
    assert nynorsk.has("Oppgåveorientert leiing")
    assert nynorsk.has("Tydeleg på mål og forventningar")
    assert nynorsk.has("Bryt ned mål til konkrete oppgåver")
    assert nynorsk.has("Følger opp avtaler og frister")  # no nynorsk text: bokmål


def test_a3_is_an_a3_sheet(lp):
    version = publish(lp)
    reader = PdfReader(io.BytesIO(render_platform_pdf(version, page_size="A3", language="nb")))
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) \
        == (297, 420)


def test_only_the_published_version_is_printed_in_a4_or_a3(lp):
    assert_refused("not_published", lambda: platform_pdf_request(
        version=lp.version, actor=lp.member.user, page_size="A4"))
    version = publish(lp)
    assert_refused("invalid_paper_size", lambda: platform_pdf_request(
        version=version, actor=lp.member.user, page_size="Letter"))


def test_any_leader_requests_it_and_the_job_builds_it(client, lp,
                                                      django_capture_on_commit_callbacks):
    version = publish(lp)
    client.force_login(lp.other.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("leaderplatform:platform_pdf", args=[version.uuid]),
                               {"page_size": "A4"})
    document = GeneratedDocument.objects.get(kind=PLATFORM_PDF_KIND)
    assert response.url == reverse("lib:document_detail", args=[document.pk])
    document.refresh_from_db()
    assert document.status == DocumentStatus.DONE
    assert pdf_testing.printed(document.file.read()).has("Tydelig på mål og forventninger")
    client.force_login(lp.personas.charlie)
    assert client.get(reverse("lib:document_download", args=[document.pk])).status_code == 404
