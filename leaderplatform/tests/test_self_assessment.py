"""The self-assessment is the leader's own: answering, the profile, comparing, sharing with
the coach, choosing areas for the development project; O&F sees only aggregates."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.privacy import leader_anonymise, personal_data_export
from coaching.models import DevelopmentProject
from lib.testing import assert_refused
from surveys.models import AnonymitySettings
from tests.factories import LeaderFactory

from .. import selectors, services
from ..models import Characteristic, SelfAnswer, SelfAssessment
from .conftest import all_scores, behaviour_ids, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(lp):
    return publish(lp)


@pytest.fixture
def assessment(lp, published):
    ids = behaviour_ids(published)
    return services.self_assessment_submit(leader=lp.member, version=published,
                                           scores={ids[0]: 5, ids[1]: 3, ids[2]: 2})


def test_every_behaviour_needs_a_score_and_only_the_published_platform(lp, published):
    ids = behaviour_ids(published)
    assert_refused("missing_score", lambda: services.self_assessment_submit(
        leader=lp.member, version=published, scores={ids[0]: 4}))
    assert_refused("bad_score", lambda: services.self_assessment_submit(
        leader=lp.member, version=published, scores=dict.fromkeys(ids, 9)))
    draft = services.platform_version_create(organisation=lp.org, actor=lp.oaf)
    assert_refused("not_published", lambda: services.self_assessment_submit(
        leader=lp.member, version=draft, scores={}))
    assert_refused("permission_denied", lambda: services.self_assessment_submit(
        leader=lp.personas.dora_leader, version=published, scores=all_scores(published)))
    assert not SelfAssessment.objects.exists()


def test_the_profile_has_a_mean_per_characteristic_and_theme(lp, assessment):
    result = selectors.profile(assessment)
    assert [t.theme.name_nb for t in result] == ["Oppgaveorientert ledelse",
                                                 "Relasjonsorientert ledelse"]
    assert result[0].score == 4.0 and result[0].lines[0].score == 4.0
    assert result[1].score == 2.0
    assert result[0].bar_percent == 75 and result[1].bar_percent == 25


def test_the_leader_answers_and_sees_the_profile_at_once(client, lp, published):
    client.force_login(lp.member.user)
    url = reverse("leaderplatform:assessment_start")
    form = client.get(url)
    assert "Bryter ned mål til konkrete oppgaver" in form.content.decode()
    ids = behaviour_ids(published)
    response = client.post(url, {f"s{ids[0]}": "4"})
    assert response.status_code == 400 and not SelfAssessment.objects.exists()
    response = client.post(url, {f"s{pk}": "4" for pk in ids})
    assessment = SelfAssessment.objects.get()
    assert response.url == reverse("leaderplatform:assessment", args=[assessment.uuid])
    page = client.get(response.url).content.decode()
    assert "<svg" in page and "Oppgaveorientert ledelse" in page
    assert "Hva vil det si å være tydelig som leder?" in page  # the reflection question


def test_repeating_it_compares_with_the_earlier_result(client, lp, published, assessment):
    later = services.self_assessment_submit(leader=lp.member, version=published,
                                            scores=all_scores(published, 4))
    result = selectors.profile(later, assessment)
    assert result[0].previous == 4.0 and result[0].score == 4.0
    assert result[1].previous == 2.0 and result[1].score == 4.0
    client.force_login(lp.member.user)
    page = client.get(reverse("leaderplatform:assessment", args=[later.uuid])).content.decode()
    assert "Before" in page or "Før" in page


@pytest.mark.parametrize("who", ["oaf", "leader_above", "other_leader", "group_head_peer",
                                 "coach", "facilitator", "charlie"])
def test_nobody_else_reads_it(client, lp, assessment, who):
    user = {"oaf": lp.oaf, "leader_above": lp.member.leader_above.user,
            "other_leader": lp.other.user, "group_head_peer": lp.nina.user, "coach": lp.coach,
            "facilitator": lp.facilitator, "charlie": lp.personas.charlie}[who]
    client.force_login(user)
    for name in ("assessment", "assessment_share", "assessment_focus"):
        url = reverse(f"leaderplatform:{name}", args=[assessment.uuid])
        assert client.get(url).status_code in (404, 405)
        assert client.post(url, {"shared": "1"}).status_code == 404
    assessment.refresh_from_db()
    assert not assessment.shared_with_coach


def test_the_coach_reads_it_only_while_shared_and_never_changes_it(client, lp, assessment):
    url = reverse("leaderplatform:assessment", args=[assessment.uuid])
    client.force_login(lp.member.user)
    client.post(reverse("leaderplatform:assessment_share", args=[assessment.uuid]),
                {"shared": "1"})
    client.force_login(lp.coach)
    page = client.get(url)
    assert page.status_code == 200 and "Bob Leder" in page.content.decode()
    assert "assessment_share" not in page.content.decode()
    response = client.post(reverse("leaderplatform:assessment_share", args=[assessment.uuid]),
                           {"shared": "0"})
    assert response.status_code == 403
    client.force_login(lp.member.user)
    client.post(reverse("leaderplatform:assessment_share", args=[assessment.uuid]),
                {"shared": "0"})
    client.force_login(lp.coach)
    assert client.get(url).status_code == 404


def test_one_or_two_areas_start_the_development_project(client, lp, published, assessment):
    goals, seen = Characteristic.objects.filter(version=published,
                                                status="vedtatt").order_by("position", "pk")
    assert_refused("too_many", lambda: services.self_assessment_focus(
        assessment=assessment, leader=lp.member, characteristic_ids=[goals.pk, seen.pk, 0]))
    assert_refused("permission_denied", lambda: services.self_assessment_focus(
        assessment=assessment, leader=lp.other, characteristic_ids=[goals.pk]))
    client.force_login(lp.member.user)
    response = client.post(reverse("leaderplatform:assessment_focus", args=[assessment.uuid]),
                           {"areas": [str(goals.pk)], "to_project": "1"})
    assert response.url == reverse("coaching:project_edit", args=[lp.course.uuid])
    project = DevelopmentProject.objects.get(course=lp.course)
    assert "Tydelig på mål og forventninger" in project.development_points
    assert not project.shared_with_coach  # sharing the project is still the leader's choice
    client.post(reverse("leaderplatform:assessment_focus", args=[assessment.uuid]),
                {"areas": [str(goals.pk)], "to_project": "1"})
    project.refresh_from_db()
    assert project.development_points.count("Tydelig på mål og forventninger") == 1


def test_without_a_course_there_is_no_project_to_start(lp, published):
    assessment = services.self_assessment_submit(leader=lp.other, version=published,
                                                 scores=all_scores(published))
    goals = Characteristic.objects.filter(version=published, status="vedtatt").first()
    services.self_assessment_focus(assessment=assessment, leader=lp.other,
                                   characteristic_ids=[goals.pk])
    assert_refused("no_course", lambda: services.focus_to_project(assessment=assessment,
                                                                  actor=lp.other.user))


def test_oaf_sees_only_aggregates_over_the_threshold(client, lp, published):
    AnonymitySettings.objects.update_or_create(organisation=lp.org,
                                               defaults={"min_respondents": 3})
    area_of_nina = lp.nina.unit
    extra = [LeaderFactory(organisation=lp.org, unit=area_of_nina, level="avdelingsleder")
             for _ in range(2)]
    for leader in [lp.nina, *extra]:
        services.self_assessment_submit(leader=leader, version=published,
                                        scores=all_scores(published, 4))
    # Two leaders elsewhere: under the threshold, never shown.
    services.self_assessment_submit(leader=lp.member, version=published,
                                    scores=all_scores(published, 1))
    services.self_assessment_submit(leader=lp.head, version=published,
                                    scores=all_scores(published, 1))
    data = selectors.aggregates(published)
    assert data.total.n == 5 and data.total.means[0] is not None
    rows = {row.label: row for row in data.by_area}
    assert rows["Helse og velferd"].n == 2 and rows["Helse og velferd"].hidden
    # Showing «Bygg og eiendom» (3) beside the total (5) would give the other two away.
    assert rows["Bygg og eiendom"].hidden
    assert all(row.hidden for row in data.by_level if row.n < 3)
    assert sum(1 for row in data.by_level if row.hidden) != 1
    third = LeaderFactory(organisation=lp.org, unit=lp.member.unit, level="avdelingsleder")
    services.self_assessment_submit(leader=third, version=published,
                                    scores=all_scores(published, 1))
    rows = {row.label: row for row in selectors.aggregates(published).by_area}
    assert rows["Bygg og eiendom"].means == [4.0, 4.0]
    assert rows["Helse og velferd"].n == 3 and rows["Helse og velferd"].means == [1.0, 1.0]
    client.force_login(lp.oaf)
    url = reverse("leaderplatform:aggregates", args=[published.uuid])
    page = client.get(url).content.decode()
    assert "Bygg og eiendom" in page and "Bob Leder" not in page
    for user in (lp.member.user, lp.facilitator, lp.coach):
        client.force_login(user)
        assert client.get(url).status_code == 403


def test_export_holds_every_answer_and_anonymising_removes_them(lp, published, assessment):
    data = personal_data_export(user=lp.member.user)["leaderplatform"]
    assert len(data["self_assessments"]) == 1
    answers = data["self_assessments"][0]["answers"]
    assert sorted(a["score"] for a in answers) == [2, 3, 5]
    assert data["candidates_rated"][0]["version"] == 1
    facilitator_export = personal_data_export(user=lp.facilitator)["leaderplatform"]
    assert len(facilitator_export["proposals_entered"]) == 3
    leader_anonymise(leader=lp.member, actor=lp.oaf)
    assert not SelfAssessment.objects.filter(leader=lp.member).exists()
    assert not SelfAnswer.objects.filter(assessment__leader=lp.member).exists()
