from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models

from .models import AuditEntry

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import Organisation, User


def audit_log(*, organisation: Organisation, actor: User | AnonymousUser | None,
              action: str, obj: models.Model | None = None,
              summary: str = "", data: dict[str, Any] | None = None) -> AuditEntry:
    """Record a state change that matters to people. Call inside the service's transaction.

    ``summary`` names what was touched (names, dates, numbers), not what happened:
    the action's name (``<app>/audit_labels.py``) says that, in the reader's language.
    """
    return AuditEntry.objects.create(
        organisation=organisation,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        summary=summary[:300],
        data=data or {},
    )


# --- Names of actions, for the admin's audit trail ------------------------------------------

_action_labels: dict[str, Any] = {}


def register_action_labels(labels: dict[str, Any]) -> None:
    """Name audit actions (``{"groups.poster.published": gettext_lazy("…")}``) for the admin.

    Each app keeps its names in ``<app>/audit_labels.py``, which lib's AppConfig loads.
    """
    _action_labels.update(labels)


def action_label(action: str) -> str:
    """The action in the reader's language; its code only if no app named it."""
    label = _action_labels.get(action)
    return str(label) if label else action


def object_type_label(object_type: str) -> str:
    """``"networks.networkgroup"`` as the model's name (``"nettverksgruppe"``)."""
    from django.apps import apps

    try:
        return str(apps.get_model(object_type)._meta.verbose_name) if object_type else ""
    except (LookupError, ValueError):
        return object_type
