"""GDPR for surveys: the leader's own export and anonymising a leader who left.

Anonymous answers carry no person: they are in nobody's export and are left
exactly as they were when a leader is anonymised.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse

from accounts.privacy import leader_anonymise
from surveys import services
from surveys.models import Answer, Draft, Invitation, Item, Response, Round

from .factories import make_round, scale_answers

pytestmark = pytest.mark.django_db

ANONYMOUS_TEXT = "Anonym kommentar om ledergruppen"
NAMED_TEXT = "Navngitt kommentar om behovet mitt"
DRAFT_TEXT = "Halvferdig tanke om kompetanse"
OTHERS_DRAFT = "En annen leders utkast"


def _text_item(round: Round) -> Item:
    return Item.objects.filter(instrument=round.instrument, kind="text").order_by("order")[0]


def _with_text(round: Round, text: str, value: int = 4) -> dict[str, Any]:
    return {**scale_answers(round, value), str(_text_item(round).pk): text}


@dataclass
class Surveys:
    anonymous: Round  # bob and a colleague answered, anonymously
    named: Round  # bob answered with his name
    open_needs: Round  # bob and a colleague hold drafts


@pytest.fixture
def surveys(personas, team, instruments) -> Surveys:
    anonymous = team.before
    services.response_submit(round=anonymous, leader=personas.bob_leader,
                             answers=_with_text(anonymous, ANONYMOUS_TEXT))
    services.response_submit(round=anonymous, leader=team.members[0],
                             answers=_with_text(anonymous, "Kollegaens kommentar", 2))
    named = make_round(organisation=personas.org_a, instrument=instruments["needs"],
                       anonymous=False, title="Navngitt behovsundersøkelse")
    services.response_submit(round=named, leader=personas.bob_leader,
                             answers=_with_text(named, NAMED_TEXT, 5))
    open_needs = make_round(organisation=personas.org_a, instrument=instruments["needs"],
                            title="Behov våren")
    item = _text_item(open_needs)
    services.draft_save(round=open_needs, leader=personas.bob_leader,
                        answers={str(item.pk): DRAFT_TEXT})
    services.draft_save(round=open_needs, leader=team.members[1],
                        answers={str(item.pk): OTHERS_DRAFT})
    return Surveys(anonymous=anonymous, named=named, open_needs=open_needs)


def _export(client, user) -> tuple[dict[str, Any], str]:
    client.force_login(user)
    response = client.get(reverse("accounts:my_data"))
    assert response.status_code == 200
    body = response.content.decode()
    return json.loads(body)["surveys"], body


def test_export_holds_invitations_drafts_and_named_responses(client, personas, surveys):
    data, body = _export(client, personas.bob)

    answered = {i["round"]: i["has_answered"] for i in data["invitations"]}
    assert answered == {str(surveys.anonymous): True, "Navngitt behovsundersøkelse": True,
                        "Behov våren": False}
    [draft] = data["drafts"]
    assert draft["round"] == "Behov våren"
    assert DRAFT_TEXT in [r["reply"] for r in draft["replies_so_far"]]
    [named] = data["named_responses"]
    assert named["round"] == "Navngitt behovsundersøkelse"
    assert NAMED_TEXT in [r["reply"] for r in named["replies"]]
    assert 5 in [r["reply"] for r in named["replies"]]
    assert OTHERS_DRAFT not in body and "Kollegaens kommentar" not in body


def test_export_never_holds_anonymous_answers(client, personas, surveys):
    data, body = _export(client, personas.bob)
    assert ANONYMOUS_TEXT not in body
    assert "answers" not in data and '"value"' not in body
    # The colleague's export has none of it either: an anonymous answer is nobody's.
    data, body = _export(client, Invitation.objects.filter(
        round=surveys.anonymous, submitted=True).exclude(
        leader=personas.bob_leader).get().leader.user)
    assert data["drafts"] == [] and data["named_responses"] == []
    assert "Kollegaens kommentar" not in body


def _anonymous_answers() -> list[tuple]:
    return list(Answer.objects.filter(response__anonymous=True).order_by("pk")
                .values_list("pk", "response_id", "item_id", "choice_id", "value", "text"))


def test_anonymising_deletes_drafts_and_named_text_and_keeps_anonymous_answers(
        personas, team, surveys):
    anonymous_before = _anonymous_answers()
    assert ANONYMOUS_TEXT in [row[-1] for row in anonymous_before]
    responses_before = Response.objects.count()
    invitations_before = Invitation.objects.count()
    named_scores = list(Answer.objects.filter(response__round=surveys.named, value__isnull=False)
                        .order_by("pk").values_list("pk", "value"))

    leader_anonymise(leader=personas.bob_leader, actor=personas.alice)

    assert _anonymous_answers() == anonymous_before
    assert not Draft.objects.filter(invitation__leader=personas.bob_leader).exists()
    assert Draft.objects.get(invitation__leader=team.members[1]).data == {
        str(_text_item(surveys.open_needs).pk): OTHERS_DRAFT}
    named_text = Answer.objects.get(response__round=surveys.named,
                                    item=_text_item(surveys.named))
    assert named_text.text == ""
    assert list(Answer.objects.filter(response__round=surveys.named, value__isnull=False)
                .order_by("pk").values_list("pk", "value")) == named_scores
    assert Response.objects.count() == responses_before
    assert Invitation.objects.count() == invitations_before
