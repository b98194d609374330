"""Two O&F administrators copy the same module into the same semester at once.

Real PostgreSQL connections in threads: the lock on the target programme's row
makes the second copy see the first and refuse with ``name_clash``; one copy only.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from programs.models import Module, Term
from programs.services.copying import module_copy
from programs.tests.factories import ModuleFactory, ModuleSessionFactory, ProgrammeFactory

from .test_concurrency import _race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_copies_at_once_give_one_copy_and_one_refusal(personas):
    programme = ProgrammeFactory(organisation=personas.org_a)
    module = ModuleFactory(programme=programme, topic="Konflikthåndtering", term=Term.SPRING,
                           year=2027)
    ModuleSessionFactory(module=module, date=dt.date(2027, 2, 9))
    alice_id = personas.alice.pk

    def job():
        from accounts.models import User

        module_copy(module=Module.objects.get(pk=module.pk), term=Term.SPRING, year=2028,
                    actor=User.objects.get(pk=alice_id), today=dt.date(2026, 12, 6))

    errors = _race([job, job])
    assert [getattr(e, "code", type(e).__name__) for e in errors] == ["name_clash"]
    assert all(isinstance(e, ValidationError) for e in errors)
    assert Module.objects.filter(topic="Konflikthåndtering", year=2028).count() == 1
