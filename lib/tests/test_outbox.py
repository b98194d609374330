"""The outbox: a job is stored with the work that asked for it and is never lost.

Unit tests run tasks eagerly (the test settings); the broker's failure is either a
publish that raises what kombu raises, or a real closed port (``broker_at``).
"""

from __future__ import annotations

import datetime as dt

import pytest
from celery import shared_task
from django.core import mail
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from lederutvikling.celery import app
from lib.emails import queue_email
from lib.models import OutboxTask
from lib.outbox import enqueue, outbox_flush
from lib.testing import broker_at

pytestmark = pytest.mark.django_db

ran: list[tuple] = []


@shared_task(name="lib.tests.test_outbox.record")
def record(*args, **kwargs) -> None:
    ran.append((args, kwargs))


@pytest.fixture(autouse=True)
def _clear():
    ran.clear()


class BrokerDown:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.monkeypatch = monkeypatch

        def refuse(*args, **kwargs):
            raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

        monkeypatch.setattr(app.amqp, "send_task_message", refuse)
        app.conf.task_always_eager = False

    def undo(self) -> None:
        """The broker is back (and tasks run eagerly again, as in every unit test)."""
        self.monkeypatch.undo()
        app.conf.task_always_eager = True


@pytest.fixture
def broker_down(monkeypatch):
    """Publishing fails the way kombu fails when Redis refuses the connection."""
    down = BrokerDown(monkeypatch)
    yield down
    down.undo()


def _age(row: OutboxTask, seconds: int = 120) -> None:
    """Make the last try look old enough for the next flush to take the row."""
    OutboxTask.objects.filter(pk=row.pk).update(
        tried_at=timezone.now() - dt.timedelta(seconds=seconds))


def test_the_job_is_sent_after_commit_and_marked_sent(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        row = enqueue(record, "Øystre Slidre", 7, kind="plakat")
        assert ran == []  # not before the commit
    assert ran == [(("Øystre Slidre", 7), {"kind": "plakat"})]
    row.refresh_from_db()
    assert row.sent_at is not None and row.attempts == 1 and row.last_error == ""


def test_nothing_is_stored_or_sent_when_the_transaction_rolls_back(
        django_capture_on_commit_callbacks):
    with (django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError),
          transaction.atomic()):
        enqueue(record, 1)
        raise RuntimeError("the work request failed")
    assert ran == [] and not OutboxTask.objects.exists()


def test_broker_down_keeps_the_job_then_the_flush_sends_it(
        broker_down, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        row = enqueue(record, "Åfjord")  # does not raise
    row.refresh_from_db()
    assert row.sent_at is None and row.attempts == 1
    assert "Connection refused" in row.last_error

    assert outbox_flush() == 0  # tried a moment ago: left for the next flush
    _age(row)
    assert outbox_flush() == 0  # still down
    row.refresh_from_db()
    assert row.sent_at is None and row.attempts == 2

    broker_down.undo()
    _age(row)
    assert outbox_flush() == 1
    row.refresh_from_db()
    assert row.sent_at is not None and row.last_error == ""
    assert ran == [(("Åfjord",), {})]
    assert outbox_flush() == 0  # sent once, not again


def test_a_flush_stops_at_the_first_broker_failure(broker_down):
    rows = [OutboxTask.objects.create(task=record.name, args=[n]) for n in range(3)]
    assert outbox_flush() == 0
    attempts = [OutboxTask.objects.get(pk=r.pk).attempts for r in rows]
    assert attempts == [1, 0, 0]


def test_a_row_another_process_is_sending_is_left_alone():
    row = OutboxTask.objects.create(task=record.name, args=[1], tried_at=timezone.now())
    assert outbox_flush() == 0 and ran == []
    _age(row)
    assert outbox_flush() == 1 and ran == [((1,), {})]


def test_sent_rows_are_deleted_after_two_days():
    now = timezone.now()
    old = OutboxTask.objects.create(task=record.name, sent_at=now - dt.timedelta(days=3))
    recent = OutboxTask.objects.create(task=record.name, sent_at=now - dt.timedelta(hours=1))
    outbox_flush(now=now)
    assert not OutboxTask.objects.filter(pk=old.pk).exists()
    assert OutboxTask.objects.filter(pk=recent.pk).exists()


def test_a_real_closed_broker_port_is_a_pending_row_not_an_error(
        not_eager, django_capture_on_commit_callbacks):
    with broker_at("redis://127.0.0.1:1/0"), django_capture_on_commit_callbacks(execute=True):
        row = enqueue(record, "Bø i Telemark")
    row.refresh_from_db()
    assert row.sent_at is None and row.last_error
    assert ran == []


def test_an_email_queued_while_the_broker_is_down_goes_out_when_it_is_back(
        broker_down, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        queue_email(to="ase.naess@sor-fron.example", template_base="emails/password_reset",
                    context={"user": None, "protocol": "https", "domain": "portal.example",
                             "uid": "MQ", "token": "abc-123"}, language="nn")
    assert mail.outbox == []
    row = OutboxTask.objects.get()
    assert row.task == "lib.tasks.email_send" and row.sent_at is None

    broker_down.undo()
    _age(row)
    assert outbox_flush() == 1
    assert [m.to for m in mail.outbox] == [["ase.naess@sor-fron.example"]]


def test_many_jobs_go_in_one_insert_and_are_sent_after_commit(django_capture_on_commit_callbacks):
    from lib.outbox import enqueue_many

    with django_capture_on_commit_callbacks(execute=True):
        rows = enqueue_many(record, [("Ås", 1), ("Bø", 2), ("Å", 3)])
        assert ran == []  # not before the commit
    assert ran == [(("Ås", 1), {}), (("Bø", 2), {}), (("Å", 3), {})]
    assert OutboxTask.objects.filter(pk__in=[r.pk for r in rows], sent_at__isnull=False,
                                     attempts=1).count() == 3


def test_many_jobs_while_the_broker_is_down_stay_pending_then_the_flush_sends_them(
        broker_down, django_capture_on_commit_callbacks):
    from lib.outbox import enqueue_many

    with django_capture_on_commit_callbacks(execute=True):
        rows = enqueue_many(record, [(n,) for n in range(4)])  # does not raise
    pending = OutboxTask.objects.filter(pk__in=[r.pk for r in rows], sent_at__isnull=True)
    assert pending.count() == 4
    assert all("Connection refused" in row.last_error for row in pending)
    broker_down.undo()
    for row in rows:
        _age(row)
    assert outbox_flush() == 4
    assert sorted(args for args, _ in ran) == [(0,), (1,), (2,), (3,)]


def test_rows_another_process_claimed_are_left_to_it():
    from lib.outbox import outbox_send_many

    mine = OutboxTask.objects.create(task=record.name, args=["mine"], kwargs={})
    theirs = OutboxTask.objects.create(task=record.name, args=["theirs"], kwargs={},
                                       tried_at=timezone.now())  # being sent elsewhere
    assert outbox_send_many([mine.pk, theirs.pk]) == 1
    assert ran == [(("mine",), {})]
    theirs.refresh_from_db()
    assert theirs.sent_at is None and theirs.attempts == 0
