"""Rounds entered by hand and polls like Rallly's (issue 17; issue 21 item 6).

Moving a proposed meeting replaces its poll (old dates and answers go) and
tells the members; the leading answer is the proposal and what "confirm"
takes; who has and hasn't answered is shown to the group and the adviser; a
deadline closes the poll, with one reminder before it to those who have not
answered. O&F records past meetings as held; members' actions keep the past
rules.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from lib.testing import assert_refused

from .. import services
from ..forms import option_label
from ..models import Answer, MeetingStatus, MeetingVote, NetworkMeeting, Slot
from ..reminders import poll_reminders
from ..services import MeetingInput
from .factories import MeetingFactory, OptionFactory, weekday_after

pytestmark = pytest.mark.django_db


def _free(net, days):
    day = weekday_after(timezone.localdate(), days)
    gathering_days = {g.date for g in net.gatherings}
    while day in gathering_days or day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def _vote(net, leader, answers):
    return services.meeting_vote(meeting=net.proposed, leader=leader, actor=leader.user,
                                 answers={o.pk: a for o, a in zip(net.options, answers,
                                                                  strict=True)})


def test_moving_replaces_the_options_drops_old_answers_and_notifies(
        net, personas, english, mailoutbox, django_capture_on_commit_callbacks):
    _vote(net, net.members[1], [Answer.YES, Answer.NO])
    nynorsk = net.members[2].user
    nynorsk.language = "nn"
    nynorsk.save(update_fields=["language"])
    new_day = _free(net, 40)
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_update(meeting=net.proposed, actor=personas.alice, date=new_day,
                                slot=Slot.AFTERNOON, starts_at=None, ends_at=None,
                                place="Rådhuset", video_url="", facilitator=net.facilitator,
                                focus="")
    net.proposed.refresh_from_db()
    options = list(net.proposed.options.all())
    assert [(o.date, o.slot, o.starts_at, o.ends_at) for o in options] == [
        (new_day, Slot.AFTERNOON, dt.time(12, 30), dt.time(15, 0))]
    assert not MeetingVote.objects.filter(option__meeting=net.proposed).exists()
    assert net.proposed.hand_made
    assert sorted(m.to[0] for m in mailoutbox) == sorted(m.user.email for m in net.members)
    # Each member reads it in their own language, not the one O&F worked in.
    bodies = {m.to[0]: m.body for m in mailoutbox}
    assert "O&F har flyttet møte 2 i nettverksgruppen Blåveis." in \
        bodies[net.members[1].user.email]
    assert "O&F har flytta møte 2 i nettverksgruppa Blåveis." in bodies[nynorsk.email]


def test_the_leading_answer_becomes_the_proposal_and_is_what_confirm_takes(
        net, personas, english, django_capture_on_commit_callbacks):
    first, second = net.options
    assert net.proposed.date == first.date
    _vote(net, net.members[0], [Answer.MAYBE, Answer.YES])
    _vote(net, net.members[1], [Answer.NO, Answer.YES])
    _vote(net, net.members[2], [Answer.YES, Answer.MAYBE])
    net.proposed.refresh_from_db()
    # Second date: 2 + 2 + 1 = 5 against 1 + 0 + 2 = 3.
    assert (net.proposed.date, net.proposed.slot) == (second.date, Slot.AFTERNOON)
    leading = services.leading_option(list(net.proposed.options.all()),
                                      list(MeetingVote.objects.all()))
    assert leading is not None and leading.option == second and leading.score == 5
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_confirm(meeting=net.proposed, option=None, actor=personas.alice)
    net.proposed.refresh_from_db()
    assert net.proposed.is_confirmed and net.proposed.date == second.date


def test_who_answered_is_shown_to_the_group_and_the_adviser(net, client, personas):
    _vote(net, net.members[1], [Answer.YES, Answer.YES])
    url = reverse("networks:meeting_detail", args=[net.proposed.uuid])
    for user in (personas.bob, net.facilitator):
        user.language = "en"  # the new words' nb/nn are in the lead's catalogue merge
        user.save(update_fields=["language"])
        client.force_login(user)
        page = client.get(url).content.decode()
        assert "Anna Aas" in page.split("Answered:")[1].split("</p>")[0]
        assert "Ola Moen" in page.split("Not answered yet:")[1].split("</p>")[0]


def test_the_poll_closes_on_its_deadline_and_reminds_once_before(net, personas, english):
    today = timezone.localdate()
    NetworkMeeting.objects.filter(pk=net.proposed.pk).update(
        poll_closes_on=today + dt.timedelta(days=1))
    _vote(net, net.members[1], [Answer.YES, Answer.NO])
    due = list(poll_reminders(timezone.now()))
    assert sorted(d.recipient.pk for d in due) == sorted(
        m.user.pk for m in net.members if m != net.members[1])
    assert {d.occasion for d in due} == {
        f"networks.poll:{net.proposed.pk}:{today + dt.timedelta(days=1):%Y%m%d}"}
    NetworkMeeting.objects.filter(pk=net.proposed.pk).update(
        poll_closes_on=today - dt.timedelta(days=1))
    net.proposed.refresh_from_db()
    with assert_refused("poll_closed"):
        _vote(net, net.members[2], [Answer.YES, Answer.YES])
    assert list(poll_reminders(timezone.now())) == []


def test_the_poll_reminder_counts_days_in_oslo_not_in_utc(net, english):
    """At 23:30 UTC it is already tomorrow in Oslo: a poll that closed on the UTC date has
    closed, one closing on Oslo's date has not (the sweep once used the UTC date)."""
    now = dt.datetime.combine(timezone.localdate() + dt.timedelta(days=3), dt.time(23, 30),
                              tzinfo=dt.UTC)
    oslo_today = timezone.localdate(now)
    assert oslo_today == now.date() + dt.timedelta(days=1)
    NetworkMeeting.objects.filter(pk=net.proposed.pk).update(poll_closes_on=now.date())
    assert list(poll_reminders(now)) == []
    NetworkMeeting.objects.filter(pk=net.proposed.pk).update(poll_closes_on=oslo_today)
    assert {d.occasion for d in poll_reminders(now)} == {
        f"networks.poll:{net.proposed.pk}:{oslo_today:%Y%m%d}"}


def test_members_cannot_answer_dates_that_have_passed(net, english):
    old = OptionFactory(meeting=net.proposed, date=weekday_after(timezone.localdate(), -3))
    with assert_refused("invalid_answer"):
        services.meeting_vote(meeting=net.proposed, leader=net.members[0],
                              actor=net.members[0].user, answers={old.pk: Answer.YES})


def test_slot_change_fills_the_slots_times_and_no_slot_is_time_to_be_agreed(
        net, personas, english):
    day = _free(net, 45)
    common = {"actor": personas.alice, "date": day, "place": "Rådhuset", "video_url": "",
              "facilitator": net.facilitator, "focus": ""}
    # The old morning times are still in the form: the new slot's usual times win.
    m = services.meeting_update(meeting=net.proposed, slot=Slot.AFTERNOON,
                                starts_at=dt.time(9, 0), ends_at=dt.time(11, 30), **common)
    assert (m.starts_at, m.ends_at) == (dt.time(12, 30), dt.time(15, 0))
    m = services.meeting_update(meeting=net.proposed, slot="", starts_at=dt.time(12, 30),
                                ends_at=dt.time(15, 0), **common)
    assert (m.slot, m.starts_at, m.ends_at) == ("", None, None)


def test_o_and_f_records_history_members_keep_the_past_rules(net, personas, english):
    past = weekday_after(timezone.localdate(), -30)
    while past in {g.date for g in net.gatherings}:
        past = weekday_after(past, 1)
    held = services.meeting_record(group=net.group, actor=personas.alice, data=MeetingInput(
        status=MeetingStatus.HELD, date=past, slot=Slot.AFTERNOON, facilitator=net.facilitator))
    assert held.is_held and held.number == 3 and held.confirmed_at is not None
    with assert_refused("past"):
        services.meeting_record(group=net.group, actor=personas.alice, data=MeetingInput(
            status=MeetingStatus.CONFIRMED, date=past, slot=Slot.MORNING, place="Rådhuset"))
    with assert_refused("held_in_future"):
        services.meeting_record(group=net.group, actor=personas.alice, data=MeetingInput(
            status=MeetingStatus.HELD, date=_free(net, 5), slot=Slot.MORNING))
    with assert_refused("date_missing"):
        services.meeting_record(group=net.group, actor=personas.alice,
                                data=MeetingInput(status=MeetingStatus.PROPOSED))
    # The confirmed meeting of 20 days ago is marked held; a future one cannot be.
    services.meeting_mark_held(meeting=net.past, actor=personas.alice)
    net.past.refresh_from_db()
    assert net.past.is_held
    with assert_refused("held_in_future"):
        services.meeting_mark_held(meeting=net.proposed, actor=personas.alice)


def test_a_round_not_yet_set_shows_as_such_and_is_no_guess(net, client, personas):
    round_ = services.meeting_record(group=net.group, actor=personas.alice, data=MeetingInput(
        status=MeetingStatus.NOT_PROPOSED))
    assert round_.date is None and round_.number == 3
    personas.bob.language = "en"
    personas.bob.save(update_fields=["language"])
    client.force_login(personas.bob)
    page = client.get(reverse("networks:group_detail", args=[net.group.uuid])).content.decode()
    assert "Meeting 3 of 3" in page and "not yet set" in page
    assert client.get(reverse("networks:meeting_detail", args=[round_.uuid])).status_code == 200
    with pytest.raises(PermissionDenied):
        from ..access import get_group_for_record

        get_group_for_record(personas.bob, net.group.uuid)


def test_dates_and_slots_are_written_in_full(net, english):
    option = OptionFactory(meeting=MeetingFactory(group=net.group, number=9),
                           date=dt.date(2027, 1, 13), slot=Slot.AFTERNOON,
                           starts_at=dt.time(12, 30), ends_at=dt.time(15, 0))
    label = option_label(option)
    assert label == "Wednesday 13 January 2027, afternoon 12:30–15:00"


def test_re_recording_a_round_keeps_its_poll_in_step(net, personas, english, mailoutbox,
                                                     django_capture_on_commit_callbacks):
    """A round re-entered by number (by hand or from a file) moves its poll with it: a new
    date replaces the options and the members are told; back to "not yet proposed" or a
    date without a slot leaves no poll to answer."""
    _vote(net, net.members[1], [Answer.YES, Answer.NO])
    day = _free(net, 44)
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_record(group=net.group, actor=personas.alice, number=2,
                                data=MeetingInput(status=MeetingStatus.PROPOSED, date=day,
                                                  slot=Slot.MORNING,
                                                  facilitator=net.facilitator))
    net.proposed.refresh_from_db()
    assert [(o.date, o.slot) for o in net.proposed.options.all()] == [(day, Slot.MORNING)]
    assert not MeetingVote.objects.filter(option__meeting=net.proposed).exists()
    assert sorted(m.to[0] for m in mailoutbox) == sorted(m.user.email for m in net.members)
    mailoutbox.clear()
    # The same date again: nothing moved, nobody is told.
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_record(group=net.group, actor=personas.alice, number=2,
                                data=MeetingInput(status=MeetingStatus.PROPOSED, date=day,
                                                  slot=Slot.MORNING,
                                                  facilitator=net.facilitator))
    assert mailoutbox == []
    services.meeting_record(group=net.group, actor=personas.alice, number=2,
                            data=MeetingInput(status=MeetingStatus.PROPOSED, date=day,
                                              facilitator=net.facilitator))
    assert not net.proposed.options.exists()
    services.meeting_record(group=net.group, actor=personas.alice, number=2,
                            data=MeetingInput(status=MeetingStatus.NOT_PROPOSED))
    net.proposed.refresh_from_db()
    assert net.proposed.date is None and not net.proposed.options.exists()


def test_the_deadline_comes_before_the_meeting(net, personas, english):
    day = _free(net, 40)
    common = {"actor": personas.alice, "date": day, "slot": Slot.MORNING, "starts_at": None,
              "ends_at": None, "place": "Rådhuset", "video_url": "",
              "facilitator": net.facilitator, "focus": ""}
    with assert_refused("poll_after_meeting"):
        services.meeting_update(meeting=net.proposed, poll_closes_on=day, **common)
    m = services.meeting_update(meeting=net.proposed, poll_closes_on=day - dt.timedelta(days=7),
                                **common)
    assert m.poll_closes_on == day - dt.timedelta(days=7)
    # Re-recorded (by hand or from a file) to a day before that deadline: the deadline
    # moves to the day before the meeting instead of staying after it.
    earlier = _free(net, 30)
    services.meeting_record(group=net.group, actor=personas.alice, number=net.proposed.number,
                            data=MeetingInput(status=MeetingStatus.PROPOSED, date=earlier,
                                              slot=Slot.MORNING, facilitator=net.facilitator))
    net.proposed.refresh_from_db()
    assert (net.proposed.date, net.proposed.poll_closes_on) == (
        earlier, earlier - dt.timedelta(days=1))


def test_the_group_writes_its_note_after_the_meeting_is_recorded_held(net, personas, english):
    services.meeting_mark_held(meeting=net.past, actor=personas.alice)
    net.past.refresh_from_db()
    note = services.meeting_note_save(meeting=net.past, case="Ny leiar", agreed="Prøve ut",
                                      actor=personas.bob)
    assert note.meeting_id == net.past.pk and net.past.is_held
