"""``{% choice_fieldset %}`` writes a choice field as the markup Bootstrap and screen
readers expect: a fieldset whose legend is the label, one labelled input per option,
the chosen option checked, errors in the legend and on the inputs, every value escaped."""

from __future__ import annotations

import re

from django import forms
from django.template import engines
from django.utils import translation


class _Form(forms.Form):
    when = forms.ChoiceField(label="Tirsdag <4.> mai – «Formiddag»",
                             choices=[("ja", "ja"), ("kanskje", "om nødvendig"), ("nei", "nei")],
                             widget=forms.RadioSelect, help_text="Svar for hver dato & tid.")
    topics = forms.MultipleChoiceField(label="Tema", required=False,
                                       choices=[("a", "Økonomi"), ("b", "Arbeidsmiljø")],
                                       widget=forms.CheckboxSelectMultiple)


def _render(form: forms.Form) -> str:
    template = engines["django"].from_string(
        "{% load choice_fields %}{% for field in form %}{% choice_fieldset field %}{% endfor %}")
    with translation.override("nn"):
        return template.render({"form": form})


def test_labels_legend_and_the_initial_choice():
    html = _render(_Form(initial={"when": "kanskje", "topics": ["b"]}))
    assert html.count("<fieldset") == 2
    assert ('<legend class="fs-6 fw-semibold">Tirsdag &lt;4.&gt; mai – «Formiddag» '
            '<span aria-hidden="true">*</span><span class="visually-hidden">(påkravd)</span>'
            in html)
    assert html.count("påkravd") == 1  # the optional question has no mark
    assert 'type="radio" name="when" value="kanskje" class="form-check-input" ' \
           'id="id_when_1" checked>' in html
    assert '<label class="form-check-label" for="id_when_1">om nødvendig</label>' in html
    assert 'type="checkbox" name="topics" value="b" class="form-check-input" ' \
           'id="id_topics_1" checked>' in html
    assert 'value="a" class="form-check-input" id="id_topics_0">' in html
    assert '<p class="form-text">Svar for hver dato &amp; tid.</p>' in html
    assert "aria-invalid" not in html


def test_a_refused_answer_is_shown_on_the_legend_and_the_inputs():
    form = _Form({"when": "<script>"})
    assert not form.is_valid()
    html = _render(form)
    assert "<script>" not in html
    assert "&lt;script&gt;" in html  # the refusal quotes the value, escaped
    assert html.count('aria-invalid="true"') == 3  # each option of the refused question
    legend = html.split("</legend>")[0]
    assert 'class="d-block text-danger fw-normal"' in legend


def test_each_link_of_the_error_summary_reaches_its_question():
    """The summary's links lead to the question's first option (a radio group has no
    element of the field's own id: Django's label of a radio group points nowhere)."""
    class Form(_Form):
        note = forms.CharField(label="Merknad", max_length=3)

    form = Form({"when": "<script>", "note": "for lang"})
    assert not form.is_valid()
    template = engines["django"].from_string(
        '{% load choice_fields %}{% include "includes/form_errors.html" %}'
        "{% choice_fieldset form.when %}{{ form.note }}")
    html = template.render({"form": form})
    targets = re.findall(r'<a href="#([^"]*)">', html)
    assert targets == ["id_when_0", "id_note"]
    for target in targets:
        assert f'id="{target}"' in html
