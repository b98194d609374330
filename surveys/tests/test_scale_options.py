"""``{% scale_options %}`` writes a scale question's radios as Django's widget would."""

from __future__ import annotations

from types import SimpleNamespace

from django import forms

from surveys.templatetags.survey_answer import scale_options


class _Form(forms.Form):
    item_7 = forms.TypedChoiceField(choices=[(str(i), str(i)) for i in range(1, 6)], coerce=int,
                                    widget=forms.RadioSelect, required=True)


ITEM = SimpleNamespace(low_label="Svært <uenig>", high_label="Svært enig")


def test_each_option_has_its_id_label_and_the_saved_answer_checked():
    html = scale_options(_Form(initial={"item_7": 4})["item_7"], ITEM)
    assert html.count('type="radio"') == 5
    assert ('<input type="radio" name="item_7" value="4" class="form-check-input" '
            'id="id_item_7_3" checked>') in html
    assert 'value="1" class="form-check-input" id="id_item_7_0">' in html
    assert '<label class="form-check-label" for="id_item_7_0">1 – Svært &lt;uenig&gt;</label>' \
        in html
    assert '<label class="form-check-label" for="id_item_7_4">5 – Svært enig</label>' in html
    assert '<label class="form-check-label" for="id_item_7_2">3</label>' in html
    assert "aria-invalid" not in html


def test_a_rejected_answer_marks_every_option_invalid_and_keeps_the_posted_value():
    form = _Form(data={"item_7": "9"})
    assert not form.is_valid()
    html = scale_options(form["item_7"], ITEM)
    assert html.count(' aria-invalid="true"') == 5
    assert " checked" not in html  # 9 is no option


def test_the_tag_output_matches_the_widget_for_every_option():
    bound = _Form(initial={"item_7": 2})["item_7"]
    html = scale_options(bound, SimpleNamespace(low_label="", high_label=""))
    for radio in bound:
        data = radio.data
        checked = " checked" if data["selected"] else ""
        assert (f'<input type="radio" name="{data["name"]}" value="{data["value"]}" '
                f'class="form-check-input" id="{data["attrs"]["id"]}"{checked}>') in html


def test_a_whole_scale_question_escapes_its_text_help_and_errors():
    from surveys.templatetags.survey_answer import scale_question

    item = SimpleNamespace(text='Leiar <b>"du"</b> & teamet?', help="Tenk på <i>i fjor</i>",
                           required=True, low_label="Lite <x>", high_label="Mykje")
    form = _Form(data={})
    assert not form.is_valid()  # required and not answered: the field has an error
    html = scale_question(item, form["item_7"])
    assert "Leiar &lt;b&gt;&quot;du&quot;&lt;/b&gt; &amp; teamet?" in html
    assert "Tenk på &lt;i&gt;i fjor&lt;/i&gt;" in html
    assert "Lite &lt;x&gt;" in html and "<b>" not in html and "<i>" not in html
    assert 'class="d-block text-danger fw-normal">' in html  # the field's error, escaped text
    assert html.startswith('<fieldset class="mb-4 survey-question survey-scale-question">')
