"""``get_FOO_display()`` from one dict per field: :class:`ChoiceLabels`.

Django's ``Model._get_FIELD_display`` flattens the field's choices and builds a dict
of them on every call (5.7 µs for a meeting's slot; 1.4 µs here): a network group's
page shows a slot per proposed date and per meeting, about forty. Models shown in
lists on leader pages put this mixin before ``models.Model``; Django's
``Field.contribute_to_class`` then binds each ``get_FOO_display`` to the method below.
Fields whose choices are a callable (evaluated anew each time) keep Django's way.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Field
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable


class ChoiceLabels:
    def _get_FIELD_display(self, field: Field[Any, Any]) -> Any:  # noqa: N802 — Django's name
        labels = field.__dict__.get("_labels_by_value")
        if labels is None:
            if not isinstance(field.choices, (list, tuple)):  # a callable: Django's way
                return super()._get_FIELD_display(field)  # type: ignore[misc]
            labels = field.__dict__["_labels_by_value"] = dict(make_hashable(field.flatchoices))
        value = getattr(self, field.attname)
        # force_str: a label is a lazy translation, written in the active language.
        return force_str(labels.get(make_hashable(value), value), strings_only=True)
