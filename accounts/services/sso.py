"""The municipality's own sign-in: its identity provider, and who a sign-in is."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from lib.scoping import unscoped

from ..models import IdentityProvider, Leader, MatchClaim, User

PROVIDER = "kommune"  # accounts.sso.provider.PROVIDER_ID


@transaction.atomic
def identity_provider_save(*, provider: IdentityProvider) -> IdentityProvider:
    """Save O&F's settings and keep allauth's ``SocialApp`` (what it signs in with) in step.

    The app's ``provider_id`` is the municipality's slug: it is in the sign-in
    address, and it is how a sign-in finds its municipality.
    """
    from allauth.socialaccount.models import SocialApp

    app = provider.social_app or SocialApp(provider=PROVIDER)
    app.provider_id = provider.organisation.slug
    app.name = provider.button_name
    app.client_id = provider.client_id
    app.secret = provider.client_secret
    app.settings = {"server_url": provider.issuer.rstrip("/"), "oauth_pkce_enabled": True}
    app.save()
    provider.social_app = app
    provider.save()
    return provider


def _truthy(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.lower() == "true")


def user_for_claims(*, provider: IdentityProvider, claims: dict[str, Any]) -> User | None:
    """The user of the provider's municipality that the verified claims name, or None.

    Only the configured claim counts: the email address when the provider says
    it is verified (or O&F trusts it), or the employee number. Nobody of
    another municipality, and no superuser, is ever found.
    """
    organisation_id = provider.organisation_id
    with unscoped():  # sign-in happens before anyone acts for a municipality
        if provider.match_claim == MatchClaim.EMPLOYEE_NUMBER:
            number = str(claims.get(provider.employee_number_claim) or "").strip()
            if not number:
                return None
            leader = (Leader.objects.select_related("user")
                      .filter(organisation_id=organisation_id, employee_number=number).first())
            user = leader.user if leader else None
        else:
            email = str(claims.get("email") or "").strip().lower()
            if not email or not (provider.trust_email or _truthy(claims.get("email_verified"))):
                return None
            user = User.objects.filter(organisation_id=organisation_id,
                                       email__iexact=email).first()
    if user is None or user.is_superuser or user.organisation_id != organisation_id:
        return None
    return user


def password_login_allowed(*, user: User) -> bool:
    """False for a leader whose municipality requires its own sign-in for employees."""
    if user.is_superuser or user.organisation_id is None:
        return True
    with unscoped():
        provider = IdentityProvider.objects.filter(organisation_id=user.organisation_id).first()
        if provider is None or provider.password_login_for_employees:
            return True
        return not Leader.objects.filter(user=user).exists()
