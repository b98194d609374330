"""Demo data for reports: each municipality's reminder policy, and terms, budget and travel
for every demo programme, so O&F's cost overview has something to reconcile."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db.models import QuerySet

from accounts.models import Organisation
from programs.models import Programme

from .models import ContractTerm, Payer, ProgrammeBudget, ReminderPolicy, TermKind, TravelCost


def seed_demo(*, large: Organisation, small: Organisation, rng: random.Random, today: dt.date,
              scale: int) -> dict[str, int]:
    ReminderPolicy.objects.bulk_create([ReminderPolicy(organisation=large),
                                        ReminderPolicy(organisation=small, digest_weekday=0,
                                                       first_reminder_days=5)],
                                       ignore_conflicts=True)
    programmes = list(Programme.objects.filter(organisation__in=[large, small]))
    # Each programme's offer as a consultancy would price it (invented, Seljord-like terms).
    terms = []
    for p in programmes:
        terms += [
            ContractTerm(programme=p, kind=TermKind.ADVISER_DAY, position=1,
                         label="Ledersamlinger, to rådgivere", unit_price=Decimal("21875.00"),
                         gatherings=4, advisers=2),
            ContractTerm(programme=p, kind=TermKind.NETWORK_DAY, position=2,
                         label="Nettverksmøter med rådgiver", unit_price=Decimal("17500.00"),
                         meetings=16, meetings_per_day=2),
            ContractTerm(programme=p, kind=TermKind.FIXED, position=3,
                         label="Evaluering og oppfølging etter programmet",
                         unit_price=Decimal("17500.00")),
            ContractTerm(programme=p, kind=TermKind.COACHING, position=4,
                         label="Individuell lederveiledning", unit_price=Decimal("2187.50"),
                         leaders=20, sessions=4, session_minutes=60),
        ]
    ContractTerm.objects.bulk_create(terms)
    ProgrammeBudget.objects.bulk_create([
        ProgrammeBudget(programme=p, oaf_amount=Decimal(rng.choice([350_000, 450_000, 600_000])),
                        units_amount=Decimal(rng.choice([80_000, 120_000])),
                        notes="Vedtatt i budsjettet for året.")
        for p in programmes], ignore_conflicts=True)
    travel = []
    for p in programmes:
        for n in range(3):
            day = min(p.starts_on + dt.timedelta(days=30 * (n + 1)), p.ends_on)
            travel.append(TravelCost(
                programme=p, date=day, description=f"Reise rådgivere, samling {n + 1}",
                amount=Decimal(rng.randrange(150_000, 600_000)) / 100,
                paid_by=Payer.OAF if n < 2 else Payer.UNIT))
    TravelCost.objects.bulk_create(travel)
    return {"reminder policies": 2, "contract terms": len(terms),
            "programme budgets": len(programmes),
            "travel costs": len(travel)}


def delete_demo(*, organisations: QuerySet[Organisation]) -> None:
    """Budgets, rates and travel go with the programmes; the policies go here."""
    ReminderPolicy.objects.filter(organisation__in=organisations).delete()
