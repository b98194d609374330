"""The pages do what they say, in bokmål, and bad input gives a clear message with nothing
changed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from tests.factories import LeaderFactory, UnitFactory

from ..models import MeetingNote, MeetingVote, NetworkMeeting, NetworkMembership, NetworkPlan
from .factories import (
    MembershipFactory,
    NetworkGroupFactory,
    NetworkPlanFactory,
    ParticipantFactory,
    ProgrammeFactory,
    weekday_after,
)

pytestmark = pytest.mark.django_db


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


@pytest.fixture
def draft(personas):
    org = personas.org_a
    programme = ProgrammeFactory(organisation=org, name="Utkastprogrammet", slug="utkast")
    area = UnitFactory(organisation=org, name="Teknisk", kind="tjenesteomrade")
    for leader in (personas.bob_leader, personas.boss_leader,
                   *[LeaderFactory(organisation=org, unit=UnitFactory(organisation=org,
                                                                      parent=area))
                     for _ in range(10)]):
        ParticipantFactory(programme=programme, leader=leader)
    return programme


def test_o_and_f_starts_proposes_moves_and_confirms(client, personas, draft):
    client.force_login(personas.alice)
    response = client.post(reverse("networks:plan_start", args=[draft.slug]), follow=True)
    assert "Nettverksgrupper startet for Utkastprogrammet" in _messages(response)
    plan = NetworkPlan.objects.get(programme=draft)
    compose = reverse("networks:plan_compose", args=[plan.uuid])
    response = client.post(reverse("networks:groups_propose", args=[plan.uuid]),
                           {"min_size": 5, "max_size": 6}, follow=True)
    assert "Foreslo 2 grupper" in _messages(response)
    text = response.content.decode()
    assert "6 medlemmer" in text and "tjenesteområder" in text and "nivå" in text
    assert "Stjernelaget" in text and "Blåveis" in text

    # Bob cannot join his leader above.
    boss_group = NetworkMembership.objects.get(plan=plan, leader=personas.boss_leader).group
    bob_before = NetworkMembership.objects.get(plan=plan, leader=personas.bob_leader).group
    response = client.post(reverse("networks:member_move", args=[plan.uuid]),
                           {"leader": personas.bob_leader.pk, "group": boss_group.uuid},
                           follow=True)
    assert ("Berit Sjef er leders leder for Bob Leder; de kan ikke være i samme "
            "nettverksgruppe.") in _messages(response)
    assert NetworkMembership.objects.get(plan=plan, leader=personas.bob_leader).group == \
        bob_before

    # A full group refuses a newcomer.
    newcomer = NetworkMembership.objects.filter(group=bob_before).exclude(
        leader=personas.bob_leader).first().leader
    response = client.post(reverse("networks:member_move", args=[plan.uuid]),
                           {"leader": newcomer.pk, "group": boss_group.uuid}, follow=True)
    assert "har allerede 6 medlemmer, det meste en gruppe kan ha." in _messages(response)

    response = client.post(reverse("networks:group_update", args=[boss_group.uuid]),
                           {"name": "Gygrene", "facilitator": ""}, follow=True)
    assert "Gruppen «Gygrene» er lagret." in _messages(response)
    response = client.post(reverse("networks:groups_confirm", args=[plan.uuid]), follow=True)
    assert "Gruppene er bekreftet" in _messages(response)
    assert response.redirect_chain[-1][0] == reverse("networks:meeting_plan", args=[plan.uuid])
    response = client.get(compose)
    assert "Bekreft gruppene" not in response.content.decode()
    assert "Foreslå grupper" not in response.content.decode()


def test_propose_with_bad_sizes_shows_the_errors(client, personas, draft):
    plan = NetworkPlanFactory(programme=draft, status="utkast", confirmed_at=None)
    client.force_login(personas.alice)
    response = client.post(reverse("networks:groups_propose", args=[plan.uuid]),
                           {"min_size": 7, "max_size": 5})
    assert response.status_code == 400
    assert "Minste gruppe kan ikke være større enn største gruppe." in response.content.decode()
    assert not plan.groups.exists()


def test_move_with_a_foreign_leader_is_refused(client, personas, draft):
    plan = NetworkPlanFactory(programme=draft, status="utkast", confirmed_at=None)
    group = NetworkGroupFactory(plan=plan)
    client.force_login(personas.alice)
    response = client.post(reverse("networks:member_move", args=[plan.uuid]),
                           {"leader": personas.dora_leader.pk, "group": group.uuid}, follow=True)
    assert response.status_code == 200
    assert "Leder" in _messages(response)
    assert not NetworkMembership.objects.filter(leader=personas.dora_leader).exists()


def test_meeting_plan_flags_conflicts(client, personas, net):
    # A holiday is added over the proposed meeting after it was planned.
    from .factories import HolidayFactory

    HolidayFactory(organisation=personas.org_a, name="Planleggingsdag",
                   starts_on=net.proposed.date, ends_on=net.proposed.date)
    client.force_login(personas.alice)
    text = client.get(reverse("networks:meeting_plan", args=[net.plan.uuid])).content.decode()
    assert "1 møte bryter en regel nå" in text
    assert "Konflikt:" in text and "(Planleggingsdag)" in text
    assert "Fia Fasilitator" in text  # the per-facilitator table


def test_member_votes_and_sees_proposed_not_confirmed(client, personas, net):
    client.force_login(personas.bob)
    url = reverse("networks:meeting_detail", args=[net.proposed.uuid])
    text = client.get(url).content.decode()
    assert "Foreslått – ikke bekreftet ennå" in text
    assert "Om nødvendig" in text
    data = {f"option_{net.options[0].pk}": "ja", f"option_{net.options[1].pk}": "kanskje"}
    response = client.post(reverse("networks:meeting_vote", args=[net.proposed.uuid]), data,
                           follow=True)
    assert "Takk, svarene dine er lagret." in _messages(response)
    assert MeetingVote.objects.filter(leader=personas.bob_leader).count() == 2


def test_voting_without_every_answer_is_refused(client, personas, net):
    client.force_login(personas.bob)
    response = client.post(reverse("networks:meeting_vote", args=[net.proposed.uuid]),
                           {f"option_{net.options[0].pk}": "ja"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "Rett opp følgende:" in text and "Feltet er påkrevet." in text
    assert not MeetingVote.objects.exists()


def test_o_and_f_sees_answers_and_confirms_one(client, personas, net, mailoutbox,
                                               django_capture_on_commit_callbacks):
    MeetingVote.objects.create(option=net.options[1], leader=personas.bob_leader, answer="ja")
    client.force_login(personas.alice)
    url = reverse("networks:meeting_detail", args=[net.proposed.uuid])
    text = client.get(url).content.decode()
    assert "Bob Leder (ja)" in text and "Ikke svart ennå:" in text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("networks:meeting_confirm", args=[net.proposed.uuid]),
                               {"option": net.options[1].pk}, follow=True)
    assert "Møtet er bekreftet" in _messages(response)
    net.proposed.refresh_from_db()
    assert net.proposed.is_confirmed and net.proposed.date == net.options[1].date
    assert len(mailoutbox) == 6


def test_confirming_an_unknown_option_is_refused(client, personas, net):
    client.force_login(personas.alice)
    response = client.post(reverse("networks:meeting_confirm", args=[net.proposed.uuid]),
                           {"option": "99999"}, follow=True)
    assert "Velg en av datoene som er foreslått for dette møtet." in _messages(response)
    net.proposed.refresh_from_db()
    assert net.proposed.is_proposed


def test_edit_outside_the_programme_period_shows_the_rule(client, personas, net):
    client.force_login(personas.alice)
    late = net.programme.ends_on + dt.timedelta(days=10)
    response = client.post(reverse("networks:meeting_edit", args=[net.proposed.uuid]), {
        "date": late.isoformat(), "slot": "FL", "starts_at": "09:00", "ends_at": "11:30",
        "place": "Rådhuset"})
    assert response.status_code == 400
    assert "er utenfor programperioden" in response.content.decode()
    assert NetworkMeeting.objects.get(pk=net.proposed.pk).date == net.proposed.date


def test_note_written_by_a_member_read_by_the_facilitator(client, personas, net):
    url = reverse("networks:meeting_note", args=[net.past.uuid])
    client.force_login(personas.bob)
    response = client.post(url, {"case": "Motstand mot endring", "agreed": "Prøve ut"},
                           follow=True)
    assert "Notatet er lagret." in _messages(response)
    client.force_login(net.facilitator)
    text = client.get(url).content.decode()
    assert "Motstand mot endring" in text and "<textarea" not in text


def test_note_before_the_meeting_is_refused(client, personas, net):
    client.force_login(personas.bob)
    response = client.post(reverse("networks:meeting_note", args=[net.proposed.uuid]),
                           {"case": "For tidlig", "agreed": ""})
    assert response.status_code == 400
    assert "Notatet skrives etter at møtet er holdt." in response.content.decode()
    assert not MeetingNote.objects.exists()


def test_ics_marks_proposed_tentative_and_confirmed_confirmed(client, personas, net):
    client.force_login(personas.bob)
    response = client.get(reverse("networks:meeting_ics", args=[net.proposed.uuid]))
    assert response["Content-Type"].startswith("text/calendar")
    assert "attachment" in response["Content-Disposition"]
    event = next(iter(Calendar.from_ical(response.content).walk("VEVENT")))
    assert str(event["STATUS"]) == "TENTATIVE"
    assert str(event["SUMMARY"]) == "Nettverksgruppe Blåveis"
    assert event["DTSTART"].dt.date() == net.proposed.date
    NetworkMeeting.objects.filter(pk=net.proposed.pk).update(status="bekreftet",
                                                             confirmed_at=timezone.now())
    response = client.get(reverse("networks:meeting_ics", args=[net.proposed.uuid]))
    assert "STATUS:CONFIRMED" in response.content.decode()


def test_nynorsk_reader_gets_nynorsk_pages(client, personas, net):
    personas.bob.language = "nn"
    personas.bob.save()
    client.force_login(personas.bob)
    text = client.get(reverse("networks:meeting_detail", args=[net.proposed.uuid])).content \
        .decode()
    assert "Føreslått – ikkje stadfesta enno" in text
    assert "Datorøysting" in text


def test_unplaced_participants_are_listed(client, personas, draft):
    plan = NetworkPlanFactory(programme=draft, status="utkast", confirmed_at=None)
    MembershipFactory(group=NetworkGroupFactory(plan=plan, name="Eneste"),
                      leader=personas.bob_leader)
    client.force_login(personas.alice)
    text = client.get(reverse("networks:plan_compose", args=[plan.uuid])).content.decode()
    assert "Deltakere uten gruppe" in text and "Berit Sjef" in text
    assert weekday_after(timezone.localdate()).weekday() < 5


def test_ids_in_forms_are_not_formatted_as_numbers(client, personas, net):
    """With thousand separators on, a pk of 12345 must not render as «12 345»."""
    from ..models import MeetingOption

    big = MeetingOption.objects.create(pk=12345, meeting=net.proposed,
                                       date=weekday_after(timezone.localdate(), 47), slot="EL",
                                       starts_at=dt.time(12, 30), ends_at=dt.time(15))
    client.force_login(personas.alice)
    text = client.get(reverse("networks:meeting_detail", args=[net.proposed.uuid])) \
        .content.decode()
    assert 'name="option" value="12345"' in text
    response = client.post(reverse("networks:meeting_confirm", args=[net.proposed.uuid]),
                           {"option": "12345"}, follow=True)
    assert "Møtet er bekreftet" in _messages(response)
    net.proposed.refresh_from_db()
    assert net.proposed.date == big.date


def test_a_vote_of_a_leader_who_has_left_the_group_still_names_them(client, personas, net):
    """The votes' leaders are the members read for the page; a leader who has left the
    group since voting is read too (one more query), named as before."""
    MeetingVote.objects.create(option=net.options[0], leader=personas.bob_leader, answer="ja")
    left = NetworkMembership.objects.filter(group=net.proposed.group).exclude(
        leader=personas.bob_leader).select_related("leader__user").first()
    MeetingVote.objects.create(option=net.options[1], leader=left.leader, answer="nei")
    left.delete()
    client.force_login(personas.alice)
    text = client.get(reverse("networks:meeting_detail", args=[net.proposed.uuid])
                      ).content.decode()
    assert "Bob Leder (ja)" in text and f"{left.leader.user.full_name} (nei)" in text
