"""The second wall: the ORM guard that keeps a request inside its municipality.

``lib.scoping.ScopeMiddleware`` arms the guard for the signed-in user's
municipality; every queryset a manager hands out for a municipality-owned
model is then narrowed to it, and asking explicitly for another municipality
raises :class:`lib.scoping.ScopeError`. These tests drive real requests
through the whole middleware stack with a view that runs the queries.
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.http import Http404, HttpResponse, JsonResponse
from django.test import override_settings
from django.urls import include, path, reverse
from simple_history.admin import SimpleHistoryAdmin

from accounts.models import Leader, Organisation, User
from lib.scoping import ScopeError, active_organisation_id, scope, scope_queryset, unscoped
from surveys.models import Instrument
from surveys.tests.factories import InstrumentFactory
from tests.factories import LeaderFactory, UserFactory

pytestmark = pytest.mark.django_db

PROBE: dict = {}


def probe_view(request):
    """Runs whatever query the test put in PROBE, inside the request."""
    try:
        return JsonResponse({"result": PROBE["query"](request), "scope": active_organisation_id()})
    except ScopeError as error:
        return HttpResponse(f"ScopeError: {error}", status=418)


urlpatterns = [
    path("probe/", probe_view),
    path("", include("lederutvikling.urls")),
]


@pytest.fixture
def probe(settings):
    with override_settings(ROOT_URLCONF=__name__):
        yield PROBE
    PROBE.clear()


def test_unscoped_query_during_an_oaf_request_sees_only_its_municipality(client, personas,
                                                                          probe):
    a_leader = personas.bob_leader
    assert Leader.objects.count() == 3  # not armed outside a request: every municipality
    probe["query"] = lambda request: sorted(Leader.objects.values_list("pk", flat=True))
    client.force_login(personas.charlie)
    response = client.get("/probe/")
    assert response.status_code == 200
    assert response.json() == {"result": [personas.dora_leader.pk],
                               "scope": personas.org_b.pk}
    probe["query"] = lambda request: Leader.objects.filter(pk=a_leader.pk).exists()
    assert client.get("/probe/").json()["result"] is False


def test_asking_for_another_municipality_during_an_oaf_request_raises(client, personas, probe):
    client.force_login(personas.charlie)
    probe["query"] = lambda request: Leader.objects.in_organisation(personas.org_a.pk).count()
    response = client.get("/probe/")
    assert response.status_code == 418
    assert "ScopeError" in response.content.decode()
    # The scoping helper, given a user of A during B's request, raises as well.
    probe["query"] = lambda request: scope_queryset(Leader.objects.all(), personas.alice).count()
    assert client.get("/probe/").status_code == 418


def test_related_managers_and_history_rows_are_narrowed_too(client, personas, probe):
    bob = personas.bob
    bob.full_name = "Bob Endret"
    bob.save()
    assert bob.history.count() >= 1
    client.force_login(personas.charlie)
    probe["query"] = lambda request: [
        personas.org_a.users.count(),  # a reverse related manager
        User.history.filter(id=bob.pk).count(),  # django-simple-history's rows
        Organisation.objects.filter(pk=personas.org_a.pk).count(),
    ]
    assert client.get("/probe/").json()["result"] == [0, 0, 0]
    client.force_login(personas.alice)
    result = client.get("/probe/").json()["result"]
    assert result[0] >= 3 and result[1] >= 1 and result[2] == 1


def test_shared_rows_stay_visible_to_every_municipality(client, personas, probe):
    # A shared row of its own: the migrated standard instruments are gone after a
    # transactional test's flush in the same worker.
    InstrumentFactory(organisation=None)
    standard = Instrument.objects.filter(organisation=None).count()
    assert standard >= 1
    probe["query"] = lambda request: Instrument.objects.filter(organisation=None).count()
    client.force_login(personas.charlie)
    assert client.get("/probe/").json()["result"] == standard


def test_superusers_and_anonymous_requests_are_not_armed(client, personas, probe):
    probe["query"] = lambda request: Leader.objects.count()
    root = UserFactory(email="drift@lederutvikling.example", organisation=personas.org_a,
                       is_superuser=True)
    client.force_login(root)
    assert client.get("/probe/").json() == {"result": 3, "scope": None}


def test_unique_checks_see_every_municipality(client, personas):
    """An email taken in A is refused to B's O&F as a form error, not a database 500."""
    client.force_login(personas.charlie)
    response = client.post(reverse("admin:accounts_user_add"), {
        "email": "BOB@askvik.example", "full_name": "Ny Person", "language": "nb",
        "password1": "Hemmelig-Passord-42", "password2": "Hemmelig-Passord-42",
        "usable_password": "true", "date_joined_0": "2026-01-01", "date_joined_1": "08:00",
        "is_active": "on"})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert User.objects.filter(email__iexact="bob@askvik.example").count() == 1


def test_the_guard_alone_stops_the_history_version_hole(personas, rf):
    """Without the first wall (simple-history's own, unscoped view), the guard still 404s."""
    bob = personas.bob
    bob.full_name = "Bob Versjon"
    bob.save()
    version = bob.history.order_by("-history_id").first()
    before = User.objects.filter(pk=bob.pk).values().get()
    model_admin = admin.site._registry[User]
    for method in ("get", "post"):
        request = getattr(rf, method)("/admin/", {"email": "charlie@brattli.example",
                                                  "is_oaf_admin": "on", "full_name": "x"})
        request.user = personas.charlie
        with scope(personas.org_b.pk), pytest.raises(Http404):
            SimpleHistoryAdmin.history_form_view(model_admin, request, str(bob.pk),
                                                 str(version.history_id))
    assert User.objects.filter(pk=bob.pk).values().get() == before
    # Not armed, the same lookup finds A's version: the guard made the difference.
    assert User.history.filter(id=bob.pk, history_id=version.history_id).exists()
    with scope(personas.org_a.pk):
        assert User.history.filter(id=bob.pk, history_id=version.history_id).exists()


def test_scopes_nest_and_unscoped_is_explicit(personas):
    LeaderFactory(organisation=personas.org_b, unit=personas.dora_leader.unit)
    with scope(personas.org_b.pk):
        assert Leader.objects.count() == 2
        with unscoped():
            assert Leader.objects.count() == 4
        assert Leader.objects.count() == 2
        with pytest.raises(ScopeError):
            Leader.objects.in_organisation(personas.org_a.pk)
    assert active_organisation_id() is None
