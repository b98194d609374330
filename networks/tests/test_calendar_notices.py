"""A confirmed network meeting moved or cancelled: the group's usual email, now with an
updated .ics (the feed's UID, SEQUENCE raised, METHOD REQUEST / CANCEL)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from lib.models import SentReminder

from .. import services
from ..models import MeetingStatus, Slot
from .factories import weekday_after

pytestmark = pytest.mark.django_db


def _event(content):
    (event,) = Calendar.from_ical(content).walk("VEVENT")
    return event


@pytest.fixture
def confirmed(net, personas, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = services.meeting_confirm(meeting=net.proposed, option=None,
                                           actor=personas.alice)
    mail.outbox.clear()
    return meeting


def test_moved_meeting_sends_an_update_with_the_feeds_uid(client, net, personas, confirmed,
                                                          django_capture_on_commit_callbacks):
    client.force_login(personas.bob)
    download = _event(client.get(reverse("networks:meeting_ics",
                                         args=[confirmed.uuid])).content)
    day = weekday_after(timezone.localdate(), 30)
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_update(meeting=confirmed, actor=personas.alice, date=day,
                                slot=Slot.MORNING, starts_at=dt.time(9), ends_at=dt.time(11, 30),
                                place="Biblioteket", video_url="",
                                facilitator=net.facilitator, focus="")
    recipients = {m.to[0] for m in mail.outbox}
    assert recipients == {m.user.email for m in net.members} | {net.facilitator.email}
    message = next(m for m in mail.outbox if m.to == [personas.bob.email])
    (attachment,) = message.attachments
    assert attachment.mimetype == "text/calendar; method=REQUEST"
    event = _event(attachment.content)
    assert event["UID"] == download["UID"]
    assert (event["SEQUENCE"], event["STATUS"]) == (download["SEQUENCE"] + 1, "CONFIRMED")
    assert event.decoded("DTSTART").date() == day
    assert Calendar.from_ical(attachment.content).walk("VTIMEZONE")
    again = _event(client.get(reverse("networks:meeting_ics", args=[confirmed.uuid])).content)
    assert again["SEQUENCE"] == event["SEQUENCE"]
    assert SentReminder.objects.filter(kind="calendar_notice").count() == len(recipients)


def test_cancelled_meeting_sends_a_cancel(net, personas, confirmed,
                                          django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_cancel(meeting=confirmed, actor=personas.alice)
    message = next(m for m in mail.outbox if m.to == [personas.bob.email])
    assert message.attachments[0].mimetype == "text/calendar; method=CANCEL"
    event = _event(message.attachments[0].content)
    assert (event["STATUS"], event["SEQUENCE"]) == ("CANCELLED", 1)
    assert str(event["UID"]).startswith(f"networks-meeting-{confirmed.uuid}@")


def test_a_proposed_meeting_moved_sends_no_calendar_notice(net, personas,
                                                           django_capture_on_commit_callbacks):
    day = weekday_after(timezone.localdate(), 30)
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_update(meeting=net.proposed, actor=personas.alice, date=day,
                                slot=Slot.MORNING, starts_at=dt.time(9), ends_at=dt.time(11, 30),
                                place="Biblioteket", video_url="",
                                facilitator=net.facilitator, focus="")
    assert not SentReminder.objects.filter(kind="calendar_notice").exists()


def test_a_confirmed_meeting_recorded_anew_sends_an_update(net, personas, confirmed,
                                                           django_capture_on_commit_callbacks):
    day = weekday_after(timezone.localdate(), 35)
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_record(group=net.group, actor=personas.alice, number=confirmed.number,
                                data=services.MeetingInput(
                                    status=MeetingStatus.CONFIRMED, date=day, slot=Slot.AFTERNOON,
                                    place="Biblioteket", facilitator=net.facilitator))
    message = next(m for m in mail.outbox if m.to == [personas.bob.email])
    event = _event(message.attachments[0].content)
    assert event.decoded("DTSTART").date() == day and event["SEQUENCE"] == 1
