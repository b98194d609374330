"""Every kind of PDF the portal makes is tagged for assistive technology (PDF/UA-1).

Each PDF is built by the worker's own builder (``document_run``) and read back
with pypdf (``lib.pdf_testing.structure``): a structure tree, ``/MarkInfo``
marked, the reader's language in ``/Lang``, the document's title in the
metadata and shown as the window title, the first heading the document's own
title, table header cells tagged TH with every data cell pointing at its
headers and each header cell saying whether it heads a column or a row, and
alternative text on every figure (the survey charts).
docs/ACCESSIBILITY-PDF.md says what else was checked and how.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation
from django.utils.translation import gettext as _

from coaching.models import InvoiceSettings
from groups import services as group_services
from groups.models import PosterVersion
from groups.tests.conftest import world  # noqa: F401  (fixture)
from lib.documents import document_request, document_run
from lib.pdf_testing import PdfStructure, structure
from reports.documents import COSTS_PDF, STATUS_PDF
from reports.services import report_request
from reports.tests.test_report_pdfs import busy  # noqa: F401  (fixture)
from surveys.documents import REPORT_PDF, report_title
from surveys.tests.conftest import held_session, instruments, team  # noqa: F401  (fixtures)
from surveys.tests.factories import bulk_responses, close, make_round
from tests.factories import UnitFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("bokmaal")]


def _built(document) -> tuple[bytes, str]:
    document = document_run(str(document.pk))
    assert document.status == "done", document.error
    return document.file.read(), document.title


def assert_tagged(data: bytes, *, title: str, lang: str = "nb",
                  tables: bool = True) -> PdfStructure:
    pdf = structure(data)
    assert pdf.struct_tree, "no structure tree"
    assert pdf.marked, "/MarkInfo is not marked"
    assert pdf.lang == lang
    assert pdf.title == title and pdf.display_doc_title
    assert pdf.tags["H1"] == 1 and pdf.reading_order, pdf.tags
    assert all(pdf.figure_alts), pdf.figure_alts  # every figure has alternative text
    if tables:
        assert pdf.has_tag("Table") and pdf.has_tag("TH") and pdf.has_tag("TD")
        assert all(pdf.header_cells), pdf.header_cells  # no empty header cell
        # Every header says what it heads (Matterhorn 15-003), columns first.
        assert set(pdf.header_scopes) <= {"Column", "Row"} and "Column" in pdf.header_scopes
        assert pdf.cells_with_headers > 0
    return pdf


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
