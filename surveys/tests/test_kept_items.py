"""An instrument's items are read once per content and municipality (``instrument_items``).

Whatever O&F edits — a question's text, a choice, a question group, the order — is on
the next page at once; the same content is served from what was read, with one query.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lib.scoping import scope
from surveys.models import Choice, Dimension, Item, ItemKind
from surveys.selectors import instrument_items

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql",
                                reason="the content digest is PostgreSQL's")


def _read(instrument_id, organisation_id):
    with scope(organisation_id), CaptureQueriesContext(connection) as queries:
        items = instrument_items(instrument_id)
    return items, len(queries)


def _shown(items):
    return [(i.pk, i.text_nb, i.dimension and i.dimension.name_nb,
             [c.label_nb for c in i.choices.all()]) for i in items]


def test_the_same_content_is_read_once_and_every_edit_shows_at_once(personas, instruments):
    org = personas.org_a.pk
    instrument = instruments["needs"]
    first, reads = _read(instrument.pk, org)
    assert reads == 3  # the digest, then the items and their choices
    again, reads = _read(instrument.pk, org)
    assert reads == 1 and again is first  # the digest only: the same instances

    item = Item.objects.filter(instrument=instrument).order_by("order", "pk").first()
    item.text_nb = "Hva trenger du\nmest – «nå»?"
    item.save(update_fields=["text_nb"])
    edited, reads = _read(instrument.pk, org)
    assert reads == 3 and edited is not first
    assert edited[0].text_nb == "Hva trenger du\nmest – «nå»?"

    single = Item.objects.create(instrument=instrument, key="kanal", kind=ItemKind.SINGLE,
                                 order=50, text_nb="Hvilken kanal?")
    Choice.objects.create(item=single, order=1, label_nb="E-post")
    assert [row[3] for row in _shown(_read(instrument.pk, org)[0])
            if row[0] == single.pk] == [["E-post"]]
    Choice.objects.create(item=single, order=2, label_nb="Annet (skriv)")
    assert [row[3] for row in _shown(_read(instrument.pk, org)[0])
            if row[0] == single.pk] == [["E-post", "Annet (skriv)"]]
    dimension = Dimension.objects.filter(instrument=instrument).first()
    if dimension is not None:
        dimension.name_nb = "Ny gruppe"
        dimension.save(update_fields=["name_nb"])
        assert "Ny gruppe" in {row[2] for row in _shown(_read(instrument.pk, org)[0])}
    item.order = 999
    item.save(update_fields=["order"])
    assert _read(instrument.pk, org)[0][-1].pk == item.pk
    item.delete()
    assert item.pk not in {i.pk for i in _read(instrument.pk, org)[0]}


def test_each_municipality_gets_its_own_instances(personas, instruments):
    instrument = instruments["needs"]
    a, _ = _read(instrument.pk, personas.org_a.pk)
    b, reads = _read(instrument.pk, personas.org_b.pk)
    assert reads == 3 and b is not a and _shown(a) == _shown(b)
