"""Every kind of PDF the portal makes is tagged for assistive technology (PDF/UA-1).

Each PDF is built by the worker's own builder (``document_run``) and read back
with pypdf (``lib.pdf_testing.structure``): a structure tree, ``/MarkInfo``
marked, the reader's language in ``/Lang``, the document's title in the
metadata and shown as the window title, the first heading the document's own
title, headings that skip no level, table header cells tagged TH with every
data cell pointing at its headers and each header cell saying whether it heads
a column or a row, and alternative text on every figure (the survey charts and
the cockpit dashboard's SVG charts). The kinds: purpose poster, the three
survey reports, status report, cost overview, invoice basis, cockpit dashboard,
course certificates (the leader's own and O&F's bulk file), leader platform
(A4 and A3) and the record of processing (``privacy/tests/test_record.py``);
``test_every_pdf_kind_is_covered`` fails when a new kind has no test here.
docs/ACCESSIBILITY-PDF.md says what else was checked and how.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext as _

from coaching.models import InvoiceSettings
from cockpit.documents import CERTIFICATES_PDF, DASHBOARD_PDF
from cockpit.models import CertificateSettings
from cockpit.services.certificates import certificates_pdf, completed_for_certificates
from cockpit.tests.conftest import complete, seat
from groups import services as group_services
from groups.models import PosterVersion
from groups.tests.conftest import world  # noqa: F401  (fixture)
from leaderplatform.documents import render_platform_pdf
from leaderplatform.tests.conftest import lp, publish, standard_platform  # noqa: F401
from lib.documents import document_request, document_run
from lib.pdf_testing import assert_tagged, structure
from programs.models import ProgrammeParticipant
from programs.tests.factories import ModuleFactory, ModuleSessionFactory
from reports.documents import COSTS_PDF, STATUS_PDF
from reports.services import report_request
from reports.tests.test_report_pdfs import busy  # noqa: F401  (fixture)
from surveys.documents import REPORT_PDF, report_title
from surveys.tests.conftest import held_session, instruments, team  # noqa: F401  (fixtures)
from surveys.tests.factories import bulk_responses, close, make_round
from tests.factories import LeaderFactory, UnitFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("bokmaal")]


def _built(document) -> tuple[bytes, str]:
    document = document_run(str(document.pk))
    assert document.status == "done", document.error
    return document.file.read(), document.title




def test_purpose_poster(world):  # noqa: F811
    group_services.poster_version_save(
        group=world.group, author=world.member, base_number=None,
        lead="Vår ledergruppe skal skape MERVERDI for organisasjonen ved å:",
        commitments=[group_services.CommitmentInput("Sette retning – og forklare hvorfor"),
                     group_services.CommitmentInput("Følge opp det vi har bestemt")])
    version = PosterVersion.objects.get(number=1)
    group_services.poster_publish(version=version, actor=world.head)
    document = group_services.poster_pdf_request(group=world.group, actor=world.head,
                                                 page_size="A3")
    data, title = _built(document)
    pdf = assert_tagged(data, title=title, lang=world.head.language, tables=False)
    assert pdf.reading_order == [world.group.name]
    assert pdf.tags["L"] == 1 and pdf.tags["LI"] == 2  # the commitments are a list


def _survey_pdf(personas, round, language="nb") -> tuple[bytes, str]:
    document = document_request(kind=REPORT_PDF, organisation=round.organisation,
                                requested_by=personas.alice, title=report_title(round),
                                params={"round": str(round.pk)}, language=language)
    return _built(document)


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_group_report_with_its_chart(personas, instruments, team, language):  # noqa: F811
    bulk_responses(team.before, [{}] * 6, value=lambda i, item: 2 + (i + item.order) % 2)
    close(team.before)
    after = make_round(organisation=personas.org_a, instrument=instruments["effect"],
                       group=team.group, phase="after", baseline=team.before)
    bulk_responses(after, [{}] * 5, value=5)
    close(after)
    data, _title = _survey_pdf(personas, after, language)
    with translation.override(language):  # the builder titles the file in its language
        title = report_title(after)
    pdf = assert_tagged(data, title=title, lang=language)
    with translation.override(language):
        chart = _("Mean per dimension, before and after")
        headers = [_("Dimension"), _("Before"), _("After"), _("Change since before")]
        order = [_("Results per dimension")]
    assert chart in pdf.figure_alts  # the chart's <title> is its alternative text
    assert all(header in pdf.header_cells for header in headers), pdf.header_cells
    # Reading order follows the content: the title, then the results.
    assert team.group.name in pdf.reading_order[0]
    assert pdf.reading_order[1:2] == order


def test_evaluation_report(personas, instruments, held_session):  # noqa: F811
    round = make_round(organisation=personas.org_a, instrument=instruments["evaluation"],
                       module_session=held_session.session)
    bulk_responses(round, [{}] * 6, value=lambda i, item: 3 + i % 2)
    close(round)
    data, title = _survey_pdf(personas, round)
    pdf = assert_tagged(data, title=title)
    assert {_("Question"), _("Mean (spread, n)")} <= set(pdf.header_cells)


def test_needs_report_with_its_breakdowns(personas, instruments):  # noqa: F811
    for n, name in enumerate(["Helse og omsorg", "Kultur", "Kultur"]):
        UnitFactory(organisation=personas.org_a, kind="tjenesteomrade", name=name,
                    code=f"{4100 + n}")
    round = make_round(organisation=personas.org_a, instrument=instruments["needs"])
    bulk_responses(round, [{}] * 12, value=lambda i, item: 1 + (i + item.order) % 5)
    close(round)
    data, title = _survey_pdf(personas, round)
    pdf = assert_tagged(data, title=title)
    assert {_("Rank"), _("Question"), _("Mean (spread, n)")} <= set(pdf.header_cells)


@pytest.mark.parametrize("kind", [STATUS_PDF, COSTS_PDF])
def test_management_reports(personas, busy, kind):  # noqa: F811
    document = report_request(kind=kind, programme=busy, requested_by=personas.alice,
                              title="Rapport for «Fjellheimleiaren»",
                              first=dt.date(2030, 1, 1), last=dt.date(2030, 12, 31))
    data, title = _built(document)
    pdf = assert_tagged(data, title=title)
    assert pdf.reading_order[0] == title


def test_invoice_basis(personas, busy):  # noqa: F811
    InvoiceSettings.objects.create(organisation=personas.org_a, show_leader_names=True)
    document = document_request(kind="coaching.invoice_basis_pdf", organisation=personas.org_a,
                                requested_by=personas.alice, title="Fakturagrunnlag mars",
                                params={"month": "2030-03", "unit": None})
    data, title = _built(document)
    pdf = assert_tagged(data, title=title)
    assert {_("Paying unit"), _("Hourly rate (NOK)"), _("Amount ex. VAT (NOK)")} <= set(
        pdf.header_cells)


def test_an_untagged_pdf_fails_the_check():
    """The check can fail: WeasyPrint without the PDF/UA variant has no structure tree."""
    from weasyprint import HTML

    data = HTML(string="<html lang='nb'><title>T</title><h1>T</h1></html>").write_pdf()
    pdf = structure(data)
    assert not pdf.struct_tree and not pdf.marked and not pdf.has_tag("H1")


@pytest.fixture
def cockpit_module(personas):
    """A module of A with three sessions, Bob completed it and Per Ås seated in it."""
    module = ModuleFactory(programme__organisation=personas.org_a, topic="Endringsledelse",
                           programme__name="Fjordviklederen 2026–2027")
    today = dt.date.today()
    sessions = [ModuleSessionFactory(module=module, date=today + dt.timedelta(days=30 + 14 * n))
                for n in range(3)]
    complete(seat(module, personas.bob_leader), sessions[:2])
    per = LeaderFactory(organisation=personas.org_a, user__full_name="Per Ås")
    complete(seat(module, per), sessions)
    ProgrammeParticipant.objects.create(programme=module.programme, leader=personas.boss_leader)
    CertificateSettings.objects.create(organisation=personas.org_a, signer_name="Sigrid Ørnes",
                                       signer_title="Leiar for organisasjon og forhandling")
    return module


def test_cockpit_dashboard_with_its_charts(personas, cockpit_module):
    document = document_request(kind=DASHBOARD_PDF, organisation=personas.org_a,
                                requested_by=personas.alice, title="Dashbord for ledelsen",
                                params={"programme": cockpit_module.programme.pk})
    data, title = _built(document)
    pdf = assert_tagged(data, title=title)
    # Every SVG chart is a Figure whose alternative text is the chart's title.
    with translation.override("nb"):
        charts = [_("Leaders reached per track"), _("Module fill"), _("Module completion"),
                  _("Coaching hours used against the agreement")]
        headers = [_("Figure"), _("Share"), _("Seated"), _("Seats")]
    assert pdf.tags["Figure"] == len(pdf.figure_alts) >= len(charts)
    assert all(chart in pdf.figure_alts for chart in charts), pdf.figure_alts
    assert all(header in pdf.header_cells for header in headers), pdf.header_cells
    # Each chart's table names its rows with row headers.
    assert "Row" in pdf.header_scopes and "Endringsledelse" in " ".join(pdf.header_cells)
    assert all(chart in pdf.reading_order for chart in charts), pdf.reading_order


def test_course_certificates_one_and_in_bulk(personas, cockpit_module):
    rows = completed_for_certificates(module_ids=[cockpit_module.pk])
    assert len(rows) == 2
    with translation.override("nb"):
        title = _("Course certificate")
    # The leader's own, downloaded from Min side (rendered in the request).
    own = certificates_pdf(enrollments=rows[:1], organisation_id=personas.org_a.pk,
                           language="nb")
    pdf = assert_tagged(own, title=title, tables=False)
    assert pdf.reading_order == [title]
    # O&F's file for the module: one page and one H1 per certificate.
    document = document_request(kind=CERTIFICATES_PDF, organisation=personas.org_a,
                                requested_by=personas.alice, title="Kursbevis",
                                params={"modules": [cockpit_module.pk]})
    data, _title = _built(document)
    assert_tagged(data, title=title, tables=False, h1=2)


@pytest.mark.parametrize(("page_size", "language"), [("A4", "nb"), ("A3", "nn")])
def test_leader_platform(lp, page_size, language):  # noqa: F811
    version = publish(lp)
    pdf = assert_tagged(render_platform_pdf(version, page_size=page_size, language=language),
                        title=version.platform.name, lang=language, tables=False)
    assert pdf.reading_order[0] == version.platform.name
    assert pdf.tags["H2"] >= 2 and pdf.tags["H3"] >= 2 and pdf.tags["LI"] >= 3, pdf.tags


# Every template a PDF is rendered from, and the test above (or elsewhere) that reads it.
PDF_TEMPLATES = {
    "groups/pdf/poster.html": "test_purpose_poster",
    "surveys/pdf/report_group.html": "test_group_report_with_its_chart",
    "surveys/pdf/report_evaluation.html": "test_evaluation_report",
    "surveys/pdf/report_needs.html": "test_needs_report_with_its_breakdowns",
    "reports/pdf/status.html": "test_management_reports",
    "reports/pdf/costs.html": "test_management_reports",
    "coaching/pdf/invoice_basis.html": "test_invoice_basis",
    "cockpit/pdf/dashboard.html": "test_cockpit_dashboard_with_its_charts",
    "cockpit/pdf/certificates.html": "test_course_certificates_one_and_in_bulk",
    "leaderplatform/pdf/platform.html": "test_leader_platform",
    "privacy/pdf/record.html": "privacy/tests/test_record.py",
}


def test_every_pdf_kind_is_covered():
    """A new ``render_pdf(template=…)`` fails here until it has a structure test."""
    root = Path(__file__).resolve().parent.parent
    found = set()
    apps = [d for d in root.iterdir() if d.is_dir() and (d / "__init__.py").exists()]
    for path in (p for app in apps for p in app.rglob("*.py")):
        if "tests" in path.parts:
            continue
        found |= set(re.findall(r'"([\w/]+/pdf/[\w]+\.html)"', path.read_text()))
    assert found - {"lib/pdf/base.html"} == set(PDF_TEMPLATES), found
    assert all(name in globals() or (root / name).exists() for name in PDF_TEMPLATES.values())
