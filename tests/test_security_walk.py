"""Security over the whole URL conf: safe GETs, CSRF on every POST, a strict CSP."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from tests.access_cases import BUILDERS
from tests.access_world import ROLES, World
from tests.pages import page_urls, parse
from tests.test_access_matrix import db_fingerprint
from tests.urlwalk import all_routes, object_routes

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent


def test_no_csrf_exempt_anywhere_in_the_code():
    offenders = []
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT)
        if relative.parts[0] in {".venv", "var", "node_modules"} or path == Path(__file__):
            continue
        if re.search(r"\bcsrf_exempt\b", path.read_text(encoding="utf-8")):
            offenders.append(str(relative))
    assert offenders == []


def test_get_never_changes_the_database(world: World):
    """Every page, opened by everyone who may open it, leaves every row as it was."""
    changed = []
    clients = {role: world.client(role) for role in ROLES}  # logging in writes last_login
    for name, role, url in page_urls(world):
        before = db_fingerprint()
        clients[role].get(url)
        if db_fingerprint() != before:
            changed.append(f"{name} as {role}")
    assert changed == []


def test_every_post_needs_the_csrf_token(world: World):
    """Even the object's owner is refused a POST without the token, and nothing changes."""
    unprotected = []
    for route in object_routes():
        case = BUILDERS[route.name](world)
        roles = sorted(case.owners | case.also) or ["leader"]
        user = world.users[roles[0]]
        client = Client(enforce_csrf_checks=True)
        client.force_login(user)
        client.get("/min-side/")
        before = db_fingerprint()
        response = client.post(reverse(route.name, kwargs=case.kwargs), {"text": "x"})
        if response.status_code not in {403, 405} or db_fingerprint() != before:
            unprotected.append(f"{route.name}: {response.status_code}")
    for route in all_routes():
        if route.names_object or route.name == "healthz":
            continue
        client = Client(enforce_csrf_checks=True)
        client.force_login(world.users["leader"])
        response = client.post(reverse(route.name), {"text": "x"})
        if response.status_code not in {403, 405}:
            unprotected.append(f"{route.name}: {response.status_code}")
    assert unprotected == []


def test_state_changing_views_refuse_get(world: World):
    """Views decorated with require_POST answer 405 to a GET, even for their owner."""
    post_only = [r for r in object_routes() if _allowed_methods(r.view) == ["POST"]]
    assert len(post_only) > 20  # the walk really found the actions
    wrong = []
    for route in post_only:
        case = BUILDERS[route.name](world)
        role = sorted(case.owners | case.also or {"oaf_a"})[0]
        response = world.client(role).get(reverse(route.name, kwargs=case.kwargs))
        if response.status_code != 405:
            wrong.append(f"{route.name}: {response.status_code}")
    assert wrong == []


def _allowed_methods(view) -> list[str] | None:
    """The method list captured by Django's require_http_methods, if the view has one."""
    seen = set()
    stack = [view]
    while stack:
        func = stack.pop()
        if id(func) in seen:
            continue
        seen.add(id(func))
        for cell in getattr(func, "__closure__", None) or ():
            value = cell.cell_contents
            if (isinstance(value, list) and value and all(isinstance(v, str) for v in value)
                    and set(value) <= {"GET", "POST", "HEAD", "PUT", "DELETE", "PATCH"}):
                return sorted(value)
            if callable(value):
                stack.append(value)
        wrapped = getattr(func, "__wrapped__", None)
        if wrapped is not None:
            stack.append(wrapped)
    return None


def test_every_page_keeps_the_strict_csp(world: World):
    """No inline <script>, no <style> block, no style="" on any page anyone can open."""
    problems = []
    pages = 0
    clients = {role: world.client(role) for role in ROLES}
    for name, role, url in page_urls(world):
        response = clients[role].get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        pages += 1
        csp = response.get("Content-Security-Policy", "")
        if "unsafe-inline" in csp or "script-src" not in csp and "default-src" not in csp:
            problems.append(f"{name}: weak CSP header {csp!r}")
        page = parse(response.content.decode())
        if page.inline_scripts or page.style_elements or page.style_attributes:
            problems.append(f"{name} as {role}: {page.inline_scripts} inline scripts, "
                            f"{page.style_elements} <style>, style= on {page.style_attributes}")
    assert pages > 40
    assert problems == []
