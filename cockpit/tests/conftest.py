"""Fixtures of the cockpit: a module of municipality A with seated participants."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from programs.models import Attendance, EnrollmentStatus
from programs.tests.factories import EnrollmentFactory, ModuleFactory, ModuleSessionFactory
from tests.factories import LeaderFactory, UnitFactory


def seat(module, leader, **kwargs):
    now = timezone.now()
    return EnrollmentFactory(module=module, leader=leader, status=EnrollmentStatus.SEATED,
                             decided_at=now, seated_at=now, **kwargs)


def complete(enrollment, sessions):
    for session in sessions:
        Attendance.objects.create(session=session, enrollment=enrollment, attended=True)
    return enrollment


@pytest.fixture
def module(personas):
    module = ModuleFactory(programme__organisation=personas.org_a, topic="Endringsledelse",
                           programme__name="Fjordviklederen 2026–2027")
    for n in range(3):
        ModuleSessionFactory(module=module,
                             date=timezone.localdate() + dt.timedelta(days=30 + 14 * n))
    return module


@pytest.fixture
def participants(personas, module):
    """Bob and two more leaders of A seated in the module; one writes nynorsk."""
    unit = UnitFactory(organisation=personas.org_a, name="Solbakken sykehjem")  # same name twice
    others = [LeaderFactory(organisation=personas.org_a, unit=unit,
                            user__full_name="Åse Ødegård-\nNilsen", user__language="nn"),
              LeaderFactory(organisation=personas.org_a, unit=unit,
                            user__full_name="Per Ås")]
    return [seat(module, leader) for leader in [personas.bob_leader, *others]]
