"""Answering: drafts, submitting once, anonymity of what is stored, and every bad input."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from lib.models import AuditEntry
from surveys import services
from surveys.models import Answer, Draft, Invitation, Item, Response, Round
from tests.factories import LeaderFactory, LeaderGroupMembershipFactory

from .factories import close, make_round, scale_answers

pytestmark = pytest.mark.django_db


def _url(round: Round) -> str:
    return reverse("surveys:answer", args=[round.pk])


def _post(round: Round, answers: dict, action: str) -> dict:
    data = {f"item_{pk}": str(value) for pk, value in answers.items()}
    data["action"] = action
    return data


def _first_items(round: Round, n: int) -> list[Item]:
    return list(Item.objects.filter(instrument=round.instrument, kind="scale")
                .order_by("order")[:n])


def test_member_saves_halfway_comes_back_and_submits(client, personas, team):
    round = team.before
    client.force_login(personas.bob)
    page = client.get(_url(round))
    assert page.status_code == 200
    assert "Vi er enige om hvilken merverdi ledergruppen vår skal skape" in page.content.decode()

    half = {str(i.pk): 5 for i in _first_items(round, 10)}
    response = client.post(_url(round), _post(round, half, "save"))
    assert response.status_code == 302
    draft = Draft.objects.get(invitation__round=round, invitation__leader=personas.bob_leader)
    assert draft.data == half
    assert not Response.objects.filter(round=round).exists()

    again = client.get(_url(round)).content.decode()
    assert "Du lagret svarene dine" in again
    first = _first_items(round, 1)[0]
    assert f'name="item_{first.pk}" value="5" class="form-check-input" required' in again or \
        f'value="5" class="form-check-input" id="id_item_{first.pk}_4" checked' in again

    response = client.post(_url(round), _post(round, scale_answers(round, 5), "submit"))
    assert response.status_code == 302
    assert Response.objects.filter(round=round).count() == 1
    assert not Draft.objects.filter(invitation__round=round).exists()
    assert Invitation.objects.get(round=round, leader=personas.bob_leader).submitted


def test_an_anonymous_response_carries_no_person_and_no_time(personas, team, today):
    services.response_submit(round=team.before, leader=personas.bob_leader,
                             answers=scale_answers(team.before, 4))
    response = Response.objects.get(round=team.before)
    assert response.respondent_id is None and response.anonymous
    assert response.submitted_week == today - dt.timedelta(days=today.weekday())
    # Structurally: the only link to a person is the (empty) respondent field, and neither
    # the response nor its answers has a time finer than the week.
    for model in (Response, Answer):
        person_fields = [f.name for f in model._meta.get_fields()
                         if f.is_relation and f.related_model is not None
                         and f.related_model._meta.label in ("accounts.Leader", "accounts.User")]
        assert person_fields in ([], ["respondent"])
        assert not [f for f in model._meta.get_fields() if isinstance(f, models.DateTimeField)]
    assert not isinstance(Response._meta.pk, models.AutoField)  # random ids, no order
    # Nothing in the audit trail ties Bob to the moment he answered.
    assert not AuditEntry.objects.filter(actor=personas.bob).exists()


def test_out_of_range_value_is_refused_and_nothing_stored(client, personas, team):
    round = team.before
    client.force_login(personas.bob)
    answers = scale_answers(round, 4)
    first = _first_items(round, 1)[0]
    answers[str(first.pk)] = 9
    response = client.post(_url(round), _post(round, answers, "submit"))
    assert response.status_code == 400
    assert "Velg en verdi fra 1 til 7." in response.content.decode()
    assert not Response.objects.exists() and not Answer.objects.exists()
    # The service refuses it too, for callers that skip the form.
    with pytest.raises(ValidationError) as caught:
        services.response_submit(round=round, leader=personas.bob_leader, answers=answers)
    assert str(first.pk) in caught.value.message_dict
    assert not Response.objects.exists()


def test_missing_required_items_are_named_and_the_draft_is_kept(client, personas, team):
    round = team.before
    client.force_login(personas.bob)
    half = {str(i.pk): 3 for i in _first_items(round, 5)}
    client.post(_url(round), _post(round, half, "save"))
    fewer = {str(i.pk): 6 for i in _first_items(round, 2)}
    response = client.post(_url(round), _post(round, fewer, "submit"))
    assert response.status_code == 400
    text = response.content.decode()
    assert "Svar på dette spørsmålet." in text
    assert "Ingenting ble lagret. Svarene du lagret tidligere, er tatt vare på." in text
    assert not Response.objects.exists()
    assert Draft.objects.get(invitation__leader=personas.bob_leader).data == half


def test_an_invalid_save_keeps_the_earlier_draft(client, personas, team):
    round = team.before
    client.force_login(personas.bob)
    half = {str(i.pk): 2 for i in _first_items(round, 3)}
    client.post(_url(round), _post(round, half, "save"))
    broken = dict(half)
    broken[next(iter(half))] = 0
    response = client.post(_url(round), _post(round, broken, "save"))
    assert response.status_code == 400
    assert Draft.objects.get(invitation__leader=personas.bob_leader).data == half


def test_answering_after_close_is_refused_and_the_draft_is_kept(client, personas, team):
    round = team.before
    client.force_login(personas.bob)
    half = {str(i.pk): 3 for i in _first_items(round, 4)}
    client.post(_url(round), _post(round, half, "save"))
    close(round)
    response = client.post(_url(round), _post(round, scale_answers(round, 4), "submit"))
    assert response.status_code == 409
    assert "Undersøkelsen stengte" in response.content.decode()
    assert not Response.objects.exists()
    assert Draft.objects.get(invitation__leader=personas.bob_leader).data == half
    with pytest.raises(services.AnswerRefused) as caught:
        services.draft_save(round=round, leader=personas.bob_leader, answers={})
    assert caught.value.code == "closed"


def test_answering_twice_is_refused(client, personas, team):
    round = team.before
    client.force_login(personas.bob)
    client.post(_url(round), _post(round, scale_answers(round, 4), "submit"))
    response = client.post(_url(round), _post(round, scale_answers(round, 1), "submit"))
    assert response.status_code == 409
    assert "Du har allerede svart" in response.content.decode()
    assert Response.objects.filter(round=round).count() == 1
    assert set(Answer.objects.values_list("value", flat=True)) == {4}
    with pytest.raises(services.AnswerRefused):
        services.response_submit(round=round, leader=personas.bob_leader,
                                 answers=scale_answers(round, 1))


def test_a_leader_outside_the_group_cannot_answer_for_it(client, personas, team):
    outsider = LeaderFactory(organisation=personas.org_a, user__full_name="Utenfor Gruppen")
    client.force_login(outsider.user)
    page = client.get(_url(team.before))
    assert page.status_code == 403
    assert "Du er ikke medlem av ledergruppen «Ledergruppen i Helse»" in page.content.decode()
    response = client.post(_url(team.before), _post(team.before, scale_answers(team.before, 4),
                                                    "submit"))
    assert response.status_code == 403
    assert not Response.objects.exists()
    assert not Invitation.objects.filter(leader=outsider).exists()


def test_another_municipality_gets_404(client, personas, team):
    client.force_login(personas.dora_leader.user)
    assert client.get(_url(team.before)).status_code == 404
    client.force_login(personas.charlie)
    assert client.post(_url(team.before), {"action": "save"}).status_code == 404


def test_not_open_yet_is_explained(client, personas, team, instruments):
    later = make_round(organisation=personas.org_a, instrument=instruments["effect"],
                       group=team.group, phase="after", opens=5, closes=20,
                       baseline=team.before)
    client.force_login(personas.bob)
    page = client.get(_url(later))
    assert page.status_code == 200
    assert "Undersøkelsen åpner" in page.content.decode()


def test_a_member_who_joined_late_is_invited_when_answering(personas, team, today):
    newcomer = LeaderFactory(organisation=personas.org_a)
    LeaderGroupMembershipFactory(group=team.group, leader=newcomer)
    services.draft_save(round=team.before, leader=newcomer, answers={})
    assert Invitation.objects.filter(round=team.before, leader=newcomer).exists()


def test_round_closes_early_when_everyone_has_answered(personas, team):
    round = team.before
    everyone = [team.head, personas.bob_leader, *team.members]
    for leader in everyone[:-1]:
        services.response_submit(round=round, leader=leader, answers=scale_answers(round, 5))
    round.refresh_from_db()
    assert not round.completed and not round.results_released()
    services.response_submit(round=round, leader=everyone[-1], answers=scale_answers(round, 5))
    round.refresh_from_db()
    assert round.completed and round.results_released()


def test_needs_survey_stores_only_coarse_bands(personas, instruments, today):
    round = make_round(organisation=personas.org_a, instrument=instruments["needs"])
    services.response_submit(round=round, leader=personas.bob_leader,
                             answers=scale_answers(round, 4))
    response = Response.objects.get(round=round)
    assert response.area.name == "Helse og velferd"  # the service area, not his unit
    assert response.level == "virksomhetsleder"
    assert response.years_band == "1-3"  # 800 days as a leader
    assert response.respondent_id is None


def test_a_named_round_keeps_the_person_and_audits(personas, instruments):
    round = make_round(organisation=personas.org_a, instrument=instruments["needs"],
                       anonymous=False)
    services.response_submit(round=round, leader=personas.bob_leader,
                             answers=scale_answers(round, 4))
    assert Response.objects.get(round=round).respondent == personas.bob_leader
    assert AuditEntry.objects.filter(action="surveys.response.submitted",
                                     actor=personas.bob).exists()


def test_the_services_take_read_items_only_if_they_are_every_item_of_the_round_s_own(
        personas, team, instruments):
    from surveys.selectors import instrument_items

    round, leader = team.before, personas.bob_leader
    answers = scale_answers(round, 4)
    refused = [
        instrument_items(instruments["needs"].pk),  # another instrument's
        list(instrument_items(round.instrument_id)),  # a plain list: whole? nobody knows
        instrument_items(round.instrument_id)[:3],  # a slice is a plain list too
    ]
    for items in refused:
        for service in (services.draft_save, services.response_submit):
            with pytest.raises(ValueError, match="every item of this round"):
                service(round=round, leader=leader, answers=answers, items=items)
    assert not Draft.objects.exists() and not Response.objects.exists()
    # The round's own, read whole: used as they are, and the rules hold as when read here.
    services.draft_save(round=round, leader=leader, answers={}, items=instrument_items(
        round.instrument_id))
    with pytest.raises(ValidationError):
        services.response_submit(round=round, leader=leader, answers={},
                                 items=instrument_items(round.instrument_id))
    services.response_submit(round=round, leader=leader, answers=answers,
                             items=instrument_items(round.instrument_id))
    assert Response.objects.get(round=round).answers.count() == len(answers)
    assert not Draft.objects.exists()


def test_answer_access_takes_a_loaded_invitation_only_if_it_is_the_leaders(personas, team):
    mine = Invitation.objects.create(round=team.before, leader=personas.bob_leader)
    other = Invitation.objects.create(round=team.before, leader=team.members[0])
    assert services.answer_access(round=team.before, leader=personas.bob_leader,
                                  invitation=mine) == mine
    with pytest.raises(ValueError):
        services.answer_access(round=team.before, leader=personas.bob_leader, invitation=other)
    Invitation.objects.filter(pk=mine.pk).update(submitted=True)
    mine.refresh_from_db()
    with pytest.raises(services.AnswerRefused):
        services.answer_access(round=team.before, leader=personas.bob_leader, invitation=mine)


def test_an_eligible_leader_without_an_invitation_answers_all_the_same(client, personas, team):
    Invitation.objects.filter(round=team.before, leader=personas.bob_leader).delete()
    client.force_login(personas.bob)
    page = client.get(_url(team.before))
    assert page.status_code == 200 and 'type="radio"' in page.content.decode()
    item = _first_items(team.before, 1)[0]
    saved = client.post(_url(team.before), _post(team.before, {item.pk: 3}, "save"))
    assert saved.status_code == 302
    assert Draft.objects.filter(invitation__round=team.before,
                                invitation__leader=personas.bob_leader).exists()


def test_saving_again_replaces_the_one_draft_and_returns_it(personas, team):
    """The draft is written in one statement (INSERT … ON CONFLICT DO UPDATE): a second
    save replaces the answers and the time of the same row, and both calls return it."""
    round, leader = team.before, personas.bob_leader
    first_items = _first_items(round, 3)
    first = services.draft_save(round=round, leader=leader,
                                answers={str(first_items[0].pk): 2})
    assert first.pk is not None and Draft.objects.get(pk=first.pk).data == {
        str(first_items[0].pk): 2}
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    invitation = Invitation.objects.get(round=round, leader=leader)
    with CaptureQueriesContext(connection) as queries:
        second = services.draft_save(round=round, invitation=invitation,
                                     answers={str(i.pk): 4 for i in first_items[1:]})
    # The invitation's row is locked (the prepared query keeps Django's FOR UPDATE), then
    # the draft is written in one statement.
    sql = [q["sql"] for q in queries.captured_queries]
    assert any('FROM "surveys_invitation"' in q and (
        q.rstrip().endswith("FOR UPDATE") or connection.vendor == "sqlite")  # no row locks
        for q in sql), sql
    assert sum("ON CONFLICT" in q for q in sql) == 1
    assert second.pk == first.pk
    assert Draft.objects.filter(invitation__round=round).count() == 1
    kept = Draft.objects.get(pk=first.pk)
    assert kept.data == {str(i.pk): 4 for i in first_items[1:]}
    assert kept.updated_at >= first.updated_at
    assert kept.invitation == Invitation.objects.get(round=round, leader=leader)
