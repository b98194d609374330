"""Bad input in the admin: every registered ModelAdmin's add page, posted nonsense.

As a superuser and as A's O&F administrator, each add page is opened and its
form (inlines included) is posted in several shapes: everything empty; a
plausible record whose texts carry a line break that would open a calendar
alarm; the same record dated in the year 9999; and the record with every
relation left out (the required foreign key missing, which is what a model's
``clean()`` must cope with). Nothing may answer 500 — a form error, a 403 for
an add the user may not make, or a saved row are all fine — and whatever was
saved must show afterwards on its change page and in the changelist.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from importlib import import_module

import pytest
from django.conf import settings
from django.contrib import admin
from django.test import Client
from django.urls import NoReverseMatch, reverse

from accounts.models import User
from tests.access_world import ROLES, World
from tests.pages import get_checked, page_urls

pytestmark = pytest.mark.django_db

NEWLINE = "Ærlig\r\nBEGIN:VALARM\r\nEND:VALARM"
FAR_DATE, FAR_TIME = "9999-12-31", "23:59"
FAR_DATETIME = "9999-12-31 23:59"
VARIANTS = ("empty", "newline", "year9999", "no_relations")
SUBMIT = {"_continue": "Lagre og fortsett"}


@dataclass
class Field:
    name: str
    tag: str
    type: str
    value: str = ""
    classes: str = ""
    checked: bool = False
    multiple: bool = False
    options: list[str] = field(default_factory=list)
    selected: list[str] = field(default_factory=list)
    attrs: dict[str, str] = field(default_factory=dict)


class AdminFormParser(HTMLParser):
    """The fields of the admin's change form (``<form id="…_form">``)."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[Field] = []
        self._in_form = False
        self._select: Field | None = None
        self._textarea: Field | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("id", "").endswith("_form"):
            self._in_form = True
        if not self._in_form or not a.get("name") and tag != "option":
            return
        name = a.get("name", "")
        if tag == "input":
            self.fields.append(Field(name, tag, a.get("type", "text").lower(), a.get("value", ""),
                                     a.get("class", ""), "checked" in a, attrs=a))
        elif tag == "textarea":
            self._textarea = Field(name, tag, "textarea", "", a.get("class", ""), attrs=a)
            self.fields.append(self._textarea)
        elif tag == "select":
            self._select = Field(name, tag, "select", classes=a.get("class", ""),
                                 multiple="multiple" in a, attrs=a)
            self.fields.append(self._select)
        elif tag == "option" and self._select is not None:
            self._select.options.append(a.get("value", ""))
            if "selected" in a:
                self._select.selected.append(a.get("value", ""))

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_form = False
        if tag == "select":
            self._select = None
        if tag == "textarea":
            self._textarea = None


def form_fields(html: str) -> list[Field]:
    parser = AdminFormParser()
    parser.feed(html)
    return [f for f in parser.fields if "__prefix__" not in f.name]


def _is_date(f: Field) -> bool:
    return "vDateField" in f.classes or f.type == "date"


def _is_time(f: Field) -> bool:
    return "vTimeField" in f.classes or f.type == "time"


def _autocomplete_choice(client: Client, f: Field) -> str:
    """A real id for an autocomplete select, as the admin's own JavaScript would fetch it."""
    if "admin-autocomplete" not in f.classes:
        return ""
    response = client.get(reverse("admin:autocomplete"), {
        "app_label": f.attrs.get("data-app-label", ""),
        "model_name": f.attrs.get("data-model-name", ""),
        "field_name": f.attrs.get("data-field-name", "")})
    if response.status_code != 200:
        return ""
    results = response.json().get("results", [])
    return str(results[0]["id"]) if results else ""


def _time(f: Field, variant: str) -> str:
    # A plausible interval: ends after it starts, afternoon slots after noon.
    ending = re.search(r"(^|[-_])ends?(_|$)|_to$|until", f.name) is not None
    afternoon = "afternoon" in f.name or ending
    if variant == "year9999":
        return "23:59" if ending else "23:00" if afternoon else "09:00"
    return "15:00" if ending else "13:00" if afternoon else "09:00"


def _text(f: Field, variant: str, serial: int) -> str:
    if re.search(r"(^|[-_])(slug|key)$", f.name):
        return f"prove-{variant.replace('_', '-')}-{serial}"
    if variant == "year9999" and re.search(r"(^|[-_])(date|dato|day|on|at)$", f.name):
        value = FAR_DATETIME
    else:
        value = NEWLINE if variant != "year9999" else f"Prøve {FAR_DATETIME}"
        value = f"{value} {serial}"
    maxlength = int(f.attrs.get("maxlength") or 0)
    return value[:maxlength] if maxlength else value


def payload(fields: list[Field], variant: str, client: Client,
            serial: int = 0) -> dict[str, list[str] | str]:
    """The add form as ``variant``; ``serial`` keeps unique names unique across posts."""
    data: dict[str, list[str] | str] = dict(SUBMIT)
    for f in fields:
        if f.type in {"hidden", "submit", "button", "file", "image", "reset"}:
            if f.type == "hidden":
                data[f.name] = f.value
            continue
        if variant == "empty":
            data[f.name] = [] if f.multiple else ""
            continue
        if f.type == "select":
            options = [o for o in f.options if o]
            if variant == "no_relations":
                data[f.name] = [] if f.multiple else ""
            elif f.multiple:
                data[f.name] = options[:1]
            else:
                data[f.name] = (f.selected[0] if f.selected and f.selected[0]
                                else options[-1] if options else _autocomplete_choice(client, f))
        elif f.type == "checkbox":
            if f.name.endswith("-DELETE"):
                continue
            data[f.name] = f.value or "on"
        elif f.type == "radio":
            data.setdefault(f.name, f.value)
        elif "vForeignKeyRawIdAdminField" in f.classes or "vManyToManyRawIdAdminField" in f.classes:
            data[f.name] = "" if variant == "no_relations" else f.value
        elif _is_date(f):
            data[f.name] = FAR_DATE if variant == "year9999" else "2026-10-05"
        elif _is_time(f):
            data[f.name] = _time(f, variant)
        elif "vDateTimeField" in f.classes or f.type == "datetime-local":
            data[f.name] = FAR_DATETIME if variant == "year9999" else "2026-10-05 10:00"
        elif f.type == "number" or "vIntegerField" in f.classes:
            data[f.name] = f.value or "20"
        elif f.type == "email":
            data[f.name] = f"kari.nordmann.{variant}.{serial}@eksempel.no"
        elif f.type == "url":
            data[f.name] = "https://eksempel.no/møte"
        elif f.type == "password":
            data[f.name] = "Fjordvik-hemmelig-2026!"
        else:
            data[f.name] = _text(f, variant, serial)
    return data


def _superuser() -> User:
    return User.objects.create_superuser(email="drift@fjordvik.example", password=None,
                                         full_name="Drift Åsen")


def test_every_admin_add_form_survives_bad_input(world: World):
    clients = {"superuser": Client(), "oaf_a": world.client("oaf_a")}
    clients["superuser"].force_login(_superuser())
    problems: list[str] = []
    posted = refused = 0
    saved: list[str] = []
    for model in list(admin.site._registry):
        opts = model._meta
        try:
            add_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
        except NoReverseMatch:
            continue
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        for role, client in clients.items():
            label = f"{opts.label} as {role}"
            try:
                page = client.get(add_url)
            except Exception as exc:  # the test client re-raises what would be a 500
                problems.append(f"GET {add_url} ({label}): {exc!r}")
                continue
            if page.status_code in (302, 403):
                refused += 1
                continue
            if page.status_code != 200:
                problems.append(f"GET {add_url} ({label}): {page.status_code}")
                continue
            fields = form_fields(page.content.decode())
            if not fields:
                continue  # an add page that is not a model form (e.g. "make a report")
            for variant in VARIANTS:
                data = payload(fields, variant, client, serial=posted)
                posted += 1
                try:
                    answer = client.post(add_url, data, follow=True)
                except Exception as exc:
                    problems.append(f"{variant} {add_url} ({label}): {exc!r}")
                    continue
                if answer.status_code >= 500:
                    problems.append(f"{variant} {add_url} ({label}): {answer.status_code}")
                elif answer.redirect_chain:
                    saved.append(f"{variant} {label}")
                    if variant == "year9999" and FAR_DATE in map(str, data.values()):
                        problems.append(f"{add_url} ({label}) saved a date in the year 9999")
            try:
                listing = client.get(changelist)
            except Exception as exc:
                problems.append(f"changelist {changelist} ({label}): {exc!r}")
                continue
            if listing.status_code >= 500:
                problems.append(f"changelist {changelist} ({label}): {listing.status_code}")
    # What was saved (year 9999 sessions, gatherings, modules…) shows on every portal page.
    portal = {role: world.client(role) for role in ROLES if role != "anonymous"}
    pages = 0
    for name, role, url in page_urls(world):
        pages += 1
        get_checked(portal[role], url, f"portal {url} ({name} as {role}) after the admin posts",
                    problems)
    # …and in every scheduled job (reminders count days from those dates).
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        try:
            module, name = entry["task"].rsplit(".", 1)
            getattr(import_module(module), name).apply(args=entry.get("args", ())).get()
        except Exception as exc:
            problems.append(f"task {entry['task']} after the admin posts: {exc!r}")
    print(f"admin form crawler: {posted} posts, {len(saved)} saved, {refused} add pages "
          f"refused, {pages} portal pages opened afterwards")
    assert posted > 100
    assert problems == [], "\n".join(problems)
