"""Date polls, confirming, cancelling and the group's note."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lib.models import AuditEntry
from lib.testing import assert_refused
from tests.factories import LeaderFactory

from .. import services
from ..models import MeetingNote, MeetingVote, NetworkMeeting
from .factories import (
    GatheringFactory,
    MeetingFactory,
    NetworkGroupFactory,
    OptionFactory,
    weekday_after,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _vote(net, leader, *answers):
    return services.meeting_vote(
        meeting=net.proposed, leader=leader, actor=leader.user,
        answers={o.pk: a for o, a in zip(net.options, answers, strict=True)})


def test_members_answer_and_can_change_their_answers(net):
    bob = net.members[0]
    assert _vote(net, bob, "ja", "kanskje") == 2
    assert _vote(net, bob, "nei", "kanskje") == 1
    assert dict(MeetingVote.objects.filter(leader=bob).values_list("option_id", "answer")) == {
        net.options[0].pk: "nei", net.options[1].pk: "kanskje"}


def test_a_non_member_cannot_answer(net):
    with assert_refused("permission_denied"):
        _vote(net, net.outsider_leader, "ja", "ja")
    assert not MeetingVote.objects.exists()


def test_answers_must_be_for_this_meetings_dates_and_known_values(net):
    other = MeetingFactory(group=net.group, date=weekday_after(timezone.localdate(), 60))
    foreign_option = other.options.create(date=other.date, slot="FL", starts_at=dt.time(9),
                                          ends_at=dt.time(11, 30))
    with assert_refused("invalid_answer"):
        services.meeting_vote(meeting=net.proposed, leader=net.members[0], actor=None,
                              answers={foreign_option.pk: "ja"})
    with assert_refused("invalid_answer"):
        services.meeting_vote(meeting=net.proposed, leader=net.members[0], actor=None,
                              answers={net.options[0].pk: "gjerne"})
    assert not MeetingVote.objects.exists()


def test_confirm_a_poll_date_tells_everyone_in_their_language(
        net, mailoutbox, django_capture_on_commit_callbacks):
    bob = net.members[0]
    bob.user.language = "nn"
    bob.user.save()
    chosen = net.options[1]
    with django_capture_on_commit_callbacks(execute=True):
        meeting = services.meeting_confirm(meeting=net.proposed, option=chosen,
                                           actor=net.plan.programme.organisation.users.first())
    assert meeting.is_confirmed
    assert (meeting.date, meeting.slot, meeting.starts_at) == (chosen.date, "EL",
                                                               dt.time(12, 30))
    to = sorted(m.to[0] for m in mailoutbox)
    assert to == sorted([*(m.user.email for m in net.members), net.facilitator.email])
    by_person = {m.to[0]: m for m in mailoutbox}
    nynorsk = by_person["bob@askvik.example"]
    bokmaal = by_person["fia@askvik.example"]
    assert "Nettverksmøte stadfesta" in nynorsk.subject
    assert "Nettverksmøte bekreftet" in bokmaal.subject
    assert "12:30–15:00" in nynorsk.body
    assert "/kalender.ics" in nynorsk.alternatives[0][0]
    assert AuditEntry.objects.filter(action="networks.meeting_confirmed").exists()


def test_confirm_needs_a_place_or_video_link(net):
    NetworkMeeting.objects.filter(pk=net.proposed.pk).update(place="", video_url="")
    with assert_refused("no_place"):
        services.meeting_confirm(meeting=net.proposed, option=None, actor=None)
    net.proposed.refresh_from_db()
    assert net.proposed.is_proposed


def test_confirm_rechecks_the_rules(net, personas):
    """A gathering was put on the chosen day after the poll opened."""
    GatheringFactory(programme=net.programme, date=net.options[1].date)
    with assert_refused("gathering_day"):
        services.meeting_confirm(meeting=net.proposed, option=net.options[1], actor=None)
    net.proposed.refresh_from_db()
    assert net.proposed.is_proposed and net.proposed.date == net.options[0].date


def test_confirm_refuses_a_date_the_facilitator_filled_meanwhile(net):
    other = NetworkGroupFactory(plan=net.plan, name="Gygrene")
    MeetingFactory(group=other, date=net.options[1].date, slot="EL", starts_at=dt.time(12, 30),
                   ends_at=dt.time(15), facilitator=net.facilitator)
    with assert_refused("facilitator_slot_taken"):
        services.meeting_confirm(meeting=net.proposed, option=net.options[1], actor=None)


def test_confirm_refuses_another_meetings_option_and_a_second_confirmation(net):
    other = MeetingFactory(group=net.group, date=weekday_after(timezone.localdate(), 60))
    option = other.options.create(date=other.date, slot="FL", starts_at=dt.time(9),
                                  ends_at=dt.time(11, 30))
    with assert_refused("invalid_option"):
        services.meeting_confirm(meeting=net.proposed, option=option, actor=None)
    services.meeting_confirm(meeting=net.proposed, option=None, actor=None)
    with assert_refused("confirmed"):
        services.meeting_confirm(meeting=net.proposed, option=None, actor=None)
    with assert_refused("decided"):
        _vote(net, net.members[0], "ja", "ja")


def test_confirm_refuses_a_past_date(net):
    NetworkMeeting.objects.filter(pk=net.proposed.pk).update(
        date=weekday_after(timezone.localdate(), -10))
    with assert_refused("past"):
        services.meeting_confirm(meeting=net.proposed, option=None, actor=None)


def test_cancel_frees_the_slot_and_tells_a_confirmed_group(
        net, mailoutbox, django_capture_on_commit_callbacks):
    services.meeting_confirm(meeting=net.proposed, option=None, actor=None)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_cancel(meeting=net.proposed, actor=None)
    assert len(mailoutbox) == 6
    other = NetworkGroupFactory(plan=net.plan, name="Gygrene")
    MeetingFactory(group=other, date=net.proposed.date, facilitator=net.facilitator)
    with assert_refused("cancelled"):
        services.meeting_cancel(meeting=net.proposed, actor=None)


def test_note_is_kept_after_the_meeting(net):
    bob = net.members[0]
    note = services.meeting_note_save(meeting=net.past, case="Ny i rollen", agreed="Prøve ut",
                                      actor=bob.user)
    again = services.meeting_note_save(meeting=net.past, case="Ny i rollen", agreed="Endret",
                                       actor=bob.user)
    assert note.pk == again.pk and MeetingNote.objects.get().agreed == "Endret"


def test_note_before_the_meeting_or_empty_is_refused(net):
    with assert_refused("not_held"):
        services.meeting_note_save(meeting=net.proposed, case="Tidlig", agreed="",
                                   actor=net.members[0].user)
    with assert_refused("empty"):
        services.meeting_note_save(meeting=net.past, case="  ", agreed="",
                                   actor=net.members[0].user)
    assert not MeetingNote.objects.exists()


def test_option_add_keeps_the_rules(net):
    day = weekday_after(timezone.localdate(), 45)
    option = services.meeting_option_add(meeting=net.proposed, date=day, slot="EL", actor=None)
    assert (option.starts_at, option.ends_at) == (dt.time(12, 30), dt.time(15, 0))
    with assert_refused("duplicate"):
        services.meeting_option_add(meeting=net.proposed, date=day, slot="EL", actor=None)
    with assert_refused("gathering_day"):
        services.meeting_option_add(meeting=net.proposed, date=net.gatherings[1].date,
                                    slot="FL", actor=None)
    assert net.proposed.options.count() == 3


def test_poll_invitations_go_to_members_of_groups_with_open_polls(
        net, mailoutbox, django_capture_on_commit_callbacks):
    LeaderFactory(organisation=net.programme.organisation)
    with django_capture_on_commit_callbacks(execute=True):
        count = services.meetings_poll_announce(plan=net.plan, actor=None)
    assert count == 1
    assert sorted(m.to[0] for m in mailoutbox) == sorted(m.user.email for m in net.members)
    assert str(net.proposed.uuid) in mailoutbox[0].body


def test_poll_announce_refused_without_open_polls(net):
    NetworkMeeting.objects.filter(pk=net.proposed.pk).update(status="avlyst")
    with assert_refused("no_open_poll"):
        services.meetings_poll_announce(plan=net.plan, actor=None)


def _statements(queries):
    return [q["sql"] for q in queries
            if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]


def test_answers_are_one_upsert_under_the_lock_and_the_proposal_follows_the_poll(net):
    """Issue 23: an answer to the poll was 8 statements and a bulk update (11–15 queries
    with the page's); now the locked meeting (asking whether the leader is a member), its
    dates, its answers, one upsert of the new and changed answers, and the proposal's
    move when the leading date changed. A date already past cannot be answered."""
    bob, anna = net.members[0], net.members[1]
    early, late = net.options
    past = OptionFactory(meeting=net.proposed, date=weekday_after(timezone.localdate(), -3))

    with CaptureQueriesContext(connection) as queries:
        assert _vote(net, bob, "nei", "ja") == 2
    statements = _statements(queries)
    writes = [s for s in statements if s.startswith(("INSERT", "UPDATE"))]
    assert len(statements) == 5, statements  # lock, dates, answers, upsert, the move
    assert "FOR UPDATE" in statements[0]
    assert writes[0].startswith('INSERT INTO "networks_meetingvote"')
    assert "ON CONFLICT" in writes[0]
    assert writes[1].startswith('UPDATE "networks_networkmeeting"')
    net.proposed.refresh_from_db()
    assert (net.proposed.date, net.proposed.slot) == (late.date, late.slot)

    first_no = MeetingVote.objects.get(leader=bob, option=early).answered_at
    with CaptureQueriesContext(connection) as queries:
        assert _vote(net, bob, "nei", "kanskje") == 1  # the unchanged answer is not saved
    assert len(_statements(queries)) == 4  # the proposal stays on the late date
    assert dict(MeetingVote.objects.filter(leader=bob).values_list("option_id", "answer")) == {
        early.pk: "nei", late.pk: "kanskje"}
    assert MeetingVote.objects.get(leader=bob, option=early).answered_at == first_no

    assert _vote(net, anna, "ja", "nei") == 2  # early: 2 points, late: 1
    net.proposed.refresh_from_db()
    assert (net.proposed.date, net.proposed.slot) == (early.date, early.slot)

    with assert_refused("invalid_answer"):
        services.meeting_vote(meeting=net.proposed, leader=anna, actor=None,
                              answers={past.pk: "ja"})
    assert not MeetingVote.objects.filter(option=past).exists()
