"""Attendance per session, the whole list at once, and completion derived from it."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from lib.models import AuditEntry
from programs import services
from programs.models import Attendance
from programs.selectors import COMPLETED, leader_enrollments
from tests.factories import LeaderFactory

from .conftest import sessions_held
from .factories import EnrollmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def seated(personas, module):
    rows = [EnrollmentFactory(module=module, leader=personas.bob_leader)]
    rows += [EnrollmentFactory(module=module, leader=LeaderFactory(organisation=personas.org_a))
             for _ in range(2)]
    seated = [services.enrollment_approve(enrollment=e, actor=personas.alice) for e in rows]
    sessions_held(module)
    return seated


def test_register_marks_ticked_present_and_the_rest_absent(personas, module, seated):
    session = module.sessions.first()
    present, absent = services.attendance_register(
        session=session, present_ids=[seated[0].pk, seated[1].pk], actor=personas.alice)
    assert (present, absent) == (2, 1)
    marks = dict(Attendance.objects.values_list("enrollment_id", "attended"))
    assert marks == {seated[0].pk: True, seated[1].pk: True, seated[2].pk: False}
    assert AuditEntry.objects.filter(action="programs.attendance.marked").count() == 2
    # Saving again with a change updates the rows instead of adding new ones.
    services.attendance_register(session=session, present_ids=[seated[2].pk],
                                 actor=personas.alice)
    marks = dict(Attendance.objects.values_list("enrollment_id", "attended"))
    assert marks == {seated[0].pk: False, seated[1].pk: False, seated[2].pk: True}


def test_completed_after_the_modules_minimum_of_sessions(personas, module, seated):
    sessions = list(module.sessions.order_by("date"))
    bob = seated[0]

    def status():
        return next(v for v in leader_enrollments(leader=personas.bob_leader)
                    if v.enrollment.pk == bob.pk).status

    services.attendance_mark(session=sessions[0], enrollment_ids=[bob.pk], attended=True,
                             actor=personas.alice)
    assert status() == "plass"
    services.attendance_mark(session=sessions[1], enrollment_ids=[bob.pk], attended=False,
                             actor=personas.alice)
    assert status() == "plass"  # absence does not count
    services.attendance_mark(session=sessions[2], enrollment_ids=[bob.pk], attended=True,
                             actor=personas.alice)
    assert status() == COMPLETED
    module.min_sessions_attended = 3
    module.save()
    assert status() == "plass"  # the rule is the module's own


def test_attendance_for_a_leader_without_a_seat_is_refused(personas, module, seated):
    waiting_module = module
    pending = EnrollmentFactory(module=waiting_module,
                                leader=LeaderFactory(organisation=personas.org_a))
    session = module.sessions.first()
    with pytest.raises(ValidationError) as exc:
        services.attendance_mark(session=session, enrollment_ids=[seated[0].pk, pending.pk],
                                 attended=True, actor=personas.alice)
    assert exc.value.code == "not_seated"
    assert not Attendance.objects.exists()


def test_only_oaf_and_the_sessions_facilitators_keep_attendance(personas, module, seated,
                                                                facilitator):
    session = module.sessions.first()
    for outsider in (personas.bob, personas.charlie, facilitator):
        with pytest.raises(PermissionDenied):
            services.attendance_mark(session=session, enrollment_ids=[seated[0].pk],
                                     attended=True, actor=outsider)
    session.facilitators.add(facilitator)
    assert services.attendance_mark(session=session, enrollment_ids=[seated[0].pk],
                                    attended=True, actor=facilitator) == 1
