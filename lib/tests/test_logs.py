"""JSON logs with a request id and a user id (LOG_FORMAT=json), never personal data."""

from __future__ import annotations

import io
import json
import logging

import pytest
from django.urls import reverse

from lib.logs import JsonFormatter, RequestContextFilter

pytestmark = pytest.mark.django_db


@pytest.fixture
def json_lines():
    """The console handler of LOG_FORMAT=json, on a buffer, for django.request."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestContextFilter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in buffer.getvalue().splitlines()]
    finally:
        logger.removeHandler(handler)


def test_a_404_is_logged_with_the_request_id_and_the_user_id(client, personas, json_lines):
    client.force_login(personas.bob)
    response = client.get("/dokumenter/00000000-0000-0000-0000-000000000000/",
                          headers={"X-Request-ID": "lb-7f3a9c2e41d0"})
    assert response.status_code == 404
    assert response["X-Request-ID"] == "lb-7f3a9c2e41d0"  # the proxy's id, passed on
    [line] = [entry for entry in json_lines() if entry["level"] == "WARNING"]
    assert line["request_id"] == "lb-7f3a9c2e41d0"
    assert line["user_id"] == personas.bob.pk
    assert line["logger"] == "django.request" and "Not Found" in line["message"]
    assert personas.bob.email not in json.dumps(line)
    assert {"time", "level", "logger", "message", "request_id", "user_id"} <= set(line)


def test_a_strange_incoming_id_is_replaced_and_each_request_gets_its_own(client):
    first = client.get(reverse("login"), headers={"X-Request-ID": "<script>alert(1)</script>"})
    second = client.get(reverse("login"))
    assert first["X-Request-ID"] != "<script>alert(1)</script>"
    assert len(first["X-Request-ID"]) == 32 and first["X-Request-ID"] != second["X-Request-ID"]


def test_lines_outside_a_request_have_no_ids():
    record = logging.LogRecord("lib", logging.ERROR, __file__, 1, "boom %s", ("x",), None)
    RequestContextFilter().filter(record)
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "boom x" and entry["request_id"] is None
    assert entry["user_id"] is None
