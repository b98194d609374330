"""axe-core (WCAG 2.1 A/AA) on every page of the portal, before and after its main form.

The pages are the same walk as the CSP and crawler tests (``tests/pages.py``):
every route, opened by a user who may open it, over the demo data of both
municipalities. "After the main interaction" means the page's first form
sent empty, so the error summary and invalid fields are checked too.
"""

from __future__ import annotations

import pytest

from lib.testing import axe_violations
from tests.access_world import build_world
from tests.pages import html_pages, session_cookie

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIND_FORM = """() => [...document.querySelectorAll(
    'main form[method=post], main form[method=POST]')]
    .some(f => f.querySelector('input:not([type=hidden]), textarea, select'))"""
SUBMIT_FIRST_FORM = """() => {
  const form = [...document.querySelectorAll('main form[method=post], main form[method=POST]')]
    .find(f => f.querySelector('input:not([type=hidden]), textarea, select'));
  form.noValidate = true;
  form.querySelectorAll('input[type=text], textarea').forEach(el => { el.value = ''; });
  form.requestSubmit();
  return true;
}"""


def test_every_page_has_no_axe_violations(live_server, page):
    world = build_world()
    pages = html_pages(world)
    cookies = {role: session_cookie(world.users[role], live_server)
               for role in {role for _, role, _ in pages}}
    failures = []
    checked = 0
    for name, role, url in pages:
        page.context.clear_cookies()
        page.context.add_cookies([cookies[role]])
        response = page.goto(f"{live_server.url}{url}")
        if response is None or response.status != 200 or "html" not in response.headers.get(
                "content-type", ""):
            continue
        checked += 1
        if violations := axe_violations(page):
            failures.append((name, role, "page", violations))
        if not page.evaluate(FIND_FORM):
            continue
        with page.expect_navigation(wait_until="load", timeout=10_000):
            page.evaluate(SUBMIT_FIRST_FORM)
        if violations := axe_violations(page):
            failures.append((name, role, "after sending its form empty", violations))
    assert failures == []
    assert checked > 30
