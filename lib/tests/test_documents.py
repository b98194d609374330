"""Generated documents: built once by Celery, polled, downloadable only by those allowed."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from lib.documents import (
    BuiltFile,
    DocumentBuilder,
    document_request,
    document_run,
    register_builder,
)
from lib.models import DocumentStatus, GeneratedDocument
from lib.pdf import render_pdf

pytestmark = pytest.mark.django_db

calls: list[str] = []


def _build(document: GeneratedDocument, progress) -> BuiltFile:
    calls.append(str(document.pk))
    progress(50)
    pdf = render_pdf(template="lib/pdf/base.html", language=document.language,
                     context={"title": document.title, "body": document.params["body"]})
    return BuiltFile(content=pdf, filename="hilsen.pdf")


def _only_requester(user, document) -> bool:
    return document.requested_by_id == user.pk


register_builder(DocumentBuilder(kind="test.greeting", build=_build, may_view=_only_requester))


@pytest.fixture
def document(personas, django_capture_on_commit_callbacks):
    calls.clear()
    with django_capture_on_commit_callbacks(execute=True):
        doc = document_request(kind="test.greeting", organisation=personas.org_a,
                               requested_by=personas.bob, title="Hilsen frå fjorden",
                               params={"body": "Blåbærsyltetøy på ærfuglegg – Øyvind"})
    doc.refresh_from_db()
    return doc


def test_pdf_is_built_with_norwegian_letters(document):
    assert document.status == DocumentStatus.DONE and document.progress == 100
    reader = PdfReader(io.BytesIO(document.file.read()))
    text = reader.pages[0].extract_text()
    assert "Hilsen frå fjorden" in text
    assert "Blåbærsyltetøy på ærfuglegg – Øyvind" in text
    assert len(reader.pages) == 1


def test_build_runs_once_even_if_the_task_is_delivered_twice(document):
    document_run(str(document.pk))
    assert calls == [str(document.pk)]


def test_requester_can_poll_and_download(client, personas, document):
    client.force_login(personas.bob)
    status = client.get(reverse("lib:document_status", args=[document.pk])).json()
    assert status["ready"] is True and status["progress"] == 100
    response = client.get(reverse("lib:document_download", args=[document.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    page = client.get(reverse("lib:document_detail", args=[document.pk]))
    assert reverse("lib:document_download", args=[document.pk]) in page.content.decode()


@pytest.mark.parametrize("who", ["boss", "charlie"])
def test_others_get_404(client, personas, document, who):
    user = personas.boss_leader.user if who == "boss" else personas.charlie
    client.force_login(user)
    for name in ("lib:document_detail", "lib:document_status", "lib:document_download"):
        assert client.get(reverse(name, args=[document.pk])).status_code == 404


def test_failed_build_is_recorded_not_raised(personas, django_capture_on_commit_callbacks):
    def broken(document, progress):
        raise ValueError("no data")

    register_builder(DocumentBuilder(kind="test.broken", build=broken,
                                     may_view=lambda u, d: True))
    with django_capture_on_commit_callbacks(execute=True):
        doc = document_request(kind="test.broken", organisation=personas.org_a,
                               requested_by=personas.bob, title="Feil")
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.FAILED
    assert "no data" in doc.error


def test_expired_documents_are_purged(document):
    from datetime import timedelta

    from lib.documents import documents_purge_expired

    assert documents_purge_expired(now=document.expires_at - timedelta(seconds=1)) == 0
    assert documents_purge_expired(now=document.expires_at + timedelta(seconds=1)) == 1
    assert not GeneratedDocument.objects.filter(pk=document.pk).exists()
