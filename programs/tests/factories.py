"""Factories for the deepening track; invented names only."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from programs.models import (
    Enrollment,
    EnrollmentStatus,
    Gathering,
    Module,
    ModuleSession,
    ModuleStatus,
    Programme,
    ProgrammeParticipant,
    Term,
)
from tests.factories import LeaderFactory, OrganisationFactory


def today() -> dt.date:
    return timezone.localdate()


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Lederprogram {n}")
    slug = factory.Sequence(lambda n: f"lederprogram-{n}")
    starts_on = factory.LazyFunction(lambda: today() - dt.timedelta(days=60))
    ends_on = factory.LazyFunction(lambda: today() + dt.timedelta(days=600))


class ModuleFactory(factory.django.DjangoModelFactory):
    """A published module with enrolment open today; no talent seats unless asked for."""

    class Meta:
        model = Module

    programme = factory.SubFactory(ProgrammeFactory)
    topic = factory.Sequence(lambda n: f"Teamledelse {n}")
    term = Term.SPRING
    year = factory.LazyFunction(lambda: today().year + 1)
    status = ModuleStatus.PUBLISHED
    capacity = 20
    talent_seats = 0
    enrolment_opens_on = factory.LazyFunction(lambda: today() - dt.timedelta(days=10))
    enrolment_closes_on = factory.LazyFunction(lambda: today() + dt.timedelta(days=30))
    cancellation_cutoff_on = factory.LazyFunction(lambda: today() + dt.timedelta(days=40))


class ModuleSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ModuleSession

    module = factory.SubFactory(ModuleFactory)
    theme = factory.Sequence(lambda n: f"Samling {n}")
    date = factory.LazyFunction(lambda: today() + dt.timedelta(days=60))
    starts_at = dt.time(9)
    ends_at = dt.time(12)
    place = "Rådhuset, møterom 3"


class EnrollmentFactory(factory.django.DjangoModelFactory):
    """A request; use the services to move it on, so the seat rules apply."""

    class Meta:
        model = Enrollment

    module = factory.SubFactory(ModuleFactory)
    leader = factory.SubFactory(
        LeaderFactory, organisation=factory.SelfAttribute("..module.programme.organisation"))
    status = EnrollmentStatus.REQUESTED
    note = "Jeg vil lære mer."


class GatheringFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Gathering

    programme = factory.SubFactory(ProgrammeFactory)
    theme = factory.Sequence(lambda n: f"Leiarsamling {n}")
    date = factory.LazyFunction(lambda: today() + dt.timedelta(days=20))
    starts_at = dt.time(9)
    ends_at = dt.time(15, 30)
    place = "Samfunnshuset"


class ProgrammeParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgrammeParticipant

    programme = factory.SubFactory(ProgrammeFactory)
    leader = factory.SubFactory(
        LeaderFactory, organisation=factory.SelfAttribute("..programme.organisation"))
