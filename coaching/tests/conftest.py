"""Coaching fixtures on top of the shared personas (alice, bob, charlie, dora).

``setup`` gives municipality A a supplier with a framework agreement, a coach
("Cora Coach", Monday–Friday 08–16) and Bob's active course next semester,
whose development project holds text that must never leak.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import translation

from coaching.models import CoachingCourse, CoachProfile, FrameworkAgreement
from coaching.semesters import Semester

from .factories import (
    AgreementFactory,
    CoachFactory,
    CourseFactory,
    at,
    next_semester,
    weekday_in,
)

SECRET = "Hemmelig utviklingspunkt om konflikt"


@dataclass
class Setup:
    agreement: FrameworkAgreement
    coach: CoachProfile
    course: CoachingCourse
    semester: Semester
    monday: dt.date  # a Monday inside the course's semester

    def slot(self, hour: int = 9, day_offset: int = 0) -> dt.datetime:
        return at(self.monday + dt.timedelta(days=day_offset), hour)


@pytest.fixture
def setup(personas) -> Setup:
    org = personas.org_a
    agreement = AgreementFactory(organisation=org, supplier__name="Fjellklar Coaching AS")
    coach = CoachFactory(organisation=org, supplier=agreement.supplier,
                         user__full_name="Cora Coach", user__email="cora@coach.example")
    course = CourseFactory(organisation=org, leader=personas.bob_leader, agreement=agreement,
                           coach=coach, project={"development_points": SECRET,
                                                 "leadership": "Tydelig og raus"})
    semester = next_semester()
    return Setup(agreement=agreement, coach=coach, course=course, semester=semester,
                 monday=weekday_in(semester, 0))


@pytest.fixture
def in_english():
    """Service tests read the messages in English, the source language."""
    with translation.override("en"):
        yield
