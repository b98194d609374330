"""Issue 21 item 21: instruments set a default scale and end labels, O&F pastes questions
into a question group (also on the add page), and the bands of years as leader are the
instrument's own, not fixed in code."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from lib.testing import assert_refused
from surveys import services
from surveys.bands import DEFAULT_YEARS_BANDS, LEGACY_YEARS_BANDS, band_choices, band_for
from surveys.forms import NeedsFilterForm
from surveys.models import Dimension, Instrument, Item, Response

from .factories import InstrumentFactory, make_round, scale_answers

pytestmark = pytest.mark.django_db


def _formset(prefix: str, rows: list[dict[str, str]]) -> dict[str, str]:
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}
    for i, row in enumerate(rows):
        data.update({f"{prefix}-{i}-{name}": value for name, value in row.items()})
    return data


def _new_instrument(**extra: str) -> dict[str, str]:
    return {"kind": "effect", "key": "var-gruppe", "is_active": "on",
            "name_nb": "Vår gruppe – før og etter", "name_nn": "", "name_en": "",
            "intro_nb": "", "intro_nn": "", "intro_en": "",
            "default_scale_max": "5",
            "default_low_label_nb": "Helt uenig", "default_low_label_nn": "Heilt usamd",
            "default_low_label_en": "Strongly disagree",
            "default_high_label_nb": "Helt enig", "default_high_label_nn": "Heilt samd",
            "default_high_label_en": "Strongly agree",
            "years_bands": "1, 3, 6, 10", **extra}


def test_add_page_offers_pasting_and_no_empty_question_group_field(client, personas):
    client.force_login(personas.alice)
    page = client.get(reverse("admin:surveys_instrument_add")).content.decode()
    assert 'name="dimensions-__prefix__-items_text"' in page
    assert 'name="items-__prefix__-text_nb"' in page
    assert 'name="items-__prefix__-dimension"' not in page  # nothing to choose before saving


def test_one_save_makes_question_groups_with_pasted_items_and_default_scale(client, personas):
    client.force_login(personas.alice)
    data = {**_new_instrument(),
            **_formset("dimensions", [
                {"order": "1", "key": "retning", "name_nb": "Retning og mål", "name_nn": "",
                 "name_en": "", "scale_max": "",
                 "items_text": "Vi har felles mål for året\n\n  Vi vet hvem som gjør hva  \n"
                               "Åpenhet er viktig\nÅpenhet er viktig"},
                {"order": "2", "key": "tillit", "name_nb": "Tillit", "name_nn": "",
                 "name_en": "", "scale_max": "7", "low_label_nb": "Aldri",
                 "high_label_nb": "Alltid", "items_text": "Vi sier fra når noe er galt"}]),
            **_formset("items", [
                {"order": "50", "key": "samlet", "kind": "scale", "scale_max": "",
                 "required": "on", "text_nb": "Alt i alt fungerer gruppa godt",
                 "text_nn": "", "text_en": ""}])}
    response = client.post(reverse("admin:surveys_instrument_add"), data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    instrument = Instrument.objects.get(key="var-gruppe")
    assert instrument.organisation == personas.org_a
    retning = Dimension.objects.get(instrument=instrument, key="retning")
    pasted = list(Item.objects.filter(dimension=retning).order_by("order"))
    assert [i.text_nb for i in pasted] == ["Vi har felles mål for året",
                                           "Vi vet hvem som gjør hva", "Åpenhet er viktig",
                                           "Åpenhet er viktig"]
    assert len({i.key for i in pasted}) == 4  # unique keys, also for the repeated line
    assert {(i.kind, i.scale_max, i.low_label_nb, i.high_label_en) for i in pasted} == {
        ("scale", 5, "Helt uenig", "Strongly agree")}  # the instrument's
    trust = Item.objects.get(dimension__key="tillit", instrument=instrument)
    # The question group's own scale and bokmål labels win; nynorsk falls back to the
    # instrument's.
    assert (trust.scale_max, trust.low_label_nb, trust.high_label_nb, trust.low_label_nn) == \
        (7, "Aldri", "Alltid", "Heilt usamd")
    typed = Item.objects.get(instrument=instrument, key="samlet")
    assert (typed.scale_max, typed.low_label_nn, typed.dimension) == (5, "Heilt usamd", None)


def test_pasting_on_the_change_page_adds_after_the_last_item(client, personas, instruments):
    instrument = InstrumentFactory(organisation=personas.org_a, kind="effect")
    group = Dimension.objects.create(instrument=instrument, key="beslutninger",
                                     name_nb="Beslutninger")
    Item.objects.create(instrument=instrument, dimension=group, key="forste", order=7,
                        kind="scale", scale_max=5, text_nb="Første")
    items = services.items_paste(dimension=group, text="Vi tar beslutninger sammen\n"
                                                       "Vi følger dem opp", actor=personas.alice)
    assert [(i.order, i.scale_max) for i in items] == [(8, 5), (9, 5)]
    assert items[1].key == "vi-folger-dem-opp"  # ø kept as o, not dropped
    with assert_refused("empty"):
        services.items_paste(dimension=group, text=" \n \n")
    standard = Instrument.objects.filter(organisation=None).first()
    with assert_refused("standard_instrument"):
        services.items_paste(dimension=standard.dimensions.first(), text="Nytt spørsmål")
    assert Item.objects.filter(instrument=instrument).count() == 3


def test_bands_are_parsed_labelled_and_refused_with_codes():
    with translation.override("nb"):
        assert band_choices(DEFAULT_YEARS_BANDS) == [
            ("0", "under 1 år"), ("1-2", "1–2 år"), ("3-5", "3–5 år"), ("6-9", "6–9 år"),
            ("10+", "10 år eller mer")]
    # The bands fixed in code before keep their old keys.
    assert [k for k, _l in band_choices(LEGACY_YEARS_BANDS)] == ["0", "1-3", "4-9", "10+"]
    assert [band_for(y, DEFAULT_YEARS_BANDS) for y in (0, 1, 2, 3, 9, 10, 41)] == \
        ["0", "1-2", "1-2", "3-5", "6-9", "10+", "10+"]
    for text, code in (("", "bands_empty"), ("1, to, 3", "bands_not_numbers"),
                       ("1, 1, 3", "bands_not_increasing"), ("0, 2", "bands_out_of_range"),
                       ("1,2,3,4,5,6,7,8", "bands_too_many")):
        with assert_refused(code):
            band_choices(text)


def test_existing_instruments_keep_the_bands_they_were_answered_with(instruments):
    # The standard instruments were made by an earlier migration: the data migration gave
    # them the bands fixed in code then. New instruments get the new default.
    assert set(Instrument.objects.filter(organisation=None)
               .values_list("years_bands", flat=True)) == {LEGACY_YEARS_BANDS}
    assert Instrument(kind="needs").years_bands == DEFAULT_YEARS_BANDS


def test_the_needs_survey_uses_its_instruments_bands(personas, instruments, client):
    instrument = services.instrument_copy(instrument=instruments["needs"],
                                          organisation=personas.org_a)
    assert instrument.years_bands == LEGACY_YEARS_BANDS  # a copy keeps the original's
    instrument.years_bands = "2, 5"
    instrument.full_clean()
    instrument.save()
    leader = personas.bob_leader
    leader.leader_since = dt.date.today() - dt.timedelta(days=365 * 3 + 30)
    leader.save()
    round = make_round(organisation=personas.org_a, instrument=instrument)
    services.response_submit(round=round, leader=leader, answers=scale_answers(round, 3))
    assert Response.objects.get(round=round).years_band == "2-4"
    form = NeedsFilterForm(areas=[], bands=instrument.years_band_choices())
    assert [k for k, _l in form.fields["band"].choices] == ["", "0-1", "2-4", "5+"]
    # Once answered, the bands are read-only in the admin.
    client.force_login(personas.alice)
    page = client.get(reverse("admin:surveys_instrument_change", args=[instrument.pk]))
    assert 'name="years_bands"' not in page.content.decode()


def test_bad_bands_in_the_admin_get_a_message_and_change_nothing(client, personas):
    client.force_login(personas.alice)
    response = client.post(reverse("admin:surveys_instrument_add"), {
        **_new_instrument(years_bands="1, 1, 3"), **_formset("dimensions", []),
        **_formset("items", [])})
    assert response.status_code == 200
    assert "Årene må øke fra venstre mot høyre" in response.content.decode()
    assert not Instrument.objects.filter(key="var-gruppe").exists()
