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


def test_a_round_added_by_hand_keeps_its_own_times(client, net, personas, english_users):
    """A real plan says «13:15–15:45», not the slot's usual 12:30; a time that does not fit
    the slot, or a meeting of the wrong length, is refused with the rule; nothing is added."""
    url = reverse("networks:meeting_create", args=[net.group.uuid])
    client.force_login(personas.alice)
    day = _free(net, 40)
    base = {"status": MeetingStatus.PROPOSED, "date": f"{day:%Y-%m-%d}",
            "slot": Slot.AFTERNOON, "facilitator": "", "place": "Rådhuset", "video_url": ""}
    for starts, ends in (("09:00", "11:30"), ("13:15", "14:45")):
        refused = client.post(url, {**base, "starts_at": starts, "ends_at": ends})
        assert refused.status_code == 400
    assert "between 2.5 and 3 hours" in refused.content.decode()
    assert NetworkMeeting.objects.filter(group=net.group).count() == 2
    client.post(url, {**base, "starts_at": "13:15", "ends_at": "15:45"})
    added = NetworkMeeting.objects.get(group=net.group, number=3)
    assert (added.starts_at, added.ends_at) == (dt.time(13, 15), dt.time(15, 45))
    assert [(o.starts_at, o.ends_at) for o in added.options.all()] == [
        (dt.time(13, 15), dt.time(15, 45))]  # the poll's one option says the same


def test_a_held_round_corrected_to_other_times(client, net, personas, english_users):
    client.force_login(personas.alice)
    client.post(reverse("networks:meeting_held", args=[net.past.uuid]))
    net.past.refresh_from_db()
    url = reverse("networks:meeting_edit", args=[net.past.uuid])
    page = client.get(url).content.decode()
    assert f'value="{net.past.starts_at:%H:%M}' in page  # the times are shown to correct
    form = {"status": MeetingStatus.HELD, "date": f"{net.past.date:%Y-%m-%d}",
            "slot": net.past.slot, "facilitator": net.past.facilitator_id or "",
            "place": net.past.place, "video_url": ""}
    late = dt.time(13, 0) if net.past.slot == Slot.AFTERNOON else dt.time(8, 30)
    end = dt.time(15, 30) if net.past.slot == Slot.AFTERNOON else dt.time(11, 0)
    response = client.post(url, {**form, "starts_at": f"{late:%H:%M}", "ends_at": f"{end:%H:%M}"})
    assert response.status_code == 302
    net.past.refresh_from_db()
    assert (net.past.starts_at, net.past.ends_at) == (late, end)
    client.post(url, form)  # times left empty: kept
    net.past.refresh_from_db()
    assert (net.past.starts_at, net.past.ends_at) == (late, end)


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


def test_cost_aware_planner_preview_and_run(client, net, personas, english_users,
                                            monkeypatch):
    from lib.contract_prices import NetworkDayPrice

    from ..services import planning

    monkeypatch.setattr(planning, "network_day_price",
                        lambda programme_id: NetworkDayPrice(Decimal("17500.00"), 2))
    client.force_login(personas.alice)
    url = reverse("networks:meetings_plan_range", args=[net.plan.uuid])
    today = timezone.localdate()
    form = {"per_group": "3", "first": f"{today + dt.timedelta(days=5):%Y-%m-%d}",
            "last": f"{today + dt.timedelta(days=120):%Y-%m-%d}"}
    before = set(NetworkMeeting.objects.values_list("pk", "date", "slot", "status"))
    response = client.post(url, form)
    page = response.content.decode()
    # The preview is a page of its own: the days it needs, the contract's price, and
    # every new meeting day by day, with a button that saves exactly this question.
    assert response.status_code == 200
    assert "Preview:" in page and "nothing is saved yet" in page
    result = response.context["range_result"]
    assert result.created > 0 and not result.saved
    assert result.contract_days == -(-result.facilitated // 2)
    assert result.price == Decimal("17500.00") * result.contract_days
    assert sum(len(day.meetings) for day in result.days) == result.created
    assert "Blåveis, meeting 3" in page and "Stjernelaget, meeting 1" in page
    assert "The new meetings, day by day" in page and "Plan these meetings" in page
    assert set(NetworkMeeting.objects.values_list("pk", "date", "slot", "status")) == before
    response = client.post(url, {**form, "save": "1"}, follow=True)
    page = response.content.decode()
    assert "Proposed:" in page and "adviser-days" in page
    assert NetworkMeeting.objects.count() == len(before) + result.created
    # The meetings already there are untouched.
    assert before <= set(NetworkMeeting.objects.values_list("pk", "date", "slot", "status"))


def test_planner_refusal_and_bad_input_stay_on_the_page(client, net, personas, english_users):
    client.force_login(personas.alice)
    url = reverse("networks:meetings_plan_range", args=[net.plan.uuid])
    today = timezone.localdate()
    response = client.post(url, {"per_group": "2",
                                 "first": f"{today - dt.timedelta(days=400):%Y-%m-%d}",
                                 "last": f"{today:%Y-%m-%d}"})
    assert response.status_code == 400
    assert "Plan within the programme period" in response.content.decode()
    response = client.post(url, {"per_group": "x", "first": "i går", "last": ""})
    assert response.status_code == 400 and 'id="error-summary"' in response.content.decode()


def test_a_held_meeting_is_corrected_on_its_edit_page(client, net, personas, english_users):
    """Record-keeping: O&F fixes what a held meeting says (slot, adviser) under the same
    rules; it stays held, a future date is refused and nothing changes."""
    from ..services import meeting_mark_held
    from .factories import FacilitatorFactory

    meeting_mark_held(meeting=net.past, actor=personas.alice)
    other = FacilitatorFactory(organisation=net.programme.organisation,
                               full_name="Ola Rådgiver")
    client.force_login(personas.alice)
    detail = reverse("networks:meeting_detail", args=[net.past.uuid])
    assert "Change the meeting" in client.get(detail).content.decode()
    url = reverse("networks:meeting_edit", args=[net.past.uuid])
    page = client.get(url).content.decode()
    assert 'value="holdt" selected' in page
    response = client.post(url, {"status": MeetingStatus.HELD,
                                 "date": f"{net.past.date:%Y-%m-%d}", "slot": Slot.AFTERNOON,
                                 "facilitator": other.pk, "place": "Biblioteket"})
    assert response.status_code == 302
    net.past.refresh_from_db()
    assert (net.past.status, net.past.slot, net.past.starts_at, net.past.facilitator) == (
        MeetingStatus.HELD, Slot.AFTERNOON, dt.time(12, 30), other)
    assert NetworkMeeting.objects.filter(group=net.group).count() == 2
    future = _free(net, 30)
    response = client.post(url, {"status": MeetingStatus.HELD, "date": f"{future:%Y-%m-%d}",
                                 "slot": Slot.MORNING, "facilitator": other.pk})
    assert response.status_code == 400
    assert "cannot be recorded as held" in response.content.decode()
    net.past.refresh_from_db()
    assert net.past.slot == Slot.AFTERNOON
    client.force_login(personas.bob)
    assert client.get(url).status_code == 403


def test_correcting_a_held_meeting_keeps_its_focus_and_agreed_times(
        client, net, personas, english_users):
    """The correction form asks for state, date, slot, adviser and place only: the
    meeting's focus and its own times stay, unless the slot changes (then the slot's
    usual times)."""
    from ..services import meeting_mark_held

    NetworkMeeting.objects.filter(pk=net.past.pk).update(
        focus="Vanskelege samtalar – «case» frå Åsane", starts_at=dt.time(9, 15),
        ends_at=dt.time(11, 45))
    net.past.refresh_from_db()
    meeting_mark_held(meeting=net.past, actor=personas.alice)
    client.force_login(personas.alice)
    url = reverse("networks:meeting_edit", args=[net.past.uuid])
    form = {"status": MeetingStatus.HELD, "date": f"{net.past.date:%Y-%m-%d}",
            "slot": net.past.slot, "facilitator": net.past.facilitator_id or "",
            "place": "Biblioteket"}
    assert client.post(url, form).status_code == 302
    net.past.refresh_from_db()
    assert (net.past.focus, net.past.starts_at, net.past.ends_at, net.past.place) == (
        "Vanskelege samtalar – «case» frå Åsane", dt.time(9, 15), dt.time(11, 45),
        "Biblioteket")
    other_slot = Slot.AFTERNOON if net.past.slot != Slot.AFTERNOON else Slot.MORNING
    assert client.post(url, {**form, "slot": other_slot}).status_code == 302
    net.past.refresh_from_db()
    assert net.past.focus == "Vanskelege samtalar – «case» frå Åsane"
    assert (net.past.starts_at, net.past.ends_at) == net.group.plan.slot_times(other_slot)


def test_only_the_municipalitys_oaf_or_the_adviser_corrects_a_held_meeting(
        client, net, personas, english_users):
    """The correction posts go through the same access helper: a member 403, another
    municipality's O&F 404, and neither changes anything."""
    from ..services import meeting_mark_held

    meeting_mark_held(meeting=net.past, actor=personas.alice)
    url = reverse("networks:meeting_edit", args=[net.past.uuid])
    form = {"status": MeetingStatus.HELD, "date": f"{net.past.date:%Y-%m-%d}",
            "slot": net.past.slot, "place": "Et anna rom"}
    for user, status in ((personas.bob, 403), (personas.charlie, 404)):
        client.force_login(user)
        assert client.post(url, form).status_code == status
    net.past.refresh_from_db()
    assert net.past.place != "Et anna rom"


def test_the_meeting_page_counts_the_group_s_meetings_not_cancelled(client, net, personas):
    """"Meeting 2 of N": N is the group's meetings that are not cancelled (read with the
    meeting by its access helper); a cancelled one and another group's do not count."""
    from .factories import MeetingFactory

    url = reverse("networks:meeting_detail", args=[net.proposed.uuid])
    client.force_login(personas.bob)
    assert "Møte 2 av 2" in client.get(url).content.decode()
    third = MeetingFactory(group=net.group, number=3, date=_free(net, 40))
    MeetingFactory(group=net.other_group, number=3, date=_free(net, 41))
    assert "Møte 2 av 3" in client.get(url).content.decode()
    third.status = MeetingStatus.CANCELLED
    third.save(update_fields=["status"])
    assert "Møte 2 av 2" in client.get(url).content.decode()
