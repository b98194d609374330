"""The standard instruments, their three languages, and O&F's own copies."""

from __future__ import annotations

import pytest
from django.utils import translation

from surveys import services
from surveys.models import Choice, Instrument, Item
from surveys.selectors import default_instrument
from surveys.services.validation import answers_clean

from .factories import InstrumentFactory, add_item

pytestmark = pytest.mark.django_db


def test_three_standard_instruments_are_shipped_by_the_migration(instruments):
    effect = instruments["effect"]
    assert [d.key for d in effect.dimensions.order_by("order")] == [
        "purpose", "decisions", "execution", "coordination", "change", "safety", "members"]
    assert effect.items.filter(kind="scale", scale_max=7).count() == 21
    needs = instruments["needs"]
    assert needs.items.filter(dimension__key="abilities").count() == 11
    assert needs.items.filter(dimension__key="topics_self").count() == 9
    assert needs.items.filter(dimension__key="topics_group").count() == 9
    evaluation = instruments["evaluation"]
    assert list(evaluation.items.order_by("order").values_list("key", "kind")) == [
        ("good", "text"), ("better", "text"), ("overall", "scale")]


def test_every_text_is_written_in_three_languages(instruments):
    items = Item.objects.filter(instrument__organisation=None)
    assert items.count() == 21 + 1 + 29 + 1 + 3
    for item in items:
        assert item.text_nb and item.text_nn and item.text_en
        if item.kind == "scale":
            assert item.low_label_nn and item.high_label_en
    differing = sum(1 for i in items if i.text_nb != i.text_nn)
    assert differing > items.count() * 0.6  # nynorsk is written, not copied


def test_the_reader_gets_their_language_with_bokmal_as_fallback(instruments):
    item = Item.objects.get(instrument=instruments["effect"], key="safety_speak")
    with translation.override("nn"):
        assert item.text.startswith("Det er trygt å seie frå")
    with translation.override("en"):
        assert item.text.startswith("It is safe to raise")
    item.text_en = ""
    with translation.override("en"):
        assert item.text == item.text_nb


def test_o_and_f_copies_a_standard_instrument_to_reword_it(personas, instruments):
    copy = services.instrument_copy(instrument=instruments["effect"],
                                    organisation=personas.org_a, actor=personas.alice)
    assert copy.organisation == personas.org_a and copy.key == "effect"
    assert copy.items.count() == instruments["effect"].items.count()
    assert set(copy.items.exclude(dimension=None).values_list(
        "dimension__instrument", flat=True)) == {copy.pk}
    assert default_instrument(personas.org_a.pk, "effect") == copy
    assert default_instrument(personas.org_b.pk, "effect") == instruments["effect"]
    again = services.instrument_copy(instrument=instruments["effect"],
                                     organisation=personas.org_a)
    assert again.key == "effect-2"


def test_choice_and_ranking_items_are_validated(personas):
    instrument = InstrumentFactory(organisation=personas.org_a)
    single = add_item(instrument, "single", key="one", choices=["Ja", "Nei"])
    multiple = add_item(instrument, "multiple", key="many", choices=["A", "B", "C"],
                        required=False)
    ranking = add_item(instrument, "ranking", key="rank", choices=["X", "Y", "Z"])
    items = list(Item.objects.filter(instrument=instrument).prefetch_related("choices"))
    yes = Choice.objects.get(item=single, label_nb="Ja").pk
    a, b, _c = Choice.objects.filter(item=multiple).values_list("pk", flat=True)
    x, y, z = Choice.objects.filter(item=ranking).values_list("pk", flat=True)
    good = {str(single.pk): yes, str(multiple.pk): [b, a],
            str(ranking.pk): {str(x): 2, str(y): 1, str(z): 3}}
    cleaned = answers_clean(items, good, complete=True)
    assert cleaned[str(multiple.pk)] == sorted([a, b])
    bad_cases = [
        {**good, str(single.pk): 999999},
        {**good, str(multiple.pk): [a, a]},
        {**good, str(ranking.pk): {str(x): 1, str(y): 1, str(z): 2}},
        {**good, str(ranking.pk): {str(x): 1, str(y): 2}},
        {**good, str(ranking.pk): {str(x): 1, str(y): 2, str(z): 4}},
        {**good, "424242": 3},
    ]
    from django.core.exceptions import ValidationError

    for case in bad_cases:
        with pytest.raises(ValidationError):
            answers_clean(items, case, complete=True)
    # A partial ranking is fine in a draft.
    answers_clean(items, {str(ranking.pk): {str(x): 1}}, complete=False)


def test_instrument_queryset_offers_standard_and_own(personas, instruments):
    own = InstrumentFactory(organisation=personas.org_a, kind="needs")
    other = InstrumentFactory(organisation=personas.org_b, kind="needs")
    offered = set(Instrument.objects.available_to(personas.alice))
    assert own in offered and instruments["needs"] in offered and other not in offered
