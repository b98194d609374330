"""Seats under load, on real PostgreSQL connections in threads.

Each thread has its own database connection (Django keeps one per thread), so
the approvals really race; only the module row lock keeps the count right.
"""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from programs import services
from programs.models import Enrollment, EnrollmentStatus
from programs.selectors import waiting_positions
from tests.factories import LeaderFactory

from .conftest import make_module
from .factories import EnrollmentFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(jobs):
    """Run every job in its own thread, all released at once; return what each raised."""
    barrier = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def run(job):
        try:
            barrier.wait(timeout=30)
            job()
        except BaseException as exc:  # noqa: BLE001 - collected and asserted on below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    return errors


@pytest.mark.parametrize("round_", range(3))
def test_fifty_concurrent_approvals_for_twenty_seats(personas, round_):
    module = make_module(personas.org_a, capacity=20, topic=f"Teamledelse {round_}")
    requests = [EnrollmentFactory(module=module,
                                  leader=LeaderFactory(organisation=personas.org_a))
                for _ in range(50)]
    alice_id = personas.alice.pk

    def approve(pk):
        def job():
            from accounts.models import User

            services.enrollment_approve(enrollment=Enrollment.objects.get(pk=pk),
                                        actor=User.objects.get(pk=alice_id))
        return job

    errors = _race([approve(e.pk) for e in requests])
    assert errors == []
    statuses = Counter(Enrollment.objects.filter(module=module).values_list("status",
                                                                           flat=True))
    assert statuses == {EnrollmentStatus.SEATED: 20, EnrollmentStatus.WAITING: 30}
    positions = waiting_positions(module_ids=[module.pk])
    assert sorted(positions.values()) == list(range(1, 31))


def test_concurrent_cancellations_give_each_freed_seat_once(personas):
    module = make_module(personas.org_a, capacity=10)
    rows = [EnrollmentFactory(module=module, leader=LeaderFactory(organisation=personas.org_a))
            for _ in range(20)]
    for e in rows:
        services.enrollment_approve(enrollment=e, actor=personas.alice)
    alice_id = personas.alice.pk

    def cancel(pk):
        def job():
            from accounts.models import User

            services.enrollment_cancel(enrollment=Enrollment.objects.get(pk=pk),
                                       actor=User.objects.get(pk=alice_id), reason="Flyttet")
        return job

    assert _race([cancel(e.pk) for e in rows[:5]]) == []
    statuses = Counter(Enrollment.objects.filter(module=module).values_list("status",
                                                                           flat=True))
    assert statuses == {EnrollmentStatus.SEATED: 10, EnrollmentStatus.WAITING: 5,
                        EnrollmentStatus.CANCELLED: 5}
    # The first five in approval order moved up, in order.
    seated = set(Enrollment.objects.filter(module=module, status=EnrollmentStatus.SEATED)
                 .values_list("pk", flat=True))
    assert {e.pk for e in rows[10:15]} <= seated


def test_concurrent_double_requests_make_one_enrolment(personas):
    module = make_module(personas.org_a)
    bob_id = personas.bob.pk

    def ask():
        from accounts.models import Leader, User

        services.enrollment_request(module=module,
                                    leader=Leader.objects.select_related("unit").get(
                                        user_id=bob_id),
                                    note="x", actor=User.objects.get(pk=bob_id))

    errors = _race([ask for _ in range(10)])
    assert len(errors) == 9 and all(isinstance(e, ValidationError) for e in errors)
    assert Enrollment.objects.filter(module=module).count() == 1
