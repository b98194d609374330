"""An O&F administrator of municipality A gets nothing of B: list, change,
autocomplete, choices and export. Superusers see everything."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import override_settings
from django.urls import reverse

from accounts.models import Leader, Unit
from tests.factories import LeaderGroupFactory, UserFactory

pytestmark = pytest.mark.django_db

CHANGELISTS = ["accounts_leader", "accounts_unit", "accounts_user", "accounts_organisation",
               "groups_leadergroup"]


@pytest.fixture
def b_group(personas):
    LeaderGroupFactory(organisation=personas.org_a, name="Askvik-gruppa",
                       head=personas.boss_leader, unit=personas.boss_leader.unit)
    return LeaderGroupFactory(organisation=personas.org_b, name="Brattli-gruppa",
                              head=personas.dora_leader, unit=personas.dora_leader.unit)


@pytest.mark.parametrize("changelist", CHANGELISTS)
def test_changelist_shows_only_own_municipality(client, personas, b_group, changelist):
    client.force_login(personas.alice)
    response = client.get(reverse(f"admin:{changelist}_changelist"))
    assert response.status_code == 200
    text = response.content.decode()
    for foreign in ("Brattli", "Dora Leiar", "charlie@brattli.example"):
        assert foreign not in text
    cl = response.context["cl"]
    assert cl.result_count >= 1
    for obj in cl.result_list:
        org_id = obj.pk if changelist == "accounts_organisation" else obj.organisation_id
        assert org_id == personas.org_a.pk


def test_change_view_of_other_municipality_is_unreachable(client, personas, b_group):
    client.force_login(personas.alice)
    for url in (
        reverse("admin:accounts_leader_change", args=[personas.dora_leader.pk]),
        reverse("admin:accounts_unit_change", args=[personas.dora_leader.unit_id]),
        reverse("admin:accounts_user_change", args=[personas.charlie.pk]),
        reverse("admin:accounts_organisation_change", args=[personas.org_b.pk]),
        reverse("admin:groups_leadergroup_change", args=[b_group.pk]),
    ):
        response = client.get(url)
        # Not found, as on every portal page: not even a "doesn't exist" message.
        assert response.status_code == 404, url
    # …and cannot delete it either.
    response = client.post(reverse("admin:accounts_leader_delete",
                                   args=[personas.dora_leader.pk]), {"post": "yes"})
    assert response.status_code == 404
    assert Leader.objects.filter(pk=personas.dora_leader.pk).exists()


def test_autocomplete_offers_only_own_municipality(client, personas):
    client.force_login(personas.alice)
    for term in ("", "Leiar", "Dora", "Le"):
        response = client.get(reverse("admin:autocomplete"), {
            "app_label": "accounts", "model_name": "leader", "field_name": "leader_above",
            "term": term})
        assert response.status_code == 200
        names = [r["text"] for r in response.json()["results"]]
        assert "Dora Leiar" not in names
    response = client.get(reverse("admin:autocomplete"), {
        "app_label": "accounts", "model_name": "leader", "field_name": "unit", "term": "Brattli"})
    assert response.json()["results"] == []
    response = client.get(reverse("admin:autocomplete"), {
        "app_label": "accounts", "model_name": "leader", "field_name": "unit", "term": "Solbakken"})
    assert [r["text"] for r in response.json()["results"]] == ["Solbakken sykehjem"]


@override_settings(IMPORT_EXPORT_SKIP_ADMIN_EXPORT_UI=True)
def test_export_contains_only_own_municipality(client, personas):
    client.force_login(personas.alice)
    response = client.get(reverse("admin:accounts_leader_export"))
    assert response.status_code == 200
    header, *rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert header[1] == "navn"  # headers follow the reader's language (nb)
    names = sorted(row[1] for row in rows)
    assert names == ["Berit Sjef", "Bob Leder"]


def test_export_of_selected_foreign_rows_is_refused(client, personas):
    client.force_login(personas.alice)
    response = client.post(reverse("admin:accounts_leader_export"), {
        "format": "0", "resource": "0", "export_items": [personas.dora_leader.pk],
        "leaderresource_name": "on"})
    assert response.status_code == 200  # the form again, with an error
    assert b"Dora Leiar" not in response.content


def test_foreign_unit_cannot_be_picked_even_by_tampered_post(client, personas):
    client.force_login(personas.alice)
    leader = personas.bob_leader
    url = reverse("admin:accounts_leader_change", args=[leader.pk])
    response = client.get(url)
    unit_choices = response.context["adminform"].form.fields["unit"].queryset
    assert personas.dora_leader.unit not in unit_choices
    response = client.post(url, {
        "user": leader.user_id, "title": leader.title, "level": leader.level,
        "unit": personas.dora_leader.unit_id, "leader_above": "",
        "leader_since": leader.leader_since.isoformat(),
    })
    assert response.status_code == 200
    assert "unit" in response.context["adminform"].form.errors
    leader.refresh_from_db()
    assert leader.unit.organisation_id == personas.org_a.pk


def test_new_rows_get_the_administrators_municipality(client, personas):
    client.force_login(personas.alice)
    response = client.post(reverse("admin:accounts_unit_add"), {
        "name": "Ny avdeling", "kind": "avdeling", "code": "",
        "parent": personas.bob_leader.unit_id})
    assert response.status_code == 302, response.content.decode()[:2000]
    unit = Unit.objects.get(name="Ny avdeling")
    assert unit.organisation_id == personas.org_a.pk
    assert Unit.objects.get_parent(unit).pk == personas.bob_leader.unit_id


def test_unit_parent_from_other_municipality_is_refused(client, personas):
    client.force_login(personas.alice)
    response = client.post(reverse("admin:accounts_unit_add"), {
        "name": "Snik", "kind": "avdeling", "parent": personas.dora_leader.unit_id})
    assert response.status_code == 200
    assert "parent" in response.context["adminform"].form.errors
    assert not Unit.objects.filter(name="Snik").exists()


def test_oaf_admin_cannot_create_municipalities_or_superusers(client, personas):
    client.force_login(personas.alice)
    assert client.get(reverse("admin:accounts_organisation_add")).status_code == 403
    response = client.get(reverse("admin:accounts_user_change", args=[personas.bob.pk]))
    assert "is_superuser" not in response.context["adminform"].form.fields
    assert "organisation" not in response.context["adminform"].form.fields


def test_leader_opening_admin_gets_login_page(client, personas):
    client.force_login(personas.bob)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
    response = client.get(response.url)
    assert response.status_code == 200


def test_superuser_sees_every_municipality(client, personas):
    root = UserFactory(organisation=None, is_superuser=True, email="root@example.no")
    client.force_login(root)
    response = client.get(reverse("admin:accounts_leader_changelist"))
    orgs = {leader.organisation_id for leader in response.context["cl"].result_list}
    assert orgs == {personas.org_a.pk, personas.org_b.pk}


def test_unit_move_below_itself_is_refused(client, personas):
    client.force_login(personas.alice)
    parent = Unit.objects.get_parent(personas.bob_leader.unit)
    response = client.post(reverse("admin:accounts_unit_change", args=[parent.pk]), {
        "name": parent.name, "kind": parent.kind, "code": "",
        "parent": personas.bob_leader.unit_id})
    assert response.status_code == 200
    assert "parent" in response.context["adminform"].form.errors


def test_admin_changes_to_people_leave_an_audit_trail(client, personas):
    client.force_login(personas.alice)
    leader = personas.bob_leader
    url = reverse("admin:accounts_leader_change", args=[leader.pk])
    response = client.post(url, {
        "user": leader.user_id, "title": "Enhetsleder", "level": leader.level,
        "unit": leader.unit_id, "leader_above": personas.boss_leader.pk,
        "leader_since": leader.leader_since.isoformat(),
    })
    assert response.status_code == 302
    latest = leader.history.latest()
    assert latest.title == "Enhetsleder"
    assert latest.history_user == personas.alice
    history = client.get(reverse("admin:accounts_leader_history", args=[leader.pk]))
    assert history.status_code == 200
    assert "Enhetsleder" in history.content.decode()


def test_history_of_another_municipality_is_hidden(client, personas):
    dora = personas.dora_leader
    dora.title = "Rektor og dagleg leiar"
    dora.save()
    client.force_login(personas.alice)
    for name, pk in (("admin:accounts_leader_history", dora.pk),
                     ("admin:accounts_user_history", dora.user_id)):
        assert client.get(reverse(name, args=[pk])).status_code == 404


def test_related_list_filters_offer_only_own_municipality(client, personas, monkeypatch):
    from django.contrib import admin as django_admin

    from accounts.admin import LeaderAdmin

    monkeypatch.setattr(LeaderAdmin, "list_filter", ["level", "unit", "leader_above"])
    client.force_login(personas.alice)
    response = client.get(reverse("admin:accounts_leader_changelist"))
    text = response.content.decode()
    assert "Solbakken sykehjem" in text  # the filter is there…
    assert "Brattli skule" not in text and "Dora Leiar" not in text  # …scoped
    model_admin = django_admin.site._registry[Leader]
    request = response.wsgi_request
    assert ("unit", django_admin.RelatedOnlyFieldListFilter) in model_admin.get_list_filter(
        request)
