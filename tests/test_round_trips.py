"""A page's independent reads reach PostgreSQL together (``lib.prepared.ahead``): Min
side's panels and a leader group's progress page each in one round trip, not one per
query. Counted from the statements Django's cursor sees: a statement sent inside a
pipeline shares that pipeline's round trip."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from groups import services as group_services
from groups.tests.factories import GroupProcessFactory
from lib.testing import round_trips
from tests.factories import LeaderFactory, LeaderGroupFactory, LeaderGroupMembershipFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def _round_trips(client, url: str) -> tuple[int, list[int], str]:
    """(round trips, statements per pipeline, the page)."""
    trips, pipelined, response = round_trips(lambda: client.get(url))
    assert response.status_code == 200
    return trips, pipelined, response.content.decode()


def test_min_side_sends_the_panels_first_reads_together(client, personas):
    """A leader with a report: the unit path, the reports and every panel's first reads
    go in one pipeline."""
    boss = personas.boss_leader
    LeaderFactory(organisation=personas.org_a, leader_above=boss,
                  user__full_name="Åsmund\nØvrebø")
    client.force_login(boss.user)
    client.get(reverse("accounts:min_side"))  # the session's first visit, settled
    trips, pipelined, html = _round_trips(client, reverse("accounts:min_side"))
    # The panels: messages, enrolments, waiting surveys, the platform, leader groups,
    # programmes, requests to decide, coaching courses, applications to decide, network
    # groups; min_side_get: the unit's ancestors and the reports.
    assert pipelined == [12]
    assert trips == 2 + 1  # the session and its user, then the pipeline
    assert "Åsmund" in html and "Berit Sjef" in html


def test_the_progress_page_sends_its_reads_together(client, personas):
    group = LeaderGroupFactory(organisation=personas.org_a, head=personas.boss_leader,
                               name="Ledergruppe «Helse»")
    LeaderGroupMembershipFactory(group=group, leader=personas.bob_leader)
    process = GroupProcessFactory(group=group)
    group_services.sessions_plan(process=process, actor=personas.alice,
                                 first_at=timezone.now() - dt.timedelta(days=20),
                                 interval_days=14)
    client.force_login(personas.bob)
    url = reverse("groups:progress", args=[group.public_id])
    client.get(url)
    trips, pipelined, html = _round_trips(client, url)
    # members, sessions, tasks, the posters' milestones, the Effect survey's milestones
    assert pipelined == [5]
    assert trips == 2 + 1 + 1  # session, user; the group with its access facts; the pipeline
    assert "Bob Leder" in html and "Ledergruppe «Helse»" in html


def test_the_surveys_page_reads_waiting_answered_and_reports_together(client, personas):
    client.force_login(personas.bob)
    url = reverse("surveys:index")
    client.get(url)
    trips, pipelined, html = _round_trips(client, url)
    assert pipelined == [3]
    assert trips == 2 + 1  # session, user; the pipeline
    # O&F sees every report of the municipality: read the ordinary way, not sent ahead.
    client.force_login(personas.alice)
    client.get(url)
    trips, pipelined, html = _round_trips(client, url)
    assert pipelined == []
