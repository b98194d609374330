"""factory_boy factories for the groups app; invented names only."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from groups.models import GroupProcess, ProcessSession, RolloutWave, SessionKind, TrainingTask
from tests.factories import LeaderGroupFactory, OrganisationFactory, UserFactory


class FacilitatorFactory(UserFactory):
    is_facilitator = True
    full_name = factory.Sequence(lambda n: f"Fasilitator Nummer{n}")


class RolloutWaveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RolloutWave

    organisation = factory.SubFactory(OrganisationFactory)
    number = factory.Sequence(lambda n: n + 1)
    name = factory.LazyAttribute(lambda o: f"Bølge {o.number}")
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=60))
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + dt.timedelta(days=270))


class GroupProcessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GroupProcess

    group = factory.SubFactory(LeaderGroupFactory)
    wave = factory.SubFactory(RolloutWaveFactory,
                              organisation=factory.SelfAttribute("..group.organisation"))
    facilitator = factory.SubFactory(FacilitatorFactory,
                                     organisation=factory.SelfAttribute("..group.organisation"))


class ProcessSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProcessSession

    process = factory.SubFactory(GroupProcessFactory)
    number = factory.Sequence(lambda n: n + 1)
    kind = SessionKind.DEVELOPMENT
    planned_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=14))
    meeting = "Ledermøte tirsdag"


class TrainingTaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingTask

    process = factory.SubFactory(GroupProcessFactory)
    title = factory.Sequence(lambda n: f"Treningsoppgave {n}")
    instructions = "Prøv ut i egen praksis og reflekter over hva som skjedde."
    due_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=10))
