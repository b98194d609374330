"""Whether a round may open today is one rule (``Round.may_open``), kept by the service itself.

The admin's "open now" action and the daily task used to check it before calling
``round_open``; now the service refuses on its own, and the task's filter is the
same rule as a query.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from surveys import services
from surveys.models import Invitation, Round

from .factories import close, make_round

pytestmark = pytest.mark.django_db


def _agree(today: dt.date) -> None:
    """The model method and the queryset filter name the same rounds."""
    by_method = {r.pk for r in Round.objects.all() if r.may_open(today)}
    assert by_method == set(Round.objects.may_open(today).values_list("pk", flat=True))


def test_a_round_opens_only_between_its_dates_and_only_once(personas, team):
    today = timezone.localdate()
    later = make_round(organisation=personas.org_a, instrument=team.before.instrument,
                       group=team.group, phase="after", baseline=team.before, opens=3,
                       closes=10)
    _agree(today)
    assert not later.may_open(today)
    assert services.round_open(round=later) is None  # not yet: nobody is invited
    assert not Invitation.objects.filter(round=later).exists()

    assert team.before.may_open(today)
    assert services.round_open(round=team.before) == 6
    _agree(today)
    assert not Round.objects.get(pk=team.before.pk).may_open(today)
    assert services.round_open(round=team.before) is None  # once only

    _agree(today + dt.timedelta(days=3))
    assert Round.objects.get(pk=later.pk).may_open(today + dt.timedelta(days=3))


def test_a_closed_round_never_opens(personas, team):
    close(team.before)
    assert not team.before.may_open()
    assert services.round_open(round=team.before) is None
    assert services.rounds_open_due() == 0
    assert not Invitation.objects.filter(round=team.before).exists()


def test_the_admin_action_opens_only_what_may_open(client, personas, team):
    later = make_round(organisation=personas.org_a, instrument=team.before.instrument,
                       group=team.group, phase="after", baseline=team.before, opens=3,
                       closes=10)
    client.force_login(personas.alice)
    client.post(reverse("admin:surveys_round_changelist"),
                {"action": "open_now", "_selected_action": [team.before.pk, later.pk]})
    assert Invitation.objects.filter(round=team.before).count() == 6
    assert not Invitation.objects.filter(round=later).exists()
