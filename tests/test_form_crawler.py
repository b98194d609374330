"""Bad input: find every form of the portal and submit nonsense to it.

Each page is opened by a user who may open it; every POST form on it is sent
empty, oversized (10 kB per field), malformed (wrong types, ids from the
other municipality) and carrying a script. Nothing may answer 500, a script
must never come back unescaped, and a re-shown form must say what is wrong.
"""

from __future__ import annotations

from urllib.parse import urljoin

import pytest

from programs.models import Module
from tests.access_world import ROLES, World
from tests.pages import page_urls, parse

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
BIG = "x" * 10_240
SKIP_ACTIONS = ("/konto/logg-ut/",)  # logging out would end the crawl, not test it
ERROR_MARKS = ('role="alert"', "invalid-feedback", "alert-danger", "errorlist", "is-invalid")
TEXT_TYPES = {"text", "textarea", "email", "url", "search", "tel", "password"}


def _payload(fields: list[dict], variant: str, foreign: dict[str, str]) -> dict[str, str]:
    data: dict[str, str] = {}
    for field in fields:
        name, kind = field["name"], field["type"]
        if kind in {"hidden", "submit", "button"} or name == "csrfmiddlewaretoken":
            data[name] = field["value"]
            continue
        if variant == "empty":
            data[name] = ""
        elif variant == "oversized":
            data[name] = BIG
        elif variant == "script":
            data[name] = SCRIPT if kind in TEXT_TYPES else (field["options"] or [""])[-1]
        else:  # malformed: wrong types and the other municipality's ids
            data[name] = {"number": "tolv", "date": "31.02.2026", "time": "25:99",
                          "datetime-local": "i går", "checkbox": "kanskje",
                          "select": foreign["id"], "radio": foreign["uuid"],
                          "email": "ikke-en-adresse"}.get(kind, foreign["uuid"])
    return data


def test_every_form_survives_bad_input(world: World):
    b_module = Module.objects.filter(
        programme__organisation=world.users["oaf_b"].organisation).first()
    foreign = {"id": str(world.leader("leader_b").pk),
               "uuid": str(b_module.uuid) if b_module else "00000000-0000-0000-0000-000000000000"}
    clients = {role: world.client(role) for role in ROLES if role != "anonymous"}
    problems: list[str] = []
    forms_seen = 0
    opened: set[tuple[str, str]] = set()
    pages: list[tuple[str, str, str]] = []
    for name, role, url in page_urls(world):
        if (name, role) in opened or role not in clients:
            continue
        opened.add((name, role))
        pages.append((name, role, url))
    for name, role, url in pages:
        client = clients[role]
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        for form in parse(response.content.decode()).forms:
            action = urljoin(url, form["action"] or url)
            if form["method"] != "post" or action.startswith(SKIP_ACTIONS):
                continue
            forms_seen += 1
            for variant in ("empty", "oversized", "malformed", "script"):
                data = _payload(form["fields"], variant, foreign)
                try:
                    answer = client.post(action, data, follow=True)
                except Exception as exc:  # the test client re-raises what would be a 500
                    problems.append(f"{variant} {action} ({name} as {role}): {exc!r}")
                    continue
                body = answer.content.decode(errors="replace")
                if answer.status_code >= 500:
                    problems.append(f"{variant} {action}: {answer.status_code}")
                if SCRIPT in body:
                    problems.append(f"{variant} {action}: script rendered unescaped")
                if (variant == "empty" and answer.status_code == 200
                        and answer.redirect_chain == [] and form["fields"]
                        and not any(mark in body for mark in ERROR_MARKS)):
                    problems.append(f"empty {action} ({name}): form shown again without a "
                                    "message")
    # Whatever was stored is shown escaped everywhere afterwards.
    for name, role, url in pages:
        response = clients[role].get(url)
        if SCRIPT in response.content.decode(errors="replace"):
            problems.append(f"{name} as {role} shows a stored script unescaped")
    assert forms_seen > 30
    assert problems == []
