"""Facilitators' and coaches' calendar (issue 21 item 14; issue 17): a personal .ics feed
with their network meetings, gatherings they advise, module sessions and leader-group
sessions they lead, and coaching bookings — every clash marked — and a week view.

Lives outside the apps because it spans them (accounts' registry gathers the sources)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from groups.tests.factories import GroupProcessFactory, ProcessSessionFactory
from networks.models import MeetingStatus
from networks.tests.factories import (
    MeetingFactory,
    NetworkGroupFactory,
    NetworkPlanFactory,
    weekday_after,
)
from programs.tests.factories import (
    GatheringFactory,
    ModuleFactory,
    ModuleSessionFactory,
    ProgrammeFactory,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def adviser_week(personas):
    org = personas.org_a
    adviser = UserFactory(organisation=org, is_facilitator=True, full_name="Vilde Rådgiver",
                          email="vilde@askvik.example", language="en")
    day = weekday_after(timezone.localdate(), 14)
    programme = ProgrammeFactory(organisation=org, starts_on=day - dt.timedelta(days=30),
                                 ends_on=day + dt.timedelta(days=90))
    group = NetworkGroupFactory(plan=NetworkPlanFactory(programme=programme), name="Kvitveis",
                                facilitator=adviser)
    meeting = MeetingFactory(group=group, date=day, starts_at=dt.time(9, 0),
                             ends_at=dt.time(11, 30), facilitator=adviser,
                             status=MeetingStatus.CONFIRMED, confirmed_at=timezone.now())
    session = ModuleSessionFactory(module=ModuleFactory(programme=programme,
                                                        topic="Endringsledelse"),
                                   date=day, starts_at=dt.time(11, 0), ends_at=dt.time(14, 0))
    session.facilitators.add(adviser)
    gathering = GatheringFactory(programme=programme, theme="Relasjonsledelse",
                                 date=weekday_after(day, 1))
    gathering.advisers.add(adviser)
    process = GroupProcessFactory(group__organisation=org, facilitator=adviser)
    group_session = ProcessSessionFactory(
        process=process, planned_at=timezone.make_aware(
            dt.datetime.combine(weekday_after(day, 2), dt.time(13, 0))))
    return adviser, day, meeting, session, gathering, group_session


def _feed(client, user) -> str:
    response = client.get(reverse("accounts:calendar_feed", args=[user.calendar_token]))
    assert response.status_code == 200
    return response.content.decode().replace("\r\n ", "")


def test_the_feed_has_everything_the_adviser_leads_and_marks_the_clash(client, adviser_week):
    adviser, day, meeting, session, gathering, group_session = adviser_week
    body = _feed(client, adviser)
    assert f"networks-meeting-{meeting.uuid}" in body
    assert "Relasjonsledelse" in body and f"groups-session-{group_session.pk}" in body
    # The network meeting (9–11:30) and the module session (11–14) overlap: both marked.
    assert body.count("SUMMARY:CLASH: ") == 2
    assert "At the same time: " in body
    # The gathering the next day clashes with nothing.
    assert "SUMMARY:CLASH: Relasjonsledelse" not in body


def test_the_feed_speaks_its_owners_language_without_a_login(client, adviser_week):
    # Calendar programs send no session or cookie: the feed follows the account's choice.
    adviser = adviser_week[0]
    adviser.language = "nn"
    adviser.save(update_fields=["language"])
    response = client.get(reverse("accounts:calendar_feed", args=[adviser.calendar_token]))
    body = response.content.decode().replace("\r\n ", "")
    assert response["Content-Language"] == "nn"
    assert body.count("SUMMARY:KOLLISJON: ") == 2
    assert "Samstundes: " in body and "CLASH" not in body


def test_min_side_gives_an_adviser_without_a_leader_profile_the_feed(client, adviser_week):
    adviser = adviser_week[0]
    client.force_login(adviser)
    page = client.get(reverse("accounts:min_side")).content.decode()
    assert adviser.calendar_token in page
    assert reverse("accounts:calendar_week") in page


def test_week_view_lists_the_week_with_the_clash(client, adviser_week, personas):
    adviser, day, meeting, session, gathering, group_session = adviser_week
    client.force_login(adviser)
    url = reverse("accounts:calendar_week")
    page = client.get(url, {"uke": day.isoformat()}).content.decode()
    assert "2 bookings clash with another this week." in page
    assert "Relasjonsledelse" in page and "Kvitveis" in page
    assert "This week" in page
    # Nonsense in the address is this week, not an error page.
    assert client.get(url, {"uke": "2027-13-45"}).status_code == 200
    # Another person's week is their own: bob sees none of the adviser's bookings.
    client.force_login(personas.bob)
    assert "Kvitveis" not in client.get(url, {"uke": day.isoformat()}).content.decode()
