"""The cost overview: the offer from the contract's terms beside the calendar and what was
delivered; coaching per programme through its agreement; totals that reconcile to the øre."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from django.utils.translation import gettext as _
from pypdf import PdfReader

from coaching.models import BookingStatus
from coaching.tests.factories import AgreementFactory, BookingFactory, CourseFactory, at
from lib.documents import document_run
from lib.testing import assert_queries_stable
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
from reports.models import Payer, TermKind
from reports.services import report_request
from reports.tests.factories import ContractTermFactory, ProgrammeBudgetFactory, TravelCostFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("bokmaal")]


AS_OF = dt.date(2030, 3, 31)  # "today" for what counts as held


def pdf_text(document) -> str:
    """The PDF's text with every kind of space made one plain space."""
    reader = PdfReader(document.file.open("rb"))
    text = " ".join(page.extract_text() for page in reader.pages)
    return " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").split())


def meetings(plan, facilitator, days: list[dt.date], *, per_day: int, groups,
             confirmed_until: dt.date | None = None):
    """``per_day`` meetings (morning, afternoon) on each day, dealt to the groups in turn."""
    made = 0
    for day in days:
        for slot, start, end in [(Slot.MORNING, dt.time(9), dt.time(11, 30)),
                                 (Slot.AFTERNOON, dt.time(12, 30), dt.time(15))][:per_day]:
            confirmed = confirmed_until is not None and day <= confirmed_until
            MeetingFactory(group=groups[made % len(groups)], date=day, slot=slot,
                           starts_at=start, ends_at=end, facilitator=facilitator,
                           status=MeetingStatus.CONFIRMED if confirmed else MeetingStatus.PROPOSED,
                           confirmed_at=timezone.now() if confirmed else None)
            made += 1
    return made


@pytest.fixture
def programme(personas):
    return ProgrammeFactory(organisation=personas.org_a, name="Fjellheim lederprogram",
                            starts_on=dt.date(2030, 1, 1), ends_on=dt.date(2030, 12, 31))


def _offer(programme):
    """The offer of the seed, with invented labels: 4 × 2 advisers, 16 meetings two a day,
    a fixed sum, and 20 leaders × 4 sessions × 1 h of coaching."""
    ContractTermFactory(programme=programme, position=1, label="Samlinger")
    ContractTermFactory(programme=programme, position=2, kind=TermKind.NETWORK_DAY,
                        label="Nettverk", unit_price=Decimal("17500.00"), gatherings=None,
                        advisers=None, meetings=16, meetings_per_day=2)
    ContractTermFactory(programme=programme, position=3, kind=TermKind.FIXED,
                        label="Evaluering og oppfølging", unit_price=Decimal("17500.00"),
                        gatherings=None, advisers=None)
    ContractTermFactory(programme=programme, position=4, kind=TermKind.COACHING,
                        label="Veiledning", unit_price=Decimal("2187.50"), gatherings=None,
                        advisers=None, leaders=20, sessions=4, session_minutes=60)


def test_offer_calendar_and_delivered_each_explain_their_arithmetic(personas, programme):
    _offer(programme)
    ProgrammeBudgetFactory(programme=programme)
    first, second = (FacilitatorFactory(organisation=personas.org_a) for _ in range(2))
    for day in (dt.date(2030, 1, 15), dt.date(2030, 5, 15)):
        GatheringFactory(programme=programme, date=day).advisers.add(first, second)
    groups = [NetworkGroupFactory(plan=NetworkPlanFactory(programme=programme))]
    groups.append(NetworkGroupFactory(plan=groups[0].plan))
    meetings(groups[0].plan, first, [dt.date(2030, 2, 5), dt.date(2030, 4, 9)], per_day=2,
             groups=groups, confirmed_until=AS_OF)
    TravelCostFactory(programme=programme, date=dt.date(2030, 1, 15), amount=Decimal("1234.50"))

    overview = cost_overview(programme=programme, as_of=AS_OF)
    lines = {line.label: line for line in overview.lines}
    gatherings = lines["Samlinger"]
    assert (gatherings.offer.amount, gatherings.offer.arithmetic) == (
        Decimal("175000.00"), "4 × 2 × 21\u202f875,00")
    assert gatherings.calendar.amount == Decimal("87500.00")  # 2 gatherings × 2 advisers
    assert gatherings.delivered.amount == Decimal("43750.00")  # the January one is held
    network = lines["Nettverk"]
    assert network.offer.amount == Decimal("140000.00")
    assert "16" in network.offer.arithmetic and "= 8" in network.offer.arithmetic
    assert network.calendar.amount == Decimal("35000.00")  # 4 meetings ÷ 2 = 2 days
    assert network.delivered.amount == Decimal("17500.00")  # 2 held meetings = 1 day
    assert not network.flagged
    fixed = lines["Evaluering og oppfølging"]
    assert (fixed.offer.amount, fixed.delivered.amount) == (Decimal("17500.00"), Decimal(0))
    coaching = lines["Veiledning"]
    assert coaching.payer == Payer.UNIT and coaching.offer.amount == Decimal("175000.00")
    assert coaching.offer.arithmetic == "20 × 4 × 1 t × 2\u202f187,50"
    assert overview.offer_total == Decimal("507500.00")
    assert overview.total("offer", Payer.OAF) == Decimal("332500.00")  # the offer's "SUM"
    assert overview.delivered_total == Decimal("43750.00") + Decimal("17500.00") + Decimal(
        "1234.50")
    summary = {row["label"]: row for row in overview.summary()}
    assert summary[_("Total ex. VAT")]["budget"] == Decimal("600000.00")
    vat, inc = overview.vat_rows()
    assert vat["offer"] == Decimal("126875.00") and inc["offer"] == Decimal("634375.00")
    assert all(isinstance(line.amount(c), Decimal) for line in overview.lines
               for c in ("offer", "calendar", "delivered"))


def test_meetings_spread_over_more_days_keep_the_contract_price_and_are_flagged(personas,
                                                                               programme):
    _offer(programme)
    facilitator = FacilitatorFactory(organisation=personas.org_a)
    plan = NetworkPlanFactory(programme=programme)
    groups = [NetworkGroupFactory(plan=plan) for _ in range(4)]
    mondays = [dt.date(2030, 2, 4) + dt.timedelta(weeks=n) for n in range(11)]
    # 16 meetings: five days with two, six days with one — 11 adviser-days.
    made = meetings(plan, facilitator, mondays[:5], per_day=2, groups=groups)
    made += meetings(plan, facilitator, mondays[5:], per_day=1, groups=groups)
    assert made == 16
    network = next(line for line in cost_overview(programme=programme, as_of=AS_OF).lines
                   if line.label == "Nettverk")
    assert network.offer.amount == network.calendar.amount == Decimal("140000.00")  # 8 days
    assert network.flagged
    notes = " ".join(network.notes)
    assert "11" in notes and "3" in notes  # 11 adviser-days, 3 more than 8


def test_coaching_belongs_to_the_programme_of_its_agreement(personas, programme):
    org = personas.org_a
    other = ProgrammeFactory(organisation=org, starts_on=programme.starts_on,
                             ends_on=programme.ends_on)  # overlapping
    own = AgreementFactory(organisation=org, programme=programme,
                           hourly_rate=Decimal("2187.50"))
    general = AgreementFactory(organisation=org, hourly_rate=Decimal("2000.00"))
    for agreement, status in ((own, BookingStatus.HELD), (own, BookingStatus.BOOKED),
                              (general, BookingStatus.HELD)):
        BookingFactory(course=CourseFactory(organisation=org, agreement=agreement),
                       starts_at=at(dt.date(2030, 3, 11), 10), status=status)
    ContractTermFactory(programme=programme, kind=TermKind.COACHING, label="Veiledning",
                        unit_price=Decimal("2187.50"), gatherings=None, advisers=None,
                        leaders=2, sessions=4, session_minutes=60)
    overview = cost_overview(programme=programme, as_of=AS_OF)
    (line,) = overview.lines
    assert line.delivered.amount == Decimal("2187.50")  # the held session of its agreement
    assert line.calendar.amount == Decimal("4375.00")  # held + still booked
    assert [o.delivered.amount for o in overview.outside] == [Decimal("2000.00")]
    assert overview.delivered_total == Decimal("2187.50")  # the general one is not added
    neighbour = cost_overview(programme=other, as_of=AS_OF)
    assert neighbour.lines == [] and neighbour.delivered_total == Decimal(0)
    assert [o.delivered.amount for o in neighbour.outside] == [Decimal("2000.00")]


def test_a_new_rate_changes_the_plan_not_the_held_sessions(personas, programme):
    agreement = AgreementFactory(organisation=personas.org_a, programme=programme,
                                 hourly_rate=Decimal("2187.50"))
    BookingFactory(course=CourseFactory(organisation=personas.org_a, agreement=agreement),
                   starts_at=at(dt.date(2030, 3, 11), 10), status=BookingStatus.HELD)
    term = ContractTermFactory(programme=programme, kind=TermKind.COACHING, label="Veiledning",
                               unit_price=Decimal("2187.50"), gatherings=None, advisers=None,
                               leaders=1, sessions=4, session_minutes=60)
    term.unit_price = Decimal("2500.00")
    term.save()
    (line,) = cost_overview(programme=programme, as_of=AS_OF).lines
    assert line.offer.amount == Decimal("10000.00")  # 4 h at the new rate
    assert line.delivered.amount == Decimal("2187.50")  # the held hour at the agreement's
    assert any("2\u202f187,50" in note for note in line.notes)


def test_a_programme_without_terms_says_so_instead_of_pricing_at_zero(personas, programme):
    adviser = FacilitatorFactory(organisation=personas.org_a)
    GatheringFactory(programme=programme, date=dt.date(2030, 1, 15)).advisers.add(adviser)
    overview = cost_overview(programme=programme, as_of=AS_OF)
    assert not overview.has_terms
    (line,) = overview.lines
    assert line.flagged and line.offer is None and line.calendar is None
    document = _build(personas, programme, COSTS_PDF)
    assert _("No contract terms are entered for this programme: there is no offer to compare "
             "with. Enter the supplier's terms under Reports › Contract terms.")[:40] \
        in pdf_text(document)


def test_period_limits_calendar_and_deliveries_not_the_offer(personas, programme):
    _offer(programme)
    adviser = FacilitatorFactory(organisation=personas.org_a)
    GatheringFactory(programme=programme, date=dt.date(2030, 1, 15)).advisers.add(adviser)
    GatheringFactory(programme=programme, date=dt.date(2030, 3, 15)).advisers.add(adviser)
    overview = cost_overview(programme=programme, first=dt.date(2030, 3, 1),
                             last=dt.date(2030, 3, 31), as_of=AS_OF)
    gatherings = overview.lines[0]
    assert gatherings.calendar.amount == gatherings.delivered.amount == Decimal("21875.00")
    assert overview.offer_total == Decimal("507500.00")


def _build(personas, programme, kind):
    document = report_request(kind=kind, programme=programme, requested_by=personas.alice,
                              title="Kostnader")
    return document_run(str(document.pk))


def test_csv_and_pdf_carry_the_same_totals(personas, programme):
    _offer(programme)
    TravelCostFactory(programme=programme, date=dt.date(2030, 2, 1), amount=Decimal("800.25"),
                      paid_by=Payer.UNIT)
    document = _build(personas, programme, COSTS_CSV)
    assert document.status == "done"
    rows = list(csv.reader(io.StringIO(document.file.read().decode("utf-8-sig")),
                           delimiter=";"))
    assert rows[0][:5] == [_("Section"), _("Term"), _("Paid by"), _("Offer: arithmetic"),
                           _("Offer (NOK)")]
    lines = [r for r in rows[1:] if r[0] not in (_("Total"), _("Budget"), _("Note"))]
    assert sum(Decimal(r[4].replace(",", ".") or 0) for r in lines) == Decimal("507500.00")
    totals = {r[1]: r for r in rows if r[0] == _("Total")}
    assert totals[_("Total ex. VAT")][4] == "507500,00"
    assert totals[_("Total ex. VAT")][8] == "800,25"
    assert totals[_("Total inc. VAT")][4] == "634375,00"
    text = pdf_text(_build(personas, programme, COSTS_PDF))
    assert "Fjellheim lederprogram" in text
    assert "507 500,00" in text and "634 375,00" in text


def test_the_overview_reads_the_same_number_of_queries_for_1_and_10_times_the_rows(
        personas, programme):
    """Terms, gatherings, meetings, coaching and travel grow tenfold; the queries do not."""
    org = personas.org_a
    agreement = AgreementFactory(organisation=org, programme=programme,
                                 hourly_rate=Decimal("2187.50"))
    plan = NetworkPlanFactory(programme=programme)
    groups = [NetworkGroupFactory(plan=plan)]
    adviser = FacilitatorFactory(organisation=org)
    _offer(programme)
    grown = {"n": 0}

    def grow(n: int) -> None:
        for _step in range(n):
            i = grown["n"]
            grown["n"] += 1
            day = dt.date(2030, 2, 4) + dt.timedelta(days=7 * i)
            GatheringFactory(programme=programme, date=day)
            meetings(plan, adviser, [day + dt.timedelta(days=1)], per_day=2, groups=groups)
            BookingFactory(course=CourseFactory(organisation=org, agreement=agreement),
                           starts_at=at(day, 10), status=BookingStatus.HELD)
            TravelCostFactory(programme=programme)

    assert_queries_stable(lambda: cost_overview(programme=programme, as_of=AS_OF), grow=grow)
