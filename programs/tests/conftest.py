"""Fixtures for the deepening track, built on the shared personas.

``module``: a published module of municipality A with three sessions, open
for enrolment, 20 seats. ``b_module``: the same in municipality B.
``request_of_bob``: Bob's pending request in ``module``, which his leader
above (Berit, ``boss_leader``) or Alice (O&F) may decide.
"""

from __future__ import annotations

import datetime as dt

import pytest

from programs.models import Enrollment
from tests.factories import LeaderFactory, UserFactory

from .factories import EnrollmentFactory, ModuleFactory, ModuleSessionFactory, today


def make_module(organisation, **kwargs):
    module = ModuleFactory(programme__organisation=organisation, **kwargs)
    for n in range(3):
        ModuleSessionFactory(module=module, date=today() + dt.timedelta(days=60 + 14 * n))
    return module


def sessions_held(module, days_ago: int = 30):
    """Move a module's sessions into the past (attendance is kept only once one has started)."""
    for n, session in enumerate(module.sessions.order_by("date")):
        session.date = today() - dt.timedelta(days=days_ago - 7 * n)
        session.save(update_fields=["date"])


@pytest.fixture
def module(personas):
    return make_module(personas.org_a, topic="Endringsledelse")


@pytest.fixture
def b_module(personas):
    return make_module(personas.org_b, topic="Brattli-modul")


@pytest.fixture
def request_of_bob(personas, module) -> Enrollment:
    return EnrollmentFactory(module=module, leader=personas.bob_leader)


@pytest.fixture
def other_leader(personas):
    """A leader in A who does not report to Berit: a read-only member for Bob's things."""
    return LeaderFactory(organisation=personas.org_a, user__full_name="Kari Annen",
                         user__email="kari@askvik.example")


@pytest.fixture
def facilitator(personas):
    return UserFactory(organisation=personas.org_a, full_name="Frode Fasilitator",
                       email="frode@askvik.example", is_facilitator=True)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``with committed(): service(...)`` runs what waits for the commit (emails) on exit.

    Tests run inside one transaction that never commits; callbacks of a
    rolled-back service are dropped, exactly as in production.
    """
    return lambda: django_capture_on_commit_callbacks(execute=True)
