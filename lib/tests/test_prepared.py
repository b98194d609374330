"""lib.prepared: a query shape compiled once, run with each call's values — the same rows
as the ordinary query, inside the tenant guard, and refused where it cannot be exact."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Leader
from groups.models import LeaderGroup, LeaderGroupMembership
from lib.prepared import Prepared, PreparedQueryError
from lib.scoping import ScopeError, scope, unscoped
from tests.factories import (
    LeaderFactory,
    LeaderGroupFactory,
    LeaderGroupMembershipFactory,
    OrganisationFactory,
    UnitFactory,
)

# The kept shapes are PostgreSQL's; on SQLite each call is the ordinary query.
pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def _leaders_in(organisation_id: int, title: str, since: dt.date):
    member_of = LeaderGroupMembership.objects.filter(leader=OuterRef("pk"))
    return (Leader.objects.filter(organisation_id=organisation_id)
            .filter(Q(title=title) | Q(leader_since__gte=since))
            .annotate(in_a_group=Exists(member_of))
            .select_related("user", "unit").order_by("user__full_name"))


@pytest.fixture
def two_municipalities():
    a, b = OrganisationFactory(name="Fjordvik"), OrganisationFactory(name="Lia")
    # Two units with the same name, names with accents and a newline, dates in the past.
    unit_a, unit_b = UnitFactory(organisation=a, name="Helse"), UnitFactory(organisation=b,
                                                                              name="Helse")
    people = {
        "åse": LeaderFactory(organisation=a, unit=unit_a, title="Rektor",
                             user__full_name="Åse Ødegård", leader_since=dt.date(2019, 8, 1)),
        "per": LeaderFactory(organisation=a, unit=unit_a, title="Enhetsleder",
                             user__full_name="Per\nOlsen", leader_since=dt.date(2024, 1, 1)),
        "kari": LeaderFactory(organisation=b, unit=unit_b, title="Rektor",
                              user__full_name="Kari Bø", leader_since=dt.date(2010, 3, 1)),
    }
    group = LeaderGroupFactory(organisation=a, head=people["åse"])
    LeaderGroupMembershipFactory(group=group, leader=people["per"])
    return a, b, people


def test_each_call_gives_the_rows_of_the_ordinary_query_for_its_own_values(two_municipalities):
    a, b, people = two_municipalities
    prepared = Prepared(_leaders_in)
    cases = [(a.pk, "Rektor", dt.date(2030, 1, 1)), (a.pk, "Ingen", dt.date(2023, 1, 1)),
             (a.pk, "Rektor", dt.date(2000, 1, 1)), (b.pk, "Rektor", dt.date(2030, 1, 1)),
             (a.pk, "Per\nOlsen", dt.date(2030, 1, 1))]
    for organisation_id, title, since in cases:
        got = prepared(organisation_id=organisation_id, title=title, since=since)
        expected = list(_leaders_in(organisation_id, title, since))
        assert [(x.pk, x.in_a_group, x.user.full_name, x.unit.name) for x in got] \
            == [(x.pk, x.in_a_group, x.user.full_name, x.unit.name) for x in expected]
    assert [x.user.full_name for x in prepared(organisation_id=a.pk, title="Rektor",
                                                since=dt.date(2020, 1, 1))] \
        == ["Per\nOlsen", "Åse Ødegård"]
    assert [x.in_a_group for x in prepared(organisation_id=a.pk, title="x",
                                           since=dt.date(2000, 1, 1))] == [True, False]
    assert len(prepared._compiled) == 1  # one shape, compiled once


def test_one_query_per_call_and_related_objects_need_none(two_municipalities):
    a, _, _ = two_municipalities
    prepared = Prepared(_leaders_in)
    prepared(organisation_id=a.pk, title="Rektor", since=dt.date(2000, 1, 1))
    with CaptureQueriesContext(connection) as queries:
        rows = prepared(organisation_id=a.pk, title="Rektor", since=dt.date(2000, 1, 1))
        names = [(row.user.full_name, row.unit.name) for row in rows]
    assert len(queries) == 1
    assert names == [("Per\nOlsen", "Helse"), ("Åse Ødegård", "Helse")]


def test_values_list_and_annotations(two_municipalities):
    a, _, people = two_municipalities
    prepared = Prepared(lambda organisation_id: (
        Leader.objects.filter(organisation_id=organisation_id).values("unit__name")
        .annotate(n=Count("pk")).values_list("unit__name", "n")))
    assert prepared(organisation_id=a.pk) == [("Helse", 2)]


def test_true_false_and_none_are_shapes_of_their_own(two_municipalities):
    a, _, people = two_municipalities
    people["per"].is_talent = True
    people["per"].save()
    prepared = Prepared(lambda organisation_id, talent, unit_id: Leader.objects.filter(
        organisation_id=organisation_id, is_talent=talent, unit_id=unit_id).order_by("pk"))
    unit = people["per"].unit_id
    assert prepared(organisation_id=a.pk, talent=True, unit_id=unit) == [people["per"]]
    assert prepared(organisation_id=a.pk, talent=False, unit_id=unit) == [people["åse"]]
    assert prepared(organisation_id=a.pk, talent=False, unit_id=None) == []
    assert len(prepared._compiled) == 3
    nobody = Prepared(lambda organisation_id: Leader.objects.in_organisation(organisation_id))
    assert nobody(organisation_id=None) == []  # .none(): no SQL at all
    assert sorted(x.pk for x in nobody(organisation_id=a.pk)) \
        == sorted([people["åse"].pk, people["per"].pk])


def test_under_the_guard_each_municipality_gets_its_own_rows_and_no_other(two_municipalities):
    a, b, people = two_municipalities
    everyone = Prepared(lambda title: Leader.objects.filter(title=title).order_by("pk"))
    with scope(a.pk):
        assert everyone(title="Rektor") == [people["åse"]]
    with scope(b.pk):  # compiled under Fjordvik's request, run for Lia: Lia's rows only
        assert everyone(title="Rektor") == [people["kari"]]
    with unscoped():
        assert everyone(title="Rektor") == [people["åse"], people["kari"]]
    assert everyone(title="Rektor") == [people["åse"], people["kari"]]  # not armed

    asked = Prepared(lambda organisation_id: Leader.objects.in_organisation(organisation_id)
                     .order_by("pk"))
    with scope(a.pk):
        assert asked(organisation_id=a.pk) == [people["åse"], people["per"]]
    with scope(b.pk):
        assert asked(organisation_id=b.pk) == [people["kari"]]
        with pytest.raises(ScopeError):  # another municipality, as the ordinary query
            asked(organisation_id=a.pk)
    with scope(a.pk):
        # An id that happens to equal the municipality's is still only that value.
        leader_ids = Prepared(lambda pk: Leader.objects.filter(pk=pk))
        assert leader_ids(pk=people["åse"].pk) == [people["åse"]]


def test_a_value_computed_inside_the_builder_is_refused(two_municipalities, settings):
    from django.utils import translation

    a, _, _ = two_municipalities
    frozen = Prepared(lambda organisation_id: Leader.objects.filter(
        organisation_id=organisation_id, user__date_joined__lte=timezone.now()))
    settings.PREPARED_QUERIES_CHECK = False  # as in production: the two compilations differ
    with pytest.raises(PreparedQueryError, match="a value reached the SQL changed"):
        frozen(organisation_id=a.pk)
    # The language is the same in both compilations: the tests' check catches it.
    settings.PREPARED_QUERIES_CHECK = True
    by_language = Prepared(lambda organisation_id: Leader.objects.filter(
        organisation_id=organisation_id).exclude(title=translation.get_language()))
    with translation.override("nb"):
        assert len(by_language(organisation_id=a.pk)) == 2
    with translation.override("nn"), pytest.raises(PreparedQueryError,
                                                   match="differs from its ordinary build"):
        by_language(organisation_id=a.pk)


def test_stand_ins_stay_inside_every_integer_field_s_range(two_municipalities):
    """Django answers "no rows" without SQL for a value outside a field's range; a
    stand-in must never be one, or the kept query would find nothing for ever."""
    from accounts.models import ApprovalDecision

    a, _, people = two_municipalities
    decisions = Prepared(lambda kind, request_id: ApprovalDecision.objects.filter(
        request_kind=kind, request_id=request_id))  # a PositiveBigIntegerField
    assert decisions(kind="coaching.course", request_id=people["åse"].pk) == []
    assert decisions._compiled and all(c.sql for c in decisions._compiled.values())
    nobody = Prepared(lambda organisation_id: Leader.objects.filter(
        organisation_id=organisation_id, pk__in=[]))
    assert nobody(organisation_id=a.pk) == []  # truly empty: no SQL kept
    assert all(not c.sql for c in nobody._compiled.values())


def test_values_django_rewrites_and_prefetches_are_refused(two_municipalities):
    a, _, _ = two_municipalities
    with pytest.raises(PreparedQueryError, match="a value reached the SQL changed"):
        Prepared(lambda title: Leader.objects.filter(title__icontains=title))(title="rek")
    with pytest.raises(PreparedQueryError, match="prefetch_related"):
        Prepared(lambda organisation_id: Leader.objects.filter(
            organisation_id=organisation_id).prefetch_related("group_memberships"))(
                organisation_id=a.pk)
    with pytest.raises(PreparedQueryError, match="only through field__any"):
        Prepared(lambda ids: Leader.objects.filter(pk__in=ids))(ids=[1, 2])
    with pytest.raises(TypeError, match="takes"):
        Prepared(lambda organisation_id: Leader.objects.all())(organisation=a.pk)


def test_visible_scope_narrows_as_visible_to_does(two_municipalities):
    from django.contrib.auth.models import AnonymousUser

    from lib.prepared import narrowed, visible_scope
    from tests.factories import UserFactory

    a, b, people = two_municipalities
    by_title = Prepared(lambda organisation_id, title: narrowed(
        Leader.objects.filter(title=title), organisation_id).order_by("pk"))
    admin = UserFactory(is_superuser=True, organisation=None)
    nobody = UserFactory(organisation=None)
    gone = UserFactory(organisation=a, is_active=False)
    for user in (people["åse"].user, people["kari"].user, admin):
        organisation_id = visible_scope(user)
        assert organisation_id is not False
        assert by_title(organisation_id=organisation_id, title="Rektor") \
            == list(Leader.objects.visible_to(user).filter(title="Rektor").order_by("pk"))
        assert by_title.visible_to(user, title="Rektor") \
            == by_title(organisation_id=organisation_id, title="Rektor")
    assert visible_scope(admin) is None
    assert visible_scope(people["kari"].user) == b.pk
    for user in (nobody, gone, AnonymousUser()):
        assert visible_scope(user) is False
        assert not Leader.objects.visible_to(user).exists()
        with CaptureQueriesContext(connection) as queries:
            assert by_title.visible_to(user, title="Rektor") == []
        assert len(queries) == 0


# place_children: a parent's children left as prefetch_related leaves them, the
# parent's own queryset built only when something other than its rows is asked.


def _groups_with_children(organisation, people):
    from lib.prepared import place_children

    second = LeaderGroupFactory(organisation=organisation, head=people["per"], name="Helse 2")
    LeaderGroupMembershipFactory(group=second, leader=people["åse"])
    groups = list(LeaderGroup.objects.order_by("name"))
    memberships = LeaderGroupMembership.objects.select_related("leader").order_by("pk")
    placed = place_children(groups, "memberships", ((m.group_id, m) for m in memberships),
                            back="group")
    place_children(groups, "members", ((m.group_id, m.leader) for m in memberships))
    return groups, placed, next(g for g in groups if g.pk == second.pk)


def test_placed_children_are_read_without_a_query_and_filter_asks_for_the_parent_s_own(
        two_municipalities):
    a, _b, people = two_municipalities
    with scope(a.pk):
        groups, placed, second = _groups_with_children(a, people)
        first = next(g for g in groups if g.pk != second.pk)
        with CaptureQueriesContext(connection) as reads:
            assert [m.leader for m in first.memberships.all()] == [people["per"]]
            assert list(second.members.all()) == [people["åse"]]
            assert first.memberships.count() == 1 and first.members.exists()
            assert len(second.memberships.all()) == 1 and bool(second.members.all())
            assert first.memberships.all()[0].group is first  # ``back``
        assert len(reads) == 0, [q["sql"] for q in reads.captured_queries]
        assert placed == {first.pk: list(first.memberships.all()),
                          second.pk: list(second.memberships.all())}
        # Anything else is Django's own query for that parent only, in order, with the
        # parent set on what it reads as a prefetched reverse foreign key leaves it.
        with CaptureQueriesContext(connection) as reads:
            assert list(first.memberships.filter(leader=people["per"])) == list(
                first.memberships.all())
            assert list(second.memberships.filter(leader=people["per"])) == []
            assert second.members.order_by("pk").first() == people["åse"]
            assert list(first.members.values_list("pk", flat=True)) == [people["per"].pk]
            assert first.memberships.filter(leader=people["per"]).get().group is first
        assert len(reads) == 5
        # The guard's filter is in the parent's query too.
        sql = str(second.members.all().query)
        assert f'"organisation_id" = {a.pk}' in sql.replace("accounts_leader.", "")


def test_placed_children_pickle_as_a_plain_queryset(two_municipalities):
    import pickle

    a, _b, people = two_municipalities
    with scope(a.pk):
        groups, _placed, _second = _groups_with_children(a, people)
        again = pickle.loads(pickle.dumps(groups))  # noqa: S301 - the test's own objects
        children = again[0]._prefetched_objects_cache["members"]
        assert type(children) is type(Leader.objects.all())
        assert [list(g.members.all()) for g in again] == [list(g.members.all()) for g in groups]


def test_rows_are_read_as_django_s_own_iterables_read_them(two_municipalities):
    """A kept shape reads its rows itself (``_reader``: no per-read populators, converters
    or chunked cursor): the same objects, related objects (a missing one is None without a
    query), annotations, converted JSON, dicts, tuples and flat values as Django's."""
    from lib.models import AuditEntry

    a, _, people = two_municipalities
    people["per"].leader_above = people["åse"]
    people["per"].save(update_fields=["leader_above"])
    AuditEntry.objects.create(organisation=a, action="test", summary="Å\nB",
                              data={"names": ["Åse", "Per\nOlsen"], "n": 2})

    def leaders(organisation_id):
        return (Leader.objects.filter(organisation_id=organisation_id)
                .select_related("user", "unit", "leader_above__user")
                .annotate(groups=Count("group_memberships")).order_by("user__full_name"))

    shapes = {
        "objects": Prepared(leaders),
        "dicts": Prepared(lambda organisation_id: leaders(organisation_id).values(
            "pk", "user__full_name", "groups")),
        "tuples": Prepared(lambda organisation_id: leaders(organisation_id).values_list(
            "user__full_name", "leader_above__user__full_name", "groups")),
        "flat": Prepared(lambda organisation_id: leaders(organisation_id).values_list(
            "user__full_name", flat=True)),
        "json": Prepared(lambda organisation_id: AuditEntry.objects.filter(
            organisation_id=organisation_id).values_list("data", flat=True)),
    }
    got = {name: shape(organisation_id=a.pk) for name, shape in shapes.items()}
    assert all(next(iter(shape._compiled.values())).reader is not None
               for shape in shapes.values())  # the kept reader, not Django's iterable
    expected = list(leaders(a.pk))
    assert [(x.pk, x.user.full_name, x.unit.name, x.groups, x._state.adding, x._state.db)
            for x in got["objects"]] == [
        (x.pk, x.user.full_name, x.unit.name, x.groups, False, "default") for x in expected]
    per, åse = got["objects"]
    with CaptureQueriesContext(connection) as queries:
        assert per.leader_above.user.full_name == "Åse Ødegård"
        assert åse.leader_above is None
    assert len(queries) == 0
    assert got["dicts"] == list(leaders(a.pk).values("pk", "user__full_name", "groups"))
    assert got["tuples"] == [("Per\nOlsen", "Åse Ødegård", 1), ("Åse Ødegård", None, 0)]
    assert got["flat"] == ["Per\nOlsen", "Åse Ødegård"]
    assert got["json"] == [{"names": ["Åse", "Per\nOlsen"], "n": 2}]


def _state(obj):
    return {name: value for name, value in obj._state.__dict__.items() if name != "fields_cache"}


def _inits(shape, **values):
    """How many objects a call of ``shape`` builds through ``Model.__init__`` (Django's
    ``from_db``), once it is compiled."""
    from unittest import mock

    from django.db.models import Model

    shape(**values)
    original, calls = Model.__init__, []

    def counted(self, *args, **kwargs):
        calls.append(self)
        original(self, *args, **kwargs)

    with mock.patch.object(Model, "__init__", counted):
        shape(**values)
    return len(calls)


def test_objects_are_built_as_django_builds_them(two_municipalities):
    """A full row is written straight into the instance (``_builder``): the same fields,
    state and related objects as ``Model.from_db``; a ``post_init`` receiver is honoured
    (the object is then built by Django, each time), a deferred column too."""
    from django.db.models.signals import post_init

    a, _, people = two_municipalities
    people["per"].leader_above = people["åse"]
    people["per"].save(update_fields=["leader_above"])

    def leaders(organisation_id):
        return (Leader.objects.filter(organisation_id=organisation_id)
                .select_related("user", "leader_above__user").order_by("user__full_name"))

    shape = Prepared(leaders)
    deferred = Prepared(lambda organisation_id: leaders(organisation_id).defer("title"))
    expected = list(leaders(a.pk))

    def described(objects):
        return [(vars(x) | {"_state": _state(x)}, vars(x.user) | {"_state": _state(x.user)},
                 x.leader_above and x.leader_above.user.full_name) for x in objects]

    got = shape(organisation_id=a.pk)
    assert described(got) == described(expected)
    assert _inits(shape, organisation_id=a.pk) == 0
    got[0].title = "Rådgiver\nnr. 2"
    got[0].save(update_fields=["title"])  # a built object saves as Django's does
    assert Leader.objects.get(pk=got[0].pk).title == "Rådgiver\nnr. 2"
    # A deferred column (only()/defer()) is built the same way, left out as Django leaves it.
    got_deferred = deferred(organisation_id=a.pk)
    assert _inits(deferred, organisation_id=a.pk) == 0  # no Model.__init__: built plainly
    assert described(got_deferred) == described(list(leaders(a.pk).defer("title")))
    assert [x.get_deferred_fields() for x in got_deferred] == [{"title"}] * 2
    with CaptureQueriesContext(connection) as queries:
        assert got_deferred[0].title == "Rådgiver\nnr. 2"  # read on first use
    assert len(queries) == 1
    some = Prepared(lambda organisation_id: Leader.objects.filter(
        organisation_id=organisation_id).select_related("user").only(
        "title", "user__full_name").order_by("user__full_name"))
    assert _inits(some, organisation_id=a.pk) == 0
    assert described(some(organisation_id=a.pk)) == described(list(
        Leader.objects.filter(organisation_id=a.pk).select_related("user").only(
            "title", "user__full_name").order_by("user__full_name")))
    seen = []

    def receiver(sender, instance, **kwargs):
        seen.append(instance)

    post_init.connect(receiver, sender=Leader)
    try:
        again = shape(organisation_id=a.pk)
    finally:
        post_init.disconnect(receiver, sender=Leader)
    # Both leaders and Per's leader above (select_related): each built by Django.
    assert len(seen) == 3 and all(any(x is y for y in seen) for x in again)


def test_the_driver_s_cursor_is_kept_per_connection_and_made_anew_after_a_reconnect(
        two_municipalities):
    """Prepared queries share one driver cursor per connection (``_kept_cursor``); each is
    still a query Django sees (captured, wrapped), and a closed connection gets a new
    cursor on its new connection, not an error."""
    from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction

    from lib.prepared import _KEPT_CURSOR

    a, _, _ = two_municipalities
    prepared = Prepared(_leaders_in)
    values = {"organisation_id": a.pk, "title": "Rektor", "since": dt.date(2000, 1, 1)}
    first = prepared(**values)
    kept = connections[DEFAULT_DB_ALIAS].__dict__[_KEPT_CURSOR]
    seen = []

    def wrapper(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with CaptureQueriesContext(connection) as queries, connection.execute_wrapper(wrapper):
        again = prepared(**values)
    assert connections[DEFAULT_DB_ALIAS].__dict__[_KEPT_CURSOR] is kept
    assert len(queries) == 1 and len(seen) == 1
    assert [x.pk for x in again] == [x.pk for x in first]
    # A failed statement leaves the kept cursor usable once its transaction is undone.
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT 1 / 0")
    assert [x.pk for x in prepared(**values)] == [x.pk for x in first]


@pytest.mark.django_db(transaction=True)
def test_a_closed_connection_gets_a_new_kept_cursor():
    from django.db import DEFAULT_DB_ALIAS, connections

    from accounts.models import Organisation
    from lib.prepared import _KEPT_CURSOR

    OrganisationFactory(name="Øvre\nFjordvik")
    names = Prepared(lambda name: Organisation.objects.filter(name=name).values_list(
        "name", flat=True))
    assert names(name="Øvre\nFjordvik") == ["Øvre\nFjordvik"]
    kept = connections[DEFAULT_DB_ALIAS].__dict__[_KEPT_CURSOR]
    connection.close()
    assert names(name="Øvre\nFjordvik") == ["Øvre\nFjordvik"]
    assert connections[DEFAULT_DB_ALIAS].__dict__[_KEPT_CURSOR] is not kept
    assert kept.connection.closed  # the old one belongs to the closed connection


def _in_pipeline(seen: list[bool]):
    """An execute wrapper noting, per statement, whether it went out in a pipeline."""
    def wrapper(execute, sql, params, many, context):
        seen.append(connection.connection._pipeline is not None)
        return execute(sql, params, many, context)
    return wrapper


def test_reads_sent_together_give_each_call_its_own_rows_in_one_pipeline(two_municipalities):
    from lib.prepared import together

    a, b, people = two_municipalities
    prepared = Prepared(_leaders_in)
    names = Prepared(lambda organisation_id: Leader.objects.filter(
        organisation_id=organisation_id).order_by("user__full_name").values_list(
        "user__full_name", flat=True))
    reads = [prepared.read(organisation_id=a.pk, title="Rektor", since=dt.date(2030, 1, 1)),
             prepared.read(organisation_id=b.pk, title="Rektor", since=dt.date(2030, 1, 1)),
             names.read(organisation_id=a.pk),
             prepared.read(organisation_id=a.pk, title="Ingen", since=dt.date(2030, 1, 1))]
    expected = [[getattr(x, "pk", x) for x in read()] for read in reads]
    seen: list[bool] = []
    with CaptureQueriesContext(connection) as queries, \
            connection.execute_wrapper(_in_pipeline(seen)):
        got = together(*reads)
    assert [[getattr(x, "pk", x) for x in rows] for rows in got] == expected \
        == [[people["åse"].pk], [people["kari"].pk], ["Per\nOlsen", "Åse Ødegård"], []]
    assert got[0][0].user.full_name == "Åse Ødegård" and got[0][0].in_a_group is False
    assert len(queries) == 4 and seen == [True] * 4  # each captured once, all pipelined


def test_a_read_sent_ahead_is_served_once_and_other_calls_run_as_always(two_municipalities,
                                                                        settings):
    """Inside the block the call with the same shape and values gets the rows sent when
    it started (a change made since is not in them: the block is for a page's reads
    before it writes); a second call and a call with other values ask the database.
    A read sent and never asked for fails the tests; so does nothing in production."""
    from lib.prepared import ahead

    a, b, people = two_municipalities
    titles = Prepared(lambda organisation_id: Leader.objects.filter(
        organisation_id=organisation_id).order_by("pk").values_list("title", flat=True))
    with ahead([titles.read(organisation_id=a.pk), titles.read(organisation_id=b.pk)]):
        Leader.objects.filter(pk=people["åse"].pk).update(title="Kommunalsjef")
        with CaptureQueriesContext(connection) as queries:
            assert titles(organisation_id=a.pk) == ["Rektor", "Enhetsleder"]  # as sent
            assert titles(organisation_id=a.pk) == ["Kommunalsjef", "Enhetsleder"]  # asked
            assert titles(organisation_id=b.pk) == ["Rektor"]
        assert len(queries) == 1
    with pytest.raises(PreparedQueryError, match="not asked for"), \
            ahead([titles.read(organisation_id=a.pk), titles.read(organisation_id=b.pk)]):
        titles(organisation_id=a.pk)
    settings.PREPARED_QUERIES_CHECK = False
    with ahead([titles.read(organisation_id=a.pk), titles.read(organisation_id=b.pk)]):
        pass
    assert titles(organisation_id=a.pk) == ["Kommunalsjef", "Enhetsleder"]


def test_with_the_pipeline_off_nothing_is_sent_ahead(two_municipalities, settings):
    from lib.prepared import ahead, together

    a, b, people = two_municipalities
    settings.PREPARED_READS_AHEAD = False
    titles = Prepared(lambda organisation_id: Leader.objects.filter(
        organisation_id=organisation_id).order_by("pk").values_list("title", flat=True))
    seen: list[bool] = []
    with connection.execute_wrapper(_in_pipeline(seen)):
        assert together(titles.read(organisation_id=a.pk), titles.read(
            organisation_id=b.pk)) == [["Rektor", "Enhetsleder"], ["Rektor"]]
        with ahead([titles.read(organisation_id=a.pk), titles.read(organisation_id=b.pk)]):
            Leader.objects.filter(pk=people["kari"].pk).update(title="Kommunalsjef")
            assert titles(organisation_id=b.pk) == ["Kommunalsjef"]
    assert seen == [False] * 4


def test_an_error_in_a_pipeline_is_django_s_and_leaves_the_connection_usable(
        two_municipalities):
    from django.db import DataError, transaction

    from lib.prepared import together

    a, _, people = two_municipalities
    titles = Prepared(lambda organisation_id: Leader.objects.filter(
        organisation_id=organisation_id).order_by("pk").values_list("title", flat=True))
    titled = Prepared(lambda organisation_id, title: Leader.objects.filter(
        organisation_id=organisation_id, title=title).values_list("pk", flat=True))
    with pytest.raises(DataError), transaction.atomic():
        together(titles.read(organisation_id=a.pk),
                 titled.read(organisation_id=a.pk, title="\x00"))  # NUL: refused by PostgreSQL
    assert together(titles.read(organisation_id=a.pk), titled.read(
        organisation_id=a.pk, title="Rektor")) == [["Rektor", "Enhetsleder"],
                                                  [people["åse"].pk]]


def test_a_read_whose_values_cannot_be_a_key_runs_as_always(two_municipalities):
    """A value that is not hashable (none of the values a prepared query takes is, but a
    caller could pass one) is not sent ahead and finds nothing: the call runs. Each
    value's type is part of the key (``True`` is not ``1``), a list is keyed as a tuple,
    and the municipality acted for is part of it."""
    from lib.prepared import _sent_key
    from lib.scoping import scope

    a, b, _ = two_municipalities
    titles = Prepared(lambda organisation_id: Leader.objects.filter(
        organisation_id=organisation_id).values_list("title", flat=True))
    assert _sent_key(titles, {"organisation_id": a.pk}) is not None
    assert _sent_key(titles, {"organisation_id": {"a": 1}}) is None
    assert _sent_key(titles, {"organisation_id": [1, 2]})[-1] == (
        "organisation_id", list, (1, 2))
    assert _sent_key(titles, {"organisation_id": 1}) != _sent_key(
        titles, {"organisation_id": True})
    with scope(a.pk):
        in_a = _sent_key(titles, {"organisation_id": a.pk})
    with scope(b.pk):
        assert _sent_key(titles, {"organisation_id": a.pk}) != in_a
