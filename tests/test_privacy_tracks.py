"""GDPR across the track apps: the leader's export and anonymising a leader who left."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from accounts.privacy import leader_anonymise
from groups.models import LeaderGroupMembership, PosterComment
from programs.models import Enrollment
from surveys.models import Answer
from tests.access_world import World

pytestmark = pytest.mark.django_db


def _leader_with_note_and_comment(world: World):
    comment = PosterComment.objects.filter(
        author__leader__isnull=False).select_related("author__leader").first()
    leader = comment.author.leader
    enrollment = Enrollment.objects.filter(leader=leader).first() or Enrollment.objects.create(
        module=Enrollment.objects.first().module, leader=leader, status="sokt",
        requested_by=leader.user)
    Enrollment.objects.filter(pk=enrollment.pk).update(note="Jeg vil lære å lede turnus")
    comment.body = "Fin formulering, Hedda"
    comment.save()
    return leader, enrollment, comment


def test_export_holds_enrolments_groups_and_own_comments(world: World, client):
    leader, enrollment, comment = _leader_with_note_and_comment(world)
    client.force_login(leader.user)
    data = json.loads(client.get(reverse("accounts:my_data")).content)
    notes = [e["why_i_want_to_take_part"] for e in data["programs"]["enrollments"]]
    assert "Jeg vil lære å lede turnus" in notes
    assert "Fin formulering, Hedda" in [c["comment"] for c in data["groups"]["poster_comments"]]
    groups = set(LeaderGroupMembership.objects.filter(leader=leader)
                 .values_list("group__name", flat=True))
    assert set(data["groups"]["group_memberships"]) == groups


def test_export_never_contains_anonymous_survey_answers(world: World, client):
    leader = world.leader("leader")
    client.force_login(leader.user)
    body = client.get(reverse("accounts:my_data")).content.decode()
    assert "answers" not in json.loads(body).get("surveys", {})
    assert '"value"' not in body


def test_anonymising_scrubs_free_text_and_keeps_counts_and_answers(world: World):
    leader, enrollment, comment = _leader_with_note_and_comment(world)
    answers_before = list(Answer.objects.order_by("pk").values_list("pk", "value")[:500])
    answer_count = Answer.objects.count()
    enrollments = Enrollment.objects.filter(leader=leader).count()

    leader_anonymise(leader=leader, actor=world.users["oaf_a"])

    enrollment.refresh_from_db()
    comment.refresh_from_db()
    assert enrollment.note == ""
    assert "Hedda" not in comment.body
    assert Enrollment.objects.filter(leader=leader).count() == enrollments
    assert Answer.objects.count() == answer_count
    assert list(Answer.objects.order_by("pk").values_list("pk", "value")[:500]) == answers_before
