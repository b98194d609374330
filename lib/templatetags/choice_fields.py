"""``{% choice_fieldset field %}``: a radio or checkbox question written in Python.

A choice field rendered by crispy-forms or Django's widget templates costs a template
(and a widget context) per option: the network meeting's poll of three dates was a
fifth of its page's CPU (issue 23, ``bench/page_cpu.py``). These helpers write the
same Bootstrap markup directly, each value escaped; the survey answer page's
questions (:mod:`surveys.templatetags.survey_answer`) and the meeting poll share them.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape as _html_escape
from typing import Any

from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

register = template.Library()


def escape(value: Any) -> str:
    """What ``django.utils.html.escape`` returns, without its lazy-string wrapper (a page
    escapes hundreds of values: the wrapper's checks were a tenth of a page's time)."""
    return _html_escape(str(value))


def options(choices: Iterable[tuple[Any, Any]], picked: set[str]) -> str:
    """``<option>`` tags as Django's Select widget writes them, ``picked`` (strings)
    selected: a ranking place's select and the invoice basis page's 2,488 units."""
    return "".join(
        f'\n  <option value="{escape(option)}"{" selected" if str(option) in picked else ""}>'
        f"{escape(label)}</option>\n"
        for option, label in choices)


def required_mark(required: bool) -> str:
    return (' <span aria-hidden="true">*</span><span class="visually-hidden">('
            f'{escape(gettext("required"))})</span>') if required else ""


def errors(fields: Iterable[BoundField]) -> str:
    return "".join(f'<span class="d-block text-danger fw-normal">{escape(error)}</span>'
                   for field in fields for error in field.errors)


def help_paragraph(text: str) -> str:
    return f'<p class="form-text">{escape(text)}</p>' if text else ""


def chosen(field: BoundField) -> set[str]:
    """The field's value (bound or initial) as the strings its options are compared with."""
    value = field.value()
    return {"" if v is None else str(v)
            for v in (value if isinstance(value, (list, tuple)) else [value])}


def checks(field: BoundField, *, inline: bool = False) -> str:
    """A single or multiple choice's radios or checkboxes, one ``form-check`` each (side
    by side with ``inline``)."""
    box = "form-check form-check-inline" if inline else "form-check"
    kind = "checkbox" if field.field.widget.allow_multiple_selected else "radio"
    picked = chosen(field)
    invalid = ' aria-invalid="true"' if field.errors else ""
    name = escape(field.html_name)
    rows = []
    for index, (option, label) in enumerate(field.field.choices):  # type: ignore[attr-defined]
        option_id = escape(f"{field.auto_id}_{index}")
        checked = " checked" if str(option) in picked else ""
        rows.append(
            f'\n  <div class="{box}">\n'
            f'    <input type="{kind}" name="{name}" value="{escape(option)}" '
            f'class="form-check-input" id="{option_id}"{checked}{invalid}>\n'
            f'    <label class="form-check-label" for="{option_id}">{escape(label)}</label>\n'
            '  </div>\n  ')
    return "".join(rows)


def fieldset(*, css: str, legend: str, required: bool, help_text: str, shown: list[BoundField],
             body: str) -> SafeString:
    """A question's ``<fieldset>``: its legend (with the required mark and the errors of
    ``shown``), its help and ``body`` (markup the caller wrote, every value escaped)."""
    return mark_safe(  # noqa: S308 - every value is escaped here or by the body's writer
        f'<fieldset class="{css}">\n'
        f'  <legend class="fs-6 fw-semibold">{escape(legend)}{required_mark(required)}\n'
        f'    {errors(shown)}</legend>\n  {help_paragraph(help_text)}\n'
        f'  {body}\n</fieldset>')


@register.simple_tag
def inline_choices(field: BoundField) -> SafeString:
    """A short choice's options side by side, without a fieldset of their own (the
    poster's paper size inside the PDF form's fieldset)."""
    return mark_safe(checks(field, inline=True))  # noqa: S308 - every value escaped


@register.simple_tag
def choice_fieldset(field: BoundField) -> SafeString:
    """A form's radio or checkbox field as one fieldset: the label as legend."""
    return fieldset(css="mb-4", legend=str(field.label), required=field.field.required,
                    help_text=str(field.help_text), shown=[field],
                    body="\n  " + checks(field) + "\n  ")
