"""``field__any=[…]`` (lib/lookups.py): the rows of ``field__in``, with one SQL text for
every length of the list, so that it can be a prepared query (on PostgreSQL and SQLite)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Leader, Unit
from groups.models import LeaderGroup
from lib.prepared import Prepared
from lib.scoping import ScopeError, scope, unscoped
from tests.factories import LeaderFactory, LeaderGroupFactory, OrganisationFactory, UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    a, b = OrganisationFactory(name="Fjordvik"), OrganisationFactory(name="Lia")
    # Two units of the same name; names with accents and a newline; a date in the past.
    helse_a, helse_b = UnitFactory(organisation=a, name="Helse"), UnitFactory(organisation=b,
                                                                              name="Helse")
    leaders = [LeaderFactory(organisation=a, unit=helse_a, user__full_name="Åse Ødegård",
                             leader_since=dt.date(2019, 8, 1)),
               LeaderFactory(organisation=a, unit=helse_a, user__full_name="Per\nOlsen"),
               LeaderFactory(organisation=b, unit=helse_b, user__full_name="Kari Bø")]
    return a, b, leaders


def _ids(rows) -> set[int]:
    return {row.pk for row in rows}


def test_the_same_rows_as_in_for_ids_strings_and_uuids(people):
    a, b, leaders = people
    groups = [LeaderGroupFactory(organisation=a, head=leaders[0]),
              LeaderGroupFactory(organisation=b, head=leaders[2])]
    with unscoped():
        for ids in ([], [leaders[0].pk], [leader.pk for leader in leaders], [10**12]):
            assert _ids(Leader.objects.filter(pk__any=ids)) == _ids(
                Leader.objects.filter(pk__in=ids))
        # A foreign key, by the related rows' ids.
        assert _ids(Leader.objects.filter(unit__any=[leaders[2].unit_id])) == {leaders[2].pk}
        # Strings (a unit's path, as Min side reads a unit's ancestors) and UUIDs.
        paths = [leaders[0].unit.path, "9999"]
        assert _ids(Unit.objects.filter(path__any=paths)) == {leaders[0].unit_id}
        assert _ids(LeaderGroup.objects.filter(public_id__any=[groups[1].public_id])) == {
            groups[1].pk}


def test_one_sql_text_for_every_length(people):
    _, _, leaders = people
    with unscoped(), CaptureQueriesContext(connection) as queries:
        for ids in ([], [leaders[0].pk], [leader.pk for leader in leaders]):
            list(Leader.objects.filter(pk__any=ids))
    texts = {query["sql"].split(" WHERE ")[1].split("(")[0] for query in queries}
    assert len(queries) == 3 and len(texts) == 1


def test_a_list_is_not_a_string():
    with unscoped(), pytest.raises(TypeError, match="list of values"):
        Leader.objects.filter(pk__any="12")


@pytest.mark.postgres  # prepared shapes are PostgreSQL's
def test_a_prepared_query_takes_a_list_and_stays_in_its_municipality(people):
    a, b, leaders = people
    prepared = Prepared(lambda ids: Leader.objects.filter(pk__any=ids).order_by("pk"))
    every = [leader.pk for leader in leaders]
    with scope(a.pk):
        assert _ids(prepared(ids=every)) == {leaders[0].pk, leaders[1].pk}
        assert prepared(ids=[]) == []
        assert _ids(prepared(ids=[leaders[1].pk])) == {leaders[1].pk}
    with scope(b.pk):
        assert _ids(prepared(ids=every)) == {leaders[2].pk}
    with unscoped():
        assert _ids(prepared(ids=every)) == set(every)
    strings = Prepared(lambda paths: Unit.objects.filter(path__any=paths))
    with scope(b.pk):
        assert _ids(strings(paths=[leaders[2].unit.path, leaders[0].unit.path])) == {
            leaders[2].unit_id}


@pytest.mark.postgres
def test_asking_another_municipality_by_list_is_refused_as_before(people):
    a, b, _ = people
    prepared = Prepared(lambda organisation_id, ids: Leader.objects.in_organisation(
        organisation_id).filter(pk__any=ids))
    with scope(a.pk), pytest.raises(ScopeError):
        prepared(organisation_id=b.pk, ids=[1])


@pytest.mark.postgres
def test_an_empty_list_first_then_strings(people):
    """The first call's empty list is compiled with a number; a text column's later
    calls still put their strings in its place (Min side of a top-level unit first)."""
    _, b, leaders = people
    by_path = Prepared(lambda paths: Unit.objects.filter(path__any=paths).order_by("depth"))
    with scope(b.pk):
        assert by_path(paths=[]) == []
        assert _ids(by_path(paths=[leaders[2].unit.path])) == {leaders[2].unit_id}
