"""Changing a meeting by hand: each rule refused with a clear message, nothing saved."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from lib.testing import assert_refused, refusal_codes
from programs.models import Enrollment, Module, ModuleSession
from tests.factories import LeaderFactory

from .. import services
from ..models import NetworkMeeting, NetworkPlan, Slot
from .factories import (
    FacilitatorFactory,
    GatheringFactory,
    HolidayFactory,
    MeetingFactory,
    MembershipFactory,
    NetworkGroupFactory,
    ParticipantFactory,
    ProgrammeFactory,
    weekday_after,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

MORNING = (Slot.MORNING, dt.time(9, 0), dt.time(11, 30))
AFTERNOON = (Slot.AFTERNOON, dt.time(12, 30), dt.time(15, 0))


def _move(net, meeting=None, *, date, times=MORNING, facilitator="same", actor=None):
    meeting = meeting or net.proposed
    slot, start, end = times
    return services.meeting_update(
        meeting=meeting, actor=actor or net.plan.programme.organisation.users.first(),
        date=date, slot=slot, starts_at=start, ends_at=end, place="Rådhuset", video_url="",
        facilitator=meeting.facilitator if facilitator == "same" else facilitator, focus="")


def _unchanged(meeting):
    before = (meeting.date, meeting.slot, meeting.starts_at)
    meeting.refresh_from_db()
    return (meeting.date, meeting.slot, meeting.starts_at) == before


def _free_day(net, offset=40):
    return weekday_after(timezone.localdate(), offset)


def test_a_valid_move_is_saved_and_joins_the_poll(net):
    day = _free_day(net)
    _move(net, date=day, times=AFTERNOON)
    net.proposed.refresh_from_db()
    assert (net.proposed.date, net.proposed.slot) == (day, Slot.AFTERNOON)
    assert net.proposed.options.filter(date=day, slot=Slot.AFTERNOON).exists()


def _refused_naming(code, call, *names):
    """Refused with ``code``, and the message names who is busy and with what (their data)."""
    with pytest.raises(ValidationError) as caught:
        call()
    assert code in refusal_codes(caught.value)
    text = " ".join(caught.value.messages)
    assert all(name in text for name in names), text


def test_outside_the_programme_period(net):
    with assert_refused("outside_period"):
        _move(net, date=net.programme.ends_on + dt.timedelta(days=3))
    assert _unchanged(net.proposed)


def test_on_a_holiday(net):
    day = _free_day(net)
    HolidayFactory(organisation=net.programme.organisation, name="Høstferie",
                   starts_on=day - dt.timedelta(days=1), ends_on=day + dt.timedelta(days=1))
    with assert_refused("holiday"):
        _move(net, date=day)
    assert _unchanged(net.proposed)


def test_another_municipalitys_holiday_does_not_count(net, personas):
    day = _free_day(net)
    HolidayFactory(organisation=personas.org_b, starts_on=day, ends_on=day)
    _move(net, date=day)


def test_on_a_weekend(net):
    day = _free_day(net)
    saturday = day + dt.timedelta(days=5 - day.weekday())
    with assert_refused("weekend"):
        _move(net, date=saturday)


def test_on_a_gathering_day(net):
    with assert_refused("gathering_day"):
        _move(net, date=net.gatherings[1].date, times=AFTERNOON)
    assert _unchanged(net.proposed)


@pytest.mark.parametrize(("start", "end", "code"), [
    (dt.time(9, 0), dt.time(11, 0), "meeting_length"),
    (dt.time(9, 0), dt.time(12, 30), "meeting_length"),
    (dt.time(12, 30), dt.time(15, 0), "slot_time"),
])
def test_length_and_slot_must_fit(net, start, end, code):
    with assert_refused(code):
        _move(net, date=_free_day(net), times=(Slot.MORNING, start, end))
    assert _unchanged(net.proposed)


def test_facilitator_already_has_a_meeting_in_the_slot(net):
    day = _free_day(net)
    other = NetworkGroupFactory(plan=net.plan, name="Gygrene")
    MeetingFactory(group=other, date=day, facilitator=net.facilitator)
    _refused_naming("facilitator_slot_taken", lambda: _move(net, date=day), "Fia Fasilitator")
    assert _unchanged(net.proposed)


def test_facilitator_daily_maximum(net):
    day = _free_day(net)
    NetworkPlan.objects.filter(pk=net.plan.pk).update(facilitator_daily_max=1)
    other = NetworkGroupFactory(plan=net.plan, name="Gygrene")
    MeetingFactory(group=other, date=day, facilitator=net.facilitator)
    with assert_refused("facilitator_day_full"):
        _move(net, date=day, times=AFTERNOON)
    assert _unchanged(net.proposed)


def test_facilitator_in_another_programme_counts_too(net, personas):
    day = _free_day(net)
    other = NetworkGroupFactory(plan__programme__organisation=personas.org_a, name="Andre")
    MeetingFactory(group=other, date=day, facilitator=net.facilitator)
    with assert_refused("facilitator_slot_taken"):
        _move(net, date=day)


def test_facilitator_advising_a_gathering_is_busy(net, personas):
    day = _free_day(net)
    gathering = GatheringFactory(programme__organisation=personas.org_a, date=day,
                                 theme="Annen samling")
    gathering.advisers.add(net.facilitator)
    _refused_naming("facilitator_busy", lambda: _move(net, date=day), "Fia Fasilitator",
                    "«Annen samling»")


def test_a_cancelled_meeting_frees_the_slot(net):
    day = _free_day(net)
    other = NetworkGroupFactory(plan=net.plan, name="Gygrene")
    MeetingFactory(group=other, date=day, facilitator=net.facilitator, status="avlyst")
    _move(net, date=day)


def test_member_booked_in_a_module_session(net):
    day = _free_day(net)
    module = Module.objects.create(
        programme=net.programme, topic="Endringsledelse", term="host", year=day.year,
        status="publisert", capacity=20, enrolment_opens_on=day - dt.timedelta(days=90),
        enrolment_closes_on=day - dt.timedelta(days=30),
        cancellation_cutoff_on=day - dt.timedelta(days=20))
    ModuleSession.objects.create(module=module, date=day, starts_at=dt.time(10, 0),
                                 ends_at=dt.time(13, 0), place="Rådhuset")
    now = timezone.now()
    Enrollment.objects.create(module=module, leader=net.members[2], status="plass",
                              decided_at=now, seated_at=now)
    _refused_naming("member_busy", lambda: _move(net, date=day), "Per Berg", "«Endringsledelse»")
    assert _unchanged(net.proposed)
    _move(net, date=day, times=(Slot.AFTERNOON, dt.time(13, 0), dt.time(15, 30)))


def test_member_at_a_gathering_of_another_programme(net, personas):
    day = _free_day(net)
    other = ProgrammeFactory(organisation=personas.org_a)
    ParticipantFactory(programme=other, leader=net.members[1])
    GatheringFactory(programme=other, date=day, theme="Fagdag", starts_at=dt.time(8, 0),
                     ends_at=dt.time(10, 0))
    _refused_naming("member_busy", lambda: _move(net, date=day), "Anna Aas", "«Fagdag»")


def test_member_in_another_network_meeting(net, personas):
    day = _free_day(net)
    other_group = NetworkGroupFactory(plan__programme__organisation=personas.org_a,
                                      name="Annet nettverk")
    MembershipFactory(group=other_group, leader=net.members[3])
    MeetingFactory(group=other_group, date=day, starts_at=dt.time(10, 0),
                   ends_at=dt.time(12, 30), facilitator=None)
    _refused_naming("member_busy", lambda: _move(net, date=day, facilitator=None), "Kari Lund",
                    "«Annet nettverk»")
    assert _unchanged(net.proposed)


def test_the_group_itself_cannot_meet_twice_at_once(net):
    _refused_naming("member_busy", lambda: _move(net, meeting=net.proposed, date=net.past.date,
                                                 facilitator=None), "«Blåveis»")


def test_facilitator_must_belong_to_the_municipality(net, personas):
    foreign = FacilitatorFactory(organisation=personas.org_b)
    with assert_refused("invalid_facilitator"):
        _move(net, date=_free_day(net), facilitator=foreign)


def test_a_cancelled_meeting_cannot_be_changed(net):
    NetworkMeeting.objects.filter(pk=net.proposed.pk).update(status="avlyst")
    with assert_refused("cancelled"):
        _move(net, date=_free_day(net))


def test_confirmed_meeting_moved_tells_everyone(net, mailoutbox, personas,
                                               django_capture_on_commit_callbacks):
    meeting = MeetingFactory(group=net.group, date=_free_day(net, 50), status="bekreftet",
                             confirmed_at=timezone.now(), facilitator=None, number=5)
    with django_capture_on_commit_callbacks(execute=True):
        _move(net, meeting=meeting, date=_free_day(net, 55), facilitator=None)
    recipients = sorted(m.to[0] for m in mailoutbox)
    assert recipients == sorted(m.user.email for m in net.members)
    assert "Nettverksmøte flyttet" in mailoutbox[0].subject


def test_moving_a_proposed_meeting_replaces_the_poll_and_tells_the_members(
        net, mailoutbox, django_capture_on_commit_callbacks):
    # Issue 17: the planner's old dates must not stay in the poll after O&F moves it.
    LeaderFactory(organisation=net.programme.organisation)
    day = _free_day(net)
    with django_capture_on_commit_callbacks(execute=True):
        _move(net, date=day)
    assert [(o.date, o.slot) for o in net.proposed.options.all()] == [(day, Slot.MORNING)]
    assert sorted(m.to[0] for m in mailoutbox) == sorted(m.user.email for m in net.members)
    assert net.facilitator.email not in {m.to[0] for m in mailoutbox}
