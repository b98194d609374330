"""The light 360: the leader invites raters; results only as group means over the threshold,
never who answered or what one rater said."""

from __future__ import annotations

from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from accounts.privacy import leader_anonymise, personal_data_export
from lib.testing import assert_queries_stable, assert_refused
from surveys.models import AnonymitySettings
from tests.factories import UserFactory

from .. import selectors, services
from ..models import (
    FeedbackAnswer,
    FeedbackInvitation,
    FeedbackRound,
    RaterGroup,
    SelfAssessment,
)
from .conftest import all_scores, behaviour_ids, in_english, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(lp):
    return publish(lp)


@pytest.fixture
def assessment(lp, published):
    return services.self_assessment_submit(leader=lp.member, version=published,
                                           scores=all_scores(published, 4))


def _employees(lp, n):
    return [UserFactory(organisation=lp.org, full_name=f"Ansatt Nummer{i}") for i in range(n)]


def _start(lp, assessment, employees, peers=()):
    raters = ([(u.email, RaterGroup.EMPLOYEE) for u in employees]
              + [(u.email, RaterGroup.PEER) for u in peers])
    return services.feedback_round_start(assessment=assessment, leader=lp.member, raters=raters)


def _answer(invitation, score):
    version = invitation.round.assessment.version
    return services.feedback_answer(invitation=invitation, rater=invitation.rater,
                                    scores=all_scores(version, score))


def test_the_rules_of_inviting(lp, assessment, django_capture_on_commit_callbacks):
    staff = _employees(lp, 21)
    two = [(u.email, RaterGroup.EMPLOYEE) for u in staff[:2]]
    start = services.feedback_round_start
    assert_refused("too_few_raters", lambda: start(
        assessment=assessment, leader=lp.member, raters=two))
    # The same address twice counts once.
    assert_refused("too_few_raters", lambda: start(
        assessment=assessment, leader=lp.member,
        raters=[*two, (staff[0].email.upper(), RaterGroup.PEER)]))
    assert_refused("too_many_raters", lambda: start(
        assessment=assessment, leader=lp.member,
        raters=[(u.email, RaterGroup.EMPLOYEE) for u in staff]))
    assert_refused("self_rater", lambda: start(
        assessment=assessment, leader=lp.member,
        raters=[*two, (lp.member.user.email, RaterGroup.PEER)]))
    assert_refused("other_municipality", lambda: start(
        assessment=assessment, leader=lp.member,
        raters=[*two, (lp.personas.dora_leader.user.email, RaterGroup.PEER)]))
    gone = staff[2]
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    assert_refused("other_municipality", lambda: start(
        assessment=assessment, leader=lp.member, raters=[*two, (gone.email, "kollega")]))
    assert_refused("bad_group", lambda: start(
        assessment=assessment, leader=lp.member, raters=[*two, (staff[3].email, "sjef")]))
    assert_refused("permission_denied", lambda: start(
        assessment=assessment, leader=lp.other, raters=[*two, (staff[3].email, "kollega")]))
    assert not FeedbackRound.objects.exists() and not mail.outbox
    with django_capture_on_commit_callbacks(execute=True):
        round_ = start(assessment=assessment, leader=lp.member,
                       raters=[*two, (lp.head.user.email, RaterGroup.ABOVE)])
    assert round_.invitations.count() == 3 and len(mail.outbox) == 3
    assert_refused("round_exists", lambda: start(
        assessment=assessment, leader=lp.member, raters=[*two, (staff[3].email, "kollega")]))


def test_each_rater_is_emailed_in_their_language(lp, assessment,
                                                 django_capture_on_commit_callbacks):
    nina, ola = lp.nina.user, lp.ola.user
    nina.language, ola.language = "nn", "en"
    nina.save(update_fields=["language"])
    ola.save(update_fields=["language"])
    with mock.patch("leaderplatform.notifications.queue_email") as queue:
        _start(lp, assessment, [lp.other.user], peers=[nina, ola])
    languages = {c.kwargs["to"]: c.kwargs["language"] for c in queue.call_args_list}
    assert languages == {nina.email: "nn", ola.email: "en", lp.other.user.email: "nb"}
    FeedbackRound.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        round_ = _start(lp, assessment, [lp.other.user], peers=[nina, ola])
    sent = {m.to[0]: m for m in mail.outbox}
    invitation = round_.invitations.get(rater=ola)
    link = reverse("leaderplatform:feedback_rate", args=[invitation.uuid])
    english = sent[ola.email]
    assert lp.member.user.full_name in english.subject
    assert link in english.body and link in english.alternatives[0][0]
    assert "as peer" in english.body
    assert str(invitation.uuid) not in sent[nina.email].body  # each gets their own link


def test_a_group_is_shown_from_three_answers_never_two(lp, assessment):
    round_ = _start(lp, assessment, _employees(lp, 3), peers=_employees(lp, 3))
    employees = list(round_.invitations.filter(group=RaterGroup.EMPLOYEE).order_by("pk"))
    peers = list(round_.invitations.filter(group=RaterGroup.PEER).order_by("pk"))
    for invitation, score in zip(employees, (5, 4, 3), strict=True):
        _answer(invitation, score)
    _answer(peers[0], 1)
    _answer(peers[1], 2)
    results = selectors.feedback_results(assessment, selectors.profile(assessment))
    # While the round is open no average is shown (a mean seen at 3 answers and again at 4
    # would give the fourth rater's scores away); the counts are.
    assert [(g.value, g.invited, g.answered, g.enough, g.shown) for g in results.groups] == [
        ("medarbeider", 3, 3, True, False), ("kollega", 3, 2, False, False)]
    assert [row.means for row in results.rows] == [[None, None], [None, None]]
    services.feedback_round_close(round_=round_, leader=lp.member)
    results = selectors.feedback_results(assessment, selectors.profile(assessment))
    assert [(g.value, g.shown) for g in results.groups] == [
        ("medarbeider", True), ("kollega", False)]
    assert [row.means for row in results.rows] == [[4.0, None], [4.0, None]]
    assert [row.own for row in results.rows] == [4.0, 4.0]


def test_the_leader_closes_the_round_on_the_profile_page(client, lp, assessment):
    round_ = _start(lp, assessment, _employees(lp, 3))
    for invitation in round_.invitations.all():
        _answer(invitation, 4)
    client.force_login(lp.member.user)
    page = reverse("leaderplatform:assessment", args=[assessment.uuid])
    before = client.get(page).content.decode()
    assert 'name="close"' in before
    response = client.post(reverse("leaderplatform:assessment_feedback",
                                   args=[assessment.uuid]), {"close": "1"})
    assert response.status_code == 302 and response.url == page
    round_.refresh_from_db()
    assert round_.is_closed
    assert 'name="close"' not in client.get(page).content.decode()
    # Another leader cannot close it.
    client.force_login(lp.other.user)
    assert client.post(reverse("leaderplatform:assessment_feedback", args=[assessment.uuid]),
                       {"close": "1"}).status_code == 404


def test_the_municipalitys_group_threshold_is_kept_with_a_floor_of_three(lp, assessment):
    AnonymitySettings.objects.update_or_create(organisation=lp.org,
                                               defaults={"min_group_respondents": 4})
    assert selectors.feedback_threshold(lp.org.pk) == 4
    round_ = _start(lp, assessment, _employees(lp, 3))
    for invitation in round_.invitations.all():
        _answer(invitation, 5)
    results = selectors.feedback_results(assessment, selectors.profile(assessment))
    assert not results.groups[0].shown and results.rows[0].means == [None]


def test_a_rater_answers_once_and_never_after_closing(lp, assessment):
    round_ = _start(lp, assessment, _employees(lp, 4))
    first, second, *_rest = round_.invitations.order_by("pk")
    assert_refused("permission_denied", lambda: services.feedback_answer(
        invitation=first, rater=second.rater, scores=all_scores(assessment.version)))
    assert_refused("missing_score", lambda: services.feedback_answer(
        invitation=first, rater=first.rater,
        scores={behaviour_ids(assessment.version)[0]: 3}))
    _answer(first, 4)
    assert_refused("already_answered", lambda: _answer(first, 2))
    assert set(FeedbackAnswer.objects.filter(invitation=first).values_list("score", flat=True)) \
        == {4}
    services.feedback_round_close(round_=round_, leader=lp.member)
    assert_refused("closed", lambda: _answer(second, 2))
    assert_refused("closed", lambda: services.feedback_round_close(round_=round_,
                                                                   leader=lp.member))


def test_the_rating_page_is_the_raters_alone(client, lp, assessment):
    round_ = _start(lp, assessment, [lp.other.user, lp.nina.user, lp.ola.user])
    invitation = round_.invitations.get(rater=lp.other.user)
    url = reverse("leaderplatform:feedback_rate", args=[invitation.uuid])
    for user in (lp.member.user, lp.nina.user, lp.oaf, lp.head.user, lp.coach,
                 lp.personas.dora_leader.user):
        client.force_login(user)
        assert client.get(url).status_code == 404, user
        assert client.post(url, {}).status_code == 404, user
    client.force_login(in_english(lp.other.user))
    page = client.get(url)
    assert page.status_code == 200 and "Feedback to Bob Leder" in page.content.decode()
    ids = behaviour_ids(assessment.version)
    assert client.post(url, {f"s{ids[0]}": "3"}).status_code == 400
    response = client.post(url, {f"s{pk}": "2" for pk in ids})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Thank you for your feedback" in page and 'name="s' not in page
    assert "feedback-heading" not in page and "2.0" not in page  # no results for the rater
    # The leader's profile shows counts, not who answered.
    client.force_login(in_english(lp.member.user))
    profile = client.get(reverse("leaderplatform:assessment", args=[assessment.uuid]))
    text = profile.content.decode()
    assert "1 of 3 invited have answered" in text
    assert "not enough answers yet (1 of 3)" in text
    assert lp.other.user.full_name not in text and lp.other.user.email not in text


def test_only_the_leader_invites(client, lp, assessment):
    url = reverse("leaderplatform:assessment_feedback", args=[assessment.uuid])
    staff = _employees(lp, 3)
    data = {"employees": "\n".join(u.email for u in staff[:2]), "peers": staff[2].email}
    for user in (lp.oaf, lp.head.user, lp.other.user, lp.personas.dora_leader.user):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.post(url, data).status_code == 404
    client.force_login(in_english(lp.member.user))
    too_few = client.post(url, {"employees": staff[0].email})
    assert too_few.status_code == 400 and "at least 3" in too_few.content.decode()
    response = client.post(url, data)
    assert response.url == reverse("leaderplatform:assessment", args=[assessment.uuid])
    round_ = FeedbackRound.objects.get(assessment=assessment)
    assert sorted(round_.invitations.values_list("group", flat=True)) == [
        "kollega", "medarbeider", "medarbeider"]


def test_the_profile_with_360_keeps_its_query_count(client, lp, assessment,
                                                    ):
    round_ = FeedbackRound.objects.create(assessment=assessment)
    client.force_login(lp.member.user)
    url = reverse("leaderplatform:assessment", args=[assessment.uuid])

    def grow(n):  # three answers per group and batch: every group is shown once closed
        FeedbackRound.objects.filter(pk=round_.pk).update(closed_at=None)
        for group in (RaterGroup.EMPLOYEE, RaterGroup.PEER, RaterGroup.ABOVE):
            for user in _employees(lp, 3 * n):
                invitation = FeedbackInvitation.objects.create(round=round_, rater=user,
                                                               group=group)
                _answer(invitation, 3)
        FeedbackRound.objects.filter(pk=round_.pk).update(closed_at=timezone.now())

    # session, user, assessment, earlier ones, answers, themes, characteristics, behaviours;
    # the 360: round, threshold, counts per group, means per group and behaviour; the
    # focus (twice) and the open course.
    assert_queries_stable(lambda: client.get(url), grow=grow, expected=15)


def test_export_holds_only_group_means_and_anonymising_deletes_the_round(lp, assessment):
    round_ = _start(lp, assessment, _employees(lp, 3), peers=_employees(lp, 2))
    for invitation in round_.invitations.all():
        _answer(invitation, 2)
    services.feedback_round_close(round_=round_, leader=lp.member)
    data = personal_data_export(user=lp.member.user)["leaderplatform"]
    [received] = data["feedback_received"]
    assert received["groups"] == [{"group": "medarbeider", "invited": 3, "answered": 3},
                                  {"group": "kollega", "invited": 2, "answered": 2}]
    assert received["themes"][0]["groups"] == {"medarbeider": 2.0}  # peers: too few
    # The raters' own exports do not hold the leader's results.
    rater = round_.invitations.first().rater
    assert personal_data_export(user=rater)["leaderplatform"]["feedback_received"] == []
    leader_anonymise(leader=lp.member, actor=lp.oaf)
    assert not FeedbackRound.objects.exists() and not FeedbackAnswer.objects.exists()
    assert not SelfAssessment.objects.filter(leader=lp.member).exists()


def test_oaf_aggregates_ignore_the_360(client, lp, assessment):
    round_ = _start(lp, assessment, _employees(lp, 3))
    for invitation in round_.invitations.all():
        _answer(invitation, 1)
    before = selectors.aggregates(assessment.version, lp.org.pk)
    with translation.override("en"):
        assert before.total.n == 1  # the leader's own assessment only, not the raters'
