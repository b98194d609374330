"""GDPR for network groups: the leader's own export and anonymising a leader who left."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.privacy import leader_anonymise

from .. import services
from ..models import MeetingNote, MeetingStatus, MeetingVote, NetworkMeeting, NetworkMembership
from .factories import MeetingFactory, weekday_after

pytestmark = pytest.mark.django_db

BOBS_CASE = "Bob: en ansatt som ikke vil bytte turnus"
ANNAS_CASE = "Anna: budsjettkutt i barnehagen"


@pytest.fixture
def noted(net):
    bob, anna = net.members[0], net.members[1]
    services.meeting_note_save(meeting=net.past, case=BOBS_CASE, agreed="Prøve samtalemal",
                               actor=bob.user)
    earlier = MeetingFactory(group=net.group, number=0, date=weekday_after(timezone.localdate(),
                                                                           -40),
                             status=MeetingStatus.CONFIRMED, confirmed_at=timezone.now(),
                             facilitator=net.facilitator)
    services.meeting_note_save(meeting=earlier, case=ANNAS_CASE, agreed="Dele erfaringer",
                               actor=anna.user)
    for leader, answers in ((bob, ("ja", "nei")), (anna, ("kanskje", "ja"))):
        services.meeting_vote(meeting=net.proposed, leader=leader, actor=leader.user,
                              answers={o.pk: a for o, a in zip(net.options, answers,
                                                               strict=True)})
    MeetingFactory(group=net.other_group, date=weekday_after(timezone.localdate(), 30),
                   place="Stjernelagets rom")
    return net


def _export(client, user) -> tuple[dict, str]:
    client.force_login(user)
    response = client.get(reverse("accounts:my_data"))
    assert response.status_code == 200
    body = response.content.decode()
    return json.loads(body)["networks"], body


def test_export_holds_group_meetings_own_votes_and_own_notes(client, personas, noted):
    data, body = _export(client, personas.bob)

    assert [g["group"] for g in data["groups"]] == ["Blåveis"]
    assert {(m["date"], m["status"]) for m in data["meetings"]} == {
        (m.date.isoformat(), m.status) for m in NetworkMeeting.objects.filter(group=noted.group)}
    assert len(data["meetings"]) == 3
    assert sorted(v["answer"] for v in data["poll_answers"]) == ["ja", "nei"]
    [note] = data["meeting_notes_written"]
    assert note["the_case_we_worked_on"] == BOBS_CASE
    assert ANNAS_CASE not in body and "Stjernelagets rom" not in body
    assert "kanskje" not in body  # Anna's answers are hers


def test_export_of_a_leader_without_a_group_is_empty(client, noted):
    data, _body = _export(client, noted.outsider_leader.user)
    assert data == {"groups": [], "meetings": [], "poll_answers": [],
                    "meeting_notes_written": []}


def test_anonymising_clears_cases_keeps_agreements_memberships_votes(personas, noted):
    counts = (NetworkMembership.objects.count(), NetworkMeeting.objects.count(),
              MeetingVote.objects.count(), MeetingNote.objects.count())
    bobs_votes = list(MeetingVote.objects.filter(leader=personas.bob_leader)
                      .order_by("pk").values_list("option_id", "answer"))

    leader_anonymise(leader=personas.bob_leader, actor=personas.alice)

    bobs_note = MeetingNote.objects.get(meeting=noted.past)
    assert (bobs_note.case, bobs_note.agreed) == ("", "Prøve samtalemal")
    assert MeetingNote.objects.get(case=ANNAS_CASE).agreed == "Dele erfaringer"
    assert (NetworkMembership.objects.count(), NetworkMeeting.objects.count(),
            MeetingVote.objects.count(), MeetingNote.objects.count()) == counts
    assert NetworkMembership.objects.filter(leader=personas.bob_leader,
                                            group=noted.group).exists()
    assert list(MeetingVote.objects.filter(leader=personas.bob_leader)
                .order_by("pk").values_list("option_id", "answer")) == bobs_votes

