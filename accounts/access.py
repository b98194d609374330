"""Role checks shared by every app's access helpers."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from .models import User


def is_oaf_for(user: User | AnonymousUser, organisation_id: int | None) -> bool:
    """O&F administrators of the municipality (and system administrators)."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or (user.is_oaf_admin and user.organisation_id == organisation_id)
