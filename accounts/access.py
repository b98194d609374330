"""Role checks shared by every app's access helpers."""

from __future__ import annotations

from typing import Any


def is_oaf_for(user: Any, organisation_id: int) -> bool:
    """O&F administrators of the municipality (and system administrators)."""
    return bool(user.is_superuser
                or (getattr(user, "is_oaf_admin", False)
                    and user.organisation_id == organisation_id))
