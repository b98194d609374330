"""factory_boy factories for every model; invented names only."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from django.utils import timezone

from accounts import services as account_services
from accounts.models import Leader, LeaderLevel, Organisation, Unit, UnitKind, User
from groups.models import LeaderGroup, LeaderGroupMembership

PASSWORD = "riktig-passord-123"  # noqa: S105


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Testvik {n} kommune")
    slug = factory.Sequence(lambda n: f"testvik-{n}")


class UnitFactory(factory.django.DjangoModelFactory):
    """Units go through the tree service so paths stay valid."""

    class Meta:
        model = Unit

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Enhet {n}")
    kind = UnitKind.ENTERPRISE
    parent = None

    @classmethod
    def _create(cls, model_class: type[Unit], *args: Any, **kwargs: Any) -> Unit:
        return account_services.unit_create(
            organisation=kwargs["organisation"], name=kwargs["name"], kind=kwargs["kind"],
            parent=kwargs.get("parent"), code=kwargs.get("code", ""),
        )


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@testvik.example")
    full_name = factory.Sequence(lambda n: f"Testperson Nummer{n}")
    organisation = factory.SubFactory(OrganisationFactory)
    language = "nb"
    password = factory.django.Password(PASSWORD)


class LeaderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Leader

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory, organisation=factory.SelfAttribute("..organisation"))
    title = "Avdelingsleder"
    level = LeaderLevel.DEPARTMENT_LEADER
    unit = factory.SubFactory(UnitFactory, organisation=factory.SelfAttribute("..organisation"))
    leader_since = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=800))
    is_talent = False


class LeaderGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LeaderGroup

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Ledergruppe {n}")
    unit = factory.SubFactory(UnitFactory, organisation=factory.SelfAttribute("..organisation"))
    head = factory.SubFactory(LeaderFactory, organisation=factory.SelfAttribute("..organisation"))


class LeaderGroupMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LeaderGroupMembership

    group = factory.SubFactory(LeaderGroupFactory)
    leader = factory.SubFactory(LeaderFactory,
                                organisation=factory.SelfAttribute("..group.organisation"))
