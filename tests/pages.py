"""Every page of the portal a logged-in user can open, with a user who may open it."""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser

from django.urls import reverse

from tests.access_cases import BUILDERS
from tests.access_world import ROLES, World
from tests.urlwalk import all_routes

# Pages every signed-in role opens; the rest are opened by the object's owners.
SKIP = {"logout", "healthz", "accounts:my_data", "accounts:calendar_token_reset",
        "accounts:language_set", "surveys:thanks"}


def page_urls(world: World) -> Iterator[tuple[str, str, str]]:
    """(route name, role, url) for every GET page, each with every role that reaches it."""
    signed_in = [r for r in ROLES if r != "anonymous"]
    for route in all_routes():
        if route.name in SKIP or route.name.startswith("password_reset"):
            continue
        if not route.names_object:
            for role in signed_in:
                yield route.name, role, reverse(route.name)
            continue
        case = BUILDERS[route.name](world)
        for role in sorted(case.owners | case.also):
            yield route.name, role, reverse(route.name, kwargs=case.kwargs)


def get_checked(client, url: str, label: str, problems: list[str]):
    """GET ``url``; an exception or a 5xx is noted in ``problems`` (the crawlers' re-walk)."""
    try:
        response = client.get(url)
    except Exception as exc:  # noqa: BLE001 - the crawler reports every failure, then moves on
        problems.append(f"{label}: {exc!r}")
        return None
    if response.status_code >= 500:
        problems.append(f"{label}: {response.status_code}")
        return None
    return response


class PageParser(HTMLParser):
    """Collects what the CSP walk and the form crawler look at."""

    def __init__(self) -> None:
        super().__init__()
        self.inline_scripts = 0
        self.style_attributes: list[str] = []
        self.style_elements = 0
        self.forms: list[dict] = []
        self._script_has_src = False
        self._in_script = False
        self._select: dict | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if "style" in a:
            self.style_attributes.append(tag)
        if tag == "style":
            self.style_elements += 1
        if tag == "script":
            self._in_script = True
            self._script_has_src = bool(a.get("src"))
        if tag == "form":
            self.forms.append({"action": a.get("action") or "", "method": (a.get("method") or
                               "get").lower(), "fields": []})
        if not self.forms:
            return
        fields = self.forms[-1]["fields"]
        if tag in {"input", "textarea"} and a.get("name"):
            fields.append({"name": a["name"], "type": (a.get("type") or tag).lower(),
                           "value": a.get("value") or "", "options": []})
        if tag == "select" and a.get("name"):
            self._select = {"name": a["name"], "type": "select", "value": "", "options": []}
            fields.append(self._select)
        if tag == "option" and self._select is not None:
            self._select["options"].append(a.get("value") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            if not self._script_has_src:
                self.inline_scripts += 1
            self._in_script = False
        if tag == "select":
            self._select = None



def parse(html: str) -> PageParser:
    parser = PageParser()
    parser.feed(html)
    return parser


def session_cookie(user, live_server) -> dict:
    """A browser cookie for ``user``'s session on the live server (no login form)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return {"name": settings.SESSION_COOKIE_NAME,
            "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
            "url": live_server.url}


def html_pages(world: World) -> list[tuple[str, str, str]]:
    """(route, role, url) of every page that answers HTML, one role per page (the browser
    walks: axe, layout)."""
    from django.test import Client

    seen: set[str] = set()
    pages = []
    clients: dict[str, Client] = {}
    for name, role, url in page_urls(world):
        if name in seen:
            continue
        if role not in clients:
            clients[role] = Client()
            clients[role].force_login(world.users[role])
        answer = clients[role].get(url)
        # Only HTML pages: not the 405 of POST-only actions, calendars, JSON, CSV or files.
        if answer.status_code == 200 and "text/html" in answer.get("Content-Type", ""):
            seen.add(name)
            pages.append((name, role, url))
    return pages
