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

from ..models import Item, ItemKind

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


def _clean_scale(item: Item, value: Any, choice_ids: set[int], complete: bool) -> int:
    number = _as_int(value)
    if number is None or not 1 <= number <= (item.scale_max or 0):
        raise ValidationError(_("Choose a value from 1 to %(max)s.") % {"max": item.scale_max},
                              code="invalid_answer")
    return number


def _clean_text(item: Item, value: Any, choice_ids: set[int], complete: bool) -> str:
    if not isinstance(value, str):
        raise ValidationError(_("Write your answer as text."), code="invalid_answer")
    text = value.strip()
    if len(text) > TEXT_MAX_LENGTH:
        raise ValidationError(_("Keep the answer under %(max)s characters.")
                              % {"max": TEXT_MAX_LENGTH}, code="invalid_answer")
    return text


def _clean_single(item: Item, value: Any, choice_ids: set[int], complete: bool) -> int:
    number = _as_int(value)
    if number is None or number not in choice_ids:
        raise ValidationError(_("Choose one of the options."), code="invalid_answer")
    return number


def _clean_multiple(item: Item, value: Any, choice_ids: set[int], complete: bool) -> list[int]:
    values = value if isinstance(value, list) else [value]
    numbers = [_as_int(v) for v in values]
    chosen = [n for n in numbers if n is not None and n in choice_ids]
    if len(chosen) != len(numbers) or len(set(chosen)) != len(chosen):
        raise ValidationError(_("Choose among the options."), code="invalid_answer")
    return sorted(chosen)


def _clean_ranking(item: Item, value: Any, choice_ids: set[int],
                   complete: bool) -> dict[str, int]:
    """Every option a different place from 1 to n (all of them when submitting)."""
    if not isinstance(value, Mapping):
        raise ValidationError(_("Give each option a place."), code="invalid_answer")
    places: dict[str, int] = {}
    for key, place in value.items():
        choice_id, number = _as_int(key), _as_int(place)
        if choice_id is None or choice_id not in choice_ids:
            raise ValidationError(_("Choose among the options."), code="invalid_answer")
        if number is None or not 1 <= number <= len(choice_ids):
            raise ValidationError(_("Give each option a place from 1 to %(max)s.")
                                  % {"max": len(choice_ids)}, code="invalid_answer")
        places[str(choice_id)] = number
    if len(set(places.values())) != len(places):
        raise ValidationError(_("Give each option a different place."), code="invalid_answer")
    if complete and len(places) != len(choice_ids):
        raise ValidationError(_("Give every option a place."), code="invalid_answer")
    return places


_CLEANERS = {ItemKind.SCALE: _clean_scale, ItemKind.TEXT: _clean_text,
             ItemKind.SINGLE: _clean_single, ItemKind.MULTIPLE: _clean_multiple,
             ItemKind.RANKING: _clean_ranking}


def _clean_one(item: Item, value: Any, choice_ids: set[int], complete: bool) -> Any:
    """Return the typed value or raise ValidationError with a message for this item."""
    clean = _CLEANERS.get(item.kind, _clean_ranking)  # type: ignore[call-overload]
    return clean(item, value, choice_ids, complete)


def answers_clean(items: Iterable[Item], raw: Mapping[str, Any], *, complete: bool) -> Answers:
    """Validate ``raw`` against ``items``; return only the answers given, typed.

    ``complete=False`` (saving a draft) checks values but lets questions stay
    unanswered; ``complete=True`` (submitting) also requires every required
    item. Unknown keys are refused: they would be answers to another
    instrument. Raises one ValidationError listing every problem by item id.
    """
    items = list(items)
    known = {str(item.pk) for item in items}
    errors: dict[str, list[ValidationError]] = {}
    for key in raw:
        if str(key) not in known:
            errors.setdefault("__all__", []).append(ValidationError(
                _("The answers do not match this survey's questions."), code="unknown_item"))
            break
    cleaned: Answers = {}
    for item in items:
        key = str(item.pk)
        value = raw.get(key)
        if isinstance(value, str) and item.kind != ItemKind.TEXT:
            value = value.strip()
        if _is_empty(value) or (item.kind == ItemKind.TEXT and not str(value).strip()):
            if complete and item.required:
                errors[key] = [ValidationError(_("Please answer this question."),
                                               code="required")]
            continue
        choice_ids = {c.pk for c in item.choices.all()} if item.has_choices else set()
        try:
            cleaned[key] = _clean_one(item, value, choice_ids, complete)
        except ValidationError as exc:
            errors[key] = exc.error_list
    if errors:
        raise ValidationError(errors)
    return cleaned
