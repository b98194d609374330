"""``{% frame "head" %}``, ``{% frame "header" %}``, ``{% frame "footer" %}``: the page frame
of ``base.html`` (stylesheets, menu, footer, script), rendered once per kind of visitor.

Every leader page carried the same ~85 template nodes around its content — the menu's
translations, URLs and includes — at a third of a small page's template time (issue 23).
What they show depends only on a few facts: the language, whether someone is signed in
and in which roles, which section is open (the menu's highlight), the URL prefix. The
part is rendered from ``templates/includes/frame_<part>.html`` with *only* those facts in
its context, kept per combination, and the three per-request values — the CSRF token,
the CSP nonce and the page's own path (the language form's ``next``) — are rendered as
fixed marker strings, replaced with the request's values on the way out. A fact the
key does not hold is not in the context either, so it renders empty rather than leaking
one person's menu to another (``lib/tests/test_frame.py`` compares every part with a
full render, for each role).

Not kept: with ``DEBUG`` (templates change under ``runserver``), and where a page has no
request or no CSRF token (error pages rendered without them): those render in full.
Any settings change (tests) empties the store.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from ..kept import Kept, filled, split_at

register = template.Library()

PARTS = ("head", "header", "footer")
CSRF = "frameCsrfMarker7f3a"
NONCE = "frameNonceMarker7f3a"
NEXT = "/frame-next-marker-7f3a/"
_KEPT: Kept[tuple[str | int, ...]] = Kept(most=4096)
ENABLED = True  # the tests turn it off to compare with the full render


@dataclass(frozen=True)
class _Visitor:
    """What the frame may know of the signed-in person: the key's facts, nothing else."""

    is_authenticated: bool
    is_staff: bool
    is_superuser: bool
    is_oaf_admin: bool
    is_facilitator: bool
    is_coach: bool
    organisation_id: int | None  # only whether there is one (1 or None)


@dataclass(frozen=True)
class _Match:
    app_name: str
    url_name: str


class _Request:
    """The request as the frame sees it: the open section, and the path's marker."""

    def __init__(self, match: _Match) -> None:
        self.resolver_match = match

    def get_full_path(self) -> str:
        return NEXT


def _visitor(user: Any) -> _Visitor:
    if user is None or not user.is_authenticated:
        return _Visitor(False, False, False, False, False, False, None)
    return _Visitor(True, bool(user.is_staff), bool(user.is_superuser),
                    bool(getattr(user, "is_oaf_admin", False)),
                    bool(getattr(user, "is_facilitator", False)),
                    bool(getattr(user, "is_coach", False)),
                    1 if getattr(user, "organisation_id", None) else None)




@dataclass(frozen=True)
class _Facts:
    """What one request's three parts are kept by and filled with: worked out for the
    first part and kept on the request for the other two."""

    key: tuple[Any, ...]
    values: tuple[str, str, str]


def _facts(context: template.Context, request: Any, token: str) -> _Facts:
    found = request.__dict__.get("_frame_facts")
    language = get_language()
    if found is not None and found.key[0] == language:
        return found
    match = request.resolver_match
    facts = (_Match(match.app_name, match.url_name or "") if match is not None
             else _Match("", ""))
    found = _Facts(
        key=(language, get_script_prefix(), get_urlconf(), _visitor(context.get("user")),
             facts),
        values=(token, str(context.get("csp_nonce") or ""), escape(request.get_full_path())))
    request.__dict__["_frame_facts"] = found
    return found


@register.simple_tag(takes_context=True)
def frame(context: template.Context, part: str) -> SafeString:
    if part not in PARTS:
        raise template.TemplateSyntaxError(f"frame: unknown part {part!r}")
    name = f"includes/frame_{part}.html"
    assert context.template is not None  # a tag renders inside a template
    engine = context.template.engine
    request = context.get("request")
    token = context.get("csrf_token")
    token = None if token is None else str(token)
    if not ENABLED or settings.DEBUG or request is None or token in (None, "NOTPROVIDED"):
        full = engine.get_template(name).render(context)  # as an include
        return mark_safe(full.rstrip("\n"))  # noqa: S308 — the engine's own output
    facts = _facts(context, request, token)

    def render() -> tuple[str | int, ...]:
        html = engine.get_template(name).render(template.Context({
            "user": facts.key[3], "request": _Request(facts.key[4]), "csrf_token": CSRF,
            "csp_nonce": NONCE}))
        return split_at(html.rstrip("\n"), (CSRF, NONCE, NEXT))  # 0, 1, 2: facts.values

    pieces = _KEPT.get((part, *facts.key), render)
    # Rendered by the template engine; the values are escaped or markup-free.
    return mark_safe(filled(pieces, facts.values))  # noqa: S308
