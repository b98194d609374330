"""Broker unreachable: "forgot your password" still answers, and the mail follows later."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from lederutvikling.celery import app
from lib.models import OutboxTask
from lib.outbox import outbox_flush
from lib.testing import broker_at

pytestmark = pytest.mark.django_db


def test_password_reset_with_the_broker_down_answers_and_mails_when_it_is_back(
        client, personas, not_eager, django_capture_on_commit_callbacks):
    with (broker_at("redis://127.0.0.1:1/0"),  # nothing listens on port 1
          django_capture_on_commit_callbacks(execute=True)):
        response = client.post(reverse("password_reset"), {"email": "bob@askvik.example"})
    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    job = OutboxTask.objects.get(task="accounts.tasks.password_reset_send")
    assert job.sent_at is None and job.last_error
    assert mail.outbox == []

    app.conf.task_always_eager = True  # the broker is back; tasks run here, as in unit tests
    OutboxTask.objects.filter(pk=job.pk).update(
        tried_at=timezone.now() - dt.timedelta(minutes=1))
    assert outbox_flush() == 1
    assert [m.to for m in mail.outbox] == [["bob@askvik.example"]]
    job.refresh_from_db()
    assert job.sent_at is not None
