"""The answer form, built from an instrument's items, and the needs report's filter form.

The form turns posted fields into the answers dict (see :mod:`surveys.services.validation`)
and shows messages next to each question; whether answers are valid is
decided by :func:`surveys.services.validation.answers_clean`, which the services call
again before storing anything.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.choices import BaseChoiceIterator
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from accounts.models import LeaderLevel
from lib.kept import Kept
from lib.multilingual import LANGUAGE_SUFFIXES

from .models import Item, ItemKind
from .services.validation import TEXT_MAX_LENGTH, Answers, answers_clean

CHECK = {"class": "form-check-input"}


def field_name(item: Item) -> str:
    return f"item_{item.pk}"


def rank_field_name(item: Item, choice_pk: int) -> str:
    return f"item_{item.pk}_rank_{choice_pk}"


class _Normal(BaseChoiceIterator):
    """Options already in Django's normal form, (value, label) pairs of strings: a field
    and its widget take them as they are. Each field and widget otherwise walks every
    option again (``normalize_choices``): a third of building a survey's form."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self.pairs = pairs

    def __iter__(self) -> Any:
        return iter(self.pairs)

    def __len__(self) -> int:
        return len(self.pairs)


@functools.cache
def _scale(top: int) -> _Normal:
    """A scale's options, 1 to ``top``: one list for every form of the process."""
    return _Normal([(str(i), str(i)) for i in range(1, top + 1)])


def _fields_of(item: Item) -> dict[str, forms.Field]:
    """The item's field (a ranking: one place field per option), without a value."""
    common = {"label": item.text, "required": False, "help_text": item.help}
    invalid = {"invalid_choice": _("Choose one of the options.")}
    if item.kind == ItemKind.SCALE:
        top = item.scale_max or 5
        return {field_name(item): forms.TypedChoiceField(
            choices=_scale(top), coerce=int, widget=forms.RadioSelect(attrs=CHECK), **common,
            error_messages={"invalid_choice": _("Choose a value from 1 to %(max)s.")
                            % {"max": top}})}
    if item.kind == ItemKind.TEXT:
        return {field_name(item): forms.CharField(widget=forms.Textarea(attrs={
            "rows": 4, "class": "form-control", "maxlength": TEXT_MAX_LENGTH}),
            strip=True, **common)}
    if item.kind == ItemKind.SINGLE:
        return {field_name(item): forms.TypedChoiceField(
            choices=_Normal([(str(c.pk), c.label) for c in item.choices.all()]), coerce=int,
            widget=forms.RadioSelect(attrs=CHECK), error_messages=invalid, **common)}
    if item.kind == ItemKind.MULTIPLE:
        return {field_name(item): forms.TypedMultipleChoiceField(
            choices=_Normal([(str(c.pk), c.label) for c in item.choices.all()]), coerce=int,
            widget=forms.CheckboxSelectMultiple(attrs=CHECK), error_messages=invalid,
            **common)}
    choices = list(item.choices.all())
    places = _Normal([("", "–")] + [(str(i), str(i)) for i in range(1, len(choices) + 1)])
    return {rank_field_name(item, choice.pk): forms.TypedChoiceField(
        label=choice.label, choices=places, coerce=int, required=False,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
        empty_value=None, error_messages=invalid) for choice in choices}


# What a question shows, read straight from the item (each language's text; the reader's
# language is in the key too): one C call instead of a pick() per text.
_SHOWN = operator.attrgetter("pk", "kind", "required", "scale_max", *(
    f"{name}_{language}" for name in ("text", "help", "low_label", "high_label")
    for language in LANGUAGE_SUFFIXES))
_SHOWN_OPTION = operator.attrgetter("pk", *(f"label_{language}"
                                            for language in LANGUAGE_SUFFIXES))


def shown_key(item: Item) -> tuple[Any, ...]:
    """What the item's question shows in the active language: its texts, options and
    kind. The key of its kept fields (:class:`AnswerForm`) and of its kept blank HTML
    (``surveys.templatetags.survey_answer``); an edited text is another key."""
    language = get_language()
    kept = item.__dict__.get("_shown_key")
    if kept is not None and kept[0] == language:
        return kept
    options = (() if item.kind in (ItemKind.SCALE, ItemKind.TEXT)
               else tuple(_SHOWN_OPTION(c) for c in item.choices.all()))
    key = (language, _SHOWN(item), options)
    item.__dict__["_shown_key"] = key
    return key


# Each instrument's fields, per language and texts (shown_key).
_kept_fields: Kept[dict[str, forms.Field]] = Kept(most=64)


def _clone(field: forms.Field) -> forms.Field:
    """A kept field for one form: what Django's deepcopy of a form's base fields copies
    (the field, its widget and the widget's attributes, its messages and validators),
    without copying the options, which nothing changes (``_Normal``)."""
    copied = object.__new__(type(field))
    copied.__dict__ = field.__dict__.copy()
    widget = object.__new__(type(field.widget))
    widget.__dict__ = field.widget.__dict__.copy()
    widget.attrs = field.widget.attrs.copy()
    copied.widget = widget
    copied.error_messages = field.error_messages.copy()
    copied.validators = field.validators[:]
    return copied


def _kept_fields_of(items: Sequence[Item]) -> dict[str, forms.Field]:
    """The kept fields of ``items`` (by each item's :func:`shown_key`), found once per
    language on a list that keeps attributes (``surveys.selectors.InstrumentItems``,
    whose items nothing changes): 33 items' keys are not made and hashed again on
    every answer page."""
    language = get_language()
    memo = getattr(items, "__dict__", None)
    found = memo.get("_kept_fields") if memo is not None else None
    if found is not None and found[0] == language:
        return cast(dict[str, forms.Field], found[1])
    kept = _kept_fields.get(tuple(shown_key(item) for item in items),
                            lambda: {name: field for item in items
                                     for name, field in _fields_of(item).items()})
    if memo is not None:
        memo["_kept_fields"] = (language, kept)
    return kept


class AnswerForm(forms.Form):
    """One field per item (a ranking has one place field per option).

    A survey is answered by hundreds of leaders with the same items: the fields are built
    once per process for each instrument's texts and language (building 22 items' fields
    was a tenth of the answer page, issue 23) and cloned for each form; the answers so
    far are the form's ``initial``.
    """

    def __init__(self, *args: Any, items: Sequence[Item], answers: Answers | None = None,
                 posted_only: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = list(items)
        # posted_only: a form to check posted answers with, not to show: only the fields
        # whose names were posted (a draft of 3 answers of 33 cleans 3 fields, not 33).
        # Every field is optional (answers_clean decides what a submit must hold), and a
        # field not posted cleans to nothing, which raw_answers leaves out all the same.
        posted = self.data if posted_only and self.is_bound else None
        self.posted_only = posted is not None  # never shown: check() says pass or fail
        for name, field in _kept_fields_of(items).items():
            if posted is None or name in posted:
                self.fields[name] = _clone(field)
        if posted is not None:
            return  # the answers so far (initial) are for showing the form
        for item in self.items:
            value = (answers or {}).get(str(item.pk))
            if item.kind == ItemKind.RANKING:
                for choice in item.choices.all():
                    self.initial[rank_field_name(item, choice.pk)] = (value or {}).get(
                        str(choice.pk))
            else:
                self.initial[field_name(item)] = value

    def raw_answers(self) -> Answers:
        """The posted answers as the answers dict (from cleaned fields)."""
        data = self.cleaned_data
        raw: Answers = {}
        for item in self.items:
            if item.kind == ItemKind.RANKING:
                places = {str(c.pk): data.get(rank_field_name(item, c.pk))
                          for c in item.choices.all()}
                raw[str(item.pk)] = {k: v for k, v in places.items() if v is not None}
            else:
                value = data.get(field_name(item))
                raw[str(item.pk)] = value if value not in ("", None, []) else None
        return {k: v for k, v in raw.items() if v not in (None, {}, [])}

    def check(self, *, complete: bool) -> Answers | None:
        """Validate for saving (``complete=False``) or submitting; None with errors shown."""
        if not self.is_valid():
            return None
        try:
            return answers_clean(self.items, self.raw_answers(), complete=complete)
        except ValidationError as exc:
            if not self.posted_only:  # a question it names may have no field here
                self.add_service_errors(exc)
            return None

    def add_service_errors(self, exc: ValidationError) -> None:
        """Put a service's errors (keyed by item id) next to the questions."""
        by_pk = {str(item.pk): item for item in self.items}
        for key, messages in exc.message_dict.items():
            item = by_pk.get(key)
            if item is None:
                self.add_error(None, messages)
            elif item.kind == ItemKind.RANKING:
                first = next(iter(item.choices.all()), None)
                self.add_error(rank_field_name(item, first.pk) if first else None, messages)
            else:
                self.add_error(field_name(item), messages)


BREAKDOWNS = [("", gettext_lazy("No breakdown")), ("area", gettext_lazy("Service area")),
              ("level", gettext_lazy("Leader level")), ("band", gettext_lazy("Years as leader"))]


class NeedsFilterForm(forms.Form):
    area = forms.TypedChoiceField(label=gettext_lazy("Service area"), required=False,
                                  coerce=int, empty_value=None)
    level = forms.ChoiceField(label=gettext_lazy("Leader level"), required=False,
                              choices=[("", gettext_lazy("All levels")), *LeaderLevel.choices])
    band = forms.ChoiceField(label=gettext_lazy("Years as leader"), required=False)
    by = forms.ChoiceField(label=gettext_lazy("Break down by"), required=False,
                           choices=BREAKDOWNS)

    def __init__(self, *args: Any, areas: Sequence[tuple[int, str]],
                 bands: Sequence[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", _("All areas")),
                                       *[(str(pk), name) for pk, name in areas]]
        self.fields["band"].choices = [("", _("Any")), *bands]  # the instrument's own

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        by = data.get("by")
        if by and data.get(by) not in (None, ""):
            self.add_error("by", _("Break down by something you have not already chosen."))
        return data
