"""Demo data for privacy: each municipality's statements and retention schedule.

Every demo account has already read its municipality's privacy statement, so
signing in to the demo goes straight to Min side, as for a returning user; a
user added later is shown the statement at first login.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db.models import QuerySet

from accounts.models import Organisation, User

from .defaults import PRIVACY, multilingual
from .models import (
    AccessibilityStatement,
    PrivacyAcknowledgement,
    PrivacyStatement,
    RetentionPolicy,
)
from .services import accessibility_statement_get


def seed_demo(*, large: Organisation, small: Organisation, rng: random.Random, today: dt.date,
              scale: int) -> dict[str, int]:
    texts = {key: value for name, by_language in PRIVACY.items()
             for key, value in multilingual(name, by_language).items()}
    for organisation, slug in ((large, large.slug), (small, small.slug)):
        accessibility_statement_get(organisation=organisation,
                                    feedback_email=f"uu@{slug}.kommune.example")
        PrivacyStatement.objects.get_or_create(organisation=organisation, defaults={
            "controller": f"{organisation.name} v/ kommunedirektøren",
            "controller_contact": f"postmottak@{slug}.kommune.example",
            "dpo_name": "Personvernombudet", "dpo_email": f"personvern@{slug}.kommune.example",
            **texts})
    RetentionPolicy.objects.bulk_create([RetentionPolicy(organisation=large),
                                         RetentionPolicy(organisation=small, reminder_days=60)],
                                        ignore_conflicts=True)
    users = User.objects.filter(organisation__in=[large, small]).values_list(
        "pk", "organisation_id")
    made = PrivacyAcknowledgement.objects.bulk_create(
        [PrivacyAcknowledgement(user_id=pk, organisation_id=org, version=1) for pk, org in users],
        ignore_conflicts=True)
    return {"privacy statements read": len(made)}


def delete_demo(*, organisations: QuerySet[Organisation]) -> None:
    PrivacyAcknowledgement.objects.filter(organisation__in=organisations).delete()
    PrivacyStatement.objects.filter(organisation__in=organisations).delete()
    AccessibilityStatement.objects.filter(organisation__in=organisations).delete()
    RetentionPolicy.objects.filter(organisation__in=organisations).delete()
