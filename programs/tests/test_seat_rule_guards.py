"""Seat rules that mutation testing found unguarded (issue 24, tools/mutation seats)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from lib.models import AuditEntry
from programs import services
from programs.models import Enrollment, EnrollmentStatus, Module
from programs.seats import SeatState
from tests.factories import LeaderFactory

from .conftest import make_module
from .factories import EnrollmentFactory, today

pytestmark = pytest.mark.django_db


def test_free_for_a_talent_counts_the_kept_seats_and_for_others_only_the_open_ones():
    state = SeatState(capacity=10, reserved=5, seated=3, talent_seated=1)
    assert state.free_for(is_talent=True) == 7
    assert state.free_for(is_talent=False) == 3


def test_the_waiting_list_limit_counts_only_this_modules_waiting_leaders(personas):
    module = make_module(personas.org_a, capacity=1, waiting_list_limit=1, talent_seats=0)
    other = make_module(personas.org_a, capacity=1, waiting_list_limit=5, talent_seats=0)
    for target in (other, other, module):  # other: one seated, one waiting; module: seated
        services.enrollment_approve(enrollment=EnrollmentFactory(
            module=target, leader=LeaderFactory(organisation=personas.org_a)),
            actor=personas.alice)
    assert other.enrollments.filter(status=EnrollmentStatus.WAITING).count() == 1

    enrollment = services.enrollment_request(module=module, leader=personas.bob_leader,
                                             note="", actor=personas.bob)
    placed = services.enrollment_approve(enrollment=enrollment, actor=personas.alice)
    assert placed.status == EnrollmentStatus.WAITING


def test_a_seat_is_given_by_the_day_the_service_is_told(personas):
    """Approving "as of" the talent seats' release day gives the released seat to anyone."""
    release = today() + dt.timedelta(days=10)
    module = make_module(personas.org_a, capacity=1, talent_seats=1,
                         talent_seats_release_on=release)
    enrollment = EnrollmentFactory(module=module, leader=personas.bob_leader)
    placed = services.enrollment_approve(enrollment=enrollment, actor=personas.alice,
                                         today=release)
    assert placed.status == EnrollmentStatus.SEATED and not placed.talent_seat


def _waiting_after_seated(personas, module, n):
    """One leader seated (capacity 1), then ``n`` requests made; none approved yet."""
    seated = services.enrollment_approve(enrollment=EnrollmentFactory(
        module=module, leader=LeaderFactory(organisation=personas.org_a)), actor=personas.alice)
    requests = [EnrollmentFactory(module=module, leader=LeaderFactory(
        organisation=personas.org_a)) for _ in range(n)]
    return seated, requests


def test_a_freed_seat_goes_to_the_first_approved_not_the_first_requested(personas):
    module = make_module(personas.org_a, capacity=1, talent_seats=0)
    seated, (asked_first, asked_second) = _waiting_after_seated(personas, module, 2)
    for enrollment in (asked_second, asked_first):  # approved in the other order
        services.enrollment_approve(enrollment=enrollment, actor=personas.alice)
    services.enrollment_cancel(enrollment=seated, actor=personas.alice, reason="Permisjon")
    asked_first.refresh_from_db()
    asked_second.refresh_from_db()
    assert asked_second.status == EnrollmentStatus.SEATED
    assert asked_first.status == EnrollmentStatus.WAITING


def test_a_freed_seat_never_goes_to_another_modules_waiting_leader(personas):
    other = make_module(personas.org_a, capacity=1, talent_seats=0)
    _seated, (waiting_elsewhere,) = _waiting_after_seated(personas, other, 1)
    services.enrollment_approve(enrollment=waiting_elsewhere, actor=personas.alice)
    module = make_module(personas.org_a, capacity=1, talent_seats=0)
    seated, (waiting_here,) = _waiting_after_seated(personas, module, 1)
    services.enrollment_approve(enrollment=waiting_here, actor=personas.alice)

    services.enrollment_cancel(enrollment=seated, actor=personas.alice, reason="Permisjon")
    waiting_here.refresh_from_db()
    waiting_elsewhere.refresh_from_db()
    assert waiting_here.status == EnrollmentStatus.SEATED
    assert waiting_elsewhere.status == EnrollmentStatus.WAITING
    assert other.enrollments.filter(status=EnrollmentStatus.SEATED).count() == 1


def _waiting_line(personas, module, talents):
    """A talent seated in the module's one (kept) seat, then a leader per flag waiting."""
    leaders = [LeaderFactory(organisation=personas.org_a, is_talent=t) for t in talents]
    first = services.enrollment_approve(enrollment=EnrollmentFactory(
        module=module, leader=LeaderFactory(organisation=personas.org_a, is_talent=True)),
        actor=personas.alice)
    assert first.talent_seat
    line = [services.enrollment_approve(enrollment=EnrollmentFactory(module=module, leader=leader),
                                        actor=personas.alice) for leader in leaders]
    assert all(e.status == EnrollmentStatus.WAITING for e in line)
    return line


def _fill(personas, module, capacity):
    Module.objects.filter(pk=module.pk).update(capacity=capacity, talent_seats=2)
    promoted = services.module_fill_seats(module=module, actor=personas.alice)
    return promoted, {e.pk: e for e in Enrollment.objects.filter(module=module)}


def _talent_module(personas):
    return make_module(personas.org_a, capacity=1, talent_seats=1,
                       talent_seats_release_on=today() + dt.timedelta(days=30))


def test_more_seats_go_down_the_line_and_a_kept_seat_waits_for_a_talent(personas):
    """Two free seats, one of them kept for talents: the first leader takes the open one, the
    second (no talent) is passed over, the talent behind them takes the kept one."""
    module = _talent_module(personas)
    first, second, talent, last = _waiting_line(personas, module, [False, False, True, True])
    promoted, rows = _fill(personas, module, capacity=3)
    assert [e.pk for e in promoted] == [first.pk, talent.pk]
    assert (rows[first.pk].status, rows[first.pk].talent_seat) == (EnrollmentStatus.SEATED,
                                                                   False)
    assert rows[second.pk].status == EnrollmentStatus.WAITING
    assert (rows[talent.pk].status, rows[talent.pk].talent_seat) == (EnrollmentStatus.SEATED,
                                                                     True)
    assert rows[last.pk].status == EnrollmentStatus.WAITING
    given = AuditEntry.objects.filter(action="programs.enrollment.seat_from_waiting_list",
                                      actor=personas.alice)
    assert given.count() == 2
    assert given.filter(summary__contains=rows[first.pk].leader.name).exists()


def test_once_the_kept_seats_are_taken_a_talent_gets_an_open_seat(personas):
    module = _talent_module(personas)
    first, talent, second_talent, last = _waiting_line(personas, module,
                                                       [False, True, True, False])
    promoted, rows = _fill(personas, module, capacity=4)
    assert [e.pk for e in promoted] == [first.pk, talent.pk, second_talent.pk]
    assert [rows[e.pk].talent_seat for e in (first, talent, second_talent)] == [False, True,
                                                                                False]
    assert rows[last.pk].status == EnrollmentStatus.WAITING


def _full_without_waiting_list(personas, **kwargs):
    """One seat, kept for talents until ``release``; no waiting list at all."""
    return make_module(personas.org_a, capacity=1, talent_seats=1, waiting_list_limit=0,
                       **kwargs)


def test_a_talent_may_ask_for_a_kept_seat_when_the_waiting_list_is_full(personas):
    module = _full_without_waiting_list(
        personas, talent_seats_release_on=today() + dt.timedelta(days=30))
    talent = LeaderFactory(organisation=personas.org_a, is_talent=True)
    enrollment = services.enrollment_request(module=module, leader=talent, note="",
                                             actor=talent.user)
    assert enrollment.status == EnrollmentStatus.REQUESTED

    with pytest.raises(ValidationError) as refused:  # no seat for anyone else, no list
        services.enrollment_request(module=module, leader=personas.bob_leader, note="",
                                    actor=personas.bob)
    assert refused.value.code == "full"
    assert refused.value.messages == ["Modulen er full, og ventelisten også."]


def test_a_request_counts_the_seats_as_of_the_day_it_is_made(personas):
    release = today() + dt.timedelta(days=30)
    module = _full_without_waiting_list(personas, talent_seats_release_on=release)
    enrollment = services.enrollment_request(module=module, leader=personas.bob_leader,
                                             note="", actor=personas.bob, today=release)
    assert enrollment.status == EnrollmentStatus.REQUESTED
