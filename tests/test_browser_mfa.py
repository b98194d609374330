"""Chromium at 320 px: O&F must set up two-factor sign-in, then is asked for the code.

O&F signs in with the password, is sent to set up an authenticator app (the key shown
as text is read off the page, as a person types it into the app), gives a code and
sees the recovery codes; signing in again asks for the app's code, and a correct code
lands in the admin. The pages pass axe and do not scroll sideways at 320 px.
"""

from __future__ import annotations

import re
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from playwright.sync_api import expect

from lib.testing import axe_violations
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _code(secret: str, step: int = 0) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + step))


def _code_for_this_window(secret: str, step: int) -> str:
    """A code ``step`` windows from now that the server still accepts when it checks it:
    with one window of tolerance, the previous window's code is refused once a new
    window begins, so on a busy machine a code read near a window's end failed the
    test (a full run in the thirteenth session). Wait for 12 seconds left in the window."""
    left = 30 - time.time() % 30
    if left < 12:
        time.sleep(left + 0.5)
    return _code(secret, step)


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert axe_violations(page) == []


def _password_login(page, base: str) -> None:
    page.goto(f"{base}/konto/logg-inn/?next=/admin/")
    page.get_by_label("E-postadresse").fill("alice@askvik.example")
    page.get_by_label("Passord").fill(PASSWORD)
    page.locator("main form button[type=submit]").last.click()


def test_oaf_sets_up_the_app_and_is_asked_for_a_totp_code(live_server, page, personas,
                                                          settings):
    settings.MFA_REQUIRED_FOR_STAFF = True
    base = live_server.url
    page.set_viewport_size({"width": 320, "height": 700})

    # 1. First sign-in: straight to setting up the app, with the reason given.
    _password_login(page, base)
    expect(page).to_have_url(re.compile(r"/konto/tofaktor/totp/activate/$"))
    expect(page.locator(".alert-warning")).to_be_visible()  # why, in the user's language
    _fits(page)
    secret = page.locator("#totp-secret").inner_text().strip()
    page.locator("#id_code").fill(_code_for_this_window(secret, -1))
    expect(page.locator("label[for=id_code]")).to_be_visible()
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/konto/tofaktor/recovery-codes/$"))
    _fits(page)
    assert Authenticator.objects.filter(user=personas.alice, type="totp").exists()
    page.goto(f"{base}/admin/")
    expect(page).to_have_url(f"{base}/admin/")

    # 2. Next sign-in: the password, then the app's code, then the admin.
    page.context.clear_cookies()
    _password_login(page, base)
    expect(page).to_have_url(re.compile(r"/konto/tofaktor/authenticate/$"))
    _fits(page)
    page.locator("#id_code").fill(_code(secret))
    page.locator("main form button[type=submit]").first.click()
    expect(page).to_have_url(f"{base}/admin/")
    expect(page.locator("#site-name, h1").first).to_be_visible()
