"""lib.ical and lib.calendar_notices on their own: VTIMEZONE, METHOD, SEQUENCE under races."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, transaction
from icalendar import Calendar

from lib.calendar_notices import sequence_bump
from lib.ical import (
    CalendarEvent,
    calendar_bytes,
    calendar_method,
    calendar_publish,
    split_calendars,
)
from lib.models import CalendarSequence


def _event(uid: str = "t-1", **kwargs) -> CalendarEvent:
    start = dt.datetime(2027, 3, 27, 8, 0, tzinfo=dt.UTC)  # the day before summer time
    return CalendarEvent(uid=uid, start=start, end=start + dt.timedelta(hours=2),
                         summary="Samling", **kwargs)


def test_every_calendar_has_the_oslo_zone_and_local_times():
    calendar = Calendar.from_ical(calendar_bytes([_event()]))
    (zone,) = calendar.walk("VTIMEZONE")
    assert zone["TZID"] == "Europe/Oslo"
    (daylight,) = zone.walk("DAYLIGHT")
    assert daylight["RRULE"]["BYMONTH"] == [3] and daylight["RRULE"]["BYDAY"] == ["-1SU"]
    (event,) = calendar.walk("VEVENT")
    assert event["DTSTART"].params["TZID"] == "Europe/Oslo"
    assert event.decoded("DTSTART").hour == 9  # 08:00 UTC is 09:00 in winter time
    assert "METHOD" not in calendar and event["SEQUENCE"] == 0
    assert "ORGANIZER" not in event


def test_a_notice_is_an_itip_message():
    body = calendar_bytes([_event(cancelled=True, sequence=3)], method="CANCEL",
                          attendee="nora@askvik.example").decode()
    assert calendar_method(body) == "CANCEL"
    (event,) = Calendar.from_ical(body).walk("VEVENT")
    assert (event["STATUS"], event["SEQUENCE"]) == ("CANCELLED", 3)
    assert str(event["ATTENDEE"]) == "mailto:nora@askvik.example"
    assert str(event["ORGANIZER"]).startswith("mailto:")
    assert [calendar_method(c) for c in split_calendars(body + body)] == ["CANCEL", "CANCEL"]


@pytest.mark.django_db
def test_publish_reads_the_stored_sequence(django_assert_num_queries):
    CalendarSequence.objects.create(uid="t-1", sequence=4)
    with django_assert_num_queries(1):
        body = calendar_publish([_event(), _event(uid="t-2")])
    events = {str(e["UID"]).split("@")[0]: e["SEQUENCE"]
              for e in Calendar.from_ical(body).walk("VEVENT")}
    assert events == {"t-1": 4, "t-2": 0}
    with django_assert_num_queries(0):
        calendar_publish([])


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_changes_each_get_their_own_sequence():
    """Eight changes at once: the numbers are 1..8, none given twice."""
    barrier = threading.Barrier(8)
    got: list[int] = []
    errors: list[BaseException] = []

    def change():
        try:
            barrier.wait(timeout=30)
            with transaction.atomic():
                got.append(sequence_bump(["race-1"])["race-1"])
        except BaseException as exc:  # noqa: BLE001 - asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=change) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors
    assert sorted(got) == list(range(1, 9))
    assert CalendarSequence.objects.get(uid="race-1").sequence == 8
