"""Planning, starting and running a group's development process."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation

from groups import services
from groups.models import GroupProcess, Phase, SessionKind, TaskCompletion
from lib.models import AuditEntry
from lib.testing import assert_refused
from tests.factories import LeaderGroupFactory, UserFactory

from .factories import FacilitatorFactory, RolloutWaveFactory, TrainingTaskFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_plan_creates_processes_and_leaves_started_ones_alone(world, personas):
    other = LeaderGroupFactory(organisation=personas.org_a)
    wave2 = RolloutWaveFactory(organisation=personas.org_a, number=2)
    result = services.processes_plan(groups=[world.group, other], wave=wave2, facilitator=None,
                                     actor=personas.alice)
    assert (result.created, result.moved, result.skipped) == (1, 0, 1)
    world.process.refresh_from_db()
    assert world.process.wave.number == 1  # under way: not moved
    assert GroupProcess.objects.get(group=other).wave == wave2
    assert AuditEntry.objects.filter(action="groups.process.planned").exists()


def test_plan_refuses_another_municipalitys_wave_or_a_non_facilitator(world, personas):
    other = LeaderGroupFactory(organisation=personas.org_a)
    foreign_wave = RolloutWaveFactory(organisation=personas.org_b, number=1)
    with assert_refused("other_municipality"):
        services.processes_plan(groups=[other], wave=foreign_wave, facilitator=None,
                                actor=personas.alice)
    plain = UserFactory(organisation=personas.org_a)
    with assert_refused("not_facilitator"):
        services.processes_plan(groups=[other], wave=None, facilitator=plain,
                                actor=personas.alice)
    foreign = FacilitatorFactory(organisation=personas.org_b)
    with assert_refused("other_municipality"):
        services.processes_plan(groups=[other], wave=None, facilitator=foreign,
                                actor=personas.alice)
    assert not GroupProcess.objects.filter(group=other).exists()


def test_start_once_and_only_with_a_facilitator(world, personas):
    with assert_refused("already_started"):
        services.process_start(process=world.process, actor=personas.alice)
    other = LeaderGroupFactory(organisation=personas.org_a)
    services.processes_plan(groups=[other], wave=None, facilitator=None, actor=personas.alice)
    process = GroupProcess.objects.get(group=other)
    with assert_refused("no_facilitator"):
        services.process_start(process=process, actor=personas.alice)
    process.refresh_from_db()
    assert process.phase == Phase.PLANNED and process.started_on is None


def test_sessions_plan_a_whole_series_once(world, personas):
    first = timezone.now() + dt.timedelta(days=3)
    sessions = services.sessions_plan(process=world.process, actor=personas.alice, first_at=first,
                                      development_sessions=6, interval_days=21,
                                      meeting="Ledermøte tirsdag")
    assert [s.kind for s in sessions] == ([SessionKind.START] + [SessionKind.DEVELOPMENT] * 6
                                          + [SessionKind.FOLLOW_UP])
    assert sessions[1].planned_at - sessions[0].planned_at == dt.timedelta(days=21)
    assert all(s.meeting == "Ledermøte tirsdag" for s in sessions)
    with assert_refused("already_planned"):
        services.sessions_plan(process=world.process, actor=personas.alice, first_at=first)
    assert world.process.sessions.count() == 8


@pytest.mark.parametrize("kwargs,code", [
    ({"development_sessions": 4}, "invalid_session_count"),
    ({"interval_days": 3}, "invalid_interval"),
    ({"duration_minutes": 5}, "invalid_duration"),
])
def test_sessions_plan_refuses_bad_numbers(world, personas, kwargs, code):
    with assert_refused(code):
        services.sessions_plan(process=world.process, actor=personas.alice,
                               first_at=timezone.now(), **kwargs)
    assert not world.process.sessions.exists()


def _record(world, number, held_on, actor):
    session = world.process.sessions.get(number=number)
    return services.session_record(session=session, actor=actor, planned_at=session.planned_at,
                                   held_on=held_on, topic="Tema", notes="Notat")


def test_holding_sessions_moves_the_phase_on(world, personas):
    today = timezone.localdate()
    services.sessions_plan(process=world.process, actor=personas.alice,
                           first_at=timezone.now() - dt.timedelta(days=35), interval_days=7)
    assert world.process.phase == Phase.START
    _record(world, 1, today - dt.timedelta(days=30), world.facilitator)
    world.process.refresh_from_db()
    assert world.process.phase == Phase.DEVELOPMENT
    for number in range(2, 7):
        _record(world, number, today - dt.timedelta(days=1), world.facilitator)
    world.process.refresh_from_db()
    assert world.process.phase == Phase.FOLLOW_UP
    assert AuditEntry.objects.filter(action="groups.session.held").count() == 6
    services.process_finish(process=world.process, actor=personas.alice)
    world.process.refresh_from_db()
    assert world.process.phase == Phase.FINISHED and world.process.finished_on == today
    with assert_refused("finished"):
        services.process_finish(process=world.process, actor=personas.alice)


def test_a_session_is_not_held_in_the_future_or_before_the_start(world, personas):
    services.sessions_plan(process=world.process, actor=personas.alice, first_at=timezone.now())
    with assert_refused("future"):
        _record(world, 1, timezone.localdate() + dt.timedelta(days=1), world.facilitator)
    with assert_refused("before_start"):
        _record(world, 1, world.process.started_on - dt.timedelta(days=1), world.facilitator)
    assert world.process.sessions.get(number=1).held_on is None


def test_a_planned_process_holds_no_sessions(personas):
    group = LeaderGroupFactory(organisation=personas.org_a)
    services.processes_plan(groups=[group], wave=None, facilitator=None, actor=personas.alice)
    process = GroupProcess.objects.get(group=group)
    services.sessions_plan(process=process, actor=personas.alice, first_at=timezone.now())
    session = process.sessions.get(number=1)
    with assert_refused("not_started"):
        services.session_record(session=session, actor=personas.alice,
                                planned_at=session.planned_at, held_on=timezone.localdate())


def test_tasks_are_marked_once_per_member(world, personas):
    task = TrainingTaskFactory(process=world.process)
    bob = personas.bob_leader
    assert services.task_mark_done(task=task, leader=bob) is True
    services.task_mark_done(task=task, leader=bob)
    assert TaskCompletion.objects.filter(task=task).count() == 1
    services.task_mark_done(task=task, leader=bob, done=False)
    assert not TaskCompletion.objects.filter(task=task).exists()
    with pytest.raises(PermissionDenied):
        services.task_mark_done(task=task, leader=world.outsider_leader.leader)


def test_task_needs_a_title_and_a_session_of_the_same_process(world, personas):
    with assert_refused("required"):
        services.task_create(process=world.process, actor=world.facilitator, title="  ")
    other = LeaderGroupFactory(organisation=personas.org_a)
    services.processes_plan(groups=[other], wave=None, facilitator=None, actor=personas.alice)
    other_process = GroupProcess.objects.get(group=other)
    foreign_session = services.sessions_plan(process=other_process, actor=personas.alice,
                                             first_at=timezone.now())[0]
    with assert_refused("other_process"):
        services.task_create(process=world.process, actor=world.facilitator, title="Oppgave",
                             after_session=foreign_session)
    assert not world.process.tasks.exists()
