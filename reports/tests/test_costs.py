"""The cost overview: each track priced, split by who pays, totals that reconcile."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from pypdf import PdfReader

from coaching.models import BookingStatus
from coaching.tests.factories import BookingFactory, CourseFactory, at
from lib.documents import document_run
from networks.models import MeetingStatus, Slot
from networks.tests.factories import (
    FacilitatorFactory,
    MeetingFactory,
    NetworkGroupFactory,
    NetworkPlanFactory,
)
from programs.tests.factories import GatheringFactory, ProgrammeFactory
from reports.costs import cost_overview
from reports.documents import COSTS_CSV, COSTS_PDF
from reports.models import CostRates, Payer
from reports.services import report_request
from reports.tests.factories import ProgrammeBudgetFactory, TravelCostFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def priced(personas):
    org = personas.org_a
    programme = ProgrammeFactory(organisation=org, name="Fjellheim lederprogram",
                                 starts_on=dt.date(2030, 1, 1), ends_on=dt.date(2030, 6, 30))
    ProgrammeBudgetFactory(programme=programme)
    first = FacilitatorFactory(organisation=org)
    second = FacilitatorFactory(organisation=org)
    GatheringFactory(programme=programme, date=dt.date(2030, 1, 15)).advisers.add(first, second)
    GatheringFactory(programme=programme, date=dt.date(2030, 3, 15)).advisers.add(first)
    GatheringFactory(programme=programme, date=dt.date(2031, 1, 15)).advisers.add(first)
    plan = NetworkPlanFactory(programme=programme)
    blue, star = NetworkGroupFactory(plan=plan), NetworkGroupFactory(plan=plan)
    day = dt.date(2030, 2, 5)
    MeetingFactory(group=blue, date=day, facilitator=first, status=MeetingStatus.CONFIRMED,
                   confirmed_at=timezone.now())
    MeetingFactory(group=star, date=day, slot=Slot.AFTERNOON, starts_at=dt.time(12, 30),
                   ends_at=dt.time(15), facilitator=first, status=MeetingStatus.CONFIRMED,
                   confirmed_at=timezone.now())
    MeetingFactory(group=blue, date=day + dt.timedelta(days=7), facilitator=first)
    MeetingFactory(group=star, date=day + dt.timedelta(days=7), facilitator=second,
                   status=MeetingStatus.CANCELLED)
    MeetingFactory(group=star, date=day + dt.timedelta(days=14), facilitator=None)
    course = CourseFactory(organisation=org)
    BookingFactory(course=course, starts_at=at(dt.date(2030, 3, 11), 10), minutes=90,
                   status=BookingStatus.HELD)
    TravelCostFactory(programme=programme, date=dt.date(2030, 1, 15), amount=Decimal("1234.50"))
    TravelCostFactory(programme=programme, date=dt.date(2030, 2, 1), amount=Decimal("800.25"),
                      paid_by=Payer.UNIT)
    return programme


def test_each_track_is_priced_and_totals_reconcile(priced):
    overview = cost_overview(programme=priced)
    tracks = {track: (oaf, units) for track, oaf, units in overview.by_track()}
    assert tracks["Samlinger"] == (Decimal("65625.00"), Decimal("0.00"))  # 3 adviser days
    assert tracks["Nettverksgrupper"] == (Decimal("35000.00"), Decimal("0.00"))  # 2 days
    assert tracks["Coaching"] == (Decimal("0.00"), Decimal("3281.25"))  # 1.5 h × 2 187.50
    assert tracks["Reise"] == (Decimal("1234.50"), Decimal("800.25"))
    assert overview.oaf_total == Decimal("101859.50")
    assert overview.units_total == Decimal("4081.50")
    assert overview.total == overview.oaf_total + overview.units_total == Decimal("105941.00")
    assert overview.oaf_left == Decimal("398140.50")
    assert overview.left == Decimal("600000.00") - Decimal("105941.00")
    assert all(isinstance(line.amount, Decimal) for line in overview.lines)


def test_rates_of_the_programme_are_used(priced):
    CostRates.objects.create(programme=priced, gathering_day_per_adviser=Decimal("20000"),
                             network_meeting_day=Decimal("15000"), meetings_per_day=1)
    tracks = {t: oaf for t, oaf, _units in cost_overview(programme=priced).by_track()}
    assert tracks["Samlinger"] == Decimal("60000.00")
    assert tracks["Nettverksgrupper"] == Decimal("45000.00")  # three meetings, one a day


def test_period_limits_the_lines(priced):
    overview = cost_overview(programme=priced, first=dt.date(2030, 3, 1),
                             last=dt.date(2030, 3, 31))
    assert {line.track for line in overview.lines} == {"Samlinger", "Coaching"}
    assert overview.total == Decimal("21875.00") + Decimal("3281.25")


def _build(personas, programme, kind):
    document = report_request(kind=kind, programme=programme, requested_by=personas.alice,
                              title="Kostnader")
    return document_run(str(document.pk))


def test_csv_and_pdf_carry_the_same_totals(personas, priced):
    document = _build(personas, priced, COSTS_CSV)
    assert document.status == "done"
    text = document.file.read().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][0] == "Spor"
    amounts = [Decimal(r[4].replace(",", ".")) for r in rows[1:] if r[0] != "Totalt"
               and r[0] not in ("Budsjett", "Igjen av budsjettet")]
    assert sum(amounts) == Decimal("105941.00")
    assert ["Totalt", "", "", "", "105941,00", ""] in rows
    pdf = _build(personas, priced, COSTS_PDF)
    reader = PdfReader(pdf.file.open("rb"))
    content = " ".join(page.extract_text() for page in reader.pages)
    assert "Fjellheim lederprogram" in content
    assert "105" in content and "941" in content
    assert "Nettverksgrupper" in content


def test_programme_without_costs_is_an_honest_empty_overview(personas):
    programme = ProgrammeFactory(organisation=personas.org_a, name="Tomt program",
                                 starts_on=dt.date(2031, 1, 1), ends_on=dt.date(2031, 3, 1))
    overview = cost_overview(programme=programme)
    assert overview.is_empty and overview.total == Decimal("0.00")
    document = _build(personas, programme, COSTS_PDF)
    assert document.status == "done"
    content = PdfReader(document.file.open("rb")).pages[0].extract_text()
    assert "Det er ennå ikke registrert kostnader" in content
