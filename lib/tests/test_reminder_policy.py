"""The reminder-policy slot in lib and the arithmetic the track apps' sources share."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.core.exceptions import ImproperlyConfigured

from lib import reminder_policy
from lib.reminder_policy import lead_due, longest_lead, policies


@dataclass
class _Policy:
    first_reminder_days: int = 7
    last_reminder_days: int = 1

    @property
    def days_before(self) -> tuple[int, int]:
        return (self.first_reminder_days, self.last_reminder_days)


NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(("ahead", "due"), [
    (dt.timedelta(days=10), None),          # not yet
    (dt.timedelta(days=6, hours=23), 7),    # the first reminder
    (dt.timedelta(hours=20), 1),            # the last, never both at once
    (dt.timedelta(0), None),                # started: nothing
    (-dt.timedelta(hours=1), None),
])
def test_lead_due_picks_the_most_recently_passed_threshold(ahead, due):
    assert lead_due(NOW + ahead, NOW, _Policy()) == due


def test_longest_lead_is_the_largest_first_reminder_or_a_week():
    assert longest_lead({}) == 7
    policy_map = {1: _Policy(first_reminder_days=3), 2: _Policy(first_reminder_days=14)}
    assert longest_lead(policy_map) == 14


def test_policies_refuse_without_a_provider(monkeypatch):
    monkeypatch.setattr(reminder_policy, "_provider", None)
    with pytest.raises(ImproperlyConfigured):
        policies([1])


def test_policies_ask_the_registered_provider(monkeypatch):
    asked = []

    def provider(*, organisation_ids):
        asked.append(set(organisation_ids))
        return {pk: _Policy() for pk in organisation_ids}

    monkeypatch.setattr(reminder_policy, "_provider", None)
    reminder_policy.register_policy_provider(provider)
    assert set(policies([4, 5])) == {4, 5}
    assert asked == [{4, 5}]
