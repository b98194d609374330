"""The two derived enrolment rules, each written once: the waiting-list number and "completed"."""

from __future__ import annotations

import pytest

from programs import services
from programs.exports import participant_rows
from programs.models import COMPLETED, Attendance, Enrollment, EnrollmentStatus, Module
from programs.selectors import STATUS_LABELS, leader_enrollments, waiting_positions
from tests.factories import LeaderFactory

from .factories import EnrollmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def queue(personas, module):
    """One seat: the first leader seated, three more waiting in the order approved."""
    module.capacity = 1
    module.talent_seats = 0
    module.save()
    leaders = [LeaderFactory(organisation=personas.org_a, user__full_name=f"Leder {i}")
               for i in range(4)]
    rows = [EnrollmentFactory(module=module, leader=leader) for leader in leaders]
    for row in rows:
        services.enrollment_approve(enrollment=row, actor=personas.alice)
    return module, rows


def test_the_waiting_number_is_the_approval_order_whatever_else_filters(queue):
    module, rows = queue
    positions = dict(Enrollment.objects.filter(module=module).with_waiting_position()
                     .values_list("pk", "waiting_position"))
    assert [positions[r.pk] for r in rows] == [None, 1, 2, 3]
    # Narrowed to one leader (a search in the admin), the number stays the same.
    (last,) = Enrollment.objects.filter(pk=rows[3].pk).with_waiting_position()
    assert last.waiting_position == 3
    assert waiting_positions(module_ids=[module.pk]) == {rows[1].pk: 1, rows[2].pk: 2,
                                                         rows[3].pk: 3}


def test_a_cancellation_moves_everyone_behind_up(personas, queue):
    module, rows = queue
    services.enrollment_cancel(enrollment=rows[1], actor=personas.alice, reason="Syk")
    assert waiting_positions(module_ids=[module.pk]) == {rows[2].pk: 1, rows[3].pk: 2}


def _attend(enrollment: Enrollment, module: Module, sessions: int) -> None:
    for session in module.sessions.order_by("date")[:sessions]:
        Attendance.objects.create(session=session, enrollment=enrollment, attended=True)


def test_completed_is_seated_with_the_minimum_attended_everywhere(personas, queue):
    module, rows = queue
    seated = rows[0]
    _attend(seated, module, module.min_sessions_attended - 1)
    annotated = Enrollment.objects.with_attendance().get(pk=seated.pk)
    assert annotated.is_seated and not annotated.is_completed
    assert annotated.shown_status == EnrollmentStatus.SEATED
    last_needed = module.sessions.order_by("date")[module.min_sessions_attended - 1]
    Attendance.objects.create(session=last_needed, enrollment=seated, attended=True)
    annotated = Enrollment.objects.with_attendance().get(pk=seated.pk)
    assert annotated.is_completed and annotated.shown_status == COMPLETED
    # Without the annotation the property counts for itself: the same answer.
    assert Enrollment.objects.get(pk=seated.pk).is_completed
    # A waiting leader never completes, however often they came.
    _attend(rows[1], module, 3)
    assert not Enrollment.objects.with_attendance().get(pk=rows[1].pk).is_completed
    # The leader's page and the export say the same.
    (view,) = leader_enrollments(leader=seated.leader)
    assert view.status == COMPLETED
    _header, export = participant_rows(Module.objects.filter(pk=module.pk))
    by_name = {row[2]: row for row in export}
    assert by_name[seated.leader.user.full_name][6] == str(STATUS_LABELS[COMPLETED])
    assert by_name[rows[2].leader.user.full_name][7] == 2
