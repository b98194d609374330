"""Reminders go at most once per recipient and occasion, retry on SMTP trouble."""

from __future__ import annotations

import datetime as dt
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone

from lib import reminders as reminder_registry
from lib.ical import CalendarEvent, calendar_bytes
from lib.models import ReminderStatus, SentReminder
from lib.reminders import Due, reminder_queue, reminders_sweep
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

_recipients: list = []


def _source(now):
    for user in _recipients:
        start = now + dt.timedelta(days=7)
        ics = calendar_bytes([CalendarEvent(uid="t-1", start=start,
                                            end=start + dt.timedelta(hours=3),
                                            summary="Samling")])
        yield Due(organisation=user.organisation, occasion="test.gathering:1:7d",
                  recipient=user, kind="session", template_base="emails/password_reset",
                  context={"user": user, "protocol": "https", "domain": "x.example",
                           "uid": "u", "token": "t"}, ics=ics)


@pytest.fixture
def recipients(personas, monkeypatch):
    # Only this test source: the track apps' sources have their own tests.
    monkeypatch.setattr(reminder_registry, "_sources", {"test": _source})
    _recipients[:] = [personas.bob, personas.boss_leader.user]
    yield _recipients
    _recipients.clear()


def test_sweep_twice_sends_one_email_per_occasion(recipients, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = reminders_sweep()
    with django_capture_on_commit_callbacks(execute=True):
        second = reminders_sweep()
    assert (first, second) == (2, 0)
    assert sorted(m.to[0] for m in mail.outbox) == ["berit@askvik.example", "bob@askvik.example"]
    attachment = mail.outbox[0].attachments[0]
    assert attachment.mimetype == "text/calendar"
    assert SentReminder.objects.filter(status=ReminderStatus.SENT).count() == 2


def test_redelivered_task_does_not_send_again(recipients, django_capture_on_commit_callbacks):
    from lib.tasks import reminder_send

    with django_capture_on_commit_callbacks(execute=True):
        reminders_sweep()
    reminder = SentReminder.objects.first()
    assert reminder_send.apply(args=[reminder.pk]).get() == "sent"
    assert len(mail.outbox) == 2


def test_recipient_without_email_is_skipped_not_retried(personas):
    user = UserFactory(organisation=personas.org_a, email="")
    reminder = reminder_queue(Due(
        organisation=personas.org_a, occasion="test.x:1", recipient=user, kind="session",
        template_base="emails/password_reset",
        context={"user": user, "protocol": "https", "domain": "x", "uid": "u", "token": "t"}))
    assert reminder.status == ReminderStatus.SKIPPED
    assert mail.outbox == []


@pytest.fixture
def no_propagation():
    """Eager tasks: let Celery handle retries itself, as a worker would."""
    from lederutvikling.celery import app

    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = True


class FlakySMTP(EmailBackend):
    failures_left = 2

    def send_messages(self, messages):
        if FlakySMTP.failures_left:
            FlakySMTP.failures_left -= 1
            raise smtplib.SMTPServerDisconnected("gone")
        return super().send_messages(messages)


def test_failed_send_retries_with_back_off_then_succeeds(recipients, settings, no_propagation,
                                                         django_capture_on_commit_callbacks):
    settings.MAILERS = {"default": {"BACKEND": "lib.tests.test_reminders.FlakySMTP"}}
    FlakySMTP.failures_left = 2
    _recipients[:] = _recipients[:1]
    with django_capture_on_commit_callbacks(execute=True):
        reminders_sweep()
    reminder = SentReminder.objects.get()
    assert reminder.status == ReminderStatus.SENT
    assert reminder.attempts == 3
    assert len(mail.outbox) == 1


def test_permanent_failure_is_recorded_for_the_admin(recipients, settings, no_propagation,
                                                     django_capture_on_commit_callbacks):
    settings.MAILERS = {"default": {"BACKEND": "lib.tests.test_reminders.FlakySMTP"}}
    FlakySMTP.failures_left = 100
    _recipients[:] = _recipients[:1]
    with django_capture_on_commit_callbacks(execute=True):
        reminders_sweep()
    reminder = SentReminder.objects.get()
    assert reminder.status == ReminderStatus.FAILED
    assert "SMTPServerDisconnected" in reminder.last_error
    assert mail.outbox == []


def test_admin_lists_reminders_of_own_municipality_only(client, recipients, personas,
                                                        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        reminders_sweep()
    from django.urls import reverse

    client.force_login(personas.alice)
    response = client.get(reverse("admin:lib_sentreminder_changelist"))
    assert response.context["cl"].result_count == 2
    client.force_login(personas.charlie)
    response = client.get(reverse("admin:lib_sentreminder_changelist"))
    assert response.context["cl"].result_count == 0
    assert timezone.now()


def test_a_sweep_records_a_large_batch_once_and_sends_each_once(
        personas, monkeypatch, django_capture_on_commit_callbacks, django_assert_max_num_queries):
    """A survey opening for a whole municipality: 1,203 reminders in batches of 500 (one
    insert of rows and one of jobs per batch), a recipient without an email skipped and
    logged, a duplicate in the source recorded once; the second sweep records nothing."""
    users = [UserFactory(organisation=personas.org_a, email=f"leder{n}@askvik.example",
                         full_name=f"Åse Ødegård {n}") for n in range(1200)]
    no_email = UserFactory(organisation=personas.org_a, email="")

    def source(now):
        for user in [*users, no_email, users[0], users[1]]:  # two duplicates
            yield Due(organisation=personas.org_a, occasion="test.survey:9:open",
                      recipient=user, kind="survey", template_base="emails/password_reset",
                      context={"user": user, "protocol": "https", "domain": "x.example",
                               "uid": "u", "token": "t"})

    monkeypatch.setattr(reminder_registry, "_sources", {"test": source})
    # Per batch of 500: the pairs already recorded, a savepoint, the rows, their jobs.
    with (django_assert_max_num_queries(15),
          django_capture_on_commit_callbacks(execute=False) as after_commit):
        assert reminders_sweep() == 1201
    for callback in after_commit:  # the jobs go to the broker: the sends, once each
        callback()
    assert reminders_sweep() == 0
    assert SentReminder.objects.filter(status=ReminderStatus.SENT).count() == 1200
    assert SentReminder.objects.get(recipient=no_email).status == ReminderStatus.SKIPPED
    assert len(mail.outbox) == 1200
    assert len({m.to[0] for m in mail.outbox}) == 1200


def test_a_batch_that_meets_a_racing_sweep_is_recorded_one_by_one(
        recipients, monkeypatch, django_capture_on_commit_callbacks):
    """Another sweep records one of the batch between the check and the insert: the
    constraint refuses the batch, each row then decides for itself, nothing twice."""
    from lib.reminders import reminders_queue_many

    dues = list(_source(timezone.now()))
    dues = [dues[0], Due(**{**dues[1].__dict__, "occasion": "test.gathering:2:7d"})]
    real_row = reminder_registry._reminder_row
    raced: list[bool] = []

    def racing_row(due):  # after the check for recorded pairs, before the insert
        if not raced:
            raced.append(True)
            reminder_queue(dues[0])  # the other sweep wins this one
        return real_row(due)

    monkeypatch.setattr(reminder_registry, "_reminder_row", racing_row)
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_queue_many(dues) == 1  # only the one the other sweep left
    assert SentReminder.objects.count() == 2
    assert len(mail.outbox) == 2
