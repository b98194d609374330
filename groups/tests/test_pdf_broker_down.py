"""The poster PDF asked for while the broker is down: the request succeeds, nothing is lost.

Real PostgreSQL and Redis. The broker is "down" by pointing Celery at a closed port
(127.0.0.1:1) while the request runs; then the real broker is back, the beat task
``outbox_flush`` sends the job and a real worker builds the PDF.
"""

from __future__ import annotations

import datetime as dt
import io
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from groups import services
from groups.models import PosterVersion
from lederutvikling.celery import app
from lib.models import DocumentStatus, GeneratedDocument, OutboxTask
from lib.outbox import outbox_flush
from lib.testing import broker_at, wait_until

from .conftest import save_version

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

COMMITMENTS = ["Gi hverandre ærlige tilbakemeldinger – også når det stormer",
               "Følge opp det vi har bestemt, til det er gjennomført"]


def test_poster_pdf_requested_with_the_broker_down_is_built_when_it_is_back(
        client, world, not_eager):
    save_version(world, world.member, COMMITMENTS)
    services.poster_publish(version=PosterVersion.objects.get(number=1), actor=world.head)
    client.force_login(world.member)

    with broker_at("redis://127.0.0.1:1/0"):  # nothing listens on port 1
        started = time.monotonic()
        response = client.post(reverse("groups:poster_pdf", args=[world.group.public_id]),
                               {"page_size": "A4"})
        elapsed = time.monotonic() - started
        assert response.status_code == 302
        document = GeneratedDocument.objects.get(kind="groups.poster_pdf")
        assert response.url == reverse("lib:document_detail", args=[document.pk])
        page = client.get(response.url)
    print(f"\nposter request with the broker down answered in {elapsed:.2f} s")
    assert elapsed < 3
    assert page.status_code == 200
    assert 'id="document-waits"' in page.content.decode()  # "the file will follow"
    assert document.status == DocumentStatus.QUEUED
    job = OutboxTask.objects.get(task="lib.tasks.document_build")
    assert job.args == [str(document.pk)]
    assert job.sent_at is None and job.last_error

    # The broker is back; beat's next flush sends the job and a real worker builds it.
    OutboxTask.objects.filter(pk=job.pk).update(
        tried_at=timezone.now() - dt.timedelta(minutes=1))
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING",
                      shutdown_timeout=10):
        assert outbox_flush() == 1

        def built() -> bool:
            document.refresh_from_db()
            return document.is_finished
        assert wait_until(built, 60), "the worker never built the poster"
    job.refresh_from_db()
    assert job.sent_at is not None
    assert document.status == DocumentStatus.DONE, document.error
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(document.file.read())).pages)
    assert "Formålsplakat" in text
    assert "Følge opp det vi har bestemt" in " ".join(text.split())  # large type wraps
    assert 'id="document-waits"' not in client.get(
        reverse("lib:document_detail", args=[document.pk])).content.decode()
