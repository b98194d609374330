"""Group sessions appear in the personal calendar feed of members and the facilitator."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from groups import services
from groups.calendar import sessions_for_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def planned(world, personas):
    services.sessions_plan(process=world.process, actor=personas.alice, first_at=timezone.now(),
                           location="Rådhuset, møterom 2")
    return world


def test_members_and_facilitator_get_the_sessions(planned):
    for user in (planned.member, planned.head, planned.facilitator):
        events = sessions_for_user(user)
        assert len(events) == 7, user
        assert events[0].location == "Rådhuset, møterom 2"
        assert str(planned.group.public_id) in events[0].url


def test_others_get_none(planned, personas):
    assert sessions_for_user(planned.outsider_leader) == []
    assert sessions_for_user(personas.dora_leader.user) == []


def test_feed_contains_the_group_sessions(client, planned):
    token = planned.member.calendar_token
    body = client.get(reverse("accounts:calendar_feed", args=[token])).content.decode()
    assert "Ledergruppen i Helse og velferd" in body
    assert body.count("groups-session-") == 7
