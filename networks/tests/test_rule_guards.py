"""The database's own guard for a facilitator's slot (issue 24, test strength).

The services check every rule under row locks; the partial unique constraint is
what stops a lost race or a write that bypasses them. This test writes the rows
directly, so only the constraint can refuse them.
"""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from ..models import MeetingStatus
from .factories import FacilitatorFactory, MeetingFactory, NetworkGroupFactory

pytestmark = pytest.mark.django_db


def test_the_database_refuses_a_facilitator_twice_in_one_slot(net):
    """Break: removing ``network_meeting_facilitator_once_per_slot`` (model + migration)."""
    first = net.proposed
    other_group = NetworkGroupFactory(plan=net.plan, name="Andre")
    with pytest.raises(IntegrityError), transaction.atomic():
        MeetingFactory(group=other_group, facilitator=first.facilitator, date=first.date,
                       slot=first.slot)

    # The constraint is partial: a cancelled meeting, another slot, another facilitator
    # or a group meeting on its own does not block the slot.
    MeetingFactory(group=other_group, facilitator=first.facilitator, date=first.date,
                   slot=first.slot, status=MeetingStatus.CANCELLED)
    MeetingFactory(group=NetworkGroupFactory(plan=net.plan), facilitator=FacilitatorFactory(
        organisation=net.programme.organisation), date=first.date, slot=first.slot)
    MeetingFactory(group=NetworkGroupFactory(plan=net.plan), facilitator=None,
                   date=first.date, slot=first.slot)
