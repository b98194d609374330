"""O&F never reaches a superuser (not even one placed in their own municipality), never grants
superuser, and never reaches a user of another municipality: change, password, delete and
history pages, for GET and POST, leave the row exactly as it was."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.urls import reverse

from accounts.admin import UserAdmin
from accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Nytt-passord-Æøå-987"  # noqa: S105


@pytest.fixture
def root(personas):
    """A system administrator who, as found in the issue, also belongs to municipality A."""
    return UserFactory(organisation=personas.org_a, email="solvi.systemansvarlig@askvik.example",
                       full_name="Sølvi Systemansvarlig", is_superuser=True)


def _row(user: User) -> dict[str, Any]:
    """Every column of the user, password hash, email, flags and tokens included."""
    return User.objects.filter(pk=user.pk).values().get()


def _history_count(user: User) -> int:
    return User.history.filter(id=user.pk).count()


def _assert_no_page_reaches(client: Any, target: User) -> None:
    for method, url, data in _pages(target):
        response = getattr(client, method)(url, data)
        # Outside get_queryset every admin page answers 404 (lib.admin turns Django's
        # "does not exist" redirect into 404); 405 where the page never writes.
        assert response.status_code in (404, 405), (method, url, response.status_code)


def _pages(target: User) -> list[tuple[str, str, dict[str, str]]]:
    """(method, url, data) for every admin page that can read or change a user."""
    version = User.history.filter(id=target.pk).latest("history_date").history_id
    change = reverse("admin:accounts_user_change", args=[target.pk])
    password = reverse("admin:auth_user_password_change", args=[target.pk])
    delete = reverse("admin:accounts_user_delete", args=[target.pk])
    history = reverse("admin:accounts_user_history", args=[target.pk])
    version_url = reverse("admin:accounts_user_simple_history", args=[target.pk, version])
    tampered = {"email": "charlie.kapret@brattli.example", "full_name": "Kapret", "language": "nb",
                "is_active": "on", "is_oaf_admin": "on", "is_superuser": "on", "_save": "1"}
    return [
        ("get", change, {}), ("post", change, tampered),
        ("get", password, {}),
        ("post", password, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD,
                            "usable_password": "true"}),
        ("get", delete, {}), ("post", delete, {"post": "yes"}),
        ("get", history, {}),
        ("get", version_url, {}), ("post", version_url, tampered),
    ]


def test_oaf_reaches_no_page_of_a_superuser_in_their_municipality(client, personas, root):
    before, history_before = _row(root), _history_count(root)
    client.force_login(personas.alice)
    _assert_no_page_reaches(client, root)
    assert _row(root) == before
    assert _history_count(root) == history_before


def test_oaf_does_not_see_a_superuser_in_lists_or_autocomplete(client, personas, root):
    client.force_login(personas.alice)
    response = client.get(reverse("admin:accounts_user_changelist"))
    assert response.status_code == 200
    assert root.pk not in {u.pk for u in response.context["cl"].result_list}
    assert "solvi.systemansvarlig" not in response.content.decode()
    response = client.get(reverse("admin:autocomplete"), {
        "app_label": "accounts", "model_name": "leader", "field_name": "user",
        "term": "Sølvi"})
    assert response.status_code == 200
    assert response.json()["results"] == []


def test_a_superuser_still_manages_superusers(client, personas, root):
    other = UserFactory(organisation=None, email="drift@lederutvikling.example",
                        full_name="Drift", is_superuser=True)
    client.force_login(other)
    response = client.get(reverse("admin:accounts_user_change", args=[root.pk]))
    assert response.status_code == 200
    assert "is_superuser" in response.context["adminform"].form.fields
    response = client.get(reverse("admin:auth_user_password_change", args=[root.pk]))
    assert response.status_code == 200


@pytest.mark.parametrize("target_name", ["bob", "alice"])
def test_a_tampered_post_does_not_grant_superuser(client, personas, target_name):
    target = getattr(personas, target_name)
    client.force_login(personas.alice)
    url = reverse("admin:accounts_user_change", args=[target.pk])
    form = client.get(url).context["adminform"].form
    assert "is_superuser" not in form.fields
    assert "organisation" not in form.fields
    response = client.post(url, {
        "email": target.email, "full_name": f"{target.full_name} Ødegård", "language": "nn",
        "is_active": "on", "is_oaf_admin": "on" if target.is_oaf_admin else "",
        "is_superuser": "on", "organisation": personas.org_b.pk, "_save": "1"})
    assert response.status_code == 302, response.content.decode()[:2000]
    target.refresh_from_db()
    assert target.full_name.endswith("Ødegård")  # the POST itself was accepted…
    assert target.is_superuser is False  # …but not the flag
    assert target.organisation_id == personas.org_a.pk


def test_a_tampered_add_does_not_create_a_superuser(client, personas):
    client.force_login(personas.alice)
    response = client.post(reverse("admin:accounts_user_add"), {
        "email": "ny.leder@askvik.example", "full_name": "Ny Leder-Ås",
        "password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true",
        "is_superuser": "on", "_save": "1"})
    assert response.status_code == 302, response.content.decode()[:2000]
    created = User.objects.get(email="ny.leder@askvik.example")
    assert created.is_superuser is False
    assert created.organisation_id == personas.org_a.pk


def test_save_model_refuses_to_store_a_superuser_for_oaf(personas):
    from django.contrib import admin

    request = RequestFactory().post("/")
    request.user = personas.alice
    personas.bob.is_superuser = True
    with pytest.raises(PermissionDenied):
        UserAdmin(User, admin.site).save_model(request, personas.bob, form=None, change=True)
    personas.bob.refresh_from_db()
    assert personas.bob.is_superuser is False


@pytest.mark.parametrize("target_name", ["bob", "alice"])
def test_oaf_of_another_municipality_reaches_no_user_page(client, personas, target_name):
    target = getattr(personas, target_name)
    before, history_before = _row(target), _history_count(target)
    client.force_login(personas.charlie)
    _assert_no_page_reaches(client, target)
    assert _row(target) == before
    assert _history_count(target) == history_before
