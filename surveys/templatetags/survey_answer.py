"""``{% scale_question item field %}``: one scale question, its fieldset and radio buttons.

A survey page has up to ~150 radio buttons, and most of its questions are scales.
Written out in Python rather than by an include per question and a ``{% for %}`` over
the field's subwidgets: building a widget context per option and resolving its lookups
in the template was most of the answer page's cost (issue 23, ``bench/page_cpu.py``).
The HTML is the same as the template wrote.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.forms import BoundField
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

register = template.Library()


@register.simple_tag
def scale_question(item: Any, field: BoundField) -> SafeString:
    """The whole fieldset of a scale question, as ``surveys/includes/question.html``
    wrote it (an include per question was a third of the answer page's rendering)."""
    required = (' <span aria-hidden="true">*</span><span class="visually-hidden">('
                f'{escape(gettext("required"))})</span>') if item.required else ""
    errors = "".join(f'<span class="d-block text-danger fw-normal">{escape(error)}</span>'
                     for error in field.errors)
    help_text = f'\n  <p class="form-text">{escape(item.help)}</p>' if item.help else ""
    # Every value is escaped; scale_options escapes its own.
    return mark_safe(  # noqa: S308
        '<fieldset class="mb-4 survey-question survey-scale-question">\n'
        f'  <legend class="fs-6 fw-semibold">{escape(item.text)}{required}\n'
        f'    {errors}</legend>{help_text}\n'
        '  <div class="survey-scale">\n'
        f'{scale_options(field, item)}\n'
        '  </div>\n</fieldset>')


def scale_options(field: BoundField, item: Any) -> SafeString:
    value = field.value()
    chosen = {"" if v is None else str(v)
              for v in (value if isinstance(value, (list, tuple)) else [value])}
    invalid = ' aria-invalid="true"' if field.errors else ""
    name = escape(field.html_name)
    choices = list(field.field.choices)  # type: ignore[attr-defined]
    last = len(choices) - 1
    rows = []
    for index, (option, label) in enumerate(choices):
        option_id = escape(f"{field.auto_id}_{index}")
        end = item.low_label if index == 0 else item.high_label if index == last else ""
        checked = " checked" if str(option) in chosen else ""
        rows.append(
            '    <div class="form-check form-check-inline">\n'
            f'      <input type="radio" name="{name}" value="{escape(option)}" '
            f'class="form-check-input" id="{option_id}"{checked}{invalid}>\n'
            f'      <label class="form-check-label" for="{option_id}">{escape(label)}'
            f'{" – " + escape(end) if end else ""}</label>\n    </div>')
    # Every value above is escaped; the rest is this function's own markup.
    return mark_safe("\n".join(rows))  # noqa: S308
