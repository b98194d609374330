"""allauth's OpenID Connect provider, with a nonce and a log line for every refused token."""

from __future__ import annotations

import logging
import secrets
from typing import Any

from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from allauth.utils import build_absolute_uri
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

logger = logging.getLogger("accounts.sso")

PROVIDER_ID = "kommune"


class MunicipalityOIDCAdapter(OpenIDConnectOAuth2Adapter):
    def get_callback_url(self, request: HttpRequest, app: Any) -> str:
        url = reverse(f"{PROVIDER_ID}_callback", kwargs={"provider_id": self.provider_id})
        return build_absolute_uri(request, url, self.redirect_uri_protocol)

    def _decode_id_token(self, app: Any, id_token: str) -> dict:
        """Issuer, audience, expiry and signature, always (allauth may skip the signature)."""
        try:
            return jwtkit.verify_and_decode(
                credential=id_token, keys_url=self.openid_config["jwks_uri"],
                issuer=self.openid_config["issuer"], audience=app.client_id,
                lookup_kid=jwtkit.lookup_kid_jwk, verify_signature=True)
        except OAuth2Error as error:
            logger.warning("ID token refused for provider %s: %s", app.provider_id,
                           error.__cause__ or error)
            raise


class MunicipalityOIDCProvider(OpenIDConnectProvider):
    id = PROVIDER_ID
    name = "OpenID Connect"
    package = "accounts.sso"  # its URLs are in accounts/sso/urls.py
    oauth2_adapter_class = MunicipalityOIDCAdapter

    def redirect(self, request: HttpRequest, process: Any, next_url: Any = None,
                 data: Any = None, **kwargs: Any) -> HttpResponse:
        # A nonce ties the ID token to this browser's sign-in; checked in the adapter.
        nonce = secrets.token_urlsafe(24)
        auth_params = kwargs.pop("auth_params", None) or self.get_auth_params()
        return super().redirect(request, process, next_url, data,
                                auth_params={**auth_params, "nonce": nonce}, nonce=nonce,
                                **kwargs)


provider_classes = [MunicipalityOIDCProvider]
