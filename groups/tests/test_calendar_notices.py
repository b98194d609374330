"""A group session moved: members, head and facilitator get an updated .ics."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from groups import services
from groups.calendar import session_event
from lib.models import CalendarSequence

pytestmark = pytest.mark.django_db


def test_moved_session_tells_the_group(world, personas, django_capture_on_commit_callbacks):
    services.sessions_plan(process=world.process, actor=personas.alice,
                           first_at=timezone.now() + dt.timedelta(days=7), location="Rådhuset")
    session = world.process.sessions.select_related("process__group").order_by("number").last()
    uid = session_event(session).uid
    with django_capture_on_commit_callbacks(execute=True):
        services.session_record(session=session, actor=None,
                                planned_at=session.planned_at + dt.timedelta(days=2),
                                held_on=None, location="Nytt møterom")
    told = {m.to[0] for m in mail.outbox}
    assert {world.member.email, world.head.email, world.facilitator.email} <= told
    (event,) = Calendar.from_ical(mail.outbox[0].attachments[0].content).walk("VEVENT")
    assert str(event["UID"]).startswith(f"{uid}@")
    assert event["SEQUENCE"] == 1 and str(event["LOCATION"]) == "Nytt møterom"
    assert CalendarSequence.objects.get(uid=uid).sequence == 1
