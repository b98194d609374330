"""Changing a meeting by hand: each rule refused with a clear message, nothing saved."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

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


def test_outside_the_programme_period(net):
    with pytest.raises(ValidationError, match="outside the programme period"):
        _move(net, date=net.programme.ends_on + dt.timedelta(days=3))
    assert _unchanged(net.proposed)


def test_on_a_holiday(net):
    day = _free_day(net)
    HolidayFactory(organisation=net.programme.organisation, name="Høstferie",
                   starts_on=day - dt.timedelta(days=1), ends_on=day + dt.timedelta(days=1))
    with pytest.raises(ValidationError, match=r"is a holiday \(Høstferie\)"):
        _move(net, date=day)
    assert _unchanged(net.proposed)


def test_another_municipalitys_holiday_does_not_count(net, personas):
    day = _free_day(net)
    HolidayFactory(organisation=personas.org_b, starts_on=day, ends_on=day)
    _move(net, date=day)


def test_on_a_weekend(net):
    day = _free_day(net)
    saturday = day + dt.timedelta(days=5 - day.weekday())
    with pytest.raises(ValidationError, match="weekend"):
        _move(net, date=saturday)


def test_on_a_gathering_day(net):
    with pytest.raises(ValidationError, match="is a gathering day of the programme"):
        _move(net, date=net.gatherings[1].date, times=AFTERNOON)
    assert _unchanged(net.proposed)


@pytest.mark.parametrize(("start", "end", "message"), [
    (dt.time(9, 0), dt.time(11, 0), "between 2.5 and 3 hours"),
    (dt.time(9, 0), dt.time(12, 30), "between 2.5 and 3 hours"),
    (dt.time(12, 30), dt.time(15, 0), "A morning meeting \\(FL\\) starts before 12:00"),
])
def test_length_and_slot_must_fit(net, start, end, message):
    with pytest.raises(ValidationError, match=message):
        _move(net, date=_free_day(net), times=(Slot.MORNING, start, end))
    assert _unchanged(net.proposed)


def test_facilitator_already_has_a_meeting_in_the_slot(net):
    day = _free_day(net)
    other = NetworkGroupFactory(plan=net.plan, name="Gygrene")
    MeetingFactory(group=other, date=day, facilitator=net.facilitator)
    with pytest.raises(ValidationError, match="Fia Fasilitator already leads a network meeting "
                                              "in this slot"):
        _move(net, date=day)
    assert _unchanged(net.proposed)


def test_facilitator_daily_maximum(net):
    day = _free_day(net)
    NetworkPlan.objects.filter(pk=net.plan.pk).update(facilitator_daily_max=1)
    other = NetworkGroupFactory(plan=net.plan, name="Gygrene")
    MeetingFactory(group=other, date=day, facilitator=net.facilitator)
    with pytest.raises(ValidationError, match="already leads 1 network meetings on .*the most is "
                                              "1 a day"):
        _move(net, date=day, times=AFTERNOON)
    assert _unchanged(net.proposed)


def test_facilitator_in_another_programme_counts_too(net, personas):
    day = _free_day(net)
    other = NetworkGroupFactory(plan__programme__organisation=personas.org_a, name="Andre")
    MeetingFactory(group=other, date=day, facilitator=net.facilitator)
    with pytest.raises(ValidationError, match="already leads a network meeting in this slot"):
        _move(net, date=day)


def test_facilitator_advising_a_gathering_is_busy(net, personas):
    day = _free_day(net)
    gathering = GatheringFactory(programme__organisation=personas.org_a, date=day,
                                 theme="Annen samling")
    gathering.advisers.add(net.facilitator)
    with pytest.raises(ValidationError, match="Fia Fasilitator is busy at that time: the "
                                              "gathering «Annen samling»"):
        _move(net, date=day)


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
    with pytest.raises(ValidationError, match="Per Berg is busy at that time: a session of "
                                              "«Endringsledelse»"):
        _move(net, date=day)
    assert _unchanged(net.proposed)
    _move(net, date=day, times=(Slot.AFTERNOON, dt.time(13, 0), dt.time(15, 30)))


def test_member_at_a_gathering_of_another_programme(net, personas):
    day = _free_day(net)
    other = ProgrammeFactory(organisation=personas.org_a)
    ParticipantFactory(programme=other, leader=net.members[1])
    GatheringFactory(programme=other, date=day, theme="Fagdag", starts_at=dt.time(8, 0),
                     ends_at=dt.time(10, 0))
    with pytest.raises(ValidationError, match="Anna Aas is busy at that time: the gathering "
                                              "«Fagdag»"):
        _move(net, date=day)


def test_member_in_another_network_meeting(net, personas):
    day = _free_day(net)
    other_group = NetworkGroupFactory(plan__programme__organisation=personas.org_a,
                                      name="Annet nettverk")
    MembershipFactory(group=other_group, leader=net.members[3])
    MeetingFactory(group=other_group, date=day, starts_at=dt.time(10, 0),
                   ends_at=dt.time(12, 30), facilitator=None)
    with pytest.raises(ValidationError, match="Kari Lund is busy at that time: a meeting of the "
                                              "network group «Annet nettverk»"):
        _move(net, date=day, facilitator=None)
    assert _unchanged(net.proposed)


def test_the_group_itself_cannot_meet_twice_at_once(net):
    with pytest.raises(ValidationError, match="busy at that time: a meeting of the network group "
                                              "«Blåveis»"):
        _move(net, meeting=net.proposed, date=net.past.date, facilitator=None)


def test_facilitator_must_belong_to_the_municipality(net, personas):
    foreign = FacilitatorFactory(organisation=personas.org_b)
    with pytest.raises(ValidationError, match="facilitator of the municipality"):
        _move(net, date=_free_day(net), facilitator=foreign)


def test_a_cancelled_meeting_cannot_be_changed(net):
    NetworkMeeting.objects.filter(pk=net.proposed.pk).update(status="avlyst")
    with pytest.raises(ValidationError, match="cancelled"):
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


def test_moving_a_proposed_meeting_sends_no_email(net, mailoutbox,
                                                 django_capture_on_commit_callbacks):
    LeaderFactory(organisation=net.programme.organisation)
    with django_capture_on_commit_callbacks(execute=True):
        _move(net, date=_free_day(net))
    assert mailoutbox == []  # a proposed meeting moved: the poll shows it, no email
