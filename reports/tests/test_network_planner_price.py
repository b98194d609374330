"""The network planner's price is the cost overview's (issue 17): 4 groups × 4 meetings,
two a day per adviser, make 8 adviser-days, priced at the contract's day price — the
same amount the cost overview puts on the calendar, with no flag for extra days."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from django.utils.translation import gettext as _

from lib.contract_prices import network_day_price
from networks.services.planning import meetings_plan_range
from networks.tests.test_packing import make_plan
from reports.costs import cost_overview
from reports.models import TermKind
from reports.tests.factories import ContractTermFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("bokmaal")]


@pytest.mark.parametrize("advisers", [1, 2])
def test_planner_price_matches_the_cost_overview(personas, advisers):
    plan, _groups, _gathering, _holiday, _people = make_plan(personas.org_a, advisers=advisers)
    ContractTermFactory(programme=plan.programme, kind=TermKind.NETWORK_DAY,
                        unit_price=Decimal("17500.00"), gatherings=None, advisers=None,
                        meetings=16, meetings_per_day=2)
    today = timezone.localdate()
    result = meetings_plan_range(plan=plan, per_group=4, first=today + dt.timedelta(days=7),
                                 last=today + dt.timedelta(days=180), actor=personas.alice)
    assert (result.adviser_days, result.contract_days) == (8, 8)
    assert result.price == Decimal("140000.00")
    overview = cost_overview(programme=plan.programme)
    line = next(line for line in overview.lines if line.section == _("Network groups"))
    assert line.calendar is not None and line.calendar.amount == result.price
    assert line.offer is not None and line.offer.amount == result.price
    assert not line.flagged  # the calendar's adviser-days are no more than the contract's


def test_no_term_no_price(personas):
    plan, *_ = make_plan(personas.org_a, advisers=1)
    assert network_day_price(plan.programme_id) is None
