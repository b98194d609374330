"""Bad input: find every form of the portal and submit nonsense to it.

Each page is opened by a user who may open it; every POST form on it is sent
empty, oversized (10 kB per field), malformed (wrong types, ids from the
other municipality), carrying a script, carrying a line break that would open
a calendar alarm in an .ics, dated in the year 9999 (dates, times with and
without an offset, the slot buttons' ISO times) and with every relation (a
select) left out. Nothing may answer 500, a script must never come back
unescaped, and a re-shown form must say what is wrong. Afterwards every page
— and every .ics — is opened again, with whatever was stored.
"""

from __future__ import annotations

import datetime as dt
import re
from importlib import import_module
from urllib.parse import urljoin

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from coaching.models import FrameworkAgreement
from groups.models import RolloutWave, TrainingTask
from networks.models import NetworkHoliday, NetworkMeeting
from programs.models import Gathering, Module, ModuleSession, Programme
from surveys.models import Round
from tests.access_world import ROLES, World
from tests.pages import PageParser, get_checked, page_urls

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
BIG = "x" * 10_240
SKIP_ACTIONS = ("/konto/logg-ut/",)  # logging out would end the crawl, not test it
ERROR_MARKS = ('role="alert"', "invalid-feedback", "alert-danger", "errorlist", "is-invalid")
TEXT_TYPES = {"text", "textarea", "email", "url", "search", "tel", "password"}
NEWLINE = "Tillit og tempo\r\nBEGIN:VALARM\r\nTRIGGER:-PT5M\r\nEND:VALARM\r\nÆøå"
FAR = {"date": "9999-12-31", "datetime": "9999-12-31T23:59:59+00:00",
       "datetime-local": "9999-12-31T23:59", "text": "9999-12-31 23:59", "time": "23:59"}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
VARIANTS = ("empty", "oversized", "malformed", "script", "newline", "year9999", "no_relations")


class FormParser(PageParser):
    """The page's forms, with the named submit buttons (the coaching slots are buttons)."""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        super().handle_starttag(tag, attrs)
        a = dict(attrs)
        if tag == "button" and a.get("name") and self.forms:
            self.forms[-1].setdefault("buttons", []).append(
                {"name": a["name"], "value": a.get("value") or ""})


def parse(html: str) -> FormParser:
    parser = FormParser()
    parser.feed(html)
    return parser


def _plausible(field: dict) -> str:
    """A value the field would accept, so the form gets as far as its relations."""
    kind, value = field["type"], field["value"]
    options = [o for o in field["options"] if o]
    return {"select": options[0] if options else "", "radio": value, "checkbox": value or "on",
            "number": value or "2", "date": value or "2026-10-05", "time": value or "10:00",
            "datetime-local": value or "2026-10-05T10:00",
            "email": "kari.nordmann@eksempel.no", "url": "https://eksempel.no/"}.get(
                kind, value or "Prøve Ærlig")


def _far(field: dict) -> str:
    kind, value = field["type"], field["value"]
    if kind in FAR:
        return FAR[kind]
    if ISO_DATETIME.match(value):
        return FAR["datetime"]
    if ISO_DATE.match(value):
        return FAR["date"]
    return FAR["text"] if kind in TEXT_TYPES else _plausible(field)


def _payload(form: dict, variant: str, foreign: dict[str, str]) -> dict[str, str]:
    data: dict[str, str] = {}
    buttons = form.get("buttons", [])[:1]  # the first named button is the one "pressed"
    for field in [*form["fields"], *({"type": "submit", "options": [], **b} for b in buttons)]:
        name, kind = field["name"], field["type"]
        if name == "csrfmiddlewaretoken" or (
                kind in {"hidden", "submit", "button"} and variant != "year9999"):
            data[name] = field["value"]
            continue
        if variant == "year9999":
            data[name] = _far(field)
        elif variant == "newline":
            data[name] = NEWLINE if kind in TEXT_TYPES else _plausible(field)
        elif variant == "no_relations":
            data[name] = "" if kind == "select" else _plausible(field)
        elif variant == "empty":
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
    slot_posts: list[str] = []  # ISO times (the coaching slots) moved to the year 9999
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
            for variant in VARIANTS:
                data = _payload(form, variant, foreign)
                if variant == "year9999" and FAR["datetime"] in data.values():
                    slot_posts.append(action)
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
    # Whatever was stored is shown escaped everywhere afterwards, and every
    # calendar file (some now holding stored line breaks and far dates) still parses.
    for name, role, url in pages:
        response = get_checked(clients[role], url, f"{name} as {role} after the posts", problems)
        if response is None:
            continue
        if SCRIPT in response.content.decode(errors="replace"):
            problems.append(f"{name} as {role} shows a stored script unescaped")
        if response.get("Content-Type", "").startswith("text/calendar"):
            calendar = Calendar.from_ical(response.content)
            if list(calendar.walk("VALARM")):
                problems.append(f"{name} as {role}: a stored line break opened a VALARM")
    for user in {u.pk: u for u in world.users.values() if u is not None}.values():
        user.refresh_from_db()
        feed = Client().get(reverse("accounts:calendar_feed", args=[user.calendar_token]))
        if feed.status_code != 200 or list(Calendar.from_ical(feed.content).walk("VALARM")):
            problems.append(f"calendar feed of {user.email}: {feed.status_code}")
    assert forms_seen > 30
    # Moving a session picks its time with a GET (the confirmation page asks first), so only
    # booking posts a slot here; coaching/tests/test_far_future_dates.py posts a move to 9999.
    assert any("/bestill/" in a for a in slot_posts)
    assert problems == [], "\n".join(problems)


def test_the_last_date_python_knows_breaks_no_page(world: World):
    """Rows already stored with dates at the end of the year 9999 (the admin's date
    fields accepted them until lib.dates) show everywhere: no page, calendar file,
    feed or scheduled job overflows adding a day to them. A time on that day plus a
    session's length does overflow, so forms refuse such dates (lib.dates)."""
    last_day = dt.date(9999, 12, 31)
    Programme.objects.update(ends_on=last_day)
    Module.objects.update(enrolment_closes_on=last_day, cancellation_cutoff_on=last_day,
                          talent_seats_release_on=last_day)
    for model in (Gathering, ModuleSession):
        first = model.objects.order_by("pk").first()
        model.objects.filter(pk=first.pk).update(date=last_day)
    meeting = NetworkMeeting.objects.order_by("pk").first()
    NetworkMeeting.objects.filter(pk=meeting.pk).update(date=last_day)
    NetworkHoliday.objects.update(ends_on=last_day)
    RolloutWave.objects.update(ends_on=last_day)
    TrainingTask.objects.update(due_on=last_day)
    FrameworkAgreement.objects.update(ends_on=last_day)
    Round.objects.update(closes_on=last_day)
    clients = {role: world.client(role) for role in ROLES if role != "anonymous"}
    problems: list[str] = []
    for name, role, url in page_urls(world):
        try:
            status = clients[role].get(url).status_code
        except Exception as exc:
            problems.append(f"{name} as {role}: {exc!r}")
            continue
        if status >= 500:
            problems.append(f"{name} as {role}: {status}")
    for user in {u.pk: u for u in world.users.values() if u is not None}.values():
        user.refresh_from_db()
        try:
            feed = Client().get(reverse("accounts:calendar_feed", args=[user.calendar_token]))
        except Exception as exc:
            problems.append(f"calendar feed of {user.email}: {exc!r}")
            continue
        if feed.status_code != 200:
            problems.append(f"calendar feed of {user.email}: {feed.status_code}")
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        module, task = entry["task"].rsplit(".", 1)
        try:
            getattr(import_module(module), task).apply(args=entry.get("args", ())).get()
        except Exception as exc:
            problems.append(f"task {entry['task']}: {exc!r}")
    assert problems == [], "\n".join(problems)
