"""A survey POST is checked by a form of the posted fields only (``posted_only``): it
must clean to the same answers, and pass or fail as the whole form does, for every kind
of question and whatever is posted — a few answers, all of them, none, values that are
not options, a ranking with a place twice; and the page with errors shows every
question with the error next to the right one."""

from __future__ import annotations

import pytest
from django.http import QueryDict

from surveys.forms import AnswerForm, field_name, rank_field_name
from surveys.models import Draft, ItemKind
from surveys.selectors import instrument_items
from surveys.tests.factories import InstrumentFactory, add_item
from surveys.tests.test_answering import _first_items, _post, _url

pytestmark = pytest.mark.django_db


def _items():
    instrument = InstrumentFactory()
    add_item(instrument, ItemKind.SCALE, key="skala", scale_max=5)
    add_item(instrument, ItemKind.TEXT, key="fritekst", required=False)
    add_item(instrument, ItemKind.SINGLE, key="ett", choices=["Ja", "Nei", "Vet «ikke»"])
    add_item(instrument, ItemKind.MULTIPLE, key="flere", required=False,
             choices=["Økonomi", "HMS", "Rekruttering"])
    add_item(instrument, ItemKind.RANKING, key="rangering", choices=["Tid", "Penger", "Folk"])
    return instrument_items(instrument.pk)


def _posted(items, how):
    scale, text, single, multiple, rank = items
    places = [c.pk for c in rank.choices.all()]
    data = QueryDict(mutable=True)
    if how in ("some", "all", "bad option", "place twice"):
        data[field_name(scale)] = "4"
        data[field_name(text)] = "  Åse skrev\nto linjer & «sitat»  "
    if how in ("all", "bad option", "place twice"):
        data[field_name(single)] = str(single.choices.all()[1].pk)
        data.setlist(field_name(multiple), [str(c.pk) for c in multiple.choices.all()][:2])
        for place, pk in enumerate(places, start=1):
            data[rank_field_name(rank, pk)] = str(place)
    if how == "bad option":
        data[field_name(single)] = "999999"
        data[field_name(scale)] = "9"
    if how == "place twice":
        data[rank_field_name(rank, places[1])] = "1"
    if how == "empty text only":
        data[field_name(text)] = ""
    return data


@pytest.mark.parametrize("complete", [False, True])
@pytest.mark.parametrize("how", ["none", "empty text only", "some", "all", "bad option",
                                 "place twice"])
def test_posted_fields_only_clean_as_the_whole_form(how, complete):
    items = _items()
    data = _posted(items, how)
    whole = AnswerForm(data, items=items)
    posted = AnswerForm(data, items=items, posted_only=True)
    assert posted.check(complete=complete) == whole.check(complete=complete)
    assert set(posted.fields) <= set(whole.fields)
    if how == "all":
        assert len(posted.fields) == len(whole.fields)
        assert whole.check(complete=True) is not None  # every kind answered and kept
    if how in ("none", "some"):
        assert len(posted.fields) < len(whole.fields)


def test_an_invalid_answer_shows_every_question_with_its_error(client, personas, team):
    round = team.before
    client.force_login(personas.bob)
    some = {str(i.pk): 3 for i in _first_items(round, 3)}
    bad = next(iter(some))
    response = client.post(_url(round), _post(round, {**some, bad: 99}, "save"))
    assert response.status_code == 400
    html = response.content.decode()
    every = instrument_items(round.instrument_id)
    assert len(every) > 3 and all(f'name="{field_name(item)}"' in html for item in every)
    assert html.count('aria-invalid="true"') >= 1
    assert not Draft.objects.exists()
    response = client.post(_url(round), _post(round, some, "save"))
    assert response.status_code == 302
    assert Draft.objects.get().data == some
    assert response["Location"] == _url(round)  # back to the page, the draft kept
