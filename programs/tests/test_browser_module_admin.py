"""Chromium (issue 21, item 20): the module's change form, with its session rows, fits a
1280 px screen — the page does not scroll sideways and no session column is cut off."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.factories import PASSWORD, UserFactory

from .conftest import make_module
from .factories import ModuleSessionFactory, today

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_module_change_form_fits_1280_px(live_server, browser, personas):
    facilitators = [UserFactory(organisation=personas.org_a, is_facilitator=True,
                                full_name=f"Fasilitator Med Et Langt Navn {n}")
                    for n in range(2)]
    module = make_module(personas.org_a, topic="Endringsledelse i praksis – våren")
    ModuleSessionFactory(module=module, date=today() + dt.timedelta(days=100),
                         theme="Oppfølging og veien videre med læringsgruppene",
                         place="Rådhuset, store møterom i tredje etasje",
                         video_url="https://video.askvik.example/rom/endringsledelse-var")
    for session in module.sessions.all():
        session.facilitators.set(facilitators)
    context = browser.new_context(viewport={"width": 1280, "height": 900},
                                  timezone_id="Europe/Oslo", locale="nb-NO")
    page = context.new_page()
    base = live_server.url
    page.goto(f"{base}/admin/")
    page.get_by_label("E-postadresse").fill("alice@askvik.example")
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.goto(f"{base}/admin/programs/module/{module.pk}/change/")
    assert page.locator("#sessions-group table tbody tr.has_original").count() == 4
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    table, box = page.evaluate("""() => {
        const table = document.querySelector('#sessions-group table');
        return [table.scrollWidth, table.parentElement.clientWidth];
    }""")
    assert table <= box, f"the session table is {table} px in a {box} px box"
    # The last column (delete) is on screen, not clipped by the box.
    right = page.evaluate("""() => document.querySelector(
        '#sessions-group tbody tr.has_original td.delete').getBoundingClientRect().right""")
    assert right <= 1280
    context.close()
