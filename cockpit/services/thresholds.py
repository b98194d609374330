"""A municipality's needs-action thresholds: the row, made with the defaults on first need."""

from __future__ import annotations

from ..models import CockpitSettings


def cockpit_settings_get(*, organisation_id: int) -> CockpitSettings:
    """The municipality's thresholds, created with the defaults if it has none yet."""
    row, _created = CockpitSettings.objects.get_or_create(organisation_id=organisation_id)
    return row
