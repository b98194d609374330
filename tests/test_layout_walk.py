"""Every page fits a 320-px phone and a 1280-px screen, in every role (issue 21 item 22).

At 390 px the module session table and the date poll scrolled sideways, and at
1280 px the menu wrapped to two lines for the facilitator, the coach and O&F. This
walk opens every page of the portal (the same walk as the axe and CSP tests,
``tests/pages.py``) at both widths and fails when the document is wider than the
window, and opens each role's Min side at 1280 px and fails when the menu takes
more than one line. Tables may scroll inside their own box (``.table-responsive``);
the page may not.
"""

from __future__ import annotations

import pytest

from tests.access_world import build_world
from tests.pages import html_pages, session_cookie

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (320, 1280)
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll('body *')].filter(el => {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.right <= width + 1) return false;
    // Inside a box that scrolls on its own (a table-responsive wrapper): allowed.
    for (let up = el.parentElement; up; up = up.parentElement) {
      const style = getComputedStyle(up);
      if (['auto', 'scroll', 'hidden'].includes(style.overflowX)) return false;
    }
    return true;
  }).map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
              + (el.className && typeof el.className === 'string'
                 ? '.' + el.className.trim().split(/\\s+/).join('.') : ''));
  return {scroll: document.documentElement.scrollWidth, width, wide: wide.slice(0, 5)};
}"""
MENU_LINES = """() => {
  // How many lines the bar takes: the brand, the menu items and the log-out button.
  const brand = document.querySelector('.navbar-brand').getBoundingClientRect();
  const menu = document.querySelector('#main-nav .navbar-nav');
  const items = [...menu.children].filter(el => el.offsetParent !== null);
  const form = document.querySelector('#main-nav form').getBoundingClientRect();
  const box = menu.getBoundingClientRect();
  const item = items[0].getBoundingClientRect();
  let lines = 1;
  if (box.top >= brand.bottom - 2) lines += 1;          // the menu under the brand
  if (box.height > item.height * 1.5) lines += 1;      // the menu itself on two lines
  if (form.top >= box.bottom - 2) lines += 1;          // log out under the menu
  return lines;
}"""


def test_no_page_scrolls_sideways_at_320_or_1280_px(live_server, page):
    world = build_world()
    pages = html_pages(world)
    cookies = {role: session_cookie(world.users[role], live_server)
               for role in {role for _, role, _ in pages}}
    failures = []
    checked = 0
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for name, role, url in pages:
            page.context.clear_cookies()
            page.context.add_cookies([cookies[role]])
            response = page.goto(f"{live_server.url}{url}")
            if response is None or response.status != 200:
                continue
            checked += 1
            found = page.evaluate(OVERFLOW)
            if found["scroll"] > width or found["wide"]:
                failures.append((width, name, role, found))
    assert failures == [], "\n".join(map(str, failures))
    assert checked > 60


@pytest.mark.parametrize("lang", ["nb", "nn", "en"])
def test_the_menu_takes_one_line_at_1280_px_in_every_role(live_server, page, lang):
    world = build_world()
    page.set_viewport_size({"width": 1280, "height": 900})
    lines = {}
    for role, user in world.users.items():
        if user is None:
            continue
        type(user).objects.filter(pk=user.pk).update(language=lang)
        page.context.clear_cookies()
        page.context.add_cookies([session_cookie(user, live_server)])
        page.goto(f"{live_server.url}/")
        assert page.locator("html").get_attribute("lang") == lang
        lines[role] = page.evaluate(MENU_LINES)
    assert lines and set(lines.values()) == {1}, lines
