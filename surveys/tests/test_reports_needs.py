"""The needs survey report: ranked, broken down, and never revealing a group under N.

The central test walks every combination of filters and breakdowns the page
offers and checks two things about everything it returns: each figure covers
at least N respondents, and no figure can be subtracted from another to
describe fewer than N (every atom of all returned cells has N or more).
"""

from __future__ import annotations

import csv
import io
import itertools

import pytest
from django.urls import reverse

from accounts.models import LeaderLevel
from surveys import services
from surveys.bands import LEGACY_YEARS_BANDS, band_choices
from surveys.models import Item
from surveys.reports.needs import (
    DIMS,
    UNKNOWN_AREA,
    WHOLE,
    NeedsFilter,
    needs_cells,
    needs_report,
    needs_safety,
)
from tests.factories import UnitFactory

from .disclosure_proof import revealed_groups
from .factories import bulk_responses, close, make_round

pytestmark = pytest.mark.django_db

LAYOUT = {  # area → [(level, band, how many)]
    "helse": [("teamleder", "1-3", 8), ("teamleder", "4-9", 6), ("teamleder", "10+", 4),
              ("avdelingsleder", "1-3", 3), ("avdelingsleder", "4-9", 4),
              ("virksomhetsleder", "10+", 2), ("kommunalsjef", "10+", 1)],
    "oppvekst": [("teamleder", "0", 5), ("teamleder", "1-3", 3), ("avdelingsleder", "4-9", 5),
                 ("virksomhetsleder", "4-9", 1), ("kommunedirektor", "10+", 1)],
    "kultur": [("teamleder", "1-3", 3)],
    None: [("avdelingsleder", "4-9", 1)],
}


@pytest.fixture
def needs(personas, instruments):
    areas = {"helse": personas.boss_leader.unit,
             "oppvekst": UnitFactory(organisation=personas.org_a, name="Oppvekst",
                                     kind="tjenesteomrade"),
             "kultur": UnitFactory(organisation=personas.org_a, name="Kultur",
                                   kind="tjenesteomrade"),
             None: None}
    round = make_round(organisation=personas.org_a, instrument=instruments["needs"])
    bands = [{"area": areas[area], "level": level, "years_band": band}
             for area, rows in LAYOUT.items() for level, band, count in rows
             for _ in range(count)]
    bulk_responses(round, bands, value=lambda i, item: 1 + (i + item.order // 10) % 5,
                   texts={"other_topics": "Mer om økonomistyring"})
    return close(round)


def _all_filters(areas):
    area_values = [None, *[pk for pk, _name in areas], UNKNOWN_AREA]
    levels = [None, *LeaderLevel.values]
    bands = [None, *[key for key, _label in band_choices(LEGACY_YEARS_BANDS)]]
    for area, level, band in itertools.product(area_values, levels, bands):
        chosen = {"area": area, "level": level, "band": band}
        for by in [None, *[d for d in DIMS if chosen[d] is None]]:
            yield NeedsFilter(area=area, level=level, band=band, by=by)


def test_no_filter_or_breakdown_ever_returns_a_group_under_n(needs):
    threshold = needs.min_respondents
    safety = needs_safety(needs)
    returned_cells = set()
    figures = 0
    first = needs_report(needs, NeedsFilter())
    for flt in _all_filters(first.areas):
        report = needs_report(needs, flt, areas=first.areas)
        if report.filter_shown:
            returned_cells.add(flt.key)
            assert report.filter_n >= threshold
            for section in report.sections:
                for result in section.items:
                    if result.stat is not None:
                        figures += 1
                        assert result.stat.n >= threshold
        else:
            assert report.filter_n is None and report.sections == []
        if report.breakdown:
            for index, column in enumerate(report.breakdown.columns):
                key = flt.with_value(report.breakdown.dim, column.value)
                if column.n is not None:
                    returned_cells.add(key)
                    assert column.n >= threshold
                for _item, cells in report.breakdown.rows:
                    stat = cells[index]
                    if stat is not None:
                        figures += 1
                        assert column.n is not None and stat.n >= threshold
    for key, n, _item, stat in needs_cells(needs):  # the CSV's figures too
        returned_cells.add(key)
        assert n >= threshold and stat.n >= threshold
    assert figures > 100  # the report does show a great deal
    # Differencing: no combination of all the cells ever returned reveals a group under N
    # (checked by brute force with exact fractions, independently of the report's code).
    cells = [safety.members.get(key, []) for key in returned_cells if key != WHOLE]
    assert revealed_groups(safety.counts, cells, threshold) == []
    # And the small groups really exist and are withheld.
    assert not safety.is_shown((None, LeaderLevel.MUNICIPAL_DIRECTOR, None))
    kultur = next(pk for pk, name in first.areas if name == "Kultur")
    assert not safety.is_shown((kultur, None, None))


def test_complementary_cells_are_withheld_too(needs):
    """Kultur (3) is hidden; so one more area must be, or the whole minus the rest shows it."""
    report = needs_report(needs, NeedsFilter(by="area"))
    hidden = [c for c in report.breakdown.columns if c.n is None]
    shown_total = sum(c.n for c in report.breakdown.columns if c.n is not None)
    assert len(hidden) >= 2
    assert report.filter_n - shown_total >= needs.min_respondents


def test_abilities_and_topics_are_ranked_by_mean(needs):
    report = needs_report(needs, NeedsFilter())
    keys = [s.dimension.key for s in report.sections]
    assert keys == ["abilities", "topics_self", "topics_group"]
    for section in report.sections:
        means = [r.stat.mean for r in section.items]
        assert means == sorted(means, reverse=True)
    assert report.comments and len(report.comments[0][1]) == 47


def test_an_item_some_skipped_is_not_broken_down_if_that_would_expose_them(personas, instruments):
    round = make_round(organisation=personas.org_a, instrument=instruments["needs"])
    skip_key = "ability_direction"
    bands = [{"area": personas.boss_leader.unit, "level": "teamleder", "years_band": "1-3"}] * 12
    bands += [{"area": personas.boss_leader.unit, "level": "avdelingsleder",
               "years_band": "4-9"}] * 6
    skipped = {skip_key}

    def value(index, item):
        # Two department heads skip one question: it must not be shown by level.
        return None if item.key in skipped and index in (12, 13) else 3

    bulk_responses(round, bands, value=value)
    close(round)
    safety = needs_safety(round)
    item = Item.objects.get(instrument=round.instrument, key=skip_key)
    assert item.pk in safety.whole_only_items
    by_level = needs_report(round, NeedsFilter(by="level"))
    row = next(cells for row_item, cells in by_level.breakdown.rows if row_item.pk == item.pk)
    assert all(stat is None for stat in row)
    whole = needs_report(round, NeedsFilter())
    result = next(r for s in whole.sections for r in s.items if r.item.pk == item.pk)
    assert result.stat is not None and result.stat.n == 16


def test_nothing_is_shown_while_the_round_is_open(personas, instruments):
    round = make_round(organisation=personas.org_a, instrument=instruments["needs"])
    bulk_responses(round, [{"area": personas.boss_leader.unit, "level": "teamleder",
                            "years_band": "1-3"}] * 30)
    report = needs_report(round, NeedsFilter())
    assert not report.status.shown and report.sections == []
    assert needs_cells(round) == []


def test_the_page_filters_and_withholds_in_words(client, personas, needs):
    client.force_login(personas.alice)
    url = reverse("surveys:report", args=[needs.pk])
    page = client.get(url).content.decode()
    assert "Hva er viktigst for en leder på ditt nivå?" in page
    assert "47 svar i dette utvalget." in page
    hidden = client.get(url, {"level": LeaderLevel.MUNICIPAL_DIRECTOR}).content.decode()
    assert "Vises ikke: utvalget har for få svar" in hidden
    assert "svar i dette utvalget" not in hidden
    broken = client.get(url, {"by": "level"}).content.decode()
    assert "Fordelt" in broken and "ikke vist" in broken
    bad = client.get(url, {"area": "999999", "by": "nonsense"})
    assert bad.status_code == 200
    assert "Velg et gyldig valg" in bad.content.decode()


def test_csv_has_aggregates_only(client, personas, needs):
    client.force_login(personas.alice)
    response = client.get(reverse("surveys:report_csv", args=[needs.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:4] == ["Tjenesteområde", "Ledernivå", "År som leder", "Svar"]
    assert len(rows) > 30
    assert all(int(row[3]) >= 5 and int(row[6]) >= 5 for row in rows[1:])
    assert "Mer om økonomistyring" not in text  # no free text, no single answers


def test_thresholds_are_kept_by_the_round_when_the_municipality_changes_them(personas,
                                                                             instruments):
    round = make_round(organisation=personas.org_a, instrument=instruments["needs"])
    services.thresholds_set(organisation=personas.org_a, min_respondents=8,
                            min_text_respondents=12)
    later = make_round(organisation=personas.org_a, instrument=instruments["needs"])
    round.refresh_from_db()
    assert (round.min_respondents, round.min_text_respondents) == (5, 10)
    assert (later.min_respondents, later.min_text_respondents) == (8, 12)


def test_the_shown_cells_are_worked_out_once_and_kept_on_the_round(needs):
    from surveys.models import Round
    from surveys.reports.needs import needs_rounds_prepare

    assert needs.disclosure is None
    needs_report(needs, NeedsFilter(by="area"))  # a reader's GET stores nothing
    assert Round.objects.get(pk=needs.pk).disclosure is None
    assert needs_rounds_prepare() == 1
    stored = Round.objects.get(pk=needs.pk).disclosure
    assert stored["total"] == 47 and stored["threshold"] == 5
    assert needs_rounds_prepare() == 0  # nothing left to do
    fresh = needs_safety(Round.objects.get(pk=needs.pk))
    assert fresh.shown == {tuple(k) for k in stored["shown"]}
