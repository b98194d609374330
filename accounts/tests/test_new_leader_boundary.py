"""A "new leader" has led for under 12 months: 364 days is new, 365 days is not (issue 24).

``Leader.is_new`` and ``Leader.objects.new_leaders()`` must agree on the boundary.
"""

from __future__ import annotations

import datetime as dt

import pytest

from accounts.models import NEW_LEADER_DAYS, Leader
from tests.factories import LeaderFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2030, 6, 15)


@pytest.mark.parametrize(("days", "new"), [(0, True), (NEW_LEADER_DAYS - 1, True),
                                           (NEW_LEADER_DAYS, False),
                                           (NEW_LEADER_DAYS + 1, False)])
def test_a_leader_is_new_for_exactly_365_days(personas, days, new):
    assert NEW_LEADER_DAYS == 365
    leader = LeaderFactory(organisation=personas.org_a,
                           leader_since=TODAY - dt.timedelta(days=days))
    assert leader.is_new(TODAY) is new
    in_query = Leader.objects.filter(pk=leader.pk).new_leaders(TODAY).exists()
    assert in_query is new
