"""Writes for the development process: plan, start, sessions, training tasks, finish."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Leader, User
from lib.audit import audit_log

from ..calendar import session_event
from ..models import (
    GroupProcess,
    LeaderGroup,
    LeaderGroupMembership,
    Phase,
    ProcessSession,
    RolloutWave,
    SessionKind,
    TaskCompletion,
    TrainingTask,
)
from .calendar import session_moved

DEVELOPMENT_SESSIONS = (5, 6)


@dataclass(frozen=True)
class ProcessesPlanned:
    created: int
    moved: int
    skipped: int  # already started: their wave and facilitator stay as they are


def _check_facilitator(facilitator: User | None, organisation_id: int) -> None:
    if facilitator is None:
        return
    if not facilitator.is_facilitator:
        raise ValidationError({"facilitator": ValidationError(
            _("This person is not registered as a facilitator."), code="not_facilitator")})
    if facilitator.organisation_id != organisation_id:
        raise ValidationError({"facilitator": ValidationError(
            _("The facilitator belongs to another municipality."), code="other_municipality")})


@transaction.atomic
def processes_plan(*, groups: Iterable[LeaderGroup], wave: RolloutWave | None,
                   facilitator: User | None, actor: User | None) -> ProcessesPlanned:
    """Put groups into a rollout wave (with a facilitator), creating their processes.

    Guarantees one process per group (locked group rows and a one-to-one
    constraint), that a process already under way is left untouched, and that
    wave, facilitator and groups all belong to the same municipality.
    """
    pks = [g.pk for g in groups]
    locked = list(LeaderGroup.objects.select_for_update().filter(pk__in=pks).order_by("pk"))
    organisations = {g.organisation_id for g in locked}
    if len(organisations) > 1:
        raise ValidationError(_("Choose groups from one municipality at a time."),
                              code="mixed_municipalities")
    if not locked:
        return ProcessesPlanned(0, 0, 0)
    organisation_id = organisations.pop()
    if wave is not None and wave.organisation_id != organisation_id:
        raise ValidationError({"wave": ValidationError(
            _("The wave belongs to another municipality."), code="other_municipality")})
    _check_facilitator(facilitator, organisation_id)
    existing = {p.group_id: p for p in GroupProcess.objects.filter(group__in=locked)}
    created = moved = skipped = 0
    new = []
    for group in locked:
        process = existing.get(group.pk)
        if process is None:
            new.append(GroupProcess(group=group, wave=wave, facilitator=facilitator))
            created += 1
        elif process.phase != Phase.PLANNED:
            skipped += 1
        else:
            process.wave = wave
            if facilitator is not None:
                process.facilitator = facilitator
            process.save(update_fields=["wave", "facilitator"])
            moved += 1
    GroupProcess.objects.bulk_create(new)
    audit_log(organisation=locked[0].organisation, actor=actor, action="groups.process.planned",
              obj=wave, summary=_("%(count)s groups planned into a rollout wave")
              % {"count": created + moved},
              data={"groups": pks, "wave": wave.pk if wave else None,
                    "facilitator": facilitator.pk if facilitator else None,
                    "created": created, "moved": moved, "skipped": skipped})
    return ProcessesPlanned(created, moved, skipped)


def _locked_process(process: GroupProcess) -> GroupProcess:
    return GroupProcess.objects.select_for_update().select_related("group__organisation").get(
        pk=process.pk)


@transaction.atomic
def process_start(*, process: GroupProcess, actor: User | None,
                  started_on: dt.date | None = None) -> GroupProcess:
    """Start a planned process: it enters the start-session phase, once only.

    Guarantees a process is started once (row lock), and only with a facilitator.
    """
    process = _locked_process(process)
    group = process.group
    if process.phase != Phase.PLANNED:
        raise ValidationError(_("The process of %(group)s has already started.")
                              % {"group": group.name}, code="already_started")
    if process.facilitator_id is None:
        raise ValidationError(_("Choose a facilitator for %(group)s before starting.")
                              % {"group": group.name}, code="no_facilitator")
    process.phase = Phase.START
    process.started_on = started_on or timezone.localdate()
    process.save(update_fields=["phase", "started_on"])
    audit_log(organisation=group.organisation, actor=actor, action="groups.process.started",
              obj=process, summary=_("Development process started for %(group)s")
              % {"group": group.name}, data={"started_on": process.started_on.isoformat()})
    return process


@transaction.atomic
def sessions_plan(*, process: GroupProcess, actor: User | None, first_at: dt.datetime,
                  development_sessions: int = 5, interval_days: int = 28, meeting: str = "",
                  location: str = "", duration_minutes: int = 180) -> list[ProcessSession]:
    """Plan the whole series: a start session, 5–6 development sessions, a follow-up.

    Guarantees the series is planned once (the process row is locked and an
    existing plan refuses a second one); sessions then change one by one.
    """
    if development_sessions not in DEVELOPMENT_SESSIONS:
        raise ValidationError({"development_sessions": ValidationError(
            _("A process has five or six development sessions."), code="invalid_session_count")})
    if not 7 <= interval_days <= 92:
        raise ValidationError({"interval_days": ValidationError(
            _("Leave between one week and three months between sessions."),
            code="invalid_interval")})
    if not 15 <= duration_minutes <= 8 * 60:
        raise ValidationError({"duration_minutes": ValidationError(
            _("A session lasts between 15 minutes and 8 hours."), code="invalid_duration")})
    process = _locked_process(process)
    group = process.group
    if process.phase == Phase.FINISHED:
        raise ValidationError(_("The process of %(group)s is finished.") % {"group": group.name},
                              code="finished")
    if process.sessions.exists():
        raise ValidationError(_("Sessions are already planned for %(group)s; change them one "
                                "by one.") % {"group": group.name}, code="already_planned")
    kinds = ([SessionKind.START] + [SessionKind.DEVELOPMENT] * development_sessions
             + [SessionKind.FOLLOW_UP])
    sessions = [
        ProcessSession(process=process, number=n, kind=kind, meeting=meeting.strip(),
                       location=location.strip(), duration_minutes=duration_minutes,
                       planned_at=first_at + dt.timedelta(days=interval_days * (n - 1)))
        for n, kind in enumerate(kinds, start=1)
    ]
    ProcessSession.objects.bulk_create(sessions)
    audit_log(organisation=group.organisation, actor=actor, action="groups.sessions.planned",
              obj=process, summary=_("%(count)s sessions planned for %(group)s")
              % {"count": len(sessions), "group": group.name},
              data={"first_at": first_at.isoformat(), "interval_days": interval_days})
    return list(process.sessions.order_by("number"))


def _advance_phase(process: GroupProcess) -> None:
    """Move the phase forward from what has been held; it never moves back by itself."""
    held = dict.fromkeys(SessionKind.values, 0)
    total = dict.fromkeys(SessionKind.values, 0)
    for kind, held_on in process.sessions.values_list("kind", "held_on"):
        total[kind] += 1
        held[kind] += held_on is not None
    phase = process.phase
    if phase == Phase.START and held[SessionKind.START]:
        phase = Phase.DEVELOPMENT
    if (phase == Phase.DEVELOPMENT and total[SessionKind.DEVELOPMENT]
            and held[SessionKind.DEVELOPMENT] == total[SessionKind.DEVELOPMENT]):
        phase = Phase.FOLLOW_UP
    if phase != process.phase:
        process.phase = phase
        process.save(update_fields=["phase"])


@transaction.atomic
def session_record(*, session: ProcessSession, actor: User | None, planned_at: dt.datetime,
                   held_on: dt.date | None, topic: str = "", notes: str = "",
                   meeting: str = "", location: str = "") -> ProcessSession:
    """Change a session's plan or record it as held, with notes for the group.

    Guarantees a session is held only in a started process and not in the
    future, and moves the phase on (start → development → follow-up) as the
    sessions are held.
    """
    process = _locked_process(session.process)
    session = ProcessSession.objects.select_for_update().get(pk=session.pk, process=process)
    if held_on is not None:
        if process.phase == Phase.PLANNED:
            raise ValidationError({"held_on": ValidationError(
                _("Start the process before recording sessions as held."), code="not_started")})
        if held_on > timezone.localdate():
            raise ValidationError({"held_on": ValidationError(
                _("A session cannot be held in the future."), code="future")})
        assert process.started_on is not None  # a started process has its date (constraint)
        if held_on < process.started_on:
            raise ValidationError({"held_on": ValidationError(
                _("A session cannot be held before the process started."), code="before_start")})
    was_held = session.held_on is not None
    before = session_event(session)
    session.planned_at = planned_at
    session.held_on = held_on
    session.topic = topic.strip()
    session.notes = notes.strip()
    session.meeting = meeting.strip()
    session.location = location.strip()
    session.save()
    _advance_phase(process)
    group = process.group
    if held_on is None:
        session_moved(session=session, before=before, actor=actor)
    if held_on is not None and not was_held:
        audit_log(organisation=group.organisation, actor=actor, action="groups.session.held",
                  obj=session, summary=_("%(session)s held with %(group)s")
                  % {"session": session, "group": group.name},
                  data={"held_on": held_on.isoformat()})
    return session


@transaction.atomic
def process_finish(*, process: GroupProcess, actor: User | None,
                   finished_on: dt.date | None = None) -> GroupProcess:
    """Close a process after follow-up; once only, and never before it started."""
    process = _locked_process(process)
    group = process.group
    if process.phase == Phase.PLANNED:
        raise ValidationError(_("The process of %(group)s has not started.")
                              % {"group": group.name}, code="not_started")
    if process.phase == Phase.FINISHED:
        raise ValidationError(_("The process of %(group)s is already finished.")
                              % {"group": group.name}, code="finished")
    finished_on = finished_on or timezone.localdate()
    assert process.started_on is not None  # a started process has its date (constraint)
    if finished_on < process.started_on:
        raise ValidationError(_("A process cannot finish before it started."),
                              code="before_start")
    process.phase = Phase.FINISHED
    process.finished_on = finished_on
    process.save(update_fields=["phase", "finished_on"])
    audit_log(organisation=group.organisation, actor=actor, action="groups.process.finished",
              obj=process, summary=_("Development process finished for %(group)s")
              % {"group": group.name}, data={"finished_on": finished_on.isoformat()})
    return process


@transaction.atomic
def task_create(*, process: GroupProcess, actor: User | None, title: str, instructions: str = "",
                due_on: dt.date | None = None,
                after_session: ProcessSession | None = None) -> TrainingTask:
    """Give the group a training task between sessions."""
    title = title.strip()
    if not title:
        raise ValidationError({"title": ValidationError(_("Give the task a title."),
                                                        code="required")})
    if after_session is not None and after_session.process_id != process.pk:
        raise ValidationError({"after_session": ValidationError(
            _("The session belongs to another process."), code="other_process")})
    process = _locked_process(process)
    if process.phase == Phase.FINISHED:
        raise ValidationError(_("The process of %(group)s is finished.")
                              % {"group": process.group.name}, code="finished")
    task = TrainingTask.objects.create(process=process, title=title,
                                       instructions=instructions.strip(), due_on=due_on,
                                       after_session=after_session)
    audit_log(organisation=process.group.organisation, actor=actor,
              action="groups.task.created", obj=task, summary=title)
    return task


@transaction.atomic
def task_mark_done(*, task: TrainingTask, leader: Leader, done: bool = True) -> bool:
    """Mark (or unmark) a member's training task as done; returns whether it is done.

    Guarantees at most one completion per member and task (row lock on the
    task plus a unique constraint), and that only members of the group mark.
    """
    task = TrainingTask.objects.select_for_update().select_related("process__group").get(
        pk=task.pk)
    group = task.process.group
    member = (group.head_id == leader.pk
              or LeaderGroupMembership.objects.filter(group=group, leader=leader).exists())
    if not member:
        raise PermissionDenied(_("Only members of the group mark its tasks done."))
    if done:
        TaskCompletion.objects.get_or_create(task=task, leader=leader)
    else:
        TaskCompletion.objects.filter(task=task, leader=leader).delete()
    return done
