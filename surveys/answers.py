"""The one place that decides whether answers are valid for an instrument's items.

Answers travel as a dict keyed by the item's id (as text), the same shape the
draft keeps in JSON:

* scale: an int from 1 to the item's scale;
* text: a string;
* single choice: the chosen choice's id;
* multiple choice: a list of choice ids;
* ranking: ``{choice id (text): place}``, places 1..n, each once.

:func:`answers_clean` is used by the services (which are authoritative) and by
the answer form (for messages next to each question).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import Item, ItemKind

TEXT_MAX_LENGTH = 4000

Answers = dict[str, Any]


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _clean_one(item: Item, value: Any, choice_ids: set[int], complete: bool) -> Any:
    """Return the typed value or raise ValidationError with a message for this item."""
    if item.kind == ItemKind.SCALE:
        number = _as_int(value)
        if number is None or not 1 <= number <= (item.scale_max or 0):
            raise ValidationError(_("Choose a value from 1 to %(max)s.") % {"max": item.scale_max})
        return number
    if item.kind == ItemKind.TEXT:
        if not isinstance(value, str):
            raise ValidationError(_("Write your answer as text."))
        text = value.strip()
        if len(text) > TEXT_MAX_LENGTH:
            raise ValidationError(_("Keep the answer under %(max)s characters.")
                                  % {"max": TEXT_MAX_LENGTH})
        return text
    if item.kind == ItemKind.SINGLE:
        number = _as_int(value)
        if number is None or number not in choice_ids:
            raise ValidationError(_("Choose one of the options."))
        return number
    if item.kind == ItemKind.MULTIPLE:
        values = value if isinstance(value, list) else [value]
        numbers = [_as_int(v) for v in values]
        if any(n is None or n not in choice_ids for n in numbers) or \
                len(set(numbers)) != len(numbers):
            raise ValidationError(_("Choose among the options."))
        return sorted(numbers)  # type: ignore[type-var]
    # Ranking: every option a different place from 1 to n.
    if not isinstance(value, Mapping):
        raise ValidationError(_("Give each option a place."))
    places: dict[str, int] = {}
    for key, place in value.items():
        choice_id, number = _as_int(key), _as_int(place)
        if choice_id is None or choice_id not in choice_ids:
            raise ValidationError(_("Choose among the options."))
        if number is None or not 1 <= number <= len(choice_ids):
            raise ValidationError(_("Give each option a place from 1 to %(max)s.")
                                  % {"max": len(choice_ids)})
        places[str(choice_id)] = number
    if len(set(places.values())) != len(places):
        raise ValidationError(_("Give each option a different place."))
    if complete and len(places) != len(choice_ids):
        raise ValidationError(_("Give every option a place."))
    return places


def answers_clean(items: Iterable[Item], raw: Mapping[str, Any], *, complete: bool) -> Answers:
    """Validate ``raw`` against ``items``; return only the answers given, typed.

    ``complete=False`` (saving a draft) checks values but lets questions stay
    unanswered; ``complete=True`` (submitting) also requires every required
    item. Unknown keys are refused: they would be answers to another
    instrument. Raises one ValidationError listing every problem by item id.
    """
    items = list(items)
    known = {str(item.pk) for item in items}
    errors: dict[str, list[str]] = {}
    for key in raw:
        if str(key) not in known:
            errors.setdefault("__all__", []).append(
                _("The answers do not match this survey's questions."))
            break
    cleaned: Answers = {}
    for item in items:
        key = str(item.pk)
        value = raw.get(key)
        if isinstance(value, str) and item.kind != ItemKind.TEXT:
            value = value.strip()
        if _is_empty(value) or (item.kind == ItemKind.TEXT and not str(value).strip()):
            if complete and item.required:
                errors[key] = [_("Please answer this question.")]
            continue
        choice_ids = {c.pk for c in item.choices.all()} if item.has_choices else set()
        try:
            cleaned[key] = _clean_one(item, value, choice_ids, complete)
        except ValidationError as exc:
            errors[key] = exc.messages
    if errors:
        raise ValidationError(errors)
    return cleaned
