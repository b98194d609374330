"""factory_boy factories for the networks app (and the programme rows it needs)."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from programs.models import Gathering, Programme, ProgrammeParticipant
from tests.factories import LeaderFactory, OrganisationFactory, UserFactory

from ..models import (
    MeetingOption,
    MeetingStatus,
    MeetingVote,
    NetworkGroup,
    NetworkHoliday,
    NetworkMeeting,
    NetworkMembership,
    NetworkPlan,
    PlanStatus,
    Slot,
)


def weekday_after(day: dt.date, days: int = 0) -> dt.date:
    """The first Monday–Friday on or after ``day + days``."""
    day = day + dt.timedelta(days=days)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Lederprogram {n}")
    slug = factory.Sequence(lambda n: f"lederprogram-{n}")
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=60))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=300))


class GatheringFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Gathering

    programme = factory.SubFactory(ProgrammeFactory)
    theme = factory.Sequence(lambda n: f"Samling {n}")
    date = factory.LazyFunction(lambda: weekday_after(timezone.localdate(), 30))
    starts_at = dt.time(9, 0)
    ends_at = dt.time(15, 30)
    place = "Rådhuset"


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgrammeParticipant

    programme = factory.SubFactory(ProgrammeFactory)
    leader = factory.SubFactory(LeaderFactory,
                                organisation=factory.SelfAttribute("..programme.organisation"))


class FacilitatorFactory(UserFactory):
    is_facilitator = True
    full_name = factory.Sequence(lambda n: f"Fia Fasilitator{n}")


class NetworkPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NetworkPlan

    programme = factory.SubFactory(ProgrammeFactory)
    status = PlanStatus.CONFIRMED
    confirmed_at = factory.LazyFunction(timezone.now)
    default_place = "Møterom Fjellet"


class NetworkGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NetworkGroup

    plan = factory.SubFactory(NetworkPlanFactory)
    name = factory.Sequence(lambda n: f"Gruppe {n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NetworkMembership

    group = factory.SubFactory(NetworkGroupFactory)
    plan = factory.SelfAttribute("group.plan")
    leader = factory.SubFactory(
        LeaderFactory, organisation=factory.SelfAttribute("..group.plan.programme.organisation"))


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NetworkMeeting

    group = factory.SubFactory(NetworkGroupFactory)
    number = factory.Sequence(lambda n: n + 1)
    date = factory.LazyFunction(lambda: weekday_after(timezone.localdate(), 14))
    slot = Slot.MORNING
    starts_at = dt.time(9, 0)
    ends_at = dt.time(11, 30)
    place = "Møterom Fjellet"
    status = MeetingStatus.PROPOSED


class OptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeetingOption

    meeting = factory.SubFactory(MeetingFactory)
    date = factory.SelfAttribute("meeting.date")
    slot = factory.SelfAttribute("meeting.slot")
    starts_at = factory.SelfAttribute("meeting.starts_at")
    ends_at = factory.SelfAttribute("meeting.ends_at")


class VoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeetingVote

    option = factory.SubFactory(OptionFactory)
    leader = factory.SubFactory(LeaderFactory)
    answer = "ja"


class HolidayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NetworkHoliday

    organisation = factory.SubFactory(OrganisationFactory)
    name = "Vinterferie"
    starts_on = factory.LazyFunction(lambda: timezone.localdate())
    ends_on = factory.SelfAttribute("starts_on")
