"""Every report PDF prints whole: each table's column headers and its last column's totals
are on the printed page (``pdftotext`` clips to the page, unlike pypdf), no word runs off it.

Covers the status report, the cost overview and the coaching invoice basis.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import UnitKind
from coaching.models import BookingStatus, CourseStatus, InvoiceSettings
from coaching.tests.factories import AgreementFactory, BookingFactory, CourseFactory, at
from lib.documents import document_request, document_run
from lib.money import display
from lib.pdf_testing import available, printed
from networks.tests.factories import FacilitatorFactory, NetworkGroupFactory, NetworkPlanFactory
from programs.tests.factories import (
    GatheringFactory,
    ModuleFactory,
    ProgrammeFactory,
    ProgrammeParticipantFactory,
)
from reports.documents import COSTS_PDF, STATUS_PDF, track_labels
from reports.models import TermKind
from reports.services import report_request
from reports.status import status_report
from reports.tests.factories import ContractTermFactory, ProgrammeBudgetFactory, seated
from tests.factories import LeaderFactory, UnitFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("bokmaal"),
              pytest.mark.skipif(not available(), reason="needs poppler's pdftotext")]



def _run(personas, kind, programme):
    document = report_request(kind=kind, programme=programme, requested_by=personas.alice,
                              title="Rapport")
    document = document_run(str(document.pk))
    assert document.status == "done"
    return printed(document.file.read())


@pytest.fixture
def busy(personas):
    """A programme with leaders in every track, across two service areas with long names."""
    org = personas.org_a
    programme = ProgrammeFactory(organisation=org, name="Fjellheimleiaren",
                                 starts_on=dt.date(2030, 1, 1), ends_on=dt.date(2030, 12, 31))
    areas = [UnitFactory(organisation=org, kind=UnitKind.SERVICE_AREA, name=name)
             for name in ("Helse, omsorg og velferd", "Oppvekst og kultur")]
    leaders = [LeaderFactory(organisation=org, unit=areas[n % 2]) for n in range(6)]
    for leader in leaders[:4]:
        ProgrammeParticipantFactory(programme=programme, leader=leader)
    seated(ModuleFactory(programme=programme), leader=leaders[4])
    agreement = AgreementFactory(organisation=org, programme=programme)
    for leader in leaders[3:]:
        course = CourseFactory(organisation=org, agreement=agreement, leader=leader,
                               status=CourseStatus.ACTIVE,
                               applied_at=timezone.make_aware(dt.datetime(2030, 1, 10)))
        BookingFactory(course=course, starts_at=at(dt.date(2030, 3, 11 + leader.pk % 5), 10),
                       status=BookingStatus.HELD)
    return programme


def test_status_pdf_prints_every_column_and_the_coaching_count(personas, busy):
    # A leader coached under the general agreement: shown once, beside, never as reached.
    CourseFactory(organisation=personas.org_a, leader=LeaderFactory(organisation=personas.org_a),
                  applied_at=timezone.make_aware(dt.datetime(2030, 1, 10)))
    report = status_report(programme=busy)
    assert report.per_track["coaching"] == 3  # through the agreement's programme
    assert report.coaching_outside == 1 and report.reached == 6
    pdf = _run(personas, STATUS_PDF, busy)
    assert pdf.off_page == []
    headers = [_("Service area"), *track_labels().values(), _("Reached")]
    missing = [h for h in headers if not pdf.has(h)]
    assert missing == []
    # The last column's total: every reached leader, once.
    assert pdf.has(f"{_('Total')} 4 1 0 0 3 {report.reached}")
    assert pdf.has(f"{report.reached}/{report.leaders}") \
        or pdf.has(f"{report.reached} / {report.leaders}")


def test_costs_pdf_prints_every_column_and_the_totals(personas, busy):
    ProgrammeBudgetFactory(programme=busy)
    ContractTermFactory(programme=busy, label="Samlinger")
    ContractTermFactory(programme=busy, kind=TermKind.NETWORK_DAY, label="Nettverk",
                        unit_price=Decimal("17500.00"), gatherings=None, advisers=None,
                        meetings=16, meetings_per_day=2)
    ContractTermFactory(programme=busy, kind=TermKind.FIXED, label="Evaluering",
                        unit_price=Decimal("17500.00"), gatherings=None, advisers=None)
    ContractTermFactory(programme=busy, kind=TermKind.COACHING, label="Veiledning",
                        unit_price=Decimal("2187.50"), gatherings=None, advisers=None,
                        leaders=20, sessions=4, session_minutes=60)
    adviser = FacilitatorFactory(organisation=personas.org_a)
    GatheringFactory(programme=busy, date=dt.date(2030, 2, 1)).advisers.add(adviser)
    NetworkGroupFactory(plan=NetworkPlanFactory(programme=busy))
    pdf = _run(personas, COSTS_PDF, busy)
    assert pdf.off_page == []
    for header in (_("Paid by"), _("Offer"), _("Budget"), _("Calendar"), _("Delivered"),
                   _("Term")):
        assert pdf.has(header), header
    assert pdf.has(display(Decimal("507500.00")))  # offer, ex. VAT
    assert pdf.has(display(Decimal("634375.00")))  # offer, inc. VAT
    # The last column (delivered): 3 held coaching hours at 2 187,50; the gathering
    # is in the future (the report counts held by today, and 2030 is ahead).
    assert pdf.has(display(Decimal("6562.50")))


def test_invoice_basis_pdf_prints_every_column_and_the_totals(personas, busy):
    InvoiceSettings.objects.create(organisation=personas.org_a, show_leader_names=True)
    document = document_request(kind="coaching.invoice_basis_pdf", organisation=personas.org_a,
                                requested_by=personas.alice, title="Fakturagrunnlag",
                                params={"month": "2030-03", "unit": None})
    document = document_run(str(document.pk))
    pdf = printed(document.file.read())
    assert pdf.off_page == []
    for header in (_("Paying unit"), _("Unit code / ansvar"), _("Supplier"),
                   _("Supplier's reference"), _("Held"), _("No-show"), _("Cancelled late"),
                   _("Hours"), _("Hourly rate (NOK)"), _("Amount ex. VAT (NOK)")):
        assert pdf.has(header), header
    assert pdf.has(_("Total ex. VAT")) and pdf.has(f"3,00 {display(Decimal('6562.50'))}")
    assert pdf.has(f"{_('Total inc. VAT')} {display(Decimal('8203.13'))}")


def test_status_pdf_prints_the_effect_table_whole(personas, busy):
    from reports.tests.test_status_report import _group_with_effect

    _group_with_effect(personas.org_a, personas.boss_leader, after_answers=6)
    report = status_report(programme=busy)
    assert report.effect
    pdf = _run(personas, STATUS_PDF, busy)
    assert pdf.off_page == []
    for header in (_("Dimension"), _("Before"), _("After"), _("Difference")):
        assert pdf.has(header), header
    last = report.effect[-1]  # the last column of its last row: the difference
    assert pdf.has(f"{last.before:.2f} {last.after:.2f} {last.change:.2f}".replace(".", ","))
