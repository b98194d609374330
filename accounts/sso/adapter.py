"""Who a sign-in through a municipality's identity provider is (allauth's adapters)."""

from __future__ import annotations

import logging
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.http import HttpRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from lib.scoping import unscoped

from ..models import IdentityProvider
from ..services.sso import user_for_claims

logger = logging.getLogger("accounts.sso")
BACKEND = "accounts.backends.RoleBackend"


def refuse(request: HttpRequest, message: str, reason: str, **details: Any) -> None:
    """Stop the sign-in with a page that says why; the reason goes to the log."""
    logger.warning("sign-in refused: %s %s", reason, details)
    raise ImmediateHttpResponse(render(request, "account/sso_refused.html",
                                       {"message": message}, status=403))


class PortalAccountAdapter(DefaultAccountAdapter):
    """Nobody signs up by themselves; after sign-in the portal's Min side."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        return reverse("accounts:min_side")

    def is_reauthentication_required(self, *, app: str, **kwargs: Any) -> bool:
        """The two-factor pages want a fresh sign-in (allauth's window) or, past it, the
        password or a code again — except from someone who has neither: their proof
        is the municipality's own sign-in, which the portal cannot ask for again."""
        from allauth.core import context

        from ..mfa import has_authenticator, signed_in_recently

        if not super().is_reauthentication_required(app=app, **kwargs):
            return False
        request, user = context.request, context.request.user
        if not user.is_authenticated or app != "allauth.mfa":
            return True
        if signed_in_recently(request, user):
            return False
        return user.has_usable_password() or has_authenticator(user)

    def reauthenticate(self, user: Any, password: str) -> bool:
        """The password again, through the portal's backends (the lockout counts it)."""
        from allauth.core import context
        from django.contrib.auth import authenticate

        again = authenticate(context.request, username=user.email, password=password)
        return again is not None and again.pk == user.pk


class PortalSocialAccountAdapter(DefaultSocialAccountAdapter):
    def _provider(self, sociallogin: Any) -> IdentityProvider | None:
        app = sociallogin.provider.app
        with unscoped():
            return (IdentityProvider.objects.select_related("organisation")
                    .filter(social_app_id=app.pk).first() if app.pk else None)

    def pre_social_login(self, request: HttpRequest, sociallogin: Any) -> None:
        provider = self._provider(sociallogin)
        if provider is None:
            refuse(request, _("This sign-in is not set up for any municipality."), "no_provider")
            return
        data = sociallogin.account.extra_data or {}
        id_token = data.get("id_token") or {}
        expected = (sociallogin.state or {}).get("nonce")
        if not expected or id_token.get("nonce") != expected:
            refuse(request, _("The sign-in could not be verified. Try again."), "nonce",
                   provider=provider.organisation.slug)
        claims = {**id_token, **(data.get("userinfo") or {})}
        if sociallogin.is_existing:
            user = sociallogin.user
            if user.organisation_id != provider.organisation_id or user.is_superuser:
                refuse(request, _("This account belongs to another municipality."),
                       "other_municipality", provider=provider.organisation.slug,
                       user=user.pk)
        else:
            user = user_for_claims(provider=provider, claims=claims)
            if user is None:
                if provider.create_users:
                    return  # allauth signs the person up (populate_user sets the municipality)
                refuse(request, _("No account in the portal matches your sign-in. Ask the "
                                  "O&F office to add you."), "no_match",
                       provider=provider.organisation.slug)
                return
            sociallogin.connect(request, user)
        if not user.is_active:
            refuse(request, _("This account is inactive."), "inactive", user=user.pk)
        user.backend = BACKEND

    def is_open_for_signup(self, request: HttpRequest, sociallogin: Any) -> bool:
        provider = self._provider(sociallogin)
        return bool(provider and provider.create_users)

    def populate_user(self, request: HttpRequest, sociallogin: Any, data: dict) -> Any:
        user = super().populate_user(request, sociallogin, data)
        provider = self._provider(sociallogin)
        user.organisation = provider.organisation if provider else None
        user.full_name = data.get("name") or " ".join(
            p for p in (data.get("first_name"), data.get("last_name")) if p) or user.email
        user.backend = BACKEND
        return user
