"""Password reset: at most 3 per address and 10 per IP an hour, and the same answer (and the
same work in the request) whether or not the address belongs to someone."""

from __future__ import annotations

import datetime as dt
import logging
import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accounts import password_reset
from lib import ratelimit
from lib.models import OutboxTask
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def limits_on(settings):
    settings.RATELIMIT_ENABLED = True
    cache.clear()
    ratelimit._fallback.clear()
    yield
    cache.clear()
    ratelimit._fallback.clear()


@pytest.fixture
def request_reset(client, django_capture_on_commit_callbacks):
    """POST the form as a browser would and run what it queued (the task runs eagerly)."""

    def post(email: str, ip: str = "127.0.0.1"):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=ip)

    return post


def test_at_most_three_mails_per_address_an_hour(personas, limits_on, request_reset, caplog):
    spellings = ["bob@askvik.example", "BOB@askvik.example", "Bob@Askvik.Example",
                 "bob@askvik.example", " bob@ASKVIK.example "]
    with caplog.at_level(logging.WARNING, logger="accounts.password_reset"):
        responses = [request_reset(email, ip=f"10.0.0.{i}")
                     for i, email in enumerate(spellings, start=1)]
    # Every request gets the same "check your email" redirect, the limited ones too…
    assert [(r.status_code, r.url) for r in responses] == [
        (302, reverse("password_reset_done"))] * 5
    # …but only three mails leave, and the two others are logged (without the address).
    assert len(mail.outbox) == 3
    assert {m.to[0] for m in mail.outbox} == {"bob@askvik.example"}
    limited = [r for r in caplog.records if "limit per address" in r.getMessage()]
    assert len(limited) == 2
    assert "bob@askvik.example" not in caplog.text


def test_the_address_limit_does_not_touch_other_addresses(personas, limits_on, request_reset):
    for _ in range(4):
        request_reset("bob@askvik.example")
    request_reset("alice@askvik.example")
    assert [m.to[0] for m in mail.outbox].count("bob@askvik.example") == 3
    assert [m.to[0] for m in mail.outbox].count("alice@askvik.example") == 1


def test_at_most_ten_requests_per_ip_an_hour(personas, limits_on, request_reset):
    users = [UserFactory(organisation=personas.org_a, full_name=f"Åse Øvrebø {i}",
                         email=f"ase.ovrebo{i}@askvik.example") for i in range(11)]
    responses = [request_reset(user.email, ip="192.0.2.7") for user in users]
    assert [r.status_code for r in responses[:10]] == [302] * 10
    assert len(mail.outbox) == 10
    # The 11th from that network is told plainly, and nothing is sent.
    refused = responses[10]
    assert refused.status_code == 429
    errors = refused.context["form"].non_field_errors().as_data()
    assert [e.code for e in errors] == ["too_many_requests"]
    assert escape(errors[0].messages[0]) in refused.content.decode()
    assert len(mail.outbox) == 10
    # Another network is not affected.
    assert request_reset(users[10].email, ip="198.51.100.9").status_code == 302
    assert mail.outbox[-1].to == [users[10].email]


def _page(response) -> str:
    # The CSRF token and the CSP nonce are new on every render; everything else must be equal.
    text = re.sub(r'value="[A-Za-z0-9]{64}"', 'value="csrf"', response.content.decode())
    return re.sub(r'nonce="[^"]+"', 'nonce="n"', text)


def test_unknown_address_gets_the_same_answer_and_the_same_work(client, personas, limits_on,
                                                                request_reset):
    answers = {}
    sql = {}
    for who, email in (("known", "bob@askvik.example"), ("unknown", "ingen@askvik.example")):
        with CaptureQueriesContext(connection) as queries:
            response = request_reset(email)
        sql[who] = [q["sql"] for q in queries.captured_queries
                    if "accounts_user" in q["sql"]]
        answers[who] = (response.status_code, response.url, _page(response),
                        _page(client.get(response.url)))
    assert answers["known"] == answers["unknown"]
    assert answers["known"][:2] == (302, reverse("password_reset_done"))
    # Both were queued (and sent to the broker); only the task, run here eagerly, looked
    # the address up.
    queued = OutboxTask.objects.filter(task="accounts.tasks.password_reset_send")
    assert [(q.kwargs["email"], q.sent_at is not None) for q in queued] == [
        ("bob@askvik.example", True), ("ingen@askvik.example", True)]
    assert len(sql["known"]) == len(sql["unknown"])
    assert len(mail.outbox) == 1


def test_the_view_itself_never_reads_the_user_table(personas, limits_on, client):
    # Without running the queued task: the request must not look the address up.
    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("password_reset"), {"email": "bob@askvik.example"})
    assert response.status_code == 302
    assert [q["sql"] for q in queries.captured_queries if "accounts_user" in q["sql"]] == []
    assert mail.outbox == []


def test_known_address_gets_exactly_one_mail_in_their_language(personas, limits_on,
                                                              request_reset, client):
    personas.bob.language = "nn"
    personas.bob.save()
    request_reset("  BOB@Askvik.example")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["bob@askvik.example"]  # the stored spelling, not the typed one
    assert "Vel eit nytt passord" in message.subject
    link = next(w for w in message.body.split() if "/konto/passord/ny/" in w)
    assert link.startswith("http://testserver/konto/passord/ny/")
    response = client.get(link.removeprefix("http://testserver"), follow=True)
    assert response.context["validlink"] is True


@pytest.mark.parametrize("change", [{"is_active": False}, {"password": "!unusable"}])
def test_no_mail_for_an_inactive_user_or_one_without_a_password(personas, limits_on,
                                                                request_reset, change):
    for field, value in change.items():
        setattr(personas.bob, field, value)
    personas.bob.save()
    response = request_reset("bob@askvik.example")
    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    assert mail.outbox == []


class _BrokenCache:
    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise ConnectionError("Redis is down")

        return fail


def _closed_port_redis():
    from lib.cache import RedisCache

    return RedisCache("redis://127.0.0.1:1/0", {})  # nothing listens on port 1


@pytest.mark.parametrize("dead_cache", [_BrokenCache, _closed_port_redis])
def test_a_dead_cache_neither_breaks_the_page_nor_lifts_the_limit(personas, limits_on,
                                                                  request_reset, monkeypatch,
                                                                  caplog, dead_cache):
    monkeypatch.setattr(ratelimit, "cache", dead_cache())
    with caplog.at_level(logging.WARNING, logger="lib.ratelimit"):
        responses = [request_reset("bob@askvik.example") for _ in range(4)]
    assert [r.status_code for r in responses] == [302] * 4
    assert len(mail.outbox) == 3  # counted in the process meanwhile
    assert "cache unreachable" in caplog.text


def test_the_limits_are_the_documented_ones():
    assert (password_reset.PER_ADDRESS.hits, password_reset.PER_ADDRESS.seconds) == (3, 3600)
    assert (password_reset.PER_IP.hits, password_reset.PER_IP.seconds) == (10, 3600)


def test_a_dead_broker_still_answers_and_the_mail_follows(personas, limits_on, request_reset,
                                                          monkeypatch):
    from kombu.exceptions import OperationalError

    from accounts import tasks
    from lib.outbox import outbox_flush

    def broker_down(*args, **kwargs):
        raise OperationalError("broker unreachable")

    with monkeypatch.context() as patch:
        patch.setattr(tasks.password_reset_send, "apply_async", broker_down)
        response = request_reset("bob@askvik.example")
    assert (response.status_code, response.url) == (302, reverse("password_reset_done"))
    assert mail.outbox == []
    # A minute later the beat sweep finds the broker back.
    OutboxTask.objects.update(tried_at=timezone.now() - dt.timedelta(minutes=1))
    assert outbox_flush() == 1
    assert [m.to for m in mail.outbox] == [["bob@askvik.example"]]
