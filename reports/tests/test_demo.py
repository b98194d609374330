from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest

from programs.tests.factories import ProgrammeFactory
from reports import demo
from reports.costs import cost_overview
from reports.models import ProgrammeBudget, ReminderPolicy, TravelCost

pytestmark = pytest.mark.django_db


def test_demo_gives_policies_budgets_and_travel_that_reconcile(personas):
    programme = ProgrammeFactory(organisation=personas.org_a)
    counts = demo.seed_demo(large=personas.org_a, small=personas.org_b,
                            rng=random.Random(1), today=dt.date(2026, 1, 5), scale=1)
    assert counts == {"reminder policies": 2, "contract terms": 4, "programme budgets": 1,
                      "travel costs": 3}
    assert ReminderPolicy.objects.count() == 2
    assert ProgrammeBudget.objects.get().programme == programme
    overview = cost_overview(programme=programme)
    # The offer: 4 × 2 × 21 875 + 8 days × 17 500 + 17 500 + 20 × 4 × 1 h × 2 187,50.
    assert overview.offer_total == Decimal("507500.00")
    assert overview.delivered_total == sum((t.amount for t in TravelCost.objects.all()),
                                           Decimal(0))
    demo.delete_demo(organisations=[personas.org_a, personas.org_b])
    assert not ReminderPolicy.objects.exists()
