"""``{% survey_question item field fields %}``: one question of the answer page, whole.

A survey page has up to ~150 radio buttons and a dozen ranking selects. Written out
in Python rather than by an include per question, a ``{% for %}`` over the field's
subwidgets and Django's widget templates per option: building a widget context per
option and resolving its lookups in templates was most of the answer page's cost
(issue 23, ``bench/page_cpu.py``). The HTML is the same as the include
``surveys/includes/question.html`` and Django's widgets wrote
(``surveys/tests/test_survey_question.py`` compares them for every kind of question).
A text question's textarea is still Django's widget (one per question, and it
carries Django's own attributes such as ``aria-describedby``).

A question not yet answered, on a page that was not posted, is the same HTML for every
leader answering the survey: it is kept per process, by what the question shows in the
language (``surveys.forms.shown_key``) and the form's prefix and id format. A question
with an answer so far or an error is always written afresh.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from lib.kept import Kept
from lib.templatetags.choice_fields import (
    checks,
    chosen,
    errors,
    escape,
    fieldset,
    help_paragraph,
    options,
    required_mark,
)

from ..forms import shown_key

register = template.Library()

_kept: Kept[SafeString] = Kept(most=2048)  # blank questions (see the module docstring)


@register.simple_tag
def survey_question(item: Any, field: BoundField | None,
                    fields: list[BoundField] | None) -> SafeString:
    """The whole question as ``surveys/includes/question.html`` wrote it (each value
    escaped; the rest is this function's own markup)."""
    shown = fields or ([field] if field is not None else [])
    form = shown[0].form if shown else None
    if form is None or form.is_bound or any(f.initial not in (None, "", []) for f in shown):
        return _question(item, field, fields)
    return _kept.get((shown_key(item), form.prefix, form.auto_id),
                     lambda: _question(item, field, fields))


def _question(item: Any, field: BoundField | None,
              fields: list[BoundField] | None) -> SafeString:
    if item.is_scale:
        assert field is not None
        return scale_question(item, field)
    if item.is_text:
        assert field is not None
        return mark_safe(  # noqa: S308
            '<div class="mb-4 survey-question">\n'
            f'  <label class="form-label fw-semibold" for="{escape(field.id_for_label)}">'
            f'{escape(item.text)}{required_mark(item.required)}\n'
            f'    {errors([field])}</label>\n  {help_paragraph(item.help)}\n'
            f'  {field}\n</div>')
    shown = fields or []
    if item.is_ranking:
        hint = escape(gettext("Give each option a different place; 1 is the most important."))
        body = f'\n  <p class="form-text">{hint}</p>\n  ' + "".join(
            '\n  <div class="row g-2 align-items-center mb-1">\n'
            f'    <div class="col-auto">{_select(f)}</div>\n'
            f'    <div class="col"><label for="{escape(f.id_for_label)}">'
            f'{escape(f.label)}</label></div>\n  </div>\n  ' for f in shown) + "\n  "
    else:
        assert field is not None
        body = "\n  " + checks(field) + "\n  "
    return fieldset(css="mb-4 survey-question", legend=item.text, required=item.required,
                    help_text=item.help, shown=shown, body=body)


def _select(field: BoundField) -> str:
    """A ranking place's ``<select>``, as Django's Select widget writes it."""
    picked = chosen(field)
    attrs = f' class="{escape(field.field.widget.attrs.get("class", ""))}"'
    if field.errors:  # as Django's BoundField.build_widget_attrs adds them
        attrs += f' aria-invalid="true" aria-describedby="{escape(field.auto_id)}_error"'
    if field.auto_id:
        attrs += f' id="{escape(field.auto_id)}"'
    listed = options(field.field.choices, picked)  # type: ignore[attr-defined]
    return f'<select name="{escape(field.html_name)}"{attrs}>{listed}\n</select>'


def scale_question(item: Any, field: BoundField) -> SafeString:
    """The whole fieldset of a scale question, as ``surveys/includes/question.html``
    wrote it (an include per question was a third of the answer page's rendering)."""
    # Every value is escaped; scale_options escapes its own.
    return mark_safe(  # noqa: S308
        '<fieldset class="mb-4 survey-question survey-scale-question">\n'
        f'  <legend class="fs-6 fw-semibold">{escape(item.text)}{required_mark(item.required)}\n'
        f'    {errors([field])}</legend>'
        f'{"\n  " + help_paragraph(item.help) if item.help else ""}\n'
        '  <div class="survey-scale">\n'
        f'{scale_options(field, item)}\n'
        '  </div>\n</fieldset>')


def scale_options(field: BoundField, item: Any) -> SafeString:
    picked = chosen(field)
    invalid = ' aria-invalid="true"' if field.errors else ""
    name = escape(field.html_name)
    choices = list(field.field.choices)  # type: ignore[attr-defined]
    last = len(choices) - 1
    rows = []
    for index, (option, label) in enumerate(choices):
        option_id = escape(f"{field.auto_id}_{index}")
        end = item.low_label if index == 0 else item.high_label if index == last else ""
        checked = " checked" if str(option) in picked else ""
        rows.append(
            '    <div class="form-check form-check-inline">\n'
            f'      <input type="radio" name="{name}" value="{escape(option)}" '
            f'class="form-check-input" id="{option_id}"{checked}{invalid}>\n'
            f'      <label class="form-check-label" for="{option_id}">{escape(label)}'
            f'{" – " + escape(end) if end else ""}</label>\n    </div>')
    # Every value above is escaped; the rest is this function's own markup.
    return mark_safe("\n".join(rows))  # noqa: S308
