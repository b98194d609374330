"""Two-factor sign-in (django-allauth's MFA): who must have it, and whether a session passed it.

allauth gives the pages (set up an authenticator app, recovery codes, the code at
sign-in) and asks for the code in its login flow — the portal's password login
and the municipalities' OpenID Connect sign-in both go through it (allauth runs its
MFA stage for social logins too, so O&F signing in with the municipality's account
is asked for the code like everyone else). What the portal adds:

- :func:`mfa_required`: O&F administrators and superusers must have an authenticator
  (``MFA_REQUIRED_FOR_STAFF``, always on in production);
- :func:`mfa_verified`: whether this session has given a code (allauth's record of
  the session's authentication steps), for sessions that did not come through
  allauth's flow — the admin's own login page;
- :func:`mfa_gate`, called by :class:`accounts.middleware.MFARequiredMiddleware`:
  where such a user is sent before any other page.
"""

from __future__ import annotations

import time
from typing import Any

from allauth.account import app_settings as account_settings
from allauth.account.internal.flows.login import (
    get_authentication_records,
    record_authentication,
)
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from .models import User

# Set at a login that skipped the code of a user who has an authenticator.
PENDING_KEY = "accounts_mfa_pending"
# Pages a user held by the gate may still open (besides the two-factor pages, "mfa_*"):
# the password confirmation before setting one up, logging in and out, the language
# switch, the accessibility and privacy statements, the health check.
OPEN_URL_NAMES = frozenset({
    "account_reauthenticate", "logout", "admin:logout", "login", "accounts:language_set",
    "privacy:privacy", "privacy:accessibility", "healthz", "favicon",
})


def mfa_required(user: User | AnonymousUser) -> bool:
    """Must this user have an authenticator before using the portal? O&F and superusers."""
    if not user.is_authenticated or not getattr(settings, "MFA_REQUIRED_FOR_STAFF", False):
        return False
    return bool(user.is_superuser or user.is_oaf_admin)


def has_authenticator(user: User) -> bool:
    """An authenticator app is set up (recovery codes alone are no second factor)."""
    return Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).exists()


def mfa_verified(request: HttpRequest, user: User) -> bool:
    """Has this session given a code (or set the authenticator up) for this user?"""
    return any(r.get("method") == "mfa" for r in get_authentication_records(request, user))


def signed_in_recently(request: HttpRequest, user: User) -> bool:
    """Did this session sign in or confirm who it is within allauth's reauthentication
    window? Then the two-factor pages need no password again (see the account adapter)."""
    records = get_authentication_records(request, user)
    window = account_settings.REAUTHENTICATION_TIMEOUT
    return any(time.time() - float(r.get("at", 0)) < window for r in records)


def mfa_gate(request: HttpRequest, user: User, url_name: str) -> HttpResponseRedirect | None:
    """Where a signed-in user must go before ``url_name``, or None to go on.

    Someone with an authenticator whose session has not given a code (it signed in
    past allauth's flow) confirms with one; someone who must have an authenticator
    and has none sets it up. Each with a message in their language saying why.
    Reads only the session, except for O&F not yet verified in this session: the
    pages' query counts stay as they were.
    """
    if url_name.startswith("mfa_") or url_name in OPEN_URL_NAMES or mfa_verified(request, user):
        return None
    required = mfa_required(user)
    if request.session.get(PENDING_KEY) == user.pk or (required and has_authenticator(user)):
        messages.info(request, _("Enter the code from your authenticator app to go on."))
        nxt = urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(f"{reverse('mfa_reauthenticate')}?{nxt}")
    if required:
        messages.warning(request, _(
            "As an administrator you must sign in with two-factor authentication. Set up "
            "an authenticator app on your phone to go on: it protects the leaders' personal "
            "data you can see."))
        return HttpResponseRedirect(reverse("mfa_activate_totp"))
    return None


def record_sign_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """``user_logged_in``: a login outside allauth's flow (the admin's login page) is
    recorded as a password sign-in, as allauth records its own, so that setting up an
    authenticator right after it needs no second password; if the user has an
    authenticator and the login skipped the code, the session remembers that it owes one."""
    if request is None or not hasattr(request, "session"):
        return
    if not get_authentication_records(request, user):
        record_authentication(request, user, method="password")
    if not mfa_verified(request, user) and has_authenticator(user):
        request.session[PENDING_KEY] = user.pk


def record_activation(sender: Any, instance: Authenticator, created: bool,
                      **kwargs: Any) -> None:
    """An authenticator app saved in a request (allauth's set-up page): the code that set
    it up counts as this session's code. ``post_save``, not allauth's
    ``authenticator_added``, which is sent after the commit — after the session is saved."""
    from allauth.core import context

    request = context.request  # None outside a request (set by allauth's middleware)
    if not created or request is None or instance.type != Authenticator.Type.TOTP:
        return
    if getattr(request.user, "pk", None) == instance.user_id:
        record_authentication(request, request.user, method="mfa", id=instance.pk,
                              type=instance.type, reauthenticated=True)


class PortalMFAAdapter(DefaultMFAAdapter):
    """allauth's MFA, except that who must have an authenticator cannot remove their last."""

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        if authenticator.type == Authenticator.Type.TOTP and mfa_required(authenticator.user):
            return False
        return super().can_delete_authenticator(authenticator)
