"""``get_FOO_display()`` from one dict per field and language: :class:`ChoiceLabels`.

Django's ``Model._get_FIELD_display`` flattens the field's choices and builds a dict
of them on every call, then writes the lazy label through the language's catalogue
(5.7 µs for a meeting's slot; under 1 µs here, the labels kept written out per
language): a network group's page shows a slot per proposed date and per meeting,
about forty. Models shown in lists on leader pages put this mixin before
``models.Model``; Django's ``Field.contribute_to_class`` then binds each
``get_FOO_display`` to the method below. Fields whose choices are a callable
(evaluated anew each time) keep Django's way.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Field
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import get_language

_MISSING = object()


class ChoiceLabels:
    def _get_FIELD_display(self, field: Field[Any, Any]) -> Any:  # noqa: N802 — Django's name
        # Per language, the labels already written out: a label is a lazy translation,
        # and writing it looks up the language's catalogue (2 µs) every time.
        by_language = field.__dict__.get("_labels_by_language")
        if by_language is None:
            if not isinstance(field.choices, (list, tuple)):  # a callable: Django's way
                return super()._get_FIELD_display(field)  # type: ignore[misc]
            by_language = field.__dict__["_labels_by_language"] = {}
        language = get_language()
        labels = by_language.get(language)
        if labels is None:
            labels = by_language[language] = {
                value: force_str(label, strings_only=True)
                for value, label in make_hashable(field.flatchoices)}
        value = getattr(self, field.attname)
        found = labels.get(value if type(value) in _HASHABLE else make_hashable(value),
                           _MISSING)
        return force_str(value, strings_only=True) if found is _MISSING else found


_HASHABLE = frozenset({str, int, bool})
