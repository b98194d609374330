"""Room clashes (issue 21): events of any kind held in the same room at overlapping times in
one municipality — module sessions, gatherings, leader-group sessions, network meetings and
on-site coaching — found by one selector (``lib.rooms``, filled by each track app), shown in
the person's week view and feed, warned about when O&F save, and on O&F's needs-action list.

Lives outside the apps because it spans them (lib's registry gathers the sources)."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from django.urls import reverse
from django.utils import timezone

from coaching.models import Mode
from coaching.tests.factories import BookingFactory, CoachFactory, CourseFactory
from cockpit import rules
from groups.tests.factories import GroupProcessFactory, ProcessSessionFactory
from lib.rooms import booking_of, clashes_with, normalise_place, room_bookings, room_clashes
from lib.testing import assert_queries_stable
from networks.models import MeetingStatus, NetworkPlan
from networks.tests.factories import (
    MeetingFactory,
    NetworkGroupFactory,
    NetworkPlanFactory,
    weekday_after,
)
from programs.models import ModuleSession, Term
from programs.tests.factories import (
    GatheringFactory,
    ModuleFactory,
    ModuleSessionFactory,
    ProgrammeFactory,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@pytest.fixture
def day() -> dt.date:
    return weekday_after(timezone.localdate(), 14)


@pytest.fixture
def programme(personas, day):
    return ProgrammeFactory(organisation=personas.org_a, starts_on=day - dt.timedelta(days=30),
                            ends_on=day + dt.timedelta(days=90))


def _meeting(programme, day, place="møterom 1", name="Blåveis", **kwargs):
    plan = NetworkPlan.objects.filter(programme=programme).first() \
        or NetworkPlanFactory(programme=programme)
    group = NetworkGroupFactory(plan=plan, name=name)
    return MeetingFactory(group=group, date=day, starts_at=dt.time(9), ends_at=dt.time(11, 30),
                          place=place, **kwargs)


def _session(programme, day, place="Møterom 1 ", start=dt.time(11), end=dt.time(13)):
    module = ModuleFactory(programme=programme, topic="Teamledelse", year=day.year,
                           term=Term.SPRING if day.month < 7 else Term.AUTUMN)
    return ModuleSessionFactory(module=module, date=day, starts_at=start, ends_at=end,
                                place=place)


def _period(day):
    return _at(day, 0), _at(day + dt.timedelta(days=1), 0)


def test_place_names_are_compared_without_case_spaces_or_punctuation():
    assert normalise_place("Møterom 1 ") == normalise_place("møterom 1") == "møterom 1"
    assert normalise_place("Rådhuset, møterom 3") == normalise_place("RÅDHUSET  møterom-3")
    assert normalise_place("Møterom 1") != normalise_place("Møterom 11")
    assert normalise_place(" ,. ") == ""


def test_a_module_session_and_a_network_meeting_in_one_room_clash(personas, programme, day):
    meeting = _meeting(programme, day)  # 09:00–11:30 in "møterom 1"
    session = _session(programme, day)  # 11:00–13:00 in "Møterom 1 "
    found = room_clashes([personas.org_a.pk], *_period(day))
    assert [b.uid for b in found[f"programs-session-{session.uuid}"]] == [
        f"networks-meeting-{meeting.uuid}"]
    assert [b.uid for b in found[f"networks-meeting-{meeting.uuid}"]] == [
        f"programs-session-{session.uuid}"]


def test_other_rooms_other_times_and_other_municipalities_do_not_clash(personas, programme,
                                                                       day):
    _meeting(programme, day)  # 09:00–11:30 in "møterom 1"
    _session(programme, day, place="Møterom 2")  # same time, other room
    _session(programme, day, start=dt.time(11, 30), end=dt.time(14))  # right after: no overlap
    _session(programme, day + dt.timedelta(days=1), start=dt.time(9))  # next day
    other = ProgrammeFactory(organisation=personas.org_b)
    _session(other, day, start=dt.time(9))  # same room name in another municipality
    _meeting(programme, day, name="Kvitveis", status=MeetingStatus.CANCELLED)
    ModuleSessionFactory(module=ModuleFactory(programme=programme, status="avlyst"), date=day,
                         starts_at=dt.time(9), ends_at=dt.time(12), place="Møterom 1")
    assert room_clashes([personas.org_a.pk], *_period(day)) == {}
    assert room_clashes([personas.org_b.pk], *_period(day)) == {}
    assert room_clashes(None, *_period(day)) == {}


def test_group_sessions_gatherings_and_on_site_coaching_are_rooms_too(personas, programme,
                                                                      day):
    process = GroupProcessFactory(group__organisation=personas.org_a)
    group_session = ProcessSessionFactory(process=process, planned_at=_at(day, 13),
                                          duration_minutes=120, location="Kantina")
    gathering = GatheringFactory(programme=programme, date=day, starts_at=dt.time(14),
                                 ends_at=dt.time(16), place="kantina.")
    coach = CoachFactory(organisation=personas.org_a, offers_on_site=True, location="KANTINA")
    course = CourseFactory(organisation=personas.org_a, coach=coach,
                           agreement__supplier=coach.supplier)
    booking = BookingFactory(course=course, coach=coach, mode=Mode.ON_SITE,
                             starts_at=_at(day, 8))  # 08–09: before the others
    video = BookingFactory(course=course, coach=coach, mode=Mode.VIDEO,
                           starts_at=_at(day, 14))  # on video: no room
    found = room_clashes([personas.org_a.pk], *_period(day))
    assert set(found) == {f"groups-session-{group_session.pk}",
                          f"programs-gathering-{gathering.uuid}"}
    uids = {b.uid for b in room_bookings([personas.org_a.pk], *_period(day))}
    assert f"coaching-booking-{booking.uuid}" in uids
    assert f"coaching-booking-{video.uuid}" not in uids
    # A coaching session is shown to others without the leader's name.
    BookingFactory(course=course, coach=coach, mode=Mode.ON_SITE, starts_at=_at(day, 15))
    found = room_clashes([personas.org_a.pk], *_period(day))
    titles = {b.title for b in found[f"programs-gathering-{gathering.uuid}"]}
    assert course.leader.name not in " ".join(titles)


@pytest.fixture
def adviser(personas):
    return UserFactory(organisation=personas.org_a, is_facilitator=True,
                       full_name="Vilde Rådgiver", email="vilde@askvik.example", language="en")


def test_the_week_view_and_the_feed_say_which_room_is_shared(client, adviser, programme, day):
    meeting = _meeting(programme, day, name="Stjernelaget", facilitator=adviser,
                       status=MeetingStatus.CONFIRMED, confirmed_at=timezone.now())
    _session(programme, day)  # someone else's session in the same room
    client.force_login(adviser)
    response = client.get(reverse("accounts:calendar_week") + f"?uke={day.isoformat()}")
    assert response.status_code == 200
    assert response.context["room_clash_count"] == 1
    body = response.content.decode()
    assert "Same room as Teamledelse" in body
    feed = client.get(reverse("accounts:calendar_feed", args=[adviser.calendar_token]))
    text = feed.content.decode().replace("\r\n ", "")
    assert "SUMMARY:CLASH: Network group Stjernelaget" in text
    assert "Same room as Teamledelse" in text
    # Moved to another room: nothing is marked any more.
    type(meeting).objects.filter(pk=meeting.pk).update(place="Møterom 2")
    response = client.get(reverse("accounts:calendar_week") + f"?uke={day.isoformat()}")
    assert response.context["room_clash_count"] == 0


def test_the_week_views_queries_do_not_grow(client, adviser, programme, day):
    """The week view reads the room sources once, however many events and clashes."""
    client.force_login(adviser)
    made = []

    def grow(n):
        for _ in range(n):
            made.append(None)
            room = f"Rom {len(made)}"
            _meeting(programme, day, place=room, name=f"Gruppe {len(made)}")
            session = _session(programme, day, place=room.lower(), start=dt.time(9),
                               end=dt.time(10))
            session.facilitators.add(adviser)

    # 12 when written: session, user, the middleware's reads, the calendar sources, then
    # one per room source (lib.rooms) — the same at 1× and 10×.
    assert_queries_stable(
        lambda: client.get(reverse("accounts:calendar_week") + f"?uke={day.isoformat()}"),
        grow=grow)


def _change_form_data(response) -> dict:
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if value is None:
            continue
        if isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        elif isinstance(field.widget, forms.SplitDateTimeWidget):
            data[name + "_0"], data[name + "_1"] = value
        else:
            data[name] = value
    return data


def test_the_admin_warns_when_a_session_is_saved_into_a_taken_room(client, personas, programme,
                                                                   day):
    meeting = _meeting(programme, day)  # 09:00–11:30 in "møterom 1"
    session = _session(programme, day, place="Møterom 2")
    url = reverse("admin:programs_modulesession_change", args=[session.pk])
    client.force_login(personas.alice)
    data = _change_form_data(client.get(url))
    data["place"] = "MØTEROM 1"
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    assert "adminform" not in response.context or not response.context["adminform"].form.errors, \
        response.context["adminform"].form.errors
    session.refresh_from_db()
    assert session.place == "MØTEROM 1"  # a warning, not a refusal: the save stands
    warnings = [str(m) for m in response.context["messages"] if m.level_tag == "warning"]
    assert any("Blåveis" in w and "MØTEROM 1" in w for w in warnings), warnings
    assert any(reverse("networks:meeting_edit", args=[meeting.uuid]) in w for w in warnings)
    # Saved into a free room: no warning.
    data["place"] = "Møterom 3"
    response = client.post(url, data, follow=True)
    assert not [m for m in response.context["messages"] if m.level_tag == "warning"]


def test_clashes_with_leaves_the_event_itself_out(personas, programme, day):
    session = _session(programme, day)
    booking = booking_of(ModuleSession.objects.select_related("module__programme")
                         .get(pk=session.pk))
    assert booking is not None and clashes_with(booking) == []
    meeting = _meeting(programme, day)
    assert [b.uid for b in clashes_with(booking)] == [f"networks-meeting-{meeting.uuid}"]


def test_the_needs_action_item_fires_and_clears(client, personas, programme, day):
    now = timezone.now()
    meeting = _meeting(programme, day)
    _session(programme, day)
    item = rules.rooms_double_booked([personas.org_a.pk], now)
    assert item is not None and item.count == 2
    assert rules.rooms_double_booked([personas.org_b.pk], now) is None
    client.force_login(personas.alice)
    page = client.get(item.url)
    assert page.status_code == 200 and len(page.context["rows"]) == 2
    assert "rooms_double_booked" in client.get(reverse("admin:index")).content.decode()
    client.force_login(personas.charlie)
    assert client.get(item.url).context["rows"] == []
    type(meeting).objects.filter(pk=meeting.pk).update(place="Møterom 2")
    assert rules.rooms_double_booked([personas.org_a.pk], now) is None


def test_the_meeting_page_warns_when_a_meeting_is_moved_into_a_taken_room(client, personas,
                                                                          programme, day):
    meeting = _meeting(programme, day, place="Møterom 2")
    session = _session(programme, day, place="Møterom 1", start=dt.time(10), end=dt.time(12))
    client.force_login(personas.alice)
    response = client.post(reverse("networks:meeting_edit", args=[meeting.uuid]), {
        "date": day.isoformat(), "slot": "FL", "starts_at": "09:00", "ends_at": "11:30",
        "place": "møterom 1"}, follow=True)
    assert response.status_code == 200
    meeting.refresh_from_db()
    assert meeting.place == "møterom 1"  # saved: the warning does not refuse
    warnings = [str(m) for m in response.context["messages"] if m.level_tag == "warning"]
    assert len(warnings) == 1 and "Teamledelse" in warnings[0]
    assert reverse("admin:programs_modulesession_change", args=[session.pk]) in warnings[0]


def test_the_room_clash_list_queries_do_not_grow(client, personas, programme, day):
    """Session, user, the admin's own, then one query per room source, at 1× and 10×."""
    client.force_login(personas.alice)
    made = []

    def grow(n):
        for _ in range(n):
            made.append(None)
            room = f"Rom {len(made)}"
            _meeting(programme, day, place=room, name=f"Gruppe {len(made)}")
            _session(programme, day, place=room, start=dt.time(9), end=dt.time(10))

    # 11 when written, 5 of them the room sources.
    assert_queries_stable(lambda: client.get(reverse("admin:cockpit_room_clashes")), grow=grow)
    assert len(client.get(reverse("admin:cockpit_room_clashes")).context["rows"]) == 2 * len(made)


def _with_inlines(response) -> dict:
    """The change form's data as the browser would post it, inlines included."""
    data = _change_form_data(response)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        for form in formset.forms:
            for name, field in form.fields.items():
                value = form[name].value()
                if value is None or value is False:
                    continue
                if isinstance(value, dt.datetime):
                    local = timezone.localtime(value)
                    if isinstance(field.widget, forms.SplitDateTimeWidget):
                        data[form.add_prefix(name) + "_0"] = local.date().isoformat()
                        data[form.add_prefix(name) + "_1"] = local.strftime("%H:%M")
                        continue
                    value = local.strftime("%Y-%m-%d %H:%M")
                data[form.add_prefix(name)] = value
    return data


def test_a_group_session_saved_in_the_process_inline_warns_too(client, personas, programme,
                                                               day):
    _session(programme, day, place="Møterom 1", start=dt.time(13), end=dt.time(15))
    process = GroupProcessFactory(group__organisation=personas.org_a)
    session = ProcessSessionFactory(process=process, planned_at=_at(day, 14),
                                    duration_minutes=90, location="Kantina")
    url = reverse("admin:groups_groupprocess_change", args=[process.pk])
    client.force_login(personas.alice)
    page = client.get(url)
    data = _with_inlines(page)
    prefix = next(form.prefix for inline in page.context["inline_admin_formsets"]
                  for form in inline.formset.forms if form.instance.pk == session.pk)
    data[f"{prefix}-location"] = "møterom 1"
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    session.refresh_from_db()
    assert session.location == "møterom 1"
    warnings = [str(m) for m in response.context["messages"] if m.level_tag == "warning"]
    assert len(warnings) == 1 and "Teamledelse" in warnings[0], warnings


def test_the_meeting_list_flags_a_shared_room(client, personas, programme, day):
    _meeting(programme, day)  # 09:00–11:30 in "møterom 1"
    _session(programme, day)  # 11:00–13:00 in "Møterom 1 "
    client.force_login(personas.alice)
    response = client.get(reverse("admin:networks_networkmeeting_changelist"))
    (meeting,) = response.context["cl"].result_list
    assert any("Teamledelse" in note for note in meeting.conflict_list)
