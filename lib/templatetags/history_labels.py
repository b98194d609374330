"""django-simple-history's change list names changed fields by their code name; ours by label."""

from __future__ import annotations

from typing import Any

from django import template
from django.core.exceptions import FieldDoesNotExist

register = template.Library()


@register.filter
def field_label(record: Any, name: str) -> str:
    """The verbose name of field ``name`` of a history ``record``'s model ("leader above")."""
    model = getattr(record, "instance_type", None)
    try:
        return str(model._meta.get_field(name).verbose_name) if model else name
    except FieldDoesNotExist:
        return name
