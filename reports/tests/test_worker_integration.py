"""Done-when: a real Celery worker on Redis sends a reminder once and builds a report."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from lederutvikling.celery import app
from lib.models import DocumentStatus, GeneratedDocument, ReminderStatus, SentReminder
from lib.tasks import reminders_sweep
from lib.testing import wait_until
from programs.tests.factories import ModuleFactory, ModuleSessionFactory
from reports.documents import STATUS_PDF
from reports.models import ReminderPolicy
from reports.services import report_request
from reports.tests.factories import seated


@pytest.fixture
def real_worker():
    """Eager mode off, a worker thread consuming from the configured broker."""
    app.conf.task_always_eager = False
    try:
        with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING",
                          shutdown_timeout=10):
            yield app
    finally:
        app.conf.task_always_eager = True




@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_real_worker_sends_a_reminder_once_and_builds_a_downloadable_report(
        real_worker, personas, client):
    ReminderPolicy.objects.create(organisation=personas.org_a, digest_on=False)
    module = ModuleFactory(programme__organisation=personas.org_a, topic="Mangfoldsledelse")
    ModuleSessionFactory(module=module, date=timezone.localdate() + dt.timedelta(days=3))
    seated(module, leader=personas.bob_leader)

    reminders_sweep.delay()
    reminders_sweep.delay()  # beat firing twice
    # One worker, one task at a time, in queue order: when this report is done, both
    # sweeps and the send they queued before it have run.
    document = report_request(kind=STATUS_PDF, programme=module.programme,
                              requested_by=personas.alice, title="Programstatus")
    assert wait_until(lambda: GeneratedDocument.objects.get(pk=document.pk).is_finished, 60)
    assert wait_until(lambda: SentReminder.objects.filter(status=ReminderStatus.SENT).exists(), 60)
    time.sleep(1)
    assert SentReminder.objects.count() == 1
    assert [m.to for m in mail.outbox] == [["bob@askvik.example"]]
    assert "Mangfoldsledelse" in mail.outbox[0].subject

    document.refresh_from_db()
    assert document.status == DocumentStatus.DONE and document.progress == 100
    client.force_login(personas.alice)
    status = client.get(reverse("lib:document_status", args=[document.pk])).json()
    assert status["status"] == "done"
    response = client.get(reverse("lib:document_download", args=[document.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
