"""``{% survey_question %}`` writes every kind of question exactly as the include it
replaced (``surveys/includes/question.html`` with Django's widget templates) wrote it:
unanswered, answered, with a draft's values and with errors, in all three languages."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.utils import translation

from surveys.forms import AnswerForm, field_name, rank_field_name
from surveys.models import ItemKind
from surveys.tests.factories import InstrumentFactory, add_item, standard_instruments
from surveys.views import _sections

pytestmark = pytest.mark.django_db

# The include as it was before the tag took over (its scale branch was already the tag).
REFERENCE = Template("""{% load i18n survey_answer %}{% if item.is_scale %}
{% survey_question item field fields %}
{% elif item.is_text %}
<div class="mb-4 survey-question">
  <label class="form-label fw-semibold" for="{{ field.id_for_label }}">{{ item.text }}{% if item.required %} <span aria-hidden="true">*</span><span class="visually-hidden">({% translate "required" %})</span>{% endif %}
    {% for error in field.errors %}<span class="d-block text-danger fw-normal">{{ error }}</span>{% endfor %}</label>
  {% if item.help %}<p class="form-text">{{ item.help }}</p>{% endif %}
  {{ field }}
</div>
{% else %}
<fieldset class="mb-4 survey-question">
  <legend class="fs-6 fw-semibold">{{ item.text }}{% if item.required %} <span aria-hidden="true">*</span><span class="visually-hidden">({% translate "required" %})</span>{% endif %}
    {% for f in fields %}{% for error in f.errors %}<span class="d-block text-danger fw-normal">{{ error }}</span>{% endfor %}{% endfor %}</legend>
  {% if item.help %}<p class="form-text">{{ item.help }}</p>{% endif %}
  {% if item.is_ranking %}
  <p class="form-text">{% translate "Give each option a different place; 1 is the most important." %}</p>
  {% for f in fields %}
  <div class="row g-2 align-items-center mb-1">
    <div class="col-auto">{{ f }}</div>
    <div class="col"><label for="{{ f.id_for_label }}">{{ f.label }}</label></div>
  </div>
  {% endfor %}
  {% else %}
  {% for option in field %}
  <div class="form-check">
    <input type="{{ option.data.type }}" name="{{ option.data.name }}" value="{{ option.data.value }}" class="form-check-input" id="{{ option.data.attrs.id }}"{% if option.data.selected %} checked{% endif %}{% if field.errors %} aria-invalid="true"{% endif %}>
    <label class="form-check-label" for="{{ option.id_for_label }}">{{ option.choice_label }}</label>
  </div>
  {% endfor %}
  {% endif %}
</fieldset>
{% endif %}""")  # noqa: E501
TAG = Template("{% load survey_answer %}\n"
               "{% survey_question item field fields %}\n")


def _instrument():
    instrument = InstrumentFactory()
    add_item(instrument, ItemKind.SCALE, key="skala", scale_max=5)
    text = add_item(instrument, ItemKind.TEXT, key="fritekst", required=False)
    text.help_nb = text.help_nn = text.help_en = 'Skriv "fritt" <om> det du vil & mer'
    text.save()
    single = add_item(instrument, ItemKind.SINGLE, key="ett",
                      choices=["Ja", "Nei <kanskje>", "Vet «ikke»"])
    single.text_nb = "Hvem leder\nenheten & hvordan?"
    single.save()
    add_item(instrument, ItemKind.MULTIPLE, key="flere", required=False,
             choices=["Økonomi", "HMS", "Rekruttering", "Samarbeid med tillitsvalgte"])
    add_item(instrument, ItemKind.RANKING, key="rangering",
             choices=["Tid", "Penger", "Folk", "Mål"])
    return instrument


def _forms(items):
    rank = next(i for i in items if i.kind == ItemKind.RANKING)
    multiple = next(i for i in items if i.kind == ItemKind.MULTIPLE)
    single = next(i for i in items if i.kind == ItemKind.SINGLE)
    text = next(i for i in items if i.kind == ItemKind.TEXT)
    choices = list(rank.choices.all())
    draft = {str(single.pk): single.choices.all()[1].pk,
             str(multiple.pk): [c.pk for c in multiple.choices.all()][::2],
             str(text.pk): "Et utkast med <tegn> & «sitat»",
             str(rank.pk): {str(choices[0].pk): 2, str(choices[2].pk): 1}}
    yield AnswerForm(items=items)
    yield AnswerForm(items=items, answers=draft)
    bad = AnswerForm(items=items, data={
        field_name(single): "999", field_name(multiple): ["1", "x"],
        field_name(text): "svar", rank_field_name(rank, choices[1].pk): "77"})
    assert not bad.is_valid()
    yield bad
    good = AnswerForm(items=items, data={
        field_name(single): str(single.choices.all()[0].pk),
        rank_field_name(rank, choices[3].pk): "1"})
    good.is_valid()
    good.add_error(field_name(text), "Teksten er for lang <maks 2000>")
    yield good


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_every_kind_of_question_is_written_as_the_include_wrote_it(language):
    ours = _instrument()  # every kind, answered, drafted and refused
    compared = 0
    with translation.override(language):
        for instrument in [ours, *standard_instruments().values()]:
            items = list(instrument.items.order_by("order", "pk"))
            forms = list(_forms(items)) if instrument == ours else [AnswerForm(items=items)]
            for form in forms:
                for section in _sections(form, items):
                    for question in section["questions"]:
                        context = Context({"item": question["item"], "field": question["field"],
                                           "fields": question["fields"]})
                        got, want = TAG.render(context), REFERENCE.render(context)
                        assert got == want, f"{question['item'].kind}\n{got!r}\n{want!r}"
                        compared += 1
    assert compared >= 4 * 5 + 10


def test_a_blank_question_is_kept_and_an_answered_or_edited_one_is_written_afresh():
    """Blank questions are kept per process by what they show (``shown_key``): the kept
    HTML is what the include wrote, a draft's answer is never served from it, an edited
    text and another language are other keys, and each form gets its own field objects."""
    from surveys.templatetags.survey_answer import _kept

    instrument = _instrument()
    items = list(instrument.items.order_by("order", "pk"))
    single = next(i for i in items if i.kind == ItemKind.SINGLE)
    name = field_name(single)

    def written(form, item):
        question = next(q for s in _sections(form, list(form.items)) for q in s["questions"]
                        if q["item"].pk == item.pk)
        context = Context({"item": question["item"], "field": question["field"],
                           "fields": question["fields"]})
        return TAG.render(context), REFERENCE.render(context)

    with translation.override("nb"):
        _kept.clear()
        first, want = written(AnswerForm(items=items), single)
        assert first == want and len(_kept) == 1
        again, want = written(AnswerForm(items=items), single)
        assert again == want == first and len(_kept) == 1  # served from the kept HTML
        chosen = single.choices.all()[1]
        drafted, want = written(AnswerForm(items=items, answers={str(single.pk): chosen.pk}),
                                single)
        assert drafted == want and drafted != first and " checked" in drafted
        assert len(_kept) == 1  # an answered question is not kept

        single.text_nb = "Et nytt spørsmål"
        single.save()
        edited_items = list(instrument.items.order_by("order", "pk"))
        edited_single = next(i for i in edited_items if i.pk == single.pk)
        edited, want = written(AnswerForm(items=edited_items), edited_single)
        assert edited == want and "Et nytt spørsmål" in edited and "Hvem leder" not in edited
        form_a, form_b = AnswerForm(items=edited_items), AnswerForm(items=edited_items)
        assert form_a.fields[name].label == "Et nytt spørsmål"
    with translation.override("en"):
        english, want = written(AnswerForm(items=edited_items), edited_single)
        assert english == want and "(required)" in english
    assert "(påkrevd)" in edited or "(obligatorisk)" in edited

    # Each form has its own fields and widgets: one form's change stays in that form.
    assert form_a.fields[name] is not form_b.fields[name]
    form_a.fields[name].widget.attrs["class"] = "changed"
    form_a.fields[name].error_messages["invalid_choice"] = "changed"
    assert form_b.fields[name].widget.attrs["class"] == "form-check-input"
    assert form_b.fields[name].error_messages["invalid_choice"] != "changed"
    assert AnswerForm(items=edited_items).fields[name].widget.attrs["class"] == "form-check-input"
