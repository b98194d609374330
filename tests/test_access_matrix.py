"""The access-control matrix: every URL that names an object, as every role.

Built from the URL conf, so a new view fails here until ``tests/access_cases.py``
has a builder for it. For each route and each role that is not an owner of
the object (always including both roles of the other municipality and the
anonymous visitor), GET and POST are refused (403/404; 405 where the method
is not served) and a POST changes nothing. Owners reach the object.

The anonymous visitor must be sent to log in — a 404 does not count — on every
page except the few that are public by design (:data:`PUBLIC`): a page that
forgot to require a login also answers a stranger with 404 (its access helper
finds nothing for nobody), so only the redirect proves the login is required.
"""

from __future__ import annotations

import hashlib
import re
import uuid

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse

from tests.access_cases import BUILDERS, Case
from tests.access_world import OTHER_MUNICIPALITY, ROLES, World
from tests.urlwalk import Route, all_routes, object_routes

pytestmark = pytest.mark.django_db

REFUSED = {403, 404, 405}
LOGIN = "/konto/logg-inn/"
# Tables too large to hash row by row on every POST; their row count is compared.
COUNT_ONLY_ROWS = 3000
SKIP_TABLES = {"django_session"}  # the test client's own session is saved on every request
# Open without logging in, by design (``@login_not_required``): the login and password
# pages, the signed and token links (an evaluation answered from its email, the
# calendar feed), the language switch, the accessibility and privacy statements and the
# health check.
PUBLIC = {"login", "password_reset", "password_reset_done", "password_reset_confirm",
          "password_reset_complete", "accounts:language_set", "privacy:accessibility",
          "privacy:privacy", "accounts:calendar_feed", "healthz", "favicon", "surveys:answer_token",
          "surveys:thanks",
          # Sign-in with the municipality's account (accounts/sso/): start and callback.
          "kommune_login", "kommune_callback",
          # The code asked between the password and the session (allauth's MFA stage);
          # without a sign-in under way it sends the visitor to log in.
          "mfa_authenticate"}


def db_fingerprint() -> str:
    """A hash over every row of every table (counts only for the largest ones)."""
    digest = hashlib.sha256()
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            table = model._meta.db_table
            if table in SKIP_TABLES:
                continue
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT COUNT(*) FROM {quoted}")  # noqa: S608 - model table names
            count = cursor.fetchone()[0]
            digest.update(f"{table}:{count};".encode())
            if count <= COUNT_ONLY_ROWS:
                pk = connection.ops.quote_name(model._meta.pk.column)
                cursor.execute(f"SELECT * FROM {quoted} ORDER BY {pk}")  # noqa: S608
                digest.update(repr(cursor.fetchall()).encode())
    return digest.hexdigest()


def _is_public(route: Route) -> bool:
    return getattr(route.view, "login_required", True) is False


def _refused(role: str, response, case: Case, route: Route) -> bool:
    if role == "anonymous" and route.name not in PUBLIC:
        return response.status_code == 302 and response["Location"].startswith(LOGIN)
    if role == "anonymous" and response.status_code == 302:
        return response["Location"].startswith(LOGIN)
    if response.status_code == 200 and case.refusal_page is not None:
        return case.refusal_page(response)
    return response.status_code in REFUSED


def test_every_parameterised_url_has_a_builder():
    missing = sorted(r.name for r in object_routes() if r.name not in BUILDERS)
    assert missing == [], f"add a builder to tests/access_cases.py for: {missing}"
    stale = sorted(set(BUILDERS) - {r.name for r in object_routes()})
    assert stale == [], f"builders for URL names that no longer exist: {stale}"


def test_every_role_is_refused_what_is_not_theirs_and_owners_reach_theirs(world: World):
    leaks: list[str] = []
    unreachable: list[str] = []
    clients = {role: world.client(role) for role in ROLES}
    for route in object_routes():
        case = BUILDERS[route.name](world)
        url = reverse(route.name, kwargs=case.kwargs)
        denied = [r for r in ROLES if r not in case.owners | case.also]
        assert OTHER_MUNICIPALITY | {"anonymous"} <= set(denied), route.name
        for role in denied:
            response = clients[role].get(url)
            if not _refused(role, response, case, route):
                leaks.append(f"GET {route.name} as {role}: {response.status_code}")
            before = db_fingerprint()
            response = clients[role].post(url, {"text": "x", "note": "x", "done": "1"})
            if not _refused(role, response, case, route):
                leaks.append(f"POST {route.name} as {role}: {response.status_code}")
            if db_fingerprint() != before:
                leaks.append(f"POST {route.name} as {role} changed the database")
        for role in case.owners:
            response = clients[role].get(url)
            ok = response.status_code == 200 or (
                response.status_code == 302 and not response["Location"].startswith(LOGIN))
            # POST-only actions answer 405 to GET; their owners are covered by the apps' tests.
            if not ok and response.status_code != 405:
                unreachable.append(f"GET {route.name} as {role}: {response.status_code}")
    assert leaks == []
    assert unreachable == []


def test_other_municipality_gets_404_never_403(world: World):
    """A foreign object must not even be revealed to exist."""
    revealing: list[str] = []
    for route in object_routes():
        case = BUILDERS[route.name](world)
        if not case.owners and not case.also:
            continue  # capability links: nobody's object, nothing to reveal
        url = reverse(route.name, kwargs=case.kwargs)
        for role in sorted(OTHER_MUNICIPALITY):
            response = world.client(role).get(url)
            if response.status_code not in {404, 405}:
                revealing.append(f"{route.name} as {role}: {response.status_code}")
    assert revealing == []


def test_the_public_pages_are_exactly_the_listed_ones():
    """A page marked ``@login_not_required`` must be added to PUBLIC on purpose."""
    public = {route.name for route in all_routes() if _is_public(route)}
    assert public == PUBLIC, (
        f"public by decorator, not listed: {sorted(public - PUBLIC)}; "
        f"listed, not public: {sorted(PUBLIC - public)}")


def _sample_kwargs(route: Route) -> dict[str, object]:
    """Made-up URL arguments (the login wall answers before any object is looked up)."""
    kwargs: dict[str, object] = {}
    for converter, name in re.findall(r"<(?:(\w+):)?(\w+)>", route.route):
        kwargs[name] = {"uuid": uuid.uuid4(), "int": 1}.get(converter, "x")
    return kwargs


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_visitors_are_sent_to_log_in_everywhere(client, method):
    """Every page but the public ones redirects an anonymous visitor to the login page."""
    wrong: list[str] = []
    for route in all_routes():
        if route.name in PUBLIC:
            continue
        url = reverse(route.name, kwargs=_sample_kwargs(route))
        response = getattr(client, method)(url)
        if not (response.status_code == 302 and response["Location"].startswith(LOGIN)):
            wrong.append(f"{method.upper()} {route.name}: {response.status_code}")
    assert wrong == []


def test_privacy_pages_show_each_role_only_its_own_municipality(world: World):
    """The statements are public, but a signed-in reader always gets their own municipality's
    (``?kommune=`` of the other is ignored); the record of processing (as a file) is for O&F
    of its municipality only, 404 to everyone else; the retention preview and the record page
    show O&F their own municipality and send anyone without the admin to log in. The
    statements' admin pages are walked by ``tests/test_admin_matrix.py``."""
    from lib.documents import document_request
    from privacy.documents import RECORD_CSV, RECORD_PDF

    oaf_a, oaf_b = world.users["oaf_a"], world.users["oaf_b"]
    own = {role: user.organisation for role, user in world.users.items()
           if user is not None and user.organisation_id}
    for role, organisation in own.items():
        other = oaf_b.organisation if organisation == oaf_a.organisation else oaf_a.organisation
        client = world.client(role)
        for name in ("privacy:accessibility", "privacy:privacy"):
            response = client.get(reverse(name), {"kommune": other.slug})
            assert response.status_code == 200, (role, name)
            page = response.content.decode()
            assert organisation.name in page and other.name not in page, (role, name)
    for kind in (RECORD_PDF, RECORD_CSV):
        document = document_request(kind=kind, organisation=oaf_a.organisation,
                                    requested_by=oaf_a, title="Behandlingsprotokoll")
        for role in ROLES:
            for name in ("lib:document_detail", "lib:document_status"):
                status = world.client(role).get(reverse(name, args=[document.pk])).status_code
                wanted = {200} if role == "oaf_a" else {302} if role == "anonymous" else {404}
                assert status in wanted, (kind, role, name, status)
    for name in ("admin:privacy_retention_preview", "admin:privacy_processing_record"):
        for role in ROLES:
            response = world.client(role).get(reverse(name))
            if role in {"oaf_a", "oaf_b"}:
                assert response.status_code == 200, (role, name)
                if name == "admin:privacy_retention_preview":
                    assert response.context["preview"].policy.organisation_id == \
                        world.users[role].organisation_id
            else:
                assert response.status_code == 302, (role, name)
                assert response["Location"].startswith(("/admin/login/", LOGIN)), (role, name)
