"""Once-only rules under real concurrency: PostgreSQL, threads, separate connections."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from surveys import services
from surveys.models import Invitation, Response, Round
from surveys.services import answering

from .factories import scale_answers

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

# How long a submission waits at a barrier for others that a row lock holds back.
BARRIER_TIMEOUT = 3


def _race(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run the calls at the same moment, each in its own thread and connection."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[index] = call()
        except Exception as exc:  # noqa: BLE001 - the test inspects what each thread got
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_the_same_person_submitting_twice_at_once_stores_one_response(personas, team):
    round, bob = team.before, personas.bob_leader
    answers = scale_answers(round, 5)
    results = _race([lambda: services.response_submit(round=round, leader=bob,
                                                      answers=answers)] * 4)
    refused = [r for r in results if isinstance(r, services.AnswerRefused)]
    assert len(refused) == 3 and all(r.code == "answered" for r in refused)
    assert Response.objects.filter(round=round).count() == 1
    assert Invitation.objects.get(round=round, leader=bob).submitted


def test_everyone_answering_at_once_closes_the_round_exactly_when_the_last_is_in(
        personas, team, monkeypatch):
    """Deterministic: every submission waits at a barrier just before it counts who is left.

    The round row lock serialises the submissions, so under the lock the first one
    waits alone, times out, and each later one counts after the earlier ones
    committed: the last closes the round. Without the lock all six reach the barrier
    with their answers uncommitted, each counts the other five as missing, and the
    round never closes — the test fails every time, not just when threads happen to
    interleave.
    """
    round = team.before
    everyone = [team.head, personas.bob_leader, *team.members]
    answers = scale_answers(round, 4)
    barrier = threading.Barrier(len(everyone))
    count_left = answering.eligible_leaders  # called only for the "everyone in?" count

    def wait_then_count(*args, **kwargs):
        # A broken barrier: the others are held back by the round's row lock: as it should be.
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=BARRIER_TIMEOUT)
        return count_left(*args, **kwargs)

    monkeypatch.setattr(answering, "eligible_leaders", wait_then_count)
    results = _race([lambda leader=leader: services.response_submit(
        round=round, leader=leader, answers=answers) for leader in everyone])
    assert not [r for r in results if isinstance(r, Exception)]
    assert Response.objects.filter(round=round).count() == 6
    round.refresh_from_db()
    assert round.completed


def test_two_workers_opening_evaluations_make_one_round(held_session):
    results = _race([lambda: services.evaluation_open(
        module_session_id=held_session.session.pk)] * 3)
    made = [r for r in results if isinstance(r, Round)]
    assert len(made) == 1 and results.count(None) == 2
    assert Round.objects.filter(module_session=held_session.session).count() == 1
    assert Invitation.objects.filter(round=made[0]).count() == 6


def test_opening_a_round_twice_at_once_invites_once(personas, team):
    results = _race([lambda: services.round_open(round=team.before)] * 3)
    assert sorted(results, key=lambda r: r is None) == [6, None, None]
    assert Invitation.objects.filter(round=team.before).count() == 6
