"""Test helpers shared by every app's tests."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext


def count_queries(action: Callable[[], Any]) -> tuple[int, list[str], Any]:
    with CaptureQueriesContext(connection) as ctx:
        result = action()
    return len(ctx.captured_queries), [q["sql"] for q in ctx.captured_queries], result


def assert_queries_stable(
    action: Callable[[], Any], *, grow: Callable[[int], Any], factor: int = 10,
    expected: int | None = None,
) -> int:
    """Assert ``action`` runs the same number of SQL queries at 1× and ``factor``× rows.

    ``grow(n)`` must add ``n`` more batches of the rows the page lists. The
    action runs once before counting so one-off work (session load, caches)
    does not count. On a mismatch the SQL of both runs is printed.
    Returns the count so callers can also pin it with ``expected``.
    """
    grow(1)
    action()
    small, small_sql, response = count_queries(action)
    _assert_ok(response)
    grow(factor - 1)
    large, large_sql, response = count_queries(action)
    _assert_ok(response)
    if small != large or (expected is not None and small != expected):
        listing = "\n".join(
            [f"--- 1× ({small} queries)", *small_sql, f"--- {factor}× ({large} queries)",
             *large_sql]
        )
        want = f", expected {expected}" if expected is not None else ""
        raise AssertionError(f"query count changed: {small} → {large}{want}\n{listing}")
    return small


def round_trips(action: Callable[[], Any]) -> tuple[int, list[int], Any]:
    """(round trips to the database, statements per pipeline, ``action()``'s result).

    Counted from the statements Django's cursor sees: one sent inside a psycopg pipeline
    (``lib.prepared.ahead``) shares that pipeline's round trip; any other is one of its
    own.
    """
    pipelines: list[object] = []  # kept, so no pipeline's id is reused by the next
    per_pipeline: dict[int, int] = {}
    alone = [0]

    def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        pipeline = connection.connection._pipeline
        if pipeline is None:
            alone[0] += 1
        else:
            if id(pipeline) not in per_pipeline:
                pipelines.append(pipeline)
            per_pipeline[id(pipeline)] = per_pipeline.get(id(pipeline), 0) + 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        result = action()
    return alone[0] + len(per_pipeline), list(per_pipeline.values()), result


def _assert_ok(response: Any) -> None:
    status = getattr(response, "status_code", 200)
    assert status == 200, f"page answered {status}"


AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Run axe-core (vendored in tests/vendor) in a Playwright page; return violations.

    ``page.evaluate`` runs outside the page's CSP, so the strict policy stays on.
    """
    from pathlib import Path

    from playwright.sync_api import Error as PlaywrightError

    source = (Path(__file__).resolve().parent.parent / "tests" / "vendor" / "axe.min.js")
    script = source.read_text(encoding="utf-8") + ";undefined"
    # A click that navigates returns before the next page has loaded: axe must run on
    # the page that was asked for, not on a document being replaced. If a navigation
    # still cuts the run short, it runs again on the page that then stands.
    for attempt in range(3):
        page.wait_for_load_state("load")
        try:
            page.evaluate(script)
            result = page.evaluate(
                "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
                AXE_TAGS,
            )
            break
        except PlaywrightError as error:
            navigating = any(sign in str(error) for sign in (
                "documentElement", "context was destroyed", "axe is not defined"))
            if not navigating or attempt == 2:
                raise
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"],
         "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


@contextmanager
def broker_at(url: str) -> Iterator[None]:
    """Publish Celery messages to ``url`` for a while: a closed port means "the broker is down".

    The app keeps pools of connections to the broker it first used; they are
    dropped on the way in and out so the new address (and then the old one) is used.
    """
    from lederutvikling.celery import app

    def drop_pools() -> None:
        app._pool = None
        app.amqp._producer_pool = None

    old = app.conf.broker_url
    drop_pools()
    app.conf.broker_url = url
    try:
        yield
    finally:
        drop_pools()
        app.conf.broker_url = old


def wait_until(condition: Callable[[], Any], timeout: float, every: float = 0.2) -> bool:
    """Poll ``condition`` until it is true or ``timeout`` seconds pass (real-worker tests)."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return False


def refusal_codes(error: BaseException) -> list[str]:
    """The codes of a refusal, in order: every message of a ``ValidationError``
    (dict and list forms flattened), ``"permission_denied"`` for ``PermissionDenied``."""
    from django.core.exceptions import PermissionDenied, ValidationError

    if isinstance(error, PermissionDenied):
        return ["permission_denied"]
    if not isinstance(error, ValidationError):
        raise TypeError(f"not a refusal: {error!r}")
    if hasattr(error, "error_dict"):
        return [code for errors in error.error_dict.values()
                for e in errors for code in refusal_codes(e)]
    return [e.code or "" for e in error.error_list]


@contextmanager
def _refused(code: str) -> Iterator[None]:
    from django.core.exceptions import PermissionDenied, ValidationError

    try:
        yield
    except (ValidationError, PermissionDenied) as exc:
        codes = refusal_codes(exc)
        assert code in codes, f"refused with {codes} ({exc!r}), expected {code!r}"
    else:
        raise AssertionError(f"not refused; expected {code!r}")


def assert_refused(code: str, call: Callable[[], Any] | None = None) -> Any:
    """Assert a service refuses with ``code`` (``"permission_denied"`` for PermissionDenied).

    ``assert_refused("full", lambda: enrollment_request(...))`` or, as a block,
    ``with assert_refused("full"): enrollment_request(...)``.
    """
    if call is None:
        return _refused(code)
    with _refused(code):
        call()
    return None


def stop_process(process: subprocess.Popen[Any], *, timeout: float = 5) -> None:
    """Stop a server a test started: ask it to end, and kill it if it has not in time."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def log_out(page: Any) -> None:
    """Sign out with the menu's button, in any of the portal's languages, and wait for
    the sign-in page (a click returns before the POST is answered: a ``goto`` right
    after it could cancel the sign-out).

    On a narrow screen the menu is folded: it is opened and the button waited for
    (Bootstrap's collapse animates; a click during it can miss).
    """
    from playwright.sync_api import expect

    button = page.get_by_role("button", name=re.compile(r"^(Log out|Logg ut)$"))
    toggle = page.get_by_role("button", name=re.compile(r"^(Show menu|Vis meny)$"))
    if toggle.is_visible() and not button.is_visible():
        toggle.click()
        expect(page.locator("#main-nav")).to_have_class(re.compile(r"(^|\s)show(\s|$)"))
    button.click()
    page.wait_for_url("**/konto/logg-inn/**")
