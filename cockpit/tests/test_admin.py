"""The cockpit's admin pages keep each municipality to itself."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cockpit.models import CertificateSettings, Message, MessageDelivery
from lib.models import GeneratedDocument

pytestmark = pytest.mark.django_db


@pytest.fixture
def message_of_a(personas):
    message = Message.objects.create(organisation=personas.org_a, target_kind="module",
                                     target_label="Endringsledelse", subject="Rom endret",
                                     body="Sal 2", sent_by=personas.alice, recipient_count=1)
    MessageDelivery.objects.create(message=message, recipient=personas.bob)
    return message


def test_oaf_of_a_reads_the_history_and_b_gets_404(client, personas, message_of_a):
    delivery = message_of_a.deliveries.get()
    signer = CertificateSettings.objects.create(organisation=personas.org_a, signer_name="S",
                                                signer_title="T")
    urls = [reverse("admin:cockpit_message_change", args=[message_of_a.pk]),
            reverse("admin:cockpit_messagedelivery_change", args=[delivery.pk]),
            reverse("admin:cockpit_certificatesettings_change", args=[signer.pk])]
    client.force_login(personas.alice)
    assert [client.get(url).status_code for url in urls] == [200, 200, 200]
    assert "Rom endret" in client.get(reverse("admin:cockpit_message_changelist")).content.decode()
    client.force_login(personas.charlie)
    assert [client.get(url).status_code for url in urls] == [404, 404, 404]
    assert "Rom endret" not in client.get(
        reverse("admin:cockpit_message_changelist")).content.decode()


def test_the_history_cannot_be_deleted_or_written(client, personas, message_of_a):
    client.force_login(personas.alice)
    url = reverse("admin:cockpit_message_delete", args=[message_of_a.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Message.objects.filter(pk=message_of_a.pk).exists()


def test_leaders_reach_no_cockpit_admin_page(client, personas, message_of_a):
    client.force_login(personas.bob)
    for name in ("cockpit_dashboard", "cockpit_message_compose", "cockpit_message_changelist"):
        response = client.get(reverse(f"admin:{name}"))
        assert response.status_code == 302 and "/login" in response["Location"] \
            or "logg-inn" in response["Location"]


def test_the_pdf_is_asked_for_by_post_and_only_for_ones_own_programme(client, personas):
    from programs.tests.factories import ProgrammeFactory

    programme = ProgrammeFactory(organisation=personas.org_a)
    client.force_login(personas.charlie)
    assert client.get(reverse("admin:cockpit_dashboard_pdf")).status_code == 405
    response = client.post(reverse("admin:cockpit_dashboard_pdf"), {"programme": programme.pk})
    assert response.status_code == 302 and response["Location"] == reverse(
        "admin:cockpit_dashboard")
    assert not GeneratedDocument.objects.exists()


def test_a_persons_export_holds_the_messages_they_received(client, personas, message_of_a):
    import json

    client.force_login(personas.bob)
    data = json.loads(client.get(reverse("accounts:my_data")).content)
    assert data["cockpit"]["messages_received"][0]["subject"] == "Rom endret"
