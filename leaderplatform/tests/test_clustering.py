"""Step 4: O&F and facilitators sort proposals into candidates; the groups stay linked."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lib.testing import assert_queries_stable, assert_refused

from .. import services
from ..models import Characteristic, Proposal, Step
from .conftest import at_step

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposals(lp):
    version = at_step(lp.version, Step.BRAINSTORM)
    made = [services.proposal_submit(version=version, actor=lp.facilitator, leader_group=lp.group,
                                     text="Tydelig på mål"),
            services.proposal_submit(version=version, actor=lp.nina.user,
                                     network_group=lp.net_group, text="Tydelige mål og retning"),
            services.proposal_submit(version=version, actor=lp.head.user, leader_group=lp.group,
                                     text="Ser den enkelte")]
    at_step(version, Step.ANALYSE)
    for p in made:
        p.refresh_from_db()
    return made


def test_oaf_and_facilitators_cluster_others_are_refused(lp, proposals):
    version = proposals[0].version
    for actor in (lp.oaf, lp.facilitator, lp.net_facilitator):
        services.candidate_create(version=version, actor=actor, text=f"Kandidat {actor.pk}")
    for actor in (lp.member.user, lp.head.user, lp.coach, lp.personas.charlie):
        assert_refused("permission_denied", lambda actor=actor: services.candidate_create(
            version=version, actor=actor, text="Kandidat"))
        assert_refused("permission_denied", lambda actor=actor: services.proposal_cluster(
            proposal=proposals[0], candidate=None, actor=actor))
    assert Characteristic.objects.filter(version=version).count() == 3


def test_clustering_only_in_step_four(lp, proposals):
    version = at_step(proposals[0].version, Step.DECIDE)
    assert_refused("wrong_step", lambda: services.candidate_create(version=version, actor=lp.oaf,
                                                                   text="Kandidat"))


def test_merging_duplicates_keeps_every_proposing_group(lp, proposals):
    version = proposals[0].version
    goals = services.candidate_create(version=version, actor=lp.oaf, text="Tydelig på mål",
                                      proposals=[proposals[0]])
    duplicate = services.candidate_create(version=version, actor=lp.facilitator,
                                          text="Tydelige mål", proposals=[proposals[1]])
    assert_refused("same", lambda: services.candidates_merge(source=goals, target=goals,
                                                             actor=lp.oaf))
    services.candidates_merge(source=duplicate, target=goals, actor=lp.facilitator)
    assert not Characteristic.objects.filter(pk=duplicate.pk).exists()
    linked = Proposal.objects.filter(characteristic=goals)
    assert {p.group_name for p in linked} == {"Ledergruppa Helse\nog velferd", "Blåveis"}
    services.proposal_cluster(proposal=proposals[2], candidate=goals, actor=lp.oaf)
    services.proposal_cluster(proposal=proposals[2], candidate=None, actor=lp.oaf)
    assert Proposal.objects.get(pk=proposals[2].pk).characteristic is None


def test_the_keyboard_form_creates_assigns_and_merges(client, lp, proposals):
    version = proposals[0].version
    url = reverse("leaderplatform:cluster", args=[version.uuid])
    client.force_login(lp.facilitator)
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="action" value="assign"' in page.content.decode()
    response = client.post(url, {"action": "create", "new-text": "Tydelig på mål",
                                 "new-proposals": [str(proposals[0].uuid)]})
    assert response.status_code == 302
    goals = Characteristic.objects.get(text_nb="Tydelig på mål")
    assert list(goals.proposals.all()) == [proposals[0]]
    response = client.post(url, {"action": "assign", "proposal": str(proposals[1].uuid),
                                 "candidate": str(goals.pk)})
    assert response.status_code == 302
    other = services.candidate_create(version=version, actor=lp.oaf, text="Mål")
    response = client.post(url, {"action": "merge", "merge-source": str(other.pk),
                                 "merge-target": str(goals.pk)})
    assert response.status_code == 302
    assert goals.proposals.count() == 2
    # Empty text: the form says why, nothing is made.
    response = client.post(url, {"action": "create", "new-text": " "})
    assert response.status_code == 400
    assert Characteristic.objects.filter(version=version).count() == 1


def test_a_leader_gets_403_on_the_sorting_page(client, lp, proposals):
    client.force_login(lp.member.user)
    url = reverse("leaderplatform:cluster", args=[proposals[0].version.uuid])
    assert client.get(url).status_code == 403
    assert client.post(url, {"action": "create", "new-text": "x"}).status_code == 403
    assert not Characteristic.objects.filter(version=proposals[0].version).exists()


def test_the_sorting_page_costs_the_same_queries_for_ten_times_the_proposals(client, lp,
                                                                             proposals):
    version = proposals[0].version
    client.force_login(lp.oaf)

    def grow(n: int) -> None:
        for i in range(n):
            candidate = Characteristic.objects.create(version=version, text_nb=f"Kandidat {i}")
            Proposal.objects.create(version=version, leader_group=lp.group, text=f"Forslag {i}",
                                    characteristic=candidate)
            Proposal.objects.create(version=version, network_group=lp.net_group,
                                    text=f"Nettverk {i}")

    # session, user with leader profile, version, proposals, candidates, the candidates'
    # proposals, themes: 7 at 1× and 10×.
    assert_queries_stable(lambda: client.get(reverse("leaderplatform:cluster",
                                                     args=[version.uuid])), grow=grow,
                          expected=7)
