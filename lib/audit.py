from __future__ import annotations

from typing import Any

from django.db import models

from .models import AuditEntry


def audit_log(*, organisation: Any, actor: Any, action: str, obj: models.Model | None = None,
              summary: str = "", data: dict[str, Any] | None = None) -> AuditEntry:
    """Record a state change that matters to people. Call inside the service's transaction."""
    return AuditEntry.objects.create(
        organisation=organisation,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        summary=summary[:300],
        data=data or {},
    )
