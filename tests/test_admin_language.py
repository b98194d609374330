"""The admin speaks the user's language: no English on any admin page in bokmål or nynorsk.

Two checks. The catalogue check asks Django's translation machinery (our
``locale/`` first, then every package's own catalogue) for every message
Django's admin, auth and forms and the admin's JavaScript may show — taken
from Django's English catalogues, which list them all — and for the messages
of the other packages the admin shows (django-import-export,
django-simple-history, django-axes: every msgid their shipped catalogues
list). The page check walks every admin URL pattern (the admin matrix's walk)
as a superuser and as A's O&F administrator in nb and nn, plus the pages that
only appear after an invalid form, and looks at the text a person sees —
text nodes, button labels, placeholders, titles — for English words and for
code names such as ``groups.poster_pdf``.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation.trans_real import DjangoTranslation
from django.views.i18n import JavaScriptCatalog

from accounts.models import User
from tests.access_world import World
from tests.test_admin_matrix import (  # noqa: F401 - ``world`` is the matrix's fixture
    KINDS,
    SITE_PATTERNS,
    UNSCOPED_FOR_SUPERUSERS,
    _kind,
    _object_of_a,
    _url,
    _version_of,
    admin_routes,
    world,
)

pytestmark = pytest.mark.django_db

LANGUAGES = ("nb", "nn")
SITE_PACKAGES = Path(polib.__file__).parent
DJANGO = SITE_PACKAGES / "django"

# Words that are the same in Norwegian as in English (months, loan words, punctuation).
SAME_IN_NORWEGIAN = {
    "April", "August", "September", "November", "Filter", "Status", "Format", "E-post",
    ", ", ":", ":?.!", "…", "IPv4", "IPv6", "%(class_name)s %(instance)s", "Django", "URL",
    "ID", "PDF", "CSV", "%s KB", "%s MB", "%s GB", "%s TB", "%s PB", "AM", "PM", "a.m.", "p.m.",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "nov", "salt", "hash",
}

# English words that are not Norwegian words (whole words, any case). Chosen so
# that Norwegian text and the demo's Norwegian data never contain them: not "time"
# (hour), "data", "type", "last" (as in "Last ned"), "all", "open", "to" (two), "by" (town),
# "skip" (ships), "import", "total", "agent", nor "line" (a name).
ENGLISH_WORDS = {
    "the", "and", "of", "is", "are", "this", "that", "these", "with", "your", "you",
    "please", "select", "show", "hide", "run", "export", "history", "add", "change",
    "delete", "save", "search", "view", "home", "logout", "password", "user", "users",
    "choose", "remove", "clear", "today", "yesterday", "tomorrow", "now", "yes", "none",
    "unknown", "action", "actions", "go", "submit", "confirm", "preview", "errors", "error",
    "correct", "below", "above", "field", "fields", "required", "enter", "valid", "value",
    "must", "not", "date", "name", "email", "file", "resource", "new", "update",
    "skipped", "row", "number", "from", "on", "or", "it", "sure", "want",
    "would", "will", "object", "objects", "item", "items", "selected", "results",
    "counts", "entries", "entry", "page", "site", "administration", "welcome", "recent",
    "minute", "minutes", "hour", "hours", "day", "days", "week", "weeks", "month", "months",
    "year", "years", "seconds", "first", "next", "previous", "more", "than", "other",
    "close", "closed", "title", "job", "task", "tasks", "option", "options",
    "breadcrumbs", "sidebar", "toggle", "theme", "changed", "added", "deleted", "reason",
    "attempt", "attempts", "failed", "logins", "locked", "out", "address", "path",
    "expires", "comment", "author", "revert", "compare", "list", "only", "main",
    "content", "link", "count", "pagination",
}
# ``groups.poster_pdf``, ``lib.tasks.reminders_sweep``: a code name shown instead of a label.
# (A bare ``ability_trust`` is a survey item's key, which O&F type themselves.)
CODE_NAME = re.compile(r"\b[a-z]+(?:\.[a-z]+)*\.[a-z]+_[a-z_]+\b")
SNAKE_CASE = re.compile(r"\b\w+_\w+\b")
# Not words: addresses, paths, and random values shown read-only (a calendar token, a
# password's salt): a chunk of 20 or more characters, or one with a digit in it, whose
# letters once read "oR" as English.
NOT_TEXT = re.compile(r"\S+@\S+|https?://\S+|/\S*|\b[\w-]+\.(?:example|no|com|org)\b|"
                      r"\S{20,}|\S*\d\S*")
WORD = re.compile(r"[A-Za-zÆØÅæøåÉé]+(?:-[A-Za-zÆØÅæøå]+)*")
VISIBLE_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}


def _translated(lang: str, entry: polib.POEntry, catalogue=None) -> bool:
    if entry.msgid in SAME_IN_NORWEGIAN or not entry.msgid.strip():
        return True
    key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
    if catalogue is None:
        with translation.override(lang):
            catalogue = translation.trans_real._active.value
    if entry.msgid_plural:
        return catalogue.ngettext(key, entry.msgid_plural, 2) != entry.msgid_plural
    return catalogue.gettext(key) != key


def _entries(*paths: Path) -> list[polib.POEntry]:
    seen: dict[tuple, polib.POEntry] = {}
    for path in paths:
        for entry in polib.pofile(str(path)):
            if not entry.obsolete:
                seen.setdefault((entry.msgctxt, entry.msgid), entry)
    return list(seen.values())


def _vendor_catalogues() -> list[Path]:
    """Django's own English catalogues, and every catalogue the other admin packages ship."""
    paths = [DJANGO / "contrib/admin/locale/en/LC_MESSAGES/django.po",
             DJANGO / "contrib/auth/locale/en/LC_MESSAGES/django.po",
             DJANGO / "contrib/contenttypes/locale/en/LC_MESSAGES/django.po",
             DJANGO / "conf/locale/en/LC_MESSAGES/django.po"]
    for package in ("import_export", "simple_history", "axes"):
        paths += sorted((SITE_PACKAGES / package / "locale").glob("*/LC_MESSAGES/django.po"))
    return paths


# Messages of a package's developer-facing errors (a misconfigured resource), never
# shown to O&F; and Django's language names (the admin shows only our three).
DEVELOPER_ONLY = re.compile(
    r"import_id_fields|is_valid|force_str|use_natural_foreign_keys|IllegalCharacterError|"
    r"Path Overflow|max_length property")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_admin_message_of_every_package_is_translated(lang):
    language_names = {e.msgid for e in polib.pofile(
        str(DJANGO / "conf/locale/en/LC_MESSAGES/django.po")) if "conf/global_settings" in
        " ".join(path for path, _line in e.occurrences)}
    missing = sorted({e.msgid for e in _entries(*_vendor_catalogues())
                      if e.msgid not in language_names and not DEVELOPER_ONLY.search(e.msgid)
                      and not _translated(lang, e)})
    assert missing == [], f"{lang}: {len(missing)} untranslated: {missing}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_admin_javascript_catalogue_is_translated(lang):
    catalogue = DjangoTranslation(lang, domain="djangojs", localedirs=JavaScriptCatalog(
        packages=["django.contrib.admin"]).get_paths(["django.contrib.admin"]))
    missing = sorted({e.msgid for e in _entries(
        DJANGO / "contrib/admin/locale/en/LC_MESSAGES/djangojs.po")
        if not _translated(lang, e, catalogue)})
    assert missing == [], f"{lang}: {len(missing)} untranslated: {missing}"


class VisibleText(HTMLParser):
    """The text of a page a person sees or hears: text nodes, labels of buttons, titles."""

    # Scripts are not text; a text area holds what someone typed (user data, any language).
    HIDDEN = frozenset({"script", "style", "template", "textarea"})
    # The English version of a text kept in three languages (a standard survey's "intro_en"):
    # the admin row of such a field is marked "field-<name>_en".
    ENGLISH_FIELD = re.compile(r"\bfield-\w+_en\b")
    VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
                      "meta", "source", "track", "wbr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden_inputs: dict[str, str] = {}
        self._open: list[tuple[str, bool]] = []  # open elements, and whether each hides text

    @property
    def _hidden(self) -> bool:
        return any(hides for _tag, hides in self._open)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag not in self.VOID:
            hides = tag in self.HIDDEN or bool(self.ENGLISH_FIELD.search(a.get("class", "")))
            self._open.append((tag, hides))
        if self._hidden:
            return
        if tag == "input" and a.get("type") == "hidden" and a.get("name"):
            self.hidden_inputs[a["name"]] = a.get("value", "")
        for name in VISIBLE_ATTRIBUTES & a.keys():
            self.parts.append(a[name])
        if tag == "input" and a.get("type") in {"submit", "button", "reset"}:
            self.parts.append(a.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if any(open_tag == tag for open_tag, _hides in self._open):
            while self._open and self._open.pop()[0] != tag:
                pass

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            self.parts.append(data.strip())


def english_in(html: str) -> set[str]:
    """The English words and code names in what a page shows."""
    parser = VisibleText()
    parser.feed(html)
    found = set()
    for part in parser.parts:
        text = NOT_TEXT.sub(" ", part)
        # Test modules register document kinds of their own ("test.slow_document"); with
        # every test file collected in each worker they show in the job lists' filters.
        found |= {f"code name {m}" for m in CODE_NAME.findall(text) if not m.startswith("test.")}
        text = SNAKE_CASE.sub(" ", text)  # a key someone typed ("group_change") is data
        found |= {w for w in WORD.findall(text) if w.lower() in ENGLISH_WORDS}
    return found


def _admin_pages(world: World, user: User) -> list[tuple[str, str]]:  # noqa: F811
    """(label, url) of every admin page this user may open, one row of A for object pages."""
    pages = [("index", reverse("admin:index")),
             ("password_change", reverse("admin:password_change")),
             ("password_change_done", reverse("admin:password_change_done"))]
    pages += [(f"app_list {label}", reverse("admin:app_list", args=[label]))
              for label in sorted({m._meta.app_label for m in admin.site._registry})]
    for route in admin_routes():
        kind = _kind(route)
        if (route.name or route.route) in SITE_PATTERNS or kind is None or not route.name:
            continue
        model_admin = route.model_admin
        label = model_admin.model._meta.label_lower if model_admin else ""
        if label in UNSCOPED_FOR_SUPERUSERS and not user.is_superuser:
            continue
        if not KINDS[kind]:
            pages.append((route.name, reverse(f"admin:{route.name}")))
            continue
        if label in UNSCOPED_FOR_SUPERUSERS:
            obj = model_admin.model.objects.order_by("pk").first()
            if obj is None:
                continue
        else:
            obj = _object_of_a(world, model_admin)
        version_id = _version_of(obj) if route.group_count == 2 else None
        pages.append((route.name, _url(route, obj, version_id)))
    return pages


def _superuser() -> User:
    user = User.objects.filter(email="drift-sprak@fjordvik.example").first()
    return user or User.objects.create_superuser(email="drift-sprak@fjordvik.example",
                                                 password=None, full_name="Drift Språk")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_english_on_any_admin_page(world: World, lang: str):  # noqa: F811
    """Every admin page A's O&F opens, and those only the superuser opens, with the
    changelists' counts on and every add form posted empty (the form-error messages)."""
    from axes.models import AccessAttempt

    AccessAttempt.objects.get_or_create(username="noen@fjordvik.example", ip_address="10.0.0.1",
                                        defaults={"failures_since_start": 3})
    found: dict[str, set[str]] = {}
    walked = 0
    seen_by_oaf: set[str] = set()
    for user in (world.users["oaf_a"], _superuser()):
        User.objects.filter(pk=user.pk).update(language=lang)
        client = Client(raise_request_exception=False)  # a crash is other tests' business
        client.force_login(user)
        who = "superuser" if user.is_superuser else "oaf_a"
        for label, url in _admin_pages(world, user):
            if url in seen_by_oaf:
                continue  # the same page as O&F's (the superuser sees more rows, same words)
            urls = [url, url + "?_facets=1"] if label.endswith("_changelist") else [url]
            for address in urls:
                response = client.get(address, follow=True)
                if response.status_code != 200 or "html" not in response["Content-Type"]:
                    continue
                walked += 1
                if not user.is_superuser:
                    seen_by_oaf.add(address)
                for word in english_in(response.content.decode()):
                    found.setdefault(word, set()).add(f"{who} {label}")
            if label.endswith("_add") and response.status_code == 200:
                # Posted with only its hidden fields (the inlines' management forms):
                # the form answers with its errors.
                parser = VisibleText()
                parser.feed(response.content.decode())
                response = client.post(url, {**parser.hidden_inputs, "_save": "1"})
                if response.status_code == 200:
                    for word in english_in(response.content.decode()):
                        found.setdefault(word, set()).add(f"{who} {label} (posted)")
    report = "\n".join(f"{word!r}: {', '.join(sorted(where)[:4])}"
                       + (f" (+{len(where) - 4})" if len(where) > 4 else "")
                       for word, where in sorted(found.items()))
    print(f"\nadmin language ({lang}): {walked} pages, {len(found)} English words or code names")
    assert walked > 200
    assert found == {}, f"{lang}: English on admin pages:\n{report}"


def test_the_check_sees_english():
    """The page check itself: it finds what the issue found, and passes Norwegian."""
    assert english_in('<p>Please correct the errors below.</p>') >= {"Please", "errors"}
    assert english_in('<a class="viewlink">Show counts</a>') == {"Show", "counts"}
    assert english_in('<td>groups.poster_pdf</td>') == {"code name groups.poster_pdf"}
    assert english_in('<input type="submit" value="Run">') == {"Run"}
    assert english_in('<input type="submit" value="Utfør"><p>Rapportjobber</p>'
                      '<a href="/admin/groups/">Ledergrupper</a> <p>anne@askvik.no</p>') == set()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_two_admin_entries_share_a_name(lang):
    with translation.override(lang):
        names: dict[str, list[str]] = {}
        for model in admin.site._registry:
            names.setdefault(str(model._meta.verbose_name_plural).lower(), []).append(
                model._meta.label)
    assert {name: labels for name, labels in names.items() if len(labels) > 1} == {}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_title_is_a_title_and_a_job_title_a_job_title(lang):
    from accounts.models import Leader
    from groups.models import TrainingTask
    from lib.models import GeneratedDocument

    with translation.override(lang):
        assert str(TrainingTask._meta.get_field("title").verbose_name) == "tittel"
        assert str(GeneratedDocument._meta.get_field("title").verbose_name) == "tittel"
        assert str(Leader._meta.get_field("title").verbose_name) == "stillingstittel"


def _audit_actions_in_source() -> set[str]:
    """Every action code an ``audit_log(action=…)`` call in the apps can write."""
    import ast

    codes: set[str] = set()
    root = Path(__file__).resolve().parent.parent
    for path in root.glob("*/**/*.py"):
        if {"tests", "migrations", ".venv", "var"} & set(path.relative_to(root).parts):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "audit_log":
                for keyword in node.keywords:
                    if keyword.arg == "action":
                        codes |= {n.value for n in ast.walk(keyword.value)
                                  if isinstance(n, ast.Constant) and isinstance(n.value, str)}
    return codes


def test_every_audit_action_and_periodic_job_has_a_name():
    from django.conf import settings

    from lib.audit import action_label
    from reports.admin import JOB_LABELS

    codes = _audit_actions_in_source()
    assert len(codes) > 40
    assert sorted(code for code in codes if action_label(code) == code) == []
    assert sorted(set(settings.CELERY_BEAT_SCHEDULE) - set(JOB_LABELS)) == []
