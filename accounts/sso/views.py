from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from allauth.account.internal.decorators import login_not_required
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import Http404, HttpRequest, HttpResponse

from lib.blank_forms import blank_form_html
from lib.scoping import unscoped

from .provider import MunicipalityOIDCAdapter


@login_not_required
def login(request: HttpRequest, provider_id: str) -> HttpResponse:
    try:
        return OAuth2LoginView.adapter_view(MunicipalityOIDCAdapter(request, provider_id))(request)
    except SocialApp.DoesNotExist:
        raise Http404 from None


@login_not_required
def callback(request: HttpRequest, provider_id: str) -> HttpResponse:
    try:
        return OAuth2CallbackView.adapter_view(
            MunicipalityOIDCAdapter(request, provider_id))(request)
    except SocialApp.DoesNotExist:
        raise Http404 from None


class LoginView(auth_views.LoginView):
    """Django's login page, whose buttons may also post to the municipalities' providers.

    Chromium applies the page's CSP ``form-action`` to the redirect that follows
    a form's POST, so the identity providers' origins are allowed on this page.
    """

    def form_valid(self, form: Any) -> HttpResponse:
        """Signed in through allauth's login flow, so that whoever has an authenticator
        is asked for the code (allauth's MFA stage) before the session is theirs."""
        from allauth.account.internal.flows.login import perform_password_login
        from allauth.account.models import Login

        user = form.get_user()
        login = Login(user=user, redirect_url=self.get_success_url(), email=user.email)
        return perform_password_login(self.request, {"email": user.email}, login)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["providers"] = login_buttons()
        if not context["form"].is_bound:  # the same blank form for everyone
            context["blank_form"] = blank_form_html(context["form"])
        return context

    def render_to_response(self, context: dict, **kwargs: Any) -> HttpResponse:
        response = super().render_to_response(context, **kwargs)
        origins = sorted({b.origin for b in context.get("providers", []) if b.origin})
        if origins and settings.SECURE_CSP:
            config = dict(settings.SECURE_CSP)
            config["form-action"] = [*config.get("form-action", []), *origins]
            response._csp_config = config  # type: ignore[attr-defined]
        return response


@dataclass(frozen=True)
class LoginButton:
    """One municipality's sign-in button: where it posts and the origin it leads to."""

    slug: str
    button_name: str
    origin: str | None  # the provider's scheme://host, allowed as a form action


def login_buttons() -> list[LoginButton]:
    """The municipalities' sign-in buttons, by name (one query, the login page's only one)."""
    from ..models import IdentityProvider

    with unscoped():  # the login page acts for nobody yet
        rows = (IdentityProvider.objects.filter(social_app__isnull=False)
                .order_by("button_name")
                .values_list("organisation__slug", "button_name", "issuer"))
        buttons = []
        for slug, name, issuer in rows:
            parts = urlsplit(issuer)
            origin = (f"{parts.scheme}://{parts.netloc}"
                      if parts.scheme in {"http", "https"} and parts.netloc else None)
            buttons.append(LoginButton(slug, name, origin))
    return buttons
