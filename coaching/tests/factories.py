"""factory_boy factories for coaching; invented names only."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import factory
from django.utils import timezone

from coaching.models import (
    Booking,
    CoachingCourse,
    CoachProfile,
    CourseStatus,
    DevelopmentProject,
    FrameworkAgreement,
    Supplier,
    WeeklyAvailability,
)
from coaching.semesters import Semester
from tests.factories import LeaderFactory, OrganisationFactory, UserFactory


def next_semester() -> Semester:
    """Always wholly in the future, so every day of it can be booked in tests."""
    return Semester.current_or_next(timezone.localdate()).next()


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def weekday_in(semester: Semester, weekday: int = 0, weeks_in: int = 2) -> dt.date:
    """A given weekday some weeks into the semester."""
    day = semester.starts_on + dt.timedelta(days=7 * weeks_in)
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


class SupplierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Supplier

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Veiledning {n} AS")


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FrameworkAgreement

    organisation = factory.SubFactory(OrganisationFactory)
    supplier = factory.SubFactory(SupplierFactory,
                                  organisation=factory.SelfAttribute("..organisation"))
    name = factory.Sequence(lambda n: f"Rammeavtale {n}")
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=400))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=800))
    hourly_rate = Decimal("2187.50")
    sessions_per_leader = 3
    session_minutes = 60
    cancellation_hours = 24


class CoachFactory(factory.django.DjangoModelFactory):
    """A coach working Monday to Friday 08:00–16:00 unless ``hours=False``."""

    class Meta:
        model = CoachProfile
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory, organisation=factory.SelfAttribute("..organisation"),
                              is_coach=True)
    supplier = factory.SubFactory(SupplierFactory,
                                  organisation=factory.SelfAttribute("..organisation"))
    daily_capacity = 10
    max_courses = 15

    @factory.post_generation
    def hours(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if not create or extracted is False:
            return
        WeeklyAvailability.objects.bulk_create([
            WeeklyAvailability(coach=self, weekday=day, starts_at=dt.time(8),
                               ends_at=dt.time(16)) for day in range(5)])


class CourseFactory(factory.django.DjangoModelFactory):
    """An active course next semester, with a coach and an empty development project."""

    class Meta:
        model = CoachingCourse
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    leader = factory.SubFactory(LeaderFactory, organisation=factory.SelfAttribute("..organisation"))
    agreement = factory.SubFactory(AgreementFactory,
                                   organisation=factory.SelfAttribute("..organisation"))
    term = factory.LazyFunction(lambda: next_semester().term)
    year = factory.LazyFunction(lambda: next_semester().year)
    ordering_unit = factory.LazyAttribute(lambda o: o.leader.unit)
    status = CourseStatus.ACTIVE
    coach = factory.SubFactory(CoachFactory, organisation=factory.SelfAttribute("..organisation"),
                               supplier=factory.SelfAttribute("..agreement.supplier"))
    sessions_allowed = factory.LazyAttribute(lambda o: o.agreement.sessions_per_leader)

    @factory.post_generation
    def project(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            DevelopmentProject.objects.create(course=self, **(extracted or {}))


class BookingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Booking

    course = factory.SubFactory(CourseFactory)
    coach = factory.LazyAttribute(lambda o: o.course.coach)
    starts_at = factory.LazyFunction(lambda: at(weekday_in(next_semester()), 9))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(minutes=o.minutes))
    minutes = 60
