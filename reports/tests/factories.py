"""Factories for the reports app and small builders for reminder scenarios; invented names."""

from __future__ import annotations

from decimal import Decimal

import factory
from django.utils import timezone

from programs.models import EnrollmentStatus
from programs.tests.factories import EnrollmentFactory, ProgrammeFactory
from reports.models import ContractTerm, Payer, ProgrammeBudget, TermKind, TravelCost


class ProgrammeBudgetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgrammeBudget

    programme = factory.SubFactory(ProgrammeFactory)
    oaf_amount = Decimal("500000.00")
    units_amount = Decimal("100000.00")


class ContractTermFactory(factory.django.DjangoModelFactory):
    """An adviser-day term unless told otherwise (invented prices)."""

    class Meta:
        model = ContractTerm

    programme = factory.SubFactory(ProgrammeFactory)
    kind = TermKind.ADVISER_DAY
    unit_price = Decimal("21875.00")
    gatherings = 4
    advisers = 2


class TravelCostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TravelCost

    programme = factory.SubFactory(ProgrammeFactory)
    date = factory.LazyFunction(timezone.localdate)
    description = "Reise rådgiver, tog"
    amount = Decimal("1234.50")
    paid_by = Payer.OAF


def seated(module, leader=None, **kwargs):
    """A seated enrolment (the reminder sources read seats; the seat rules are programs')."""
    now = timezone.now()
    extra = {"leader": leader} if leader is not None else {}
    return EnrollmentFactory(module=module, status=EnrollmentStatus.SEATED, decided_at=now,
                             seated_at=now, **extra, **kwargs)
