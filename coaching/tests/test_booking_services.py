"""Booking, moving, cancelling and marking sessions: the rules and every bad input."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.db import IntegrityError, transaction

from coaching import services
from coaching.models import AvailabilityException, Booking, BookingStatus, Mode
from lib.models import AuditEntry
from lib.testing import assert_refused

from .factories import BookingFactory, CourseFactory, at

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


def _book(setup, personas, start, *, course=None, actor=None, mode=Mode.VIDEO, now=None):
    return services.booking_create(course=course or setup.course, actor=actor or personas.bob,
                                   starts_at=start, mode=mode, now=now)


def _refused(call, code):
    before = Booking.objects.count()
    assert_refused(code, call)
    assert Booking.objects.count() == before  # nothing saved


def test_leader_books_a_free_slot_and_both_get_a_confirmation_with_ics(
        setup, personas, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        booking = _book(setup, personas, setup.slot(10))
    assert booking.status == BookingStatus.BOOKED and booking.minutes == 60
    assert booking.ends_at - booking.starts_at == dt.timedelta(hours=1)
    entry = AuditEntry.objects.get(action="coaching.booking.created")
    assert entry.actor == personas.bob and entry.object_id == str(booking.pk)
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == ["bob@askvik.example", "cora@coach.example"]
    leader_mail = next(m for m in mail.outbox if m.to == ["bob@askvik.example"])
    assert f"/coaching/timer/{booking.uuid}/kalender.ics" in leader_mail.body
    assert "Cora Coach" in leader_mail.body
    html = leader_mail.alternatives[0][0]
    assert "kalender.ics" in html


def test_confirmation_is_in_the_readers_language(setup, personas,
                                                 django_capture_on_commit_callbacks):
    personas.bob.language = "nn"
    personas.bob.save()
    with django_capture_on_commit_callbacks(execute=True):
        _book(setup, personas, setup.slot(10))
    leader_mail = next(m for m in mail.outbox if m.to == ["bob@askvik.example"])
    coach_mail = next(m for m in mail.outbox if m.to == ["cora@coach.example"])
    assert "Hei Bob Leder" in leader_mail.body and "Legg han til i kalenderen" in leader_mail.body
    assert "Coachingsamtale bestilt" in coach_mail.subject


def test_bad_input_a_past_slot(setup, personas):
    now = setup.slot(12)
    _refused(lambda: _book(setup, personas, setup.slot(9), now=now), "past")


def test_bad_input_outside_the_coachs_hours(setup, personas):
    _refused(lambda: _book(setup, personas, setup.slot(18)), "coach_not_working")
    saturday = setup.slot(10, day_offset=5)
    _refused(lambda: _book(setup, personas, saturday), "coach_not_working")
    _refused(lambda: _book(setup, personas, setup.slot(9) + dt.timedelta(minutes=20)),
             "coach_not_working")


def test_bad_input_blocked_time(setup, personas):
    AvailabilityException.objects.create(coach=setup.coach, starts_at=setup.slot(9),
                                         ends_at=setup.slot(12))
    _refused(lambda: _book(setup, personas, setup.slot(10)), "coach_not_working")


def test_bad_input_beyond_the_sessions_allowed(setup, personas):
    for hour in (9, 10, 11):
        _book(setup, personas, setup.slot(hour))
    _refused(lambda: _book(setup, personas, setup.slot(12)), "sessions_used_up")


def test_a_late_cancellation_still_counts_as_used(setup, personas):
    for hour, status in ((9, BookingStatus.LATE_CANCELLED), (10, BookingStatus.HELD),
                         (11, BookingStatus.NO_SHOW)):
        BookingFactory(course=setup.course, starts_at=setup.slot(hour), status=status)
    _refused(lambda: _book(setup, personas, setup.slot(13)), "sessions_used_up")
    Booking.objects.filter(status=BookingStatus.LATE_CANCELLED).update(
        status=BookingStatus.CANCELLED)
    assert _book(setup, personas, setup.slot(13)).status == BookingStatus.BOOKED


def test_bad_input_outside_the_agreement_period(setup, personas):
    setup.agreement.ends_on = setup.monday - dt.timedelta(days=1)
    setup.agreement.save()
    _refused(lambda: _book(setup, personas, setup.slot(10)),
             "outside_agreement")


def test_bad_input_outside_the_semester(setup, personas):
    after = setup.semester.next().starts_on + dt.timedelta(days=14)
    _refused(lambda: _book(setup, personas, at(after - dt.timedelta(days=after.weekday()), 10)),
             "outside_semester")


def test_bad_input_booking_for_someone_else(setup, personas):
    _refused(lambda: _book(setup, personas, setup.slot(10), actor=personas.boss_leader.user),
             "permission_denied")
    _refused(lambda: _book(setup, personas, setup.slot(10), actor=personas.alice),
             "permission_denied")


def test_bad_input_a_mode_the_coach_does_not_offer(setup, personas):
    _refused(lambda: _book(setup, personas, setup.slot(10), mode=Mode.ON_SITE),
             "mode_not_offered")


def test_a_course_without_coach_cannot_book(setup, personas):
    course = CourseFactory(organisation=personas.org_a, agreement=setup.agreement, coach=None,
                           status="godkjent")
    _refused(lambda: _book(setup, personas, setup.slot(10), course=course,
                           actor=course.leader.user), "no_coach")


def test_a_taken_slot_and_a_full_day(setup, personas):
    other = CourseFactory(organisation=personas.org_a, agreement=setup.agreement,
                          coach=setup.coach)
    _book(setup, personas, setup.slot(10))
    _refused(lambda: _book(setup, personas, setup.slot(10), course=other,
                           actor=other.leader.user), "slot_taken")
    setup.coach.daily_capacity = 1
    setup.coach.save()
    _refused(lambda: _book(setup, personas, setup.slot(11), course=other,
                           actor=other.leader.user), "coach_day_full")


def test_the_database_refuses_two_occupying_bookings_at_one_start(setup):
    BookingFactory(course=setup.course, starts_at=setup.slot(9))
    with pytest.raises(IntegrityError), transaction.atomic():
        BookingFactory(course=setup.course, starts_at=setup.slot(9))
    # A cancelled booking frees the slot.
    Booking.objects.update(status=BookingStatus.CANCELLED)
    BookingFactory(course=setup.course, starts_at=setup.slot(9))


def test_cancel_in_time_frees_the_session(setup, personas):
    booking = _book(setup, personas, setup.slot(10))
    cancelled = services.booking_cancel(booking=booking, actor=personas.bob)
    assert cancelled.status == BookingStatus.CANCELLED and cancelled.cancelled_by == personas.bob
    assert AuditEntry.objects.filter(action="coaching.booking.cancelled").exists()
    assert _book(setup, personas, setup.slot(10)).status == BookingStatus.BOOKED


def test_cancel_after_the_deadline_counts_as_used(setup, personas):
    booking = _book(setup, personas, setup.slot(10))
    late = services.booking_cancel(booking=booking, actor=personas.bob,
                                   now=setup.slot(10) - dt.timedelta(hours=2))
    assert late.status == BookingStatus.LATE_CANCELLED
    assert AuditEntry.objects.filter(action="coaching.booking.late_cancelled").exists()


def test_a_coach_cancelling_never_costs_the_leader(setup, personas,
                                                   django_capture_on_commit_callbacks):
    booking = _book(setup, personas, setup.slot(10))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        cancelled = services.booking_cancel(booking=booking, actor=setup.coach.user,
                                            now=setup.slot(10) - dt.timedelta(hours=2))
    assert cancelled.status == BookingStatus.CANCELLED
    assert [m.to for m in mail.outbox] == [["bob@askvik.example"]]


def test_bad_input_cancelling_someone_elses_booking(setup, personas):
    booking = _book(setup, personas, setup.slot(10))
    for intruder in (personas.boss_leader.user, personas.alice, personas.dora_leader.user):
        with assert_refused("permission_denied"):
            services.booking_cancel(booking=booking, actor=intruder)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED


def test_a_started_session_cannot_be_cancelled(setup, personas):
    booking = _book(setup, personas, setup.slot(10))
    with assert_refused("started"):
        services.booking_cancel(booking=booking, actor=personas.bob, now=setup.slot(10, 0))


def test_reschedule_moves_the_booking_and_keeps_it_one_row(setup, personas,
                                                           django_capture_on_commit_callbacks):
    booking = _book(setup, personas, setup.slot(10))
    with django_capture_on_commit_callbacks(execute=True):
        moved = services.booking_reschedule(booking=booking, actor=personas.bob,
                                            starts_at=setup.slot(14, 1))
    assert moved.pk == booking.pk and moved.starts_at == setup.slot(14, 1)
    assert moved.times_moved == 1 and Booking.objects.count() == 1
    entry = AuditEntry.objects.get(action="coaching.booking.rescheduled")
    assert dt.datetime.fromisoformat(entry.data["from"]) == setup.slot(10)
    assert any("Coachingsamtale flyttet" in m.subject for m in mail.outbox)
    # The old time is free again; moving back to a neighbouring hour works too.
    services.booking_reschedule(booking=moved, actor=personas.bob, starts_at=setup.slot(15, 1))


def test_reschedule_refusals(setup, personas):
    booking = _book(setup, personas, setup.slot(10))
    other = CourseFactory(organisation=personas.org_a, agreement=setup.agreement,
                          coach=setup.coach)
    _book(setup, personas, setup.slot(11), course=other, actor=other.leader.user)
    bob, too_late = personas.bob, setup.slot(10) - dt.timedelta(hours=3)
    cases = [
        ({"actor": personas.boss_leader.user, "starts_at": setup.slot(12)}, "permission_denied"),
        ({"actor": bob, "starts_at": setup.slot(11)}, "slot_taken"),
        ({"actor": bob, "starts_at": setup.slot(20)}, "coach_not_working"),
        ({"actor": bob, "starts_at": setup.slot(10)}, "same_time"),
        ({"actor": bob, "starts_at": setup.slot(12), "now": too_late}, "too_late"),
    ]
    for kwargs, code in cases:
        with assert_refused(code):
            services.booking_reschedule(booking=booking, **kwargs)
    booking.refresh_from_db()
    assert booking.starts_at == setup.slot(10) and booking.times_moved == 0


def test_coach_marks_held_and_no_show_only_after_the_start(setup, personas):
    booking = _book(setup, personas, setup.slot(10))
    with assert_refused("not_started"):
        services.booking_mark(booking=booking, actor=setup.coach.user,
                              status=BookingStatus.HELD)
    with assert_refused("permission_denied"):
        services.booking_mark(booking=booking, actor=personas.bob, status=BookingStatus.HELD,
                              now=setup.slot(12))
    held = services.booking_mark(booking=booking, actor=setup.coach.user,
                                 status=BookingStatus.HELD, now=setup.slot(11))
    assert held.status == BookingStatus.HELD and held.marked_by == setup.coach.user
    no_show = services.booking_mark(booking=held, actor=personas.alice,
                                    status=BookingStatus.NO_SHOW, now=setup.slot(12))
    assert no_show.status == BookingStatus.NO_SHOW
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"coaching.booking.held", "coaching.booking.no_show"} <= actions


def test_a_cancelled_session_cannot_be_marked(setup, personas):
    booking = BookingFactory(course=setup.course, starts_at=setup.slot(9),
                             status=BookingStatus.CANCELLED)
    with assert_refused("cancelled"):
        services.booking_mark(booking=booking, actor=setup.coach.user,
                              status=BookingStatus.HELD, now=setup.slot(12))


def test_coach_blocks_time_but_not_over_a_booking(setup, personas):
    _book(setup, personas, setup.slot(10))
    with assert_refused("has_bookings"):
        services.block_create(coach=setup.coach, actor=setup.coach.user,
                              starts_at=setup.slot(9), ends_at=setup.slot(12))
    with assert_refused("permission_denied"):
        services.block_create(coach=setup.coach, actor=personas.bob,
                              starts_at=setup.slot(13), ends_at=setup.slot(15))
    block = services.block_create(coach=setup.coach, actor=setup.coach.user,
                                  starts_at=setup.slot(13), ends_at=setup.slot(15), note="Kurs")
    with assert_refused("coach_not_working"):
        _book(setup, personas, setup.slot(13))
    services.block_delete(block=block, actor=setup.coach.user)
    assert _book(setup, personas, setup.slot(13)).status == BookingStatus.BOOKED
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"coaching.block.created", "coaching.block.deleted"} <= actions
