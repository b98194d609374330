"""Screenshots of each demo role's main pages at 390 and 1280 px, for a human to look at.

    .venv/bin/python tools/screenshots.py [--base http://127.0.0.1:8000] [--out var/screenshots]
                                          [--lang nb] [--role oaf] [--chromium /usr/bin/chromium]

Run it against a portal started with demo data (``./bin/run``). Each demo account
signs in through the login page (password ``lederutvikling``), follows every
link of its own menu and of Min side (up to ``--max-pages`` per role), and each
page is saved as ``<out>/<role>/<width>/<nn>-<path>.png``, full length. The
script also prints the pages that scroll sideways or whose menu wraps, which is
what issue 21 item 22's layout walk (tests/test_layout_walk.py) enforces on the
test world; this is the same look at the demo, with its real amounts of data.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from urllib.parse import urljoin, urlparse

from playwright.sync_api import Page, sync_playwright

ROLES = {
    "oaf": "oaf@fjordvik.example",
    "facilitator": "fasilitator@fjordvik.example",
    "coach": "coach@fjordvik.example",
    "group_head": "leder.gruppe@fjordvik.example",
    "leader_above": "leders.leder@fjordvik.example",
    "leader": "leder@fjordvik.example",
    "oaf_nynorsk": "oaf@lia.example",
    "superuser": "admin@lederutvikling.example",
}
PASSWORD = "lederutvikling"  # noqa: S105 - the demo's documented password
WIDTHS = (390, 1280)
# Links not to follow: they act (log out), download or leave the portal.
SKIP = re.compile(r"logg-ut|logout|\.ics|\.pdf|\.csv|\.json|\.xlsx|/kalender/|/eksport|/dokumenter/"
                  r"|/admin/.+/(delete|slett)")
OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


def sign_in(page: Page, base: str, email: str, lang: str) -> None:
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "django_language", "value": lang, "url": base}])
    page.goto(urljoin(base, "/"))  # an anonymous visitor is sent to the login page
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit], main form input[type=submit]").first.click()
    page.wait_for_load_state("load")


def links(page: Page, base: str) -> list[str]:
    hrefs = page.eval_on_selector_all(
        "#main-nav a[href], main a[href]", "els => els.map(e => e.getAttribute('href'))")
    host = urlparse(base).netloc
    found = []
    for href in hrefs:
        url = urljoin(page.url, href).split("#")[0]
        if urlparse(url).netloc == host and not SKIP.search(url) and url not in found:
            found.append(url)
    return found


def shoot(page: Page, out: Path, index: int, url: str) -> int:
    try:
        response = page.goto(url)
    except Exception:  # noqa: BLE001 - a link that downloads a file is not a page
        return 0
    name = re.sub(r"[^a-z0-9]+", "-", urlparse(url).path.lower()).strip("-") or "root"
    out.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(out / f"{index:02d}-{name[:60]}.png"), full_page=True)
    return response.status if response else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--out", default="var/screenshots")
    parser.add_argument("--lang", default="nb", choices=["nb", "nn", "en"])
    parser.add_argument("--role", action="append", choices=sorted(ROLES))
    parser.add_argument("--max-pages", type=int, default=12)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    problems = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=args.chromium, args=["--no-sandbox"])
        for role in args.role or list(ROLES):
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            sign_in(page, args.base, ROLES[role], args.lang)
            if "logg-inn" in page.url:
                problems.append(f"{role}: could not sign in as {ROLES[role]}")
                continue
            start = page.url
            pages = [start, *[u for u in links(page, args.base) if u != start]][:args.max_pages]
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 900})
                for index, url in enumerate(pages):
                    status = shoot(page, Path(args.out) / role / str(width), index, url)
                    if status >= 400:
                        problems.append(f"{role} {width}px {url}: HTTP {status}")
                    if (extra := page.evaluate(OVERFLOW)) > 0:
                        problems.append(f"{role} {width}px {url}: {extra} px sideways")
            print(f"{role}: {len(pages)} pages × {len(WIDTHS)} widths → {args.out}/{role}/")
            context.close()
        browser.close()
    for problem in problems:
        print("PROBLEM", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
