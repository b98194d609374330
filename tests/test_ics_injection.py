"""A line break in user text must not break — or add to — any calendar file.

O&F can save a session topic such as ``"Tillit\\r\\nBEGIN:VALARM\\r\\n…"``. Before
``lib.ical`` escaped every value, that broke every .ics download and every
personal feed that included it (icalendar refuses a raw line break: 500), and
a laxer writer would have slipped an alarm into everyone's calendar. Here
every topic, place, theme, group name and leader name of the demo world gets
such a tail, with Norwegian letters; then every .ics address and every
personal feed must answer 200, parse, hold exactly the expected events and
no VALARM.
"""

from __future__ import annotations

import pytest
from django.db.models import F, Value
from django.db.models.functions import Concat, Left
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from accounts.calendar import events_for
from accounts.models import User
from coaching.models import Booking, CoachProfile
from groups.models import LeaderGroup, ProcessSession
from lib.ical import CalendarEvent, calendar_bytes, ics_response, safe_filename
from networks.models import NetworkGroup, NetworkMeeting
from programs.models import Gathering, Module, ModuleSession, Programme
from tests.access_world import World

pytestmark = pytest.mark.django_db

TAIL = " Æ\r\nBEGIN:VALARM\r\nEND:VALARM\r\nå"
POISONED = [
    (Module, ["topic"]), (ModuleSession, ["theme", "place"]), (Gathering, ["theme", "place"]),
    (Programme, ["name"]), (NetworkGroup, ["name"]), (NetworkMeeting, ["place", "focus"]),
    (LeaderGroup, ["name"]), (ProcessSession, ["topic", "location", "meeting"]),
    (CoachProfile, ["location"]), (User, ["full_name"]),
]


def _poisoned(model, field: str) -> Concat:
    # Cut only as much as the column needs, so unique names stay unique.
    max_length = model._meta.get_field(field).max_length
    kept = Left(F(field), max_length - len(TAIL)) if max_length else F(field)
    return Concat(kept, Value(TAIL))


def _poison() -> None:
    for model, fields in POISONED:
        model.objects.update(**{f: _poisoned(model, f) for f in fields})


def _events(response) -> tuple[list, int]:
    assert response.status_code == 200, response
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content
    # No raw line break inside a value: every line is a property, none opens an alarm.
    assert b"\r\nBEGIN:VALARM" not in body and b"\nBEGIN:VALARM" not in body
    calendar = Calendar.from_ical(body)
    assert list(calendar.walk("VALARM")) == []
    return list(calendar.walk("VEVENT")), body.count(b"BEGIN:VEVENT")


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _oaf_of(organisation_id: int) -> User:
    return User.objects.filter(organisation_id=organisation_id, is_oaf_admin=True,
                               is_active=True).order_by("pk").first()


def test_every_ics_and_feed_survives_line_breaks_in_user_text(world: World):
    _poison()
    assert Module.objects.filter(topic__contains="\r\nBEGIN:VALARM").exists()
    checked = 0
    clients: dict[int, Client] = {}

    def get(user: User, url: str):
        if user.pk not in clients:
            clients[user.pk] = _client(user)
        return clients[user.pk].get(url)

    for module in Module.objects.select_related("programme"):
        events, raw = _events(get(_oaf_of(module.programme.organisation_id),
                                  reverse("programs:module_ics", args=[module.uuid])))
        assert len(events) == raw == module.sessions.count()
        checked += 1
    for session in ModuleSession.objects.select_related("module__programme"):
        response = get(_oaf_of(session.module.programme.organisation_id),
                       reverse("programs:session_ics", args=[session.uuid]))
        events, raw = _events(response)
        assert len(events) == raw == 1
        # The text arrives whole, as text: the alarm is words in the summary.
        summary = str(events[0]["SUMMARY"])
        assert "Æ\nBEGIN:VALARM" in summary
        assert "\r" not in response["Content-Disposition"]
        checked += 1
    for gathering in Gathering.objects.select_related("programme"):
        events, raw = _events(get(_oaf_of(gathering.programme.organisation_id),
                                  reverse("programs:gathering_ics", args=[gathering.uuid])))
        assert len(events) == raw == 1
        checked += 1
    for booking in Booking.objects.select_related("course__leader__user", "coach__user"):
        for user in (booking.course.leader.user, booking.coach.user):
            events, raw = _events(get(user, reverse("coaching:booking_ics",
                                                    args=[booking.uuid])))
            assert len(events) == raw == 1
            checked += 1
    # A round not yet set has no date and no calendar file (404, networks.views.meeting_ics).
    for meeting in NetworkMeeting.objects.filter(date__isnull=False).select_related("group"):
        member = meeting.group.memberships.select_related("leader__user").first()
        if member is None:
            continue
        events, raw = _events(get(member.leader.user,
                                  reverse("networks:meeting_ics", args=[meeting.uuid])))
        assert len(events) == raw == 1
        assert "BEGIN:VALARM" in str(events[0]["SUMMARY"])
        checked += 1
    feeds = 0
    anonymous = Client()
    for user in User.objects.filter(is_active=True).exclude(calendar_token=""):
        expected = len(events_for(user))
        events, raw = _events(anonymous.get(
            reverse("accounts:calendar_feed", args=[user.calendar_token])))
        assert len(events) == raw == expected
        feeds += expected > 0
    print(f"{checked} .ics downloads and {feeds} non-empty feeds checked")
    assert checked > 20 and feeds > 5


def test_names_and_filenames_never_carry_a_line_break():
    import datetime as dt

    start = dt.datetime(2026, 9, 7, 10, tzinfo=dt.UTC)
    event = CalendarEvent(uid="t-1\r\nBEGIN:VALARM", start=start,
                          end=start + dt.timedelta(hours=1), summary="Møte\rslutt",
                          location="Rådhuset\nSal 2\u2028", url="https://x.example/a\r\nb",
                          description="Første\x00linje")
    body = calendar_bytes([event], name="Stjernelaget\r\nBEGIN:VALARM")
    calendar = Calendar.from_ical(body)
    assert list(calendar.walk("VALARM")) == []
    (parsed,) = calendar.walk("VEVENT")
    assert str(parsed["SUMMARY"]) == "Møte\nslutt"
    assert str(parsed["LOCATION"]) == "Rådhuset\nSal 2"
    assert str(parsed["DESCRIPTION"]) == "Førstelinje"
    assert "\n" not in str(parsed["UID"]) and "\n" not in str(parsed["URL"])
    assert b"X-WR-CALNAME:Stjernelaget\\nBEGIN:VALARM\r\n" in body
    response = ics_response(body, 'Stjerne"laget\r\nSet-Cookie: x=1')
    disposition = response["Content-Disposition"]
    assert "\r" not in disposition and "\n" not in disposition
    assert disposition == 'attachment; filename="Stjernelaget Set-Cookie: x=1.ics"'
    assert ics_response(body, "Ålesund\r\n")["Content-Disposition"].startswith(
        "attachment; filename*=utf-8''%C3%85lesund.ics")
    assert safe_filename("\r\n..") == "download"
