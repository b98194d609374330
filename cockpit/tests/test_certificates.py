"""Course certificates: the leader's own from Min side, O&F's in bulk, nobody else's."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cockpit.documents import CERTIFICATES_PDF
from cockpit.models import CertificateSettings
from lib.models import GeneratedDocument
from lib.pdf_testing import printed

from .conftest import complete

pytestmark = pytest.mark.django_db


@pytest.fixture
def signer(personas):
    return CertificateSettings.objects.create(
        organisation=personas.org_a, signer_name="Sigrid Ørnes",
        signer_title="Leiar for organisasjon og forhandling")


@pytest.fixture
def completed(module, participants):
    sessions = list(module.sessions.all())
    complete(participants[0], sessions[:2])  # Bob: 2 of 3, the module's minimum
    complete(participants[1], sessions[:1])  # Åse: 1 of 3, not completed
    return participants[0]


def _url(enrollment):
    return reverse("cockpit:certificate", kwargs={"enrollment_uuid": enrollment.uuid})


def test_min_side_reads_the_leaders_enrolments_once_for_both_panels(client, personas, signer,
                                                                   completed, module):
    """Own modules (programs) and certificates (cockpit) come from one read of the
    enrolments (``accounts.dashboard.shared_on_page``); each panel still shows its rows."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(personas.bob)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(reverse("accounts:min_side")).content.decode()
    # Requests to decide (programs' approvals, ``request_kind``) are enrolments too.
    enrolment_reads = [q["sql"] for q in queries.captured_queries
                       if q["sql"].startswith('SELECT "programs_enrollment"."id"')
                       and "request_kind" not in q["sql"]]
    assert len(enrolment_reads) == 1, enrolment_reads
    assert _url(completed) in html  # the certificate panel
    assert reverse("programs:enrollment_detail", kwargs={
        "enrollment_uuid": completed.uuid}) in html  # the own-modules panel


@pytest.mark.usefixtures("bokmaal")
def test_the_leader_downloads_their_certificate_from_min_side(client, personas, signer,
                                                              completed, module):
    client.force_login(personas.bob)
    client.cookies["django_language"] = "nb"
    min_side = client.get(reverse("accounts:min_side")).content.decode()
    assert _url(completed) in min_side
    response = client.get(_url(completed))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    pdf = printed(response.content)
    assert pdf.pages == 1
    for text in ("Bob Leder", "Endringsledelse", "Fjordviklederen 2026–2027", "Sigrid Ørnes",
                 "Leiar for organisasjon og forhandling", "9"):
        assert pdf.has(text), text
    assert pdf.off_page == []


def test_not_completed_is_refused_and_others_get_404(client, personas, signer, completed,
                                                     participants):
    client.force_login(participants[1].leader.user)
    assert client.get(_url(participants[1])).status_code == 403  # not completed yet
    assert client.get(_url(completed)).status_code == 404  # someone else's
    client.force_login(personas.charlie)
    assert client.get(_url(completed)).status_code == 404
    client.force_login(personas.alice)
    assert client.get(_url(completed)).status_code == 200
    assert client.get("/kursbevis/not-a-uuid/").status_code == 404


def test_without_a_signer_there_is_no_certificate_yet(client, personas, completed):
    client.force_login(personas.bob)
    assert _url(completed) not in client.get(reverse("accounts:min_side")).content.decode()
    assert client.get(_url(completed)).status_code == 403


@pytest.mark.usefixtures("bokmaal")
def test_oaf_gets_every_completed_certificate_of_a_module_in_one_pdf(
        client, personas, signer, completed, module, participants,
        django_capture_on_commit_callbacks):
    complete(participants[2], list(module.sessions.all()))
    client.force_login(personas.alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:programs_module_changelist"),
                               {"action": "certificates", "_selected_action": [module.pk]})
    document = GeneratedDocument.objects.get(kind=CERTIFICATES_PDF)
    assert response["Location"] == reverse("lib:document_detail", args=[document.pk])
    document.refresh_from_db()
    pdf = printed(document.file.read())
    assert pdf.pages == 2
    assert pdf.has("Bob Leder") and pdf.has("Per Ås") and not pdf.has("Ødegård")


def test_bulk_without_anyone_completed_says_so(client, personas, signer, module, participants):
    client.force_login(personas.alice)
    response = client.post(reverse("admin:programs_module_changelist"),
                           {"action": "certificates", "_selected_action": [module.pk]},
                           follow=True)
    assert not GeneratedDocument.objects.exists()
    assert any("completed" in str(m) or "fullført" in str(m)
               for m in response.context["messages"])
