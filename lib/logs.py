"""Logs an operator can search: a request id and a user id on every line.

Every request gets an id (the proxy's ``X-Request-ID`` when it sends a sane one,
else a new one), returned in the response's ``X-Request-ID`` header; a Celery
task's lines carry the task id instead. :class:`RequestContextFilter` puts
``request_id`` and ``user_id`` on each record and :class:`JsonFormatter` writes
one JSON object per line (``LOG_FORMAT=json``, for journald, Loki or Elastic).

Only ids go into logs: never a name, an email address or a form's content. The
user id is taken only if the request already loaded the user (logging never
queries the database).
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
import re
import uuid
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar(
    "lederutvikling_request", default=None)
_task_id: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "lederutvikling_task", default=None)

_SANE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    """Give the request an id for the logs and the response's ``X-Request-ID``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _SANE_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        # Kept until the response is finished (request_finished, below): Django logs a
        # 4xx/5xx after the middleware has returned.
        _request.set(request)
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


def _request_done(**_kwargs: object) -> None:
    _request.set(None)


def _loaded_user_id(request: HttpRequest) -> int | None:
    user = request.__dict__.get("user")
    if user is None:
        return None
    wrapped = getattr(user, "_wrapped", user)  # a SimpleLazyObject not yet evaluated
    if wrapped is None or type(wrapped).__name__ == "object":
        return None
    return getattr(wrapped, "pk", None)


class RequestContextFilter(logging.Filter):
    """Adds ``request_id`` and ``user_id`` (or None) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = _request.get()
        if request is not None:
            record.request_id = getattr(request, "request_id", None)
            record.user_id = _loaded_user_id(request)
        else:
            record.request_id = _task_id.get()
            record.user_id = None
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, ids, exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(
                timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
            "user_id": getattr(record, "user_id", None),
            "process": record.process,
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def task_context_connect() -> None:
    """Lines logged inside a Celery task carry its id as ``request_id``; a request's id
    is forgotten when its response is finished."""
    from celery.signals import task_postrun, task_prerun

    def started(task_id: str | None = None, **_kwargs: object) -> None:
        _task_id.set(task_id)

    def finished(**_kwargs: object) -> None:
        _task_id.set(None)

    from django.core.signals import request_finished

    request_finished.connect(_request_done, dispatch_uid="lib.logs.request_done")
    task_prerun.connect(started, weak=False, dispatch_uid="lib.logs.task_started")
    task_postrun.connect(finished, weak=False, dispatch_uid="lib.logs.task_finished")
