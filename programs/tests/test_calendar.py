"""Session and module .ics files, and the personal feed (seated sessions, gatherings)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from icalendar import Calendar

from programs import services

from .factories import GatheringFactory, ModuleSessionFactory, ProgrammeParticipantFactory

pytestmark = pytest.mark.django_db


def _events(content: bytes):
    return list(Calendar.from_ical(content).walk("VEVENT"))


def test_session_ics_has_time_place_and_a_stable_uid(client, personas, module):
    session = module.sessions.order_by("date").first()
    client.force_login(personas.bob)
    response = client.get(reverse("programs:session_ics", args=[session.uuid]))
    assert response["Content-Disposition"].startswith("attachment;")
    (event,) = _events(response.content)
    assert str(event["SUMMARY"]) == f"Endringsledelse: {session.theme}"
    assert str(event["LOCATION"]) == "Rådhuset, møterom 3"
    assert event.decoded("DTSTART") == session.start
    assert str(event["UID"]).startswith(f"programs-session-{session.uuid}@")
    again = client.get(reverse("programs:session_ics", args=[session.uuid]))
    assert str(_events(again.content)[0]["UID"]) == str(event["UID"])


def test_module_ics_holds_every_session(client, personas, module):
    client.force_login(personas.bob)
    response = client.get(reverse("programs:module_ics", args=[module.uuid]))
    assert len(_events(response.content)) == 3


def _feed(client, user):
    url = reverse("accounts:calendar_feed", kwargs={"token": user.calendar_token})
    return [str(e["SUMMARY"]) for e in _events(client.get(url).content)]


def test_feed_lists_sessions_only_once_seated(client, personas, module, request_of_bob):
    assert _feed(client, personas.bob) == []
    services.enrollment_approve(enrollment=request_of_bob, actor=personas.alice)
    assert len([s for s in _feed(client, personas.bob) if s.startswith("Endringsledelse")]) == 3
    services.enrollment_cancel(enrollment=request_of_bob, actor=personas.bob)
    assert _feed(client, personas.bob) == []


def test_feed_lists_facilitated_sessions_and_gatherings(client, personas, facilitator):
    session = ModuleSessionFactory(module__programme__organisation=personas.org_a,
                                   module__topic="Teamledelse", theme="Start")
    session.facilitators.add(facilitator)
    participation = ProgrammeParticipantFactory(programme__organisation=personas.org_a,
                                                programme__name="Askvik-lederen",
                                                leader=personas.bob_leader)
    gathering = GatheringFactory(programme=participation.programme, theme="Relasjonsledelse")
    gathering.advisers.add(facilitator)
    # The feed is in time order: the gathering (in 20 days) before the session (in 60).
    assert _feed(client, facilitator) == ["Askvik-lederen: Relasjonsledelse",
                                          "Teamledelse: Start"]
    assert _feed(client, personas.bob) == ["Askvik-lederen: Relasjonsledelse"]
    assert _feed(client, personas.boss_leader.user) == []
