"""The kept page frame (``{% frame %}``) says exactly what a full render says, for everyone.

Each page is fetched twice: with the store off (the frame rendered in full from the real
context, as before) and on (the kept frame with the request's token, nonce and path put in).
The two bodies must be the same once the per-response CSRF token and CSP nonce are
blanked. Then the same process serves one role after another, so a menu kept for one
person would show up in the next person's page.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from lib.templatetags import frame as frame_tag
from tests.factories import LeaderFactory, UserFactory

pytestmark = pytest.mark.django_db

VARYING = [(re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"'),
            'name="csrfmiddlewaretoken" value="-"'),
           (re.compile(r'nonce="[^"]*"'), 'nonce="-"')]


def _body(response) -> str:
    text = response.content.decode()
    for pattern, blank in VARYING:
        text = pattern.sub(blank, text)
    return text


def _both(client, url):
    frame_tag.ENABLED = False
    try:
        full = client.get(url)
    finally:
        frame_tag.ENABLED = True
    kept = client.get(url)
    assert full.status_code == kept.status_code
    return _body(full), _body(kept)


@pytest.fixture
def people(personas):
    facilitator = UserFactory(organisation=personas.org_a, email="fasi@askvik.example",
                              full_name="Frida Fasilitator", is_facilitator=True)
    coach = UserFactory(organisation=personas.org_a, email="coach@askvik.example",
                        full_name="Conrad Coach", is_coach=True)
    nynorsk = LeaderFactory(organisation=personas.org_a, user__language="nn",
                            user__email="nn@askvik.example").user
    return {"leader": personas.bob, "oaf": personas.alice, "facilitator": facilitator,
            "coach": coach, "nynorsk": nynorsk, "other municipality": personas.charlie}


PAGES = [reverse("accounts:min_side"), reverse("programs:module_list"),
         reverse("surveys:index"), reverse("coaching:overview"), reverse("networks:index"),
         reverse("groups:index"), reverse("privacy:privacy"),
         "/finnes-ikke/?x=%22%3E%3Cscript%3E&y=%C3%A6"]  # a 404, with a path to escape


@pytest.mark.parametrize("role", ["leader", "oaf", "facilitator", "coach", "nynorsk",
                                  "other municipality"])
def test_the_kept_frame_is_the_full_frame(client, people, role):
    client.force_login(people[role])
    for url in PAGES:
        full, kept = _both(client, url)
        assert kept == full, url
        assert 'name="csrfmiddlewaretoken" value="-"' in kept  # log-out and language forms


def test_signed_out_pages_too(client):
    for url in (reverse("login"), reverse("privacy:accessibility")):
        full, kept = _both(client, url)
        assert kept == full, url


def test_one_persons_menu_never_reaches_the_next(client, people):
    frame_tag._KEPT.clear()
    menus = {}
    for role in ("oaf", "leader", "coach", "nynorsk", "facilitator", "leader"):
        client.force_login(people[role])
        page = client.get(reverse("accounts:min_side")).content.decode()
        menus[role] = page[page.index("<nav"):page.index("</nav>")]
    assert reverse("admin:index") in menus["oaf"]
    assert reverse("admin:index") not in menus["leader"]
    assert reverse("surveys:evaluations") in menus["facilitator"]
    assert reverse("surveys:evaluations") not in menus["leader"]
    assert reverse("coaching:coach_home") in menus["coach"]
    assert reverse("coaching:coach_home") not in menus["leader"]
    assert ">Min side<" in menus["leader"] and ">Mi side<" in menus["nynorsk"]  # nb, nn
    assert len(frame_tag._KEPT) >= 3  # kept per kind of visitor, not per person


def test_the_page_path_in_the_language_form_is_this_requests_and_escaped(client, people):
    client.force_login(people["leader"])
    for query, shown in (("?a=1&b=2", "?a=1&amp;b=2"),
                         ('?q="><b>x</b>', "?q=%22%3E%3Cb%3Ex%3C/b%3E")):
        page = client.get(reverse("programs:module_list") + query).content.decode()
        value = re.search(r'name="next" value="([^"]*)"', page).group(1)
        assert value == reverse("programs:module_list") + shown  # this page's, escaped
    token = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert len(token) == 2 and "Marker" not in token[0]
    # The log-out form works with the token put in.
    assert client.post(reverse("logout"), {"csrfmiddlewaretoken": token[0]}).status_code == 302


def test_a_kept_part_is_filled_where_each_marker_was():
    """The kept part is text between the markers (``lib.kept.split_at``): filled with a
    request's values it is the part with each marker replaced, wherever and however
    often they stand (first, last, side by side)."""
    from lib.kept import filled, split_at
    from lib.templatetags.frame import CSRF, NEXT, NONCE

    def _split(text):
        return split_at(text, (CSRF, NONCE, NEXT))

    html = f'{NONCE}<a href="{NEXT}">Å\nø</a>{CSRF}{CSRF}<i nonce="{NONCE}">{NEXT}'
    values = ("tok&1", "n0nce", "/min-side/?a=1&amp;b=2")
    pieces = _split(html)
    assert filled(pieces, values) == (
        html.replace(CSRF, values[0]).replace(NONCE, values[1]).replace(NEXT, values[2]))
    assert _split("no markers") == ("no markers",)
