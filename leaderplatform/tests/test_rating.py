"""Step 5: every leader rates once, anonymously; scores only over the threshold."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lib.testing import assert_refused
from surveys.models import AnonymitySettings

from .. import selectors, services
from ..models import Ballot, Rating, Step
from .conftest import at_step, in_english

pytestmark = pytest.mark.django_db


@pytest.fixture
def candidates(lp):
    version = at_step(lp.version, Step.ANALYSE)
    made = [services.candidate_create(version=version, actor=lp.oaf, text=text)
            for text in ("Tydelig på mål", "Ser den enkelte")]
    at_step(version, Step.DECIDE)
    return made


def _scores(candidates, a=5, b=3):
    return {candidates[0].pk: a, candidates[1].pk: b}


def test_a_leader_rates_once(lp, candidates):
    version = candidates[0].version
    services.ballot_cast(version=version, leader=lp.member, scores=_scores(candidates))
    assert_refused("already_rated", lambda: services.ballot_cast(
        version=version, leader=lp.member, scores=_scores(candidates)))
    assert Rating.objects.count() == 2 and Ballot.objects.count() == 1


def test_every_candidate_needs_a_score_from_one_to_five(lp, candidates):
    version = candidates[0].version
    cast = lambda scores: services.ballot_cast(version=version, leader=lp.other,  # noqa: E731
                                               scores=scores)
    assert_refused("missing_score", lambda: cast({candidates[0].pk: 4}))
    assert_refused("bad_score", lambda: cast(_scores(candidates, 6, 3)))
    assert_refused("bad_score", lambda: cast(_scores(candidates, 0, 3)))
    assert_refused("other_item", lambda: cast({**_scores(candidates), 999_999: 3}))
    assert not Rating.objects.exists() and not Ballot.objects.exists()


def test_only_the_municipalitys_leaders_rate_and_only_in_step_five(lp, candidates):
    version = candidates[0].version
    assert_refused("permission_denied", lambda: services.ballot_cast(
        version=version, leader=lp.personas.dora_leader, scores=_scores(candidates)))
    at_step(version, Step.ANALYSE)
    assert_refused("wrong_step", lambda: services.ballot_cast(
        version=version, leader=lp.member, scores=_scores(candidates)))


def test_a_user_without_a_leader_profile_gets_403(client, lp, candidates):
    client.force_login(lp.facilitator)
    url = reverse("leaderplatform:rate", args=[candidates[0].version.uuid])
    assert client.get(url).status_code == 403
    assert client.post(url, {f"s{c.pk}": "5" for c in candidates}).status_code == 403


def test_scores_are_stored_without_the_leader(lp, candidates):
    services.ballot_cast(version=candidates[0].version, leader=lp.member,
                         scores=_scores(candidates))
    fields = {f.name for f in Rating._meta.get_fields()}
    assert fields == {"id", "characteristic", "score"}  # no leader, no time, no ballot


def test_results_hidden_below_the_threshold_and_shown_at_it(client, lp, candidates):
    version = candidates[0].version
    AnonymitySettings.objects.update_or_create(organisation=lp.org,
                                               defaults={"min_respondents": 4})
    for leader in (lp.member, lp.head, lp.nina):
        services.ballot_cast(version=version, leader=leader, scores=_scores(candidates))
    results = selectors.rating_results(version)
    assert results.ballots == 3 and not results.shown
    assert all(row.mean is None and row.counts == [] for row in results.rows)
    client.force_login(lp.oaf)
    url = reverse("leaderplatform:results", args=[version.uuid])
    assert "5.0" not in client.get(url).content.decode()
    services.ballot_cast(version=version, leader=lp.ola, scores=_scores(candidates, 1, 3))
    results = selectors.rating_results(version)
    assert results.shown
    by_text = {row.characteristic.text_nb: row for row in results.rows}
    assert by_text["Tydelig på mål"].mean == 4.0
    assert by_text["Tydelig på mål"].counts == [1, 0, 0, 0, 3]
    assert by_text["Ser den enkelte"].mean == 3.0


def test_results_page_is_oafs_and_the_decision_is_recorded_there(client, lp, candidates):
    version = candidates[0].version
    url = reverse("leaderplatform:results", args=[version.uuid])
    for user in (lp.member.user, lp.facilitator, lp.coach):
        client.force_login(user)
        assert client.get(url).status_code == 403
    client.force_login(lp.personas.charlie)
    assert client.get(url).status_code == 404
    client.force_login(lp.oaf)
    response = client.post(url, {"characteristic": candidates[0].pk, "adopted": "1"})
    assert response.status_code == 302
    candidates[0].refresh_from_db()
    assert candidates[0].status == "vedtatt"


def test_the_rating_form_as_a_leader(client, lp, candidates):
    version = candidates[0].version
    client.force_login(in_english(lp.member.user))
    url = reverse("leaderplatform:rate", args=[version.uuid])
    response = client.post(url, {f"s{candidates[0].pk}": "4"})
    assert response.status_code == 400  # one line unanswered: nothing stored
    assert not Ballot.objects.exists()
    response = client.post(url, {f"s{c.pk}": "4" for c in candidates})
    assert response.status_code == 302
    assert Ballot.objects.filter(leader=lp.member).exists()
    assert "already rated" in client.get(url).content.decode()
