"""Min side and the personal calendar feed."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from ..models import NetworkMeeting, NetworkPlan
from .factories import MeetingFactory, weekday_after

pytestmark = pytest.mark.django_db


def test_member_sees_group_members_and_meetings_clearly_marked(client, personas, net):
    confirmed = MeetingFactory(group=net.group, number=3, status="bekreftet",
                               confirmed_at=timezone.now(), facilitator=None,
                               date=weekday_after(timezone.localdate(), 40))
    client.force_login(personas.bob)
    text = client.get(reverse("accounts:min_side")).content.decode()
    assert "Nettverksgruppen din" in text and "Blåveis" in text
    for name in ("Anna Aas", "Per Berg", "Kari Lund", "Ola Moen"):
        assert name in text
    # Proposed and confirmed differ in words, not only in colour.
    assert "Foreslått – ikke bekreftet ennå" in text
    assert "2 foreslåtte datoer – svar på avstemningen" in text
    assert "Bekreftet" in text
    assert reverse("networks:meeting_detail", args=[confirmed.uuid]) in text
    # The past meeting is not among the upcoming ones.
    assert reverse("networks:meeting_detail", args=[net.past.uuid]) not in text


def test_draft_groups_are_not_shown_to_members(client, personas, net):
    NetworkPlan.objects.filter(pk=net.plan.pk).update(status="utkast", confirmed_at=None)
    client.force_login(personas.bob)
    assert "Nettverksgruppen din" not in client.get(reverse("accounts:min_side")).content \
        .decode()


def test_facilitator_sees_the_groups_they_lead(client, net):
    client.force_login(net.facilitator)
    text = client.get(reverse("accounts:min_side")).content.decode()
    assert "Nettverksgrupper du fasiliterer" in text and "Blåveis" in text


def test_a_leader_outside_every_group_sees_no_panel(client, net):
    client.force_login(net.outsider_leader.user)
    assert "Nettverksgruppen din" not in client.get(reverse("accounts:min_side")).content \
        .decode()


def _feed(client, user):
    url = reverse("accounts:calendar_feed", args=[user.calendar_token])
    return {str(e["UID"]).split("@")[0]: e for e in
            Calendar.from_ical(client.get(url).content).walk("VEVENT")}


def test_calendar_feed_has_the_members_meetings(client, personas, net):
    events = _feed(client, personas.bob)
    proposed = events[f"networks-meeting-{net.proposed.uuid}"]
    past = events[f"networks-meeting-{net.past.uuid}"]
    assert str(proposed["STATUS"]) == "TENTATIVE" and str(past["STATUS"]) == "CONFIRMED"
    assert str(proposed["SUMMARY"]) == "Nettverksgruppe Blåveis"
    # The facilitator has them too; someone outside the group does not.
    assert f"networks-meeting-{net.proposed.uuid}" in _feed(client, net.facilitator)
    assert not any(k.startswith("networks-") for k in _feed(client, net.outsider_leader.user))


def test_cancelled_meetings_are_cancelled_in_the_feed(client, personas, net):
    NetworkMeeting.objects.filter(pk=net.proposed.pk).update(status="avlyst")
    event = _feed(client, personas.bob)[f"networks-meeting-{net.proposed.uuid}"]
    assert str(event["STATUS"]) == "CANCELLED"
