"""Issue 26: the leader above and their deputy approve the same request at the same moment.

Real PostgreSQL connections in threads (``transaction=True``): the module lock,
then the enrolment row lock, then the unique decision per step decide who wins;
the other is refused with a code, and exactly one seat is taken.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.core.exceptions import ValidationError

from accounts.models import ApprovalDecision
from accounts.services.approvals import deputy_set
from lib.testing import refusal_codes
from programs import services
from programs.models import Enrollment, EnrollmentStatus
from tests.factories import LeaderFactory

from .conftest import make_module
from .factories import EnrollmentFactory, today
from .test_concurrency import _race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("round_", range(3))
def test_leader_above_and_deputy_approve_at_once_one_decision_one_seat(personas, round_):
    module = make_module(personas.org_a, capacity=5, topic=f"Endringsledelse {round_}")
    request = EnrollmentFactory(module=module, leader=personas.bob_leader)
    deputy = LeaderFactory(organisation=personas.org_a, user__email=f"dag{round_}@askvik.example")
    boss_id = personas.boss_leader.user_id
    deputy_set(leader=personas.boss_leader.user, deputy=deputy.user, starts_on=today(),
               ends_on=today() + dt.timedelta(days=5), actor=personas.boss_leader.user)

    def approve(user_id):
        def job():
            from accounts.models import User

            services.enrollment_approve(enrollment=Enrollment.objects.get(pk=request.pk),
                                        actor=User.objects.get(pk=user_id), step=1)
        return job

    errors = _race([approve(boss_id), approve(deputy.user_id)])
    # The loser is told: the step (here the whole request) was decided by the other.
    assert len(errors) == 1 and isinstance(errors[0], ValidationError)
    assert set(refusal_codes(errors[0])) <= {"decided", "step_decided"}
    assert ApprovalDecision.objects.filter(request_id=request.pk).count() == 1
    assert Counter(Enrollment.objects.filter(module=module).values_list("status", flat=True)) \
        == {EnrollmentStatus.SEATED: 1}


def test_two_approvers_of_a_first_step_with_a_second_step_record_one_decision(personas):
    """With a second step the request stays requested: the loser gets ``step_decided``."""
    from django.contrib.contenttypes.models import ContentType

    from accounts.models import ApprovalStep
    from programs.models import Module

    module = make_module(personas.org_a, capacity=5, topic="Teamledelse")
    ApprovalStep.objects.create(organisation=personas.org_a,
                                content_type=ContentType.objects.get_for_model(Module),
                                object_id=module.pk, label="O&F bekrefter", kind="oaf")
    request = EnrollmentFactory(module=module, leader=personas.bob_leader)
    deputy = LeaderFactory(organisation=personas.org_a, user__email="dag@askvik.example")
    deputy_set(leader=personas.boss_leader.user, deputy=deputy.user, starts_on=today(),
               ends_on=today(), actor=personas.boss_leader.user)
    ids = [personas.boss_leader.user_id, deputy.user_id]

    def approve(user_id):
        def job():
            from accounts.models import User

            services.enrollment_approve(enrollment=Enrollment.objects.get(pk=request.pk),
                                        actor=User.objects.get(pk=user_id), step=1)
        return job

    errors = _race([approve(pk) for pk in ids])
    assert [refusal_codes(e) for e in errors] == [["step_decided"]]
    assert ApprovalDecision.objects.filter(request_id=request.pk).count() == 1
    assert Enrollment.objects.get(pk=request.pk).status == EnrollmentStatus.REQUESTED
