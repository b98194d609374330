"""Rating once, under load: two requests of the same leader on real PostgreSQL connections.

The version row lock and the unique (version, leader) ballot keep one ballot and one set
of scores, whichever request wins.
"""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from lib.testing import refusal_codes

from .. import services
from ..models import Ballot, Rating, Step
from .conftest import at_step

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(jobs):
    barrier = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def run(job):
        try:
            barrier.wait(timeout=30)
            job()
        except BaseException as exc:  # noqa: BLE001 - collected and asserted on below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    return errors


def test_two_simultaneous_ratings_by_one_leader_store_one(lp):
    version = at_step(lp.version, Step.ANALYSE)
    candidate = services.candidate_create(version=version, actor=lp.oaf, text="Tydelig på mål")
    at_step(version, Step.DECIDE)

    def cast(score: int):
        return lambda: services.ballot_cast(version=version, leader=lp.member,
                                            scores={candidate.pk: score})

    errors = _race([cast(5), cast(1), cast(3)])
    assert len(errors) == 2
    assert all(isinstance(e, ValidationError) and refusal_codes(e) == ["already_rated"]
               for e in errors)
    assert Ballot.objects.filter(leader=lp.member).count() == 1
    assert Rating.objects.filter(characteristic=candidate).count() == 1
