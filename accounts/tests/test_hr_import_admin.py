"""The HR import pages of the admin: upload, dry run, mapping, apply — and who may."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from accounts.models import HRImportBatch, HRImportMapping, Leader, Unit, UnitKind
from tests.factories import LeaderFactory, OrganisationFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

LEADERS_URL = "/admin/accounts/leader/hr-import/"
UNITS_URL = "/admin/accounts/unit/hr-import/"
CSV = (
    "Ansattnr;Navn;E-post;Stilling;Enhetskode;Leder;Leder fra\r\n"
    "501;Åsa Ødegård;asa@fjordvik.example;Kommunalsjef;2000;;01.08.2015\r\n"
    "502;Per Ås;per@fjordvik.example;Rektor;2110;501;15.01.2019\r\n"
).encode("cp1252")


@pytest.fixture
def org():
    org = OrganisationFactory(name="Fjordvik kommune", slug="fjordvik")
    area = UnitFactory(organisation=org, name="Oppvekst", kind=UnitKind.SERVICE_AREA, code="2000")
    UnitFactory(organisation=org, name="Nordli skule", parent=area, code="2110")
    return org


@pytest.fixture
def oaf(org, client):
    user = UserFactory(organisation=org, is_oaf_admin=True)
    client.force_login(user)
    return user


def upload(client, content, url=LEADERS_URL, name="hr.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(url, {"step": "upload", "file": SimpleUploadedFile(name, content)})


def batch_id(response) -> str:
    return re.search(r'name="batch" value="([0-9a-f-]+)"', response.content.decode()).group(1)


def test_oaf_previews_then_imports_and_the_buttons_are_on_the_lists(client, org, oaf):
    listing = client.get("/admin/accounts/leader/")
    assert LEADERS_URL in listing.content.decode()
    assert UNITS_URL in client.get("/admin/accounts/unit/").content.decode()
    assert client.get(LEADERS_URL).status_code == 200
    response = upload(client, CSV)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Åsa Ødegård" in page and "Per Ås" in page
    assert Leader.objects.count() == 0  # a dry run writes nothing
    response = client.post(LEADERS_URL, {"step": "apply", "batch": batch_id(response)})
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:accounts_leader_changelist")
    per = Leader.objects.select_related("leader_above__user").get(employee_number="502")
    assert per.organisation == org and per.leader_above.user.full_name == "Åsa Ødegård"


def test_errors_are_listed_per_row_and_nothing_can_be_applied(client, org, oaf):
    bad = CSV + b"503;=cmd|' /C calc'!A0;x@fjordvik.example;Rektor;9999;501;31.02.2020\r\n"
    response = upload(client, bad)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="hr-errors"' in page and 'id="hr-apply"' not in page
    # Applying anyway (a forged POST) is refused with a message, nothing saved.
    response = client.post(LEADERS_URL, {"step": "apply", "batch": batch_id(response)})
    assert response.status_code == 200
    assert Leader.objects.count() == 0


def test_a_file_that_is_no_table_gets_a_message_not_a_500(client, org, oaf):
    response = upload(client, b"PK\x03\x04garbage", name="hr.xlsx")
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert HRImportBatch.objects.count() == 0


def test_the_mapping_chosen_on_the_page_is_remembered(client, org, oaf):
    odd = "Nr,Fullt navn,Adresse,Jobb,Sted,Fra\r\n501,Åsa Ødegård,asa@fjordvik.example," \
          "Kommunalsjef,2000,01.08.2015\r\n".encode()
    response = upload(client, odd)
    assert 'id="hr-preview"' not in response.content.decode()  # "Nr" is no known heading
    response = client.post(LEADERS_URL, {
        "step": "preview", "batch": batch_id(response), "column-employee_number": "Nr",
        "column-full_name": "Fullt navn", "column-email": "Adresse", "column-title": "Jobb",
        "column-unit_code": "Sted", "column-leader_since": "Fra"})
    assert 'id="hr-preview"' in response.content.decode()
    assert HRImportMapping.objects.get(organisation=org).columns["employee_number"] == "Nr"


def test_unit_tree_import_page(client, org, oaf):
    content = "Kode;Navn;Type;Overordnet\r\n2120;Sørli skule;virksomhet;2000\r\n".encode()
    response = upload(client, content, url=UNITS_URL)
    assert "Sørli skule" in response.content.decode()
    client.post(UNITS_URL, {"step": "apply", "batch": batch_id(response)})
    assert Unit.objects.get_parent(Unit.objects.get(code="2120")).code == "2000"


def test_another_municipality_cannot_preview_or_apply_the_file(client, org, oaf):
    response = upload(client, CSV)
    public_id = batch_id(response)
    other = OrganisationFactory()
    client.force_login(UserFactory(organisation=other, is_oaf_admin=True))
    for step in ("preview", "apply"):
        assert client.post(LEADERS_URL, {"step": step, "batch": public_id}).status_code == 404
    assert client.post(LEADERS_URL, {"step": "apply", "batch": "garbage"}).status_code == 404
    assert Leader.objects.count() == 0
    assert HRImportBatch.objects.get().status == "previewed"


def test_leaders_are_sent_to_log_in(client, org):
    leader = LeaderFactory(organisation=org)
    client.force_login(leader.user)
    for url in (LEADERS_URL, UNITS_URL):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]
        response = upload(client, CSV, url=url)
        assert response.status_code == 302
    assert HRImportBatch.objects.count() == 0


def test_a_superuser_chooses_the_municipality(client, org):
    client.force_login(UserFactory(organisation=None, is_superuser=True))
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(LEADERS_URL, {"step": "upload", "organisation": org.pk,
                                         "file": SimpleUploadedFile("hr.csv", CSV)})
    assert response.status_code == 200
    client.post(LEADERS_URL, {"step": "apply", "batch": batch_id(response)})
    assert Leader.objects.filter(organisation=org).count() == 2
