"""Min side lists waiting surveys; the progress timeline shows the Effect milestones."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from groups.timeline import milestones_for
from surveys import services
from surveys.timeline import effect_milestones
from tests.factories import LeaderGroupFactory

from .factories import close, make_round, scale_answers

pytestmark = pytest.mark.django_db


def test_min_side_lists_waiting_surveys_with_close_dates(client, personas, team):
    client.force_login(personas.bob)
    page = client.get(reverse("accounts:min_side")).content.decode()
    assert "Undersøkelser som venter på deg" in page
    assert team.before.display_title in page
    assert f"Stenger {team.before.closes_on.day}." in page
    services.response_submit(round=team.before, leader=personas.bob_leader,
                             answers=scale_answers(team.before, 4))
    page = client.get(reverse("accounts:min_side")).content.decode()
    assert "Undersøkelser som venter på deg" not in page


def test_the_progress_timeline_gets_before_and_after_milestones(personas, instruments, team):
    services.round_open(round=team.before)  # invites the six
    for leader in [team.head, personas.bob_leader, *team.members[:3]]:
        services.response_submit(round=team.before, leader=leader,
                                 answers=scale_answers(team.before, 4))
    close(team.before)
    make_round(organisation=personas.org_a, instrument=instruments["effect"], group=team.group,
               phase="after", baseline=team.before, opens=10, closes=20)
    milestones = {m.key: m for m in milestones_for([team.group])[team.group.pk]}
    closed = milestones["effect_before_closed"]
    assert closed.done and closed.kind == "survey"
    assert closed.label == "Effektkartlegging før avsluttet: 5 av 6 svarte (83 %)"
    assert closed.url == reverse("surveys:report", args=[team.before.pk])
    assert milestones["effect_before_opened"].done
    assert not milestones["effect_after_opened"].done
    assert milestones["effect_after_opened"].label == "Effektkartlegging etter åpner"


def test_one_query_for_any_number_of_groups(personas, instruments, team):
    groups = [team.group]
    for _ in range(5):
        group = LeaderGroupFactory(organisation=personas.org_a)
        make_round(organisation=personas.org_a, instrument=instruments["effect"], group=group,
                   phase="before")
        groups.append(group)
    with CaptureQueriesContext(connection) as ctx:
        result = effect_milestones(groups)
    assert len(ctx.captured_queries) == 1
    assert len(result) == 6
