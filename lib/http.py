"""Request plumbing shared by every app's views and admin: public ids and refusals.

A service refuses with ``ValidationError(message, code=…)`` (the request
cannot be done) or ``PermissionDenied(reason)`` (this user may not do it).
Views that stay on the page turn either into Django messages through
:func:`messages_from_error`; a form shows them with :func:`add_error_to_form`.
The messages were translated when the service raised them, inside the
request, so the user reads them in their own language.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

Refusal = ValidationError | PermissionDenied


def uuid_or_404(value: Any) -> UUID:
    """``value`` as a UUID; anything that is not one is a page that does not exist."""
    try:
        return value if isinstance(value, UUID) else UUID(str(value))
    except ValueError as exc:
        raise Http404 from exc


def error_messages(error: Refusal) -> list[str]:
    """The user-facing sentences of a refusal, one per message (dict and list forms too)."""
    if isinstance(error, PermissionDenied):
        return [str(error) or _("You do not have permission to do this.")]
    return [str(message) for message in error.messages]


def error_text(error: Refusal) -> str:
    """All sentences of a refusal as one line, e.g. for an admin message about one row."""
    return " ".join(error_messages(error))


def messages_from_error(request: HttpRequest, error: Refusal, *, prefix: str = "",
                        level: int = messages.ERROR) -> None:
    """One Django message per sentence of ``error``; ``prefix`` names the row it is about."""
    for message in error_messages(error):
        messages.add_message(request, level, f"{prefix}: {message}" if prefix else message)


def add_error_to_form(form: Any, error: Refusal) -> None:
    """Show a refusal on ``form``: field errors under their fields, the rest above them.

    A dict-form ``ValidationError`` whose keys are not fields of the form, and
    a ``PermissionDenied``, become errors of the whole form.
    """
    if isinstance(error, PermissionDenied):
        form.add_error(None, error_text(error))
        return
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields else None
            if field == NON_FIELD_ERRORS:
                target = None
            form.add_error(target, errors)
        return
    form.add_error(None, error)
