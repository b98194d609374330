"""Concurrency on real PostgreSQL: separate connections in threads, no mocks."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from groups import services
from groups.models import GroupProcess, PosterVersion, TaskCompletion

from .conftest import save_version
from .factories import TrainingTaskFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(n: int, work) -> list[object]:
    """Run ``work(i)`` in ``n`` threads released at the same moment; collect results."""
    barrier = threading.Barrier(n)
    results: list[object] = [None] * n

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as exc:  # the test inspects what each thread got
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_two_members_saving_on_the_same_base_both_keep_their_version(world):
    save_version(world, world.member, ["Felles start"])
    authors = [world.member, world.other_member]
    results = _race(2, lambda i: save_version(world, authors[i], ["Felles start",
                                                                  f"Forslag {i}"], base=1))
    assert all(isinstance(r, services.VersionSaved) for r in results), results
    numbers = sorted(r.version.number for r in results)
    assert numbers == [2, 3]
    # Exactly one of them was told a newer version exists: the one saved second.
    assert sorted(r.conflict for r in results) == [False, True]
    texts = {tuple(v.commitments.values_list("text", flat=True))
             for v in PosterVersion.objects.filter(number__in=[2, 3])}
    assert texts == {("Felles start", "Forslag 0"), ("Felles start", "Forslag 1")}


def test_first_saves_at_once_make_one_poster_and_two_versions(world):
    authors = [world.member, world.other_member, world.head]
    results = _race(3, lambda i: save_version(world, authors[i], [f"Utkast {i}"]))
    assert all(isinstance(r, services.VersionSaved) for r in results), results
    assert sorted(r.version.number for r in results) == [1, 2, 3]
    assert PosterVersion.objects.values("poster").distinct().count() == 1


def test_a_task_is_marked_done_once_even_when_clicked_twice_at_once(world):
    task = TrainingTaskFactory(process=world.process)
    leader = world.member.leader
    results = _race(4, lambda i: services.task_mark_done(task=task, leader=leader))
    assert results == [True] * 4
    assert TaskCompletion.objects.filter(task=task).count() == 1


def test_a_process_starts_once(personas, world):
    from tests.factories import LeaderGroupFactory

    group = LeaderGroupFactory(organisation=personas.org_a)
    services.processes_plan(groups=[group], wave=None, facilitator=world.facilitator,
                            actor=personas.alice)
    process = GroupProcess.objects.get(group=group)
    results = _race(3, lambda i: services.process_start(process=process, actor=personas.alice))
    assert sum(isinstance(r, GroupProcess) for r in results) == 1
    assert sum(isinstance(r, ValidationError) for r in results) == 2


def test_sessions_are_planned_once(personas, world):
    from django.utils import timezone

    results = _race(3, lambda i: services.sessions_plan(process=world.process,
                                                        actor=personas.alice,
                                                        first_at=timezone.now()))
    assert sum(isinstance(r, list) for r in results) == 1
    assert world.process.sessions.count() == 7
