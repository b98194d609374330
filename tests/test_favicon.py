"""Issue 21, item 25: every page named a favicon nobody had (404 on every page)."""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

pytestmark = pytest.mark.django_db

ICON = '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">'


def test_the_favicon_is_an_svg_in_the_portal_colours():
    path = finders.find("favicon.svg")
    assert path, "static/favicon.svg is missing"
    source = Path(path).read_text(encoding="utf-8")
    root = ElementTree.fromstring(source)  # noqa: S314 - our own file
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert "#1d4f73" in source  # the brand blue of site.css


def test_favicon_ico_sends_anyone_to_the_svg(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == f"{settings.STATIC_URL}favicon.svg"


def test_portal_and_admin_pages_link_the_icon(client, personas):
    assert ICON in client.get(reverse("login")).content.decode()
    assert ICON in client.get("/admin/login/").content.decode()
    client.force_login(personas.alice)
    assert ICON in client.get("/admin/").content.decode()
