"""The new pages of issue 17 through the client: adding a round, recording it held, the
import preview and save, the cost-aware planner's preview and run. Refusals come back
as messages on the page, nothing changes, no 500."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from ..models import MeetingStatus, NetworkMeeting, Slot
from .factories import weekday_after

pytestmark = pytest.mark.django_db


@pytest.fixture
def english_users(personas, net):
    for user in (personas.alice, personas.bob, net.facilitator):
        user.language = "en"
        user.save(update_fields=["language"])


def _free(net, days):
    day = weekday_after(timezone.localdate(), days)
    while day in {g.date for g in net.gatherings}:
        day = weekday_after(day, 1)
    return day


def test_adviser_adds_a_round_member_may_not(client, net, personas, english_users):
    url = reverse("networks:meeting_create", args=[net.group.uuid])
    client.force_login(net.facilitator)
    day = _free(net, 33)
    response = client.post(url, {"status": MeetingStatus.PROPOSED, "date": f"{day:%Y-%m-%d}",
                                 "slot": Slot.AFTERNOON, "facilitator": net.facilitator.pk,
                                 "place": "Biblioteket", "video_url": ""}, follow=True)
    assert "Meeting 3 is added." in response.content.decode()
    added = NetworkMeeting.objects.get(group=net.group, number=3)
    assert (added.date, added.starts_at, added.hand_made) == (day, dt.time(12, 30), True)
    client.force_login(personas.bob)
    assert client.post(url, {"status": MeetingStatus.NOT_PROPOSED}).status_code == 403


def test_a_refused_round_shows_the_rule_and_saves_nothing(client, net, personas,
                                                          english_users):
    client.force_login(personas.alice)
    gathering_day = net.gatherings[1].date
    response = client.post(reverse("networks:meeting_create", args=[net.group.uuid]), {
        "status": MeetingStatus.PROPOSED, "date": f"{gathering_day:%Y-%m-%d}", "slot": "FL",
        "facilitator": "", "place": "", "video_url": ""})
    assert response.status_code == 400
    assert "is a gathering day of the programme" in response.content.decode()
    assert NetworkMeeting.objects.filter(group=net.group).count() == 2


def test_record_held_from_the_meeting_page(client, net, personas, english_users):
    client.force_login(personas.alice)
    page = client.get(reverse("networks:meeting_detail", args=[net.past.uuid])).content.decode()
    assert "Record as held" in page
    client.post(reverse("networks:meeting_held", args=[net.past.uuid]))
    net.past.refresh_from_db()
    assert net.past.is_held
    response = client.post(reverse("networks:meeting_held", args=[net.proposed.uuid]),
                           follow=True)
    assert "cannot be recorded as held" in response.content.decode()


def test_import_preview_then_save(client, net, personas, english_users):
    client.force_login(personas.alice)
    url = reverse("networks:plan_import", args=[net.plan.uuid])
    assert client.get(url).status_code == 200
    day = _free(net, 50)
    data = (f"Gruppe;Runde;Dato;Tid;Rådgiver;Status\r\n"
            f"Stjernelaget;1;{day:%d.%m.%Y};EL;;foreslått\r\n"
            f"Stjernelaget;2;;;;ikke satt\r\n").encode("cp1252")
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(url, {"file": SimpleUploadedFile("plan.csv", data)})
    page = response.content.decode()
    assert response.status_code == 200 and "All 2 rows keep every rule." in page
    assert not NetworkMeeting.objects.filter(group=net.other_group).exists()
    payload = page.split('name="payload" value="')[1].split('"')[0]
    response = client.post(url, {"payload": payload, "save": "1"})
    assert response.status_code == 302
    assert NetworkMeeting.objects.filter(group=net.other_group).count() == 2
    # A broken file is a message, not an error page.
    response = client.post(url, {"file": SimpleUploadedFile("plan.csv", b"bare tull\n")})
    assert response.status_code == 400 and "must name the columns" in response.content.decode()


def test_cost_aware_planner_preview_and_run(client, net, personas, english_users):
    client.force_login(personas.alice)
    url = reverse("networks:meetings_plan_range", args=[net.plan.uuid])
    today = timezone.localdate()
    form = {"per_group": "3", "first": f"{today + dt.timedelta(days=5):%Y-%m-%d}",
            "last": f"{today + dt.timedelta(days=120):%Y-%m-%d}"}
    page = client.post(url, form, follow=True).content.decode()
    assert "Preview:" in page and "nothing is saved yet" in page
    before = NetworkMeeting.objects.count()
    page = client.post(url, {**form, "save": "1"}, follow=True).content.decode()
    assert "Proposed:" in page
    assert NetworkMeeting.objects.count() > before
    assert Decimal(0) == Decimal(0)
