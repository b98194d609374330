"""Session evaluations: opened once after the session, signed single-use links, reports."""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest
from django.core import mail, signing
from django.urls import reverse
from django.utils import timezone

from programs.models import ModuleStatus
from programs.tests.factories import (
    GatheringFactory,
    ModuleSessionFactory,
    ProgrammeParticipantFactory,
)
from surveys import services
from surveys.models import Draft, Invitation, Response, Round
from surveys.services.tokens import TOKEN_SALT, invitation_token

from .factories import scale_answers

pytestmark = pytest.mark.django_db


def _open(held_session, django_capture_on_commit_callbacks) -> Round:
    with django_capture_on_commit_callbacks(execute=True):
        assert services.evaluations_open_due() == 1
    return Round.objects.get(module_session=held_session.session)


def _token_for(round: Round, leader) -> str:
    return invitation_token(Invitation.objects.get(round=round, leader=leader))


def test_an_ended_session_gets_one_evaluation_and_everyone_seated_a_link(
        held_session, django_capture_on_commit_callbacks):
    round = _open(held_session, django_capture_on_commit_callbacks)
    assert round.kind == "evaluation" and round.anonymous
    assert round.closes_on == timezone.localdate() + dt.timedelta(days=14)
    assert Invitation.objects.filter(round=round).count() == 6
    assert len(mail.outbox) == 6
    links = re.findall(r"http\S+/undersokelser/svar/\S+/", mail.outbox[0].body)
    assert links, mail.outbox[0].body
    assert links[0] in mail.outbox[0].alternatives[0][0]
    # Running again (beat every quarter of an hour) opens nothing new and mails nobody.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.evaluations_open_due() == 0
        assert services.round_invitations_send(round_id=str(round.pk)) == 0
    assert Round.objects.filter(module_session=held_session.session).count() == 1
    assert len(mail.outbox) == 6


def test_sessions_not_ended_too_old_or_cancelled_are_not_evaluated(held_session):
    today = timezone.localdate()
    module = held_session.module
    ModuleSessionFactory(module=module, date=today + dt.timedelta(days=3))
    ModuleSessionFactory(module=module, date=today - dt.timedelta(days=40))
    later_today = ModuleSessionFactory(module=module, date=today, starts_at=dt.time(22),
                                       ends_at=dt.time(23, 30))
    noon = timezone.make_aware(dt.datetime.combine(today, dt.time(12)))
    assert services.evaluations_open_due(now=noon) == 1  # only yesterday's
    assert not Round.objects.filter(module_session=later_today).exists()
    module.status = ModuleStatus.CANCELLED
    module.save()
    ModuleSessionFactory(module=module, date=today - dt.timedelta(days=2))
    assert services.evaluations_open_due(now=noon) == 0


def test_a_gathering_is_evaluated_by_the_programme_participants(personas, instruments):
    gathering = GatheringFactory(programme__organisation=personas.org_a,
                                 date=timezone.localdate() - dt.timedelta(days=1))
    ProgrammeParticipantFactory(programme=gathering.programme, leader=personas.bob_leader)
    assert services.evaluations_open_due() == 1
    round = Round.objects.get(gathering=gathering)
    assert list(Invitation.objects.filter(round=round).values_list("leader", flat=True)) == [
        personas.bob_leader.pk]


def test_the_signed_link_answers_without_login_once(client, held_session,
                                                     django_capture_on_commit_callbacks):
    round = _open(held_session, django_capture_on_commit_callbacks)
    url = reverse("surveys:answer_token", args=[_token_for(round, held_session.participants[1])])
    page = client.get(url)
    assert page.status_code == 200
    assert "Hvor nyttig var samlingen for deg alt i alt?" in page.content.decode()

    overall = next(iter(scale_answers(round, 4)))
    assert client.post(url, {"action": "save", f"item_{overall}": "4"}).status_code == 302
    assert Draft.objects.filter(invitation__round=round).count() == 1
    response = client.post(url, {"action": "submit", f"item_{overall}": "5"})
    assert response.status_code == 302 and response.url == reverse("surveys:thanks")
    stored = Response.objects.get(round=round)
    assert stored.respondent_id is None and stored.area_id is None

    reused = client.post(url, {"action": "submit", f"item_{overall}": "1"})
    assert reused.status_code == 409
    assert "Lenken er allerede brukt til å svare" in reused.content.decode()
    assert Response.objects.filter(round=round).count() == 1
    assert client.get(url).status_code == 200  # a GET just explains


@pytest.mark.parametrize("how", ["garbage", "altered", "other_salt"])
def test_a_forged_token_is_refused_and_stores_nothing(client, held_session, how,
                                                      django_capture_on_commit_callbacks):
    round = _open(held_session, django_capture_on_commit_callbacks)
    invitation = Invitation.objects.filter(round=round).first()
    real = invitation_token(invitation)
    token = {"garbage": "bm90LWEtdG9rZW4:1abcde:xyz",
             "altered": real[:-3] + ("AAA" if not real.endswith("AAA") else "BBB"),
             "other_salt": signing.dumps(str(invitation.pk), salt="something.else")}[how]
    overall = next(iter(scale_answers(round, 4)))
    response = client.post(reverse("surveys:answer_token", args=[token]),
                           {"action": "submit", f"item_{overall}": "5"})
    assert response.status_code == 403
    assert "Lenken er ikke gyldig" in response.content.decode()
    assert not Response.objects.exists() and not Draft.objects.exists()


def test_an_expired_token_is_refused(client, held_session, monkeypatch,
                                     django_capture_on_commit_callbacks):
    round = _open(held_session, django_capture_on_commit_callbacks)
    invitation = Invitation.objects.filter(round=round).first()
    long_ago = time.time() - 61 * 24 * 3600
    monkeypatch.setattr("django.core.signing.time.time", lambda: long_ago)
    token = signing.dumps(str(invitation.pk), salt=TOKEN_SALT)
    monkeypatch.undo()
    response = client.get(reverse("surveys:answer_token", args=[token]))
    assert response.status_code == 403
    assert "Lenken er utløpt" in response.content.decode()


def test_a_token_for_another_kind_of_round_is_refused(client, personas, team):
    invitation = Invitation.objects.create(round=team.before, leader=personas.bob_leader)
    response = client.get(reverse("surveys:answer_token", args=[invitation_token(invitation)]))
    assert response.status_code == 403


def test_the_invitation_comes_in_the_readers_language(held_session,
                                                      django_capture_on_commit_callbacks):
    bob = held_session.participants[0].user
    bob.language = "nn"
    bob.save()
    _open(held_session, django_capture_on_commit_callbacks)
    message = next(m for m in mail.outbox if m.to == [bob.email])
    assert "Du er invitert til å svare på" in message.body
    assert "Undersøkinga er open til" in message.body
    assert "lenkja er personleg" in message.alternatives[0][0]
