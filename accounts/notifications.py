"""Emails of the accounts app, each in its reader's language."""

from __future__ import annotations

from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from lib.emails import render_email, send_rendered

from .models import User


def password_reset_link(*, user: User, protocol: str, domain: str) -> None:
    """Send a one-time link to choose a new password, now (called by the outbox task)."""
    send_rendered(render_email(
        to=user.email, template_base="emails/password_reset",
        context={"user": user, "protocol": protocol, "domain": domain,
                 "uid": urlsafe_base64_encode(force_bytes(user.pk)),
                 "token": default_token_generator.make_token(user)},
        language=user.language,
    ))
