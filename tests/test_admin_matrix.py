"""The admin's access matrix: every URL pattern the admin site serves, as every role.

Walks ``admin.site.get_urls()`` recursively, so every pattern of every
registered ModelAdmin is covered whatever package added it (Django's own
views, django-simple-history's version page, django-import-export's export,
the portal's custom views). A pattern without a builder in :data:`KINDS` or
:data:`SITE_PATTERNS` fails the first test, so nothing a dependency adds slips
past.

For a pattern that names an object, the object is a row of municipality A that
A's O&F reaches (it comes from the ModelAdmin's own queryset for A's O&F).
Every other role — B's O&F first of all — gets GET and POST refused (B's O&F:
404, never 403, so A's ids are not even confirmed), and the POST leaves the
database as it was (every table for roles without admin access; every row of
municipality A for B's O&F, who may legitimately write their own rows).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, reverse

from lib.scoping import organisation_lookup
from tests.access_world import ROLES, World
from tests.test_access_matrix import db_fingerprint

pytestmark = pytest.mark.django_db

# Pattern-name suffixes Django and the admin mixins add to every ModelAdmin, and
# whether the pattern names an object.
KINDS: dict[str, bool] = {
    "_changelist": False,
    "_add": False,
    "_export": False,  # django-import-export
    "_change": True,
    "_delete": True,
    "_history": True,
    "_simple_history": True,  # django-simple-history's version page
    "_password_change": True,
    "auth_user_password_change": True,  # UserAdmin's set-password page keeps auth's name
    "_redirect": True,  # the unnamed "<id>/" that redirects to "<id>/change/"
    # The portal's own admin views:
    "programs_module_enrol": True,
    "programs_module_copy": True,
    "programs_programme_copy": True,
    "networks_networkplan_calendar": True,
    "groups_groupprocess_rollout": False,
    "coaching_invoicebasis_csv": False,
    "coaching_invoicebasis_xlsx": False,
    "coaching_invoicebasis_pdf": False,
    "reports_beat_schedule": False,
    "privacy_retention_preview": False,
    "privacy_processing_record": False,
    "cockpit_message_compose": False,
    "cockpit_dashboard": False,
    "cockpit_dashboard_pdf": False,
    "cockpit_room_clashes": False,  # only the viewer's municipality: tests/test_room_clashes.py
    "accounts_leader_hr_import": False,
    "accounts_unit_hr_import": False,
}
# Site-wide patterns (no model): who reaches them is asserted by their own test.
SITE_PATTERNS = {"index", "login", "logout", "password_change", "password_change_done",
                 "autocomplete", "jsi18n", "view_on_site", "app_list",
                 "(?P<url>.*)$"}  # the admin's catch-all: login redirect or 404
ADMIN_LOGINS = ("/admin/login/", "/konto/logg-inn/")
REFUSED = {403, 404, 405}
# Models no O&F administrator may open at all: not a municipality's rows.
UNSCOPED_FOR_SUPERUSERS = {"auth.group", "axes.accessattempt", "axes.accesslog",
                           "axes.accessfailurelog"}
POST_DATA = {
    # Enough to look like every form the admin serves: a confirmed delete, a
    # bulk action on A's row, a new password, a changed email and role.
    "post": "yes", "action": "delete_selected", "password1": "Ny-hemmelig-2026!",
    "password2": "Ny-hemmelig-2026!", "usable_password": "true", "email": "b@brattli.example",
    "is_oaf_admin": "on", "is_superuser": "on", "text": "x", "note": "x", "name": "Overtatt",
    "_save": "Lagre", "format": "0",
}


@dataclass(frozen=True)
class AdminRoute:
    name: str  # without the "admin:" namespace
    route: str
    model_admin: admin.ModelAdmin | None
    group_count: int  # positional regex groups (simple-history's version page)
    kwarg_names: tuple[str, ...]


def _walk(patterns: list, prefix: str,
          model_admin: admin.ModelAdmin | None) -> Iterator[AdminRoute]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), model_admin)
        elif isinstance(entry, URLPattern):
            regex = entry.pattern.regex
            yield AdminRoute(name=entry.name or "", route=prefix + str(entry.pattern),
                             model_admin=model_admin,
                             group_count=regex.groups - len(regex.groupindex),
                             kwarg_names=tuple(regex.groupindex))


def admin_routes() -> list[AdminRoute]:
    """Every pattern of the admin site, with the ModelAdmin that serves it."""
    routes = []
    by_prefix = {f"{m._meta.app_label}/{m._meta.model_name}/": ma
                 for m, ma in admin.site._registry.items()}
    for route in _walk(admin.site.get_urls(), "", None):
        owner = next((ma for prefix, ma in by_prefix.items() if route.route.startswith(prefix)),
                     None)
        routes.append(AdminRoute(route.name, route.route, owner, route.group_count,
                                 route.kwarg_names))
    return routes


def _kind(route: AdminRoute) -> str | None:
    if route.name in KINDS:
        return route.name
    if route.model_admin is None:
        return None
    if not route.name and route.route.endswith("<path:object_id>/"):
        return "_redirect"
    opts = route.model_admin.model._meta
    suffix = route.name.removeprefix(f"{opts.app_label}_{opts.model_name}")
    return suffix if suffix in KINDS else None


@pytest.fixture(scope="module")
def world(world: World) -> World:
    """The demo world plus what the demo does not make: a generated file of A."""
    from lib.models import SentReminder
    from surveys.models import AnonymitySettings, Instrument
    from surveys.services.instruments import instrument_copy
    from tests.access_cases import BUILDERS

    BUILDERS["lib:document_detail"](world)  # a poster PDF job of A (queued)
    AnonymitySettings.objects.get_or_create(organisation_id=world.users["oaf_a"].organisation_id)
    if not Instrument.objects.filter(organisation=world.users["oaf_a"].organisation).exists():
        instrument_copy(instrument=Instrument.objects.filter(organisation=None).first(),
                        organisation=world.users["oaf_a"].organisation)
    from cockpit.models import CertificateSettings, Message, MessageDelivery

    message = Message.objects.create(
        organisation_id=world.users["oaf_a"].organisation_id, target_kind="module",
        target_label="Endringsledelse", subject="Rom endret", body="Sal 2")
    MessageDelivery.objects.create(message=message, recipient=world.users["leader"])
    CertificateSettings.objects.get_or_create(
        organisation_id=world.users["oaf_a"].organisation_id,
        defaults={"signer_name": "Sigrid Ørnes", "signer_title": "Leiar for O&F"})
    from cockpit.models import CockpitSettings

    CockpitSettings.objects.get_or_create(organisation_id=world.users["oaf_a"].organisation_id)
    from accounts.models import IdentityProvider
    from accounts.services.sso import identity_provider_save

    org_a = world.users["oaf_a"].organisation
    if not IdentityProvider.objects.filter(organisation=org_a).exists():
        identity_provider_save(provider=IdentityProvider(
            organisation=org_a, button_name="Askvik", issuer="https://idp.askvik.example",
            client_id="portal", client_secret="hemmelig"))
    SentReminder.objects.create(
        organisation_id=world.users["oaf_a"].organisation_id, occasion="test:admin-matrix",
        recipient=world.users["leader"], kind="test", subject="Påminnelse", body="Tekst",
        html="<p>Tekst</p>")
    return world


def _request_for(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def _object_of_a(world: World, model_admin: admin.ModelAdmin):
    """A row of municipality A that A's O&F reaches through this ModelAdmin.

    Owned by A, not a shared row (a standard survey instrument is everyone's).
    """
    lookup = organisation_lookup(model_admin.model)
    rows = model_admin.get_queryset(_request_for(world.users["oaf_a"]))
    if lookup:
        rows = rows.filter(**{lookup: world.users["oaf_a"].organisation_id})
    obj = rows.order_by("pk").first()
    assert obj is not None, f"the demo world has no {model_admin.model._meta.label} of A"
    return obj


class _Missing:
    """A row that exists in no municipality."""

    pk = 2_000_000_000


def _version_of(obj) -> int:
    history = getattr(type(obj), obj._meta.simple_history_manager_attribute)
    version = history.filter(**{obj._meta.pk.attname: obj.pk}).order_by("history_id").first()
    if version is None:
        obj.save()  # the first history row of this object
        version = history.filter(**{obj._meta.pk.attname: obj.pk}).first()
    return version.history_id


def _url(route: AdminRoute, obj, version_id: int | None) -> str:
    if not route.name:  # "<id>/" → "<id>/change/"
        return "/admin/" + route.route.replace("<path:object_id>", str(obj.pk))
    if route.group_count == 2:  # simple-history: ^([^/]+)/history/([^/]+)/$
        return reverse(f"admin:{route.name}", args=[obj.pk, version_id])
    kwargs = dict.fromkeys(route.kwarg_names, obj.pk)
    return reverse(f"admin:{route.name}", kwargs=kwargs)


def org_fingerprint(organisation_id: int) -> str:
    """A hash over every row that belongs to one municipality (live and history tables)."""
    digest = hashlib.sha256()
    for model in apps.get_models():
        if model._meta.proxy:
            continue
        lookup = organisation_lookup(model)
        manager = model._base_manager
        if lookup is None:
            instance_model = getattr(model, "instance_type", None)  # simple-history's tables
            lookup = organisation_lookup(instance_model) if instance_model else None
            if lookup is None or lookup == "pk":
                continue
        rows = manager.filter(**{lookup: organisation_id}).order_by("pk").values_list()
        digest.update(model._meta.db_table.encode())
        digest.update(repr(list(rows)).encode())
    return digest.hexdigest()


def _refused(role: str, response, url: str = "") -> bool:
    if response.status_code == 302:
        # The bare "<id>/" only rewrites the address; the change page then decides.
        return (response["Location"].startswith(ADMIN_LOGINS)
                or response["Location"] in {url + "change/", "change/"})
    return response.status_code in REFUSED


def test_every_admin_pattern_has_a_builder():
    routes = admin_routes()
    missing = sorted(r.name or r.route for r in routes
                     if (r.name or r.route) not in SITE_PATTERNS and _kind(r) is None)
    assert missing == [], f"add these admin patterns to KINDS in {__file__}: {missing}"
    assert len(routes) > 250


def test_no_outsider_reaches_anything_of_another_municipality_in_the_admin(world: World):
    """B's O&F, A's leaders and the anonymous visitor, on every admin pattern that names A's row."""
    oaf_a, oaf_b = world.users["oaf_a"], world.users["oaf_b"]
    org_a = oaf_a.organisation_id
    clients = {role: world.client(role) for role in ROLES}
    leaks: list[str] = []
    unreachable: list[str] = []
    walked = 0
    for route in admin_routes():
        kind = _kind(route)
        if (route.name or route.route) in SITE_PATTERNS or not KINDS.get(kind or "", False):
            continue
        model_admin = route.model_admin
        label = model_admin.model._meta.label_lower
        if label in UNSCOPED_FOR_SUPERUSERS:
            continue  # covered by test_oaf_never_opens_installation_wide_models
        obj = _object_of_a(world, model_admin)
        version_id = _version_of(obj) if route.group_count == 2 else None
        url = _url(route, obj, version_id)
        walked += 1
        post = {**POST_DATA, "_selected_action": [obj.pk]}
        # One fingerprint around every outsider's POST to this address: nothing
        # anywhere may change (B's own rows included: the address is A's row's).
        before = db_fingerprint()
        for role in ROLES:
            if role == "oaf_a":
                continue
            response = clients[role].get(url)
            if not _refused(role, response, url):
                leaks.append(f"GET {route.name} as {role}: {response.status_code}")
            elif role == "oaf_b" and kind != "_redirect":
                # B's O&F must not learn that A's id exists: the same answer as for
                # an id that exists nowhere (404, or a 403 that does not look at the row).
                missing = clients[role].get(_url(route, _Missing(), _Missing.pk))
                if response.status_code != missing.status_code:
                    leaks.append(f"GET {route.name} as {role}: {response.status_code}, but "
                                 f"{missing.status_code} for an id that does not exist")
            response = clients[role].post(url, post)
            if not _refused(role, response, url):
                leaks.append(f"POST {route.name} as {role}: {response.status_code}")
        if db_fingerprint() != before:
            leaks.append(f"POST {route.name} by an outsider changed the database")
        if kind in {"_change", "_history", "_simple_history", "_password_change"}:
            # The builder's object is real: A's O&F opens it (or is refused by a rule
            # of the model, never by a missing object).
            response = clients["oaf_a"].get(url)
            if response.status_code not in {200, 302, 403}:
                unreachable.append(f"GET {route.name} as oaf_a: {response.status_code}")
    print(f"\nadmin matrix: {len(admin_routes())} admin URL patterns, {walked} naming an object "
          f"walked as {len(ROLES) - 1} outsiders (GET+POST), {len(leaks)} leaks")
    assert oaf_b.organisation_id != org_a
    assert leaks == [], "\n".join(leaks)
    assert unreachable == [], "\n".join(unreachable)


def test_list_pages_show_an_outsider_none_of_the_other_municipality(world: World):
    """B's O&F opens every list-level admin page; none of A's rows appear, a bulk
    delete of A's rows deletes nothing, and roles without admin access are refused."""
    org_a = world.users["oaf_a"].organisation_id
    clients = {role: world.client(role) for role in ROLES}
    leaks: list[str] = []
    walked = 0
    for route in admin_routes():
        kind = _kind(route)
        if kind is None or KINDS[kind] or route.model_admin is None:
            continue
        walked += 1
        url = reverse(f"admin:{route.name}")
        model_admin = route.model_admin
        scoped = model_admin.model._meta.label_lower not in UNSCOPED_FOR_SUPERUSERS
        obj = _object_of_a(world, model_admin) if scoped else None
        for role in ROLES:
            if role in {"oaf_a", "oaf_b"}:
                continue
            response = clients[role].get(url)
            if not _refused(role, response):
                leaks.append(f"GET {route.name} as {role}: {response.status_code}")
        response = clients["oaf_b"].get(url)
        if response.status_code == 200 and obj is not None and kind == "_changelist":
            opts = model_admin.model._meta
            row_link = f"/admin/{opts.app_label}/{opts.model_name}/{obj.pk}/"
            if row_link in response.content.decode():
                leaks.append(f"GET {route.name} as oaf_b lists A's row {obj.pk}")
        if kind == "_changelist" and obj is not None:
            before = org_fingerprint(org_a)
            clients["oaf_b"].post(url, {"action": "delete_selected", "post": "yes",
                                        "_selected_action": [obj.pk]})
            if org_fingerprint(org_a) != before:
                leaks.append(f"POST {route.name} (bulk delete) as oaf_b changed A's rows")
    print(f"\nadmin matrix: {walked} list-level admin patterns walked, {len(leaks)} leaks")
    assert leaks == [], "\n".join(leaks)


def test_oaf_never_opens_installation_wide_models(world: World):
    """Login attempts (axes) and permission groups belong to the installation."""
    client = world.client("oaf_a")
    wrong = []
    for route in admin_routes():
        if route.model_admin is None:
            continue
        if route.model_admin.model._meta.label_lower not in UNSCOPED_FOR_SUPERUSERS:
            continue
        if route.kwarg_names or route.group_count:
            url = _url(route, _Missing(), _Missing.pk)
        else:
            url = reverse(f"admin:{route.name}")
        response = client.get(url)
        if response.status_code not in {403, 404, 302}:
            wrong.append(f"{route.name}: {response.status_code}")
    assert wrong == []


def test_view_on_site_does_not_reveal_another_municipalitys_address(world: World):
    """``/admin/r/<content type>/<id>/`` redirects to a row's page; not for a foreign row."""
    revealed = []
    client = world.client("oaf_b")
    for model, model_admin in admin.site._registry.items():
        if model._meta.label_lower in UNSCOPED_FOR_SUPERUSERS:
            continue
        obj = _object_of_a(world, model_admin)
        content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
        response = client.get(reverse("admin:view_on_site", args=[content_type.pk, obj.pk]))
        if response.status_code != 404:
            revealed.append(f"{model._meta.label}: {response.status_code}")
    assert revealed == []


def test_autocomplete_offers_an_outsider_none_of_the_other_municipality(world: World):
    """Every autocomplete field of every admin, searched by B's O&F with an empty term."""
    leaked = []
    client = world.client("oaf_b")
    request_a = _request_for(world.users["oaf_a"])
    searched = 0
    for model, model_admin in admin.site._registry.items():
        for field_name in model_admin.get_autocomplete_fields(request_a):
            field = model._meta.get_field(field_name)
            target = admin.site._registry[field.remote_field.model]
            ids_of_a = {str(pk) for pk in
                        target.get_queryset(request_a).values_list("pk", flat=True)}
            page = 1
            while True:
                response = client.get(reverse("admin:autocomplete"), {
                    "app_label": model._meta.app_label, "model_name": model._meta.model_name,
                    "field_name": field_name, "term": "", "page": page})
                searched += 1
                if response.status_code != 200:
                    break
                data = response.json()
                leaked += [f"{model._meta.label}.{field_name}: {r['id']}"
                           for r in data["results"] if r["id"] in ids_of_a]
                if not data["pagination"]["more"] or page > 50:
                    break
                page += 1
    assert searched > 10
    assert leaked == []


@pytest.mark.parametrize("model_label", ["accounts.user", "accounts.leader",
                                         "programs.enrollment", "coaching.booking"])
def test_history_version_page_of_another_municipality_is_404_and_changes_nothing(
        world: World, model_label: str):
    """The hole that was found: B's O&F GETs and POSTs A's version page."""
    model = apps.get_model(model_label)
    model_admin = admin.site._registry[model]
    obj = _object_of_a(world, model_admin)
    version_id = _version_of(obj)
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_simple_history",
                  args=[obj.pk, version_id])
    row_before = model._base_manager.filter(pk=obj.pk).values().get()
    client = world.client("oaf_b")
    assert client.get(url).status_code == 404
    response = client.post(url, {**POST_DATA, "email": "charlie@lia.example",
                                 "is_oaf_admin": "on"})
    assert response.status_code in {404, 405}
    assert model._base_manager.filter(pk=obj.pk).values().get() == row_before
    # A's own O&F reads the version, but cannot write through it either.
    own = world.client("oaf_a")
    assert own.get(url).status_code == 200
    assert own.post(url, POST_DATA).status_code == 405
    assert model._base_manager.filter(pk=obj.pk).values().get() == row_before


def test_history_version_with_a_garbage_id_is_404_not_500(world: World):
    client = world.client("oaf_a")
    obj = _object_of_a(world, admin.site._registry[apps.get_model("accounts.user")])
    for object_id, version in ((obj.pk, "abc"), ("abc", "1"), (obj.pk, "99999999")):
        url = f"/admin/accounts/user/{object_id}/history/{version}/"
        assert client.get(url).status_code == 404, url
    assert re.match(r"^\d+$", str(obj.pk))
