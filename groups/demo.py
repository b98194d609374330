"""Demo data for leader-group development: waves, processes in every phase,
sessions, training tasks, and purpose posters with several versions.

Called by ``manage.py seed_demo`` after the groups themselves exist. Everything
is planned in memory and bulk-inserted; names and texts are invented.

Fjordvik: wave 1 (top management's groups) is finished or in follow-up, wave
2 (enterprises in Oppvekst og utdanning and Helse og velferd) is under way,
wave 3 (the other enterprises) is planned with the first sessions booked,
wave 4 (department heads' team-leader groups) is being planned. The group
headed by ``leder.gruppe@fjordvik.example`` is in its development sessions,
with four poster versions (version 3 published, version 4 a newer draft
with comments). Lia (nynorsk) has one group under way.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from accounts.models import LeaderLevel, Organisation, Unit, User

from . import demo_content as text
from .models import (
    GroupProcess,
    LeaderGroup,
    LeaderGroupMembership,
    Phase,
    PosterComment,
    PosterCommitment,
    PosterVersion,
    ProcessSession,
    PurposePoster,
    RolloutWave,
    SessionKind,
    TaskCompletion,
    TrainingTask,
)

INTERVAL = dt.timedelta(days=28)
GROUP_HEAD_EMAIL = "leder.gruppe@fjordvik.example"
FACILITATOR_EMAIL = "fasilitator@fjordvik.example"
# Facilitators this module adds (the demo facilitator account comes from accounts).
FACILITATORS_LARGE = [("Sander Tveitå", "sander.tveita@fjordvik.example"),
                      ("Hedda Rognstad", "hedda.rognstad@fjordvik.example"),
                      ("Jostein Aalvik", "jostein.aalvik@fjordvik.example")]
FACILITATORS_SMALL = [("Solveig Nesheim", "solveig.nesheim@lia.example")]


@dataclass
class _Group:
    pk: int
    name: str
    level: str
    area: str
    head_email: str
    head_user_id: int
    unit: str = ""
    members: list[tuple[int, int]] = field(default_factory=list)  # (leader id, user id)


def _at(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _groups(org: Organisation) -> list[_Group]:
    areas = dict(Unit.objects.filter(organisation=org, depth=1).values_list("path", "name"))
    groups = {
        g["pk"]: _Group(g["pk"], g["name"], g["head__level"],
                        areas.get(g["unit__path"][:Unit.steplen], ""), g["head__user__email"],
                        g["head__user_id"], g["unit__name"])
        for g in LeaderGroup.objects.filter(organisation=org).values(
            "pk", "name", "head__level", "head__user__email", "head__user_id", "unit__path",
            "unit__name").order_by("unit__path", "name")
    }
    for group_id, leader_id, user_id in LeaderGroupMembership.objects.filter(
            group__organisation=org).values_list("group_id", "leader_id", "leader__user_id"):
        groups[group_id].members.append((leader_id, user_id))
    return list(groups.values())


class _Seeder:
    """Plans one municipality's processes and posters, then writes them in bulk."""

    def __init__(self, org: Organisation, rng: random.Random, today: dt.date, *,
                 nynorsk: bool) -> None:
        self.org, self.rng, self.today, self.nynorsk = org, rng, today, nynorsk
        self.now = timezone.now()
        self.counts: Counter[str] = Counter()
        # Groups whose poster shows the whole story: four versions, the third published,
        # the fourth a newer draft with comments.
        self.showcase: set[int] = set()

    def waves(self, specs: list[tuple[str, int, int, str]]) -> list[RolloutWave]:
        waves = [RolloutWave(organisation=self.org, number=n, name=name,
                             starts_on=self.today + dt.timedelta(days=start),
                             ends_on=self.today + dt.timedelta(days=start + 270), priority=why)
                 for n, (name, start, _unused, why) in enumerate(specs, start=1)]
        RolloutWave.objects.bulk_create(waves)
        self.counts["rollout waves"] += len(waves)
        return waves

    def processes(self, plan: list[tuple[_Group, RolloutWave, int | None, User]],
                  booked: set[int]) -> None:
        """``plan``: (group, wave, days since start or None if not started, facilitator)."""
        processes, sessions = [], []
        for priority, (group, wave, started_ago, facilitator) in enumerate(plan, start=1):
            started = self.today - dt.timedelta(days=started_ago) if started_ago is not None \
                else None
            process = GroupProcess(group_id=group.pk, wave=wave, priority=priority,
                                   facilitator=facilitator, phase=Phase.PLANNED,
                                   started_on=started)
            group_sessions: list[ProcessSession] = []
            first = started or (wave.starts_on + dt.timedelta(days=7 * len(processes) % 84)
                                if group.pk in booked else None)
            if started is not None and started_ago is not None and started_ago < 7:
                first = self.today + dt.timedelta(days=10)  # started; start session ahead
            if first is not None:
                group_sessions = self._sessions(process, first, group)
            self._set_phase(process, group_sessions)
            processes.append((process, group, group_sessions))
        GroupProcess.objects.bulk_create([p for p, _g, _s in processes])
        for process, _group, group_sessions in processes:
            for s in group_sessions:
                s.process_id = process.pk
            sessions.extend(group_sessions)
        ProcessSession.objects.bulk_create(sessions, batch_size=2000)
        self.counts["development processes"] += len(processes)
        self.counts["group sessions"] += len(sessions)
        self._tasks(processes)
        self._posters(processes)

    def _sessions(self, process: GroupProcess, first: dt.date,
                  group: _Group) -> list[ProcessSession]:
        development = self.rng.choice([5, 5, 6])
        kinds = [SessionKind.START] + [SessionKind.DEVELOPMENT] * development + [
            SessionKind.FOLLOW_UP]
        meeting = self.rng.choice(text.MEETINGS_NB)
        result = []
        for n, kind in enumerate(kinds, start=1):
            day = first + INTERVAL * (n - 1)
            held = process.started_on is not None and day < self.today
            topic = (text.TOPIC_START_NB if kind == SessionKind.START
                     else text.TOPIC_FOLLOW_UP_NB if kind == SessionKind.FOLLOW_UP
                     else text.TOPICS_NB[(n - 2) % len(text.TOPICS_NB)])
            result.append(ProcessSession(
                number=n, kind=kind, planned_at=_at(day), meeting=meeting, topic=topic,
                # Each group meets in its own unit's room, as groups do (one room for
                # all would put dozens of sessions in it at once: a room clash).
                location=f"Møterommet, {group.unit}", held_on=day if held else None,
                notes=text.NOTES_NB if held else ""))
        return result

    def _set_phase(self, process: GroupProcess, sessions: list[ProcessSession]) -> None:
        """The phase the sessions held so far imply, as the services would have set it."""
        if process.started_on is None:
            return
        held = {k: sum(1 for s in sessions if s.kind == k and s.held_on) for k in SessionKind}
        total = {k: sum(1 for s in sessions if s.kind == k) for k in SessionKind}
        process.phase = Phase.START
        if held[SessionKind.START]:
            process.phase = Phase.DEVELOPMENT
        if held[SessionKind.DEVELOPMENT] == total[SessionKind.DEVELOPMENT]:
            process.phase = Phase.FOLLOW_UP
        follow_up = next((s for s in sessions if s.kind == SessionKind.FOLLOW_UP), None)
        if follow_up and follow_up.held_on and follow_up.held_on <= self.today - dt.timedelta(
                days=30):
            process.phase = Phase.FINISHED
            process.finished_on = follow_up.held_on + dt.timedelta(days=14)

    def _tasks(self, processes: list[tuple[GroupProcess, _Group, list[ProcessSession]]]) -> None:
        pool = text.TASKS_NN if self.nynorsk else text.TASKS_NB
        tasks, owners = [], []
        for process, group, sessions in processes:
            for s in sessions:
                if not s.held_on or s.kind == SessionKind.FOLLOW_UP:
                    continue
                title, instructions = pool[(s.number - 1) % len(pool)]
                tasks.append(TrainingTask(process=process, after_session=s, title=title,
                                          instructions=instructions,
                                          due_on=s.held_on + dt.timedelta(days=21),
                                          created_at=s.planned_at))
                owners.append(group)
        TrainingTask.objects.bulk_create(tasks, batch_size=2000)
        completions = []
        for task, group in zip(tasks, owners, strict=True):
            likely = 0.85 if task.due_on < self.today else 0.35
            for leader_id, _user in group.members:
                if self.rng.random() < likely:
                    done = min(_at(task.due_on, 15), self.now) - dt.timedelta(
                        hours=self.rng.randint(1, 200))
                    completions.append(TaskCompletion(task=task, leader_id=leader_id,
                                                      done_at=done))
        TaskCompletion.objects.bulk_create(completions, batch_size=5000)
        self.counts["training tasks"] += len(tasks)

    def _posters(self, processes: list[tuple[GroupProcess, _Group, list[ProcessSession]]]) -> None:
        posters, versions, commitments, comments = [], [], [], []
        published: dict[int, tuple[PosterVersion, int]] = {}
        for process, group, sessions in processes:
            held = [s for s in sessions if s.held_on]
            if len(held) < 3 or not group.members:
                continue  # the poster is first drafted at the second development session
            demo = group.pk in self.showcase
            n = 4 if demo else self.rng.randint(2, 5)
            publish = demo or process.phase in (Phase.FOLLOW_UP, Phase.FINISHED) or (
                len(held) >= 5 and self.rng.random() < 0.5)
            publish_number = 3 if demo else (n if self.rng.random() < 0.7 else n - 1)
            poster = PurposePoster(group_id=group.pk)
            posters.append(poster)
            start = held[2].held_on
            span = max(1, (self.today - start).days)
            final = self.rng.sample(text.COMMITMENTS_NN if self.nynorsk else text.COMMITMENTS_NB,
                                    k=min(5, len(text.COMMITMENTS_NN)) if self.nynorsk
                                    else self.rng.randint(4, 6))
            for i in range(1, n + 1):
                saved = _at(start + dt.timedelta(days=span * (i - 1) // n),
                            10 + i % 6) + dt.timedelta(minutes=self.rng.randint(0, 50))
                version = PosterVersion(poster=poster, number=i, created_at=saved,
                                        lead=text.LEAD_NN if self.nynorsk else text.LEAD_NB,
                                        author_id=self.rng.choice(group.members)[1])
                if publish and i == publish_number:
                    version.first_published_at = saved + dt.timedelta(hours=2)
                    published[id(poster)] = (version, group.head_user_id)
                versions.append(version)
                count = len(final) if i == n else min(len(final), 2 + i)
                for position, (rough, wording, purpose) in enumerate(final[:count], start=1):
                    polished = i == n or position <= i
                    commitments.append(PosterCommitment(
                        version=version, position=position, text=wording if polished else rough,
                        purpose=purpose if i > 1 else ""))
                if i >= n - 1 and not (publish and i == publish_number):
                    pool = text.COMMENTS_NN if self.nynorsk else text.COMMENTS_NB
                    for k in range(2 if demo else self.rng.randint(0, 2)):
                        comments.append(PosterComment(
                            version=version, body=pool[(i + k) % len(pool)],
                            author_id=self.rng.choice(group.members)[1],
                            created_at=saved + dt.timedelta(hours=3 + k)))
        PurposePoster.objects.bulk_create(posters)
        for v in versions:
            v.poster_id = v.poster.pk
        PosterVersion.objects.bulk_create(versions, batch_size=2000)
        for c in commitments:
            c.version_id = c.version.pk
        PosterCommitment.objects.bulk_create(commitments, batch_size=5000)
        for c in comments:
            c.version_id = c.version.pk
        PosterComment.objects.bulk_create(comments, batch_size=2000)
        to_update = []
        for poster in posters:
            if id(poster) in published:
                version, head_user_id = published[id(poster)]
                poster.published_version = version
                poster.published_at = version.first_published_at
                poster.published_by_id = head_user_id  # only the head publishes
                to_update.append(poster)
        PurposePoster.objects.bulk_update(to_update, ["published_version", "published_at",
                                                      "published_by"], batch_size=1000)
        self.counts["poster versions"] += len(versions)
        self.counts["published posters"] += len(to_update)


def _facilitators(org: Organisation, names: list[tuple[str, str]], language: str,
                  keep: list[str]) -> list[User]:
    password = User.objects.filter(email=FACILITATOR_EMAIL).values_list("password",
                                                                        flat=True).first()
    User.objects.bulk_create([User(email=email, full_name=name, organisation=org,
                                   is_facilitator=True, language=language,
                                   password=password or "!")
                              for name, email in names])
    return list(User.objects.filter(email__in=keep + [e for _n, e in names]).order_by("email"))


def _seed_large(org: Organisation, rng: random.Random, today: dt.date) -> Counter[str]:
    seeder = _Seeder(org, rng, today, nynorsk=False)
    waves = seeder.waves([
        ("Bølge 1: toppledelsens ledergrupper", -420, 0,
         "Toppledelsen går foran: kommunedirektørens ledergruppe og ledergruppene i alle "
         "tjenesteområder."),
        ("Bølge 2: Oppvekst og utdanning, Helse og velferd", -250, 0,
         "De to største tjenesteområdene, virksomhetsledernes ledergrupper først."),
        ("Bølge 3: øvrige virksomheter", 60, 0,
         "Virksomhetene i de andre tjenesteområdene, i rekkefølge etter behov meldt i "
         "kartleggingen."),
        ("Bølge 4: avdelingenes teamledergrupper", 330, 0,
         "Avdelingsledere med teamledere; gruppene med flest nye ledere først."),
    ])
    facilitators = _facilitators(org, FACILITATORS_LARGE, "nb", keep=[FACILITATOR_EMAIL])
    demo_facilitator = next(f for f in facilitators if f.email == FACILITATOR_EMAIL)
    wave2_areas = ("Oppvekst og utdanning", "Helse og velferd")
    by_wave: dict[int, list[_Group]] = defaultdict(list)
    for group in _groups(org):
        if group.level in (LeaderLevel.MUNICIPAL_DIRECTOR, LeaderLevel.MUNICIPAL_HEAD):
            by_wave[0].append(group)
        elif group.level == LeaderLevel.ENTERPRISE_LEADER:
            by_wave[1 if group.area.startswith(wave2_areas) else 2].append(group)
        else:
            by_wave[3].append(group)
    plan: list[tuple[_Group, RolloutWave, int | None, User]] = []
    for i, group in enumerate(by_wave[0]):
        plan.append((group, waves[0], 420 - 28 * (i % 9), facilitators[i % len(facilitators)]))
    for i, group in enumerate(by_wave[1]):
        demo = group.head_email == GROUP_HEAD_EMAIL
        if demo:
            seeder.showcase.add(group.pk)
        # Staggered starts give every phase: finished, follow-up, development, and the
        # last one has just started (its start session is ahead).
        started = 95 if demo else 3 if i == len(by_wave[1]) - 1 else 250 - 14 * (i % 17)
        plan.append((group, waves[1], started,
                     demo_facilitator if demo or i % 3 == 0 else facilitators[i % 4]))
    for i, group in enumerate(by_wave[2]):
        plan.append((group, waves[2], None, facilitators[i % len(facilitators)]))
    team_groups = by_wave[3][: (len(by_wave[3]) + 1) // 2]  # the rest are not planned yet
    for group in team_groups:
        plan.append((group, waves[3], None, None))
    booked = {g.pk for g in by_wave[2][:8]}
    seeder.processes(plan, booked)
    return seeder.counts


def _seed_small(org: Organisation, rng: random.Random, today: dt.date) -> Counter[str]:
    seeder = _Seeder(org, rng, today, nynorsk=True)
    (wave,) = seeder.waves([("Bølgje 1: alle leiargruppene", -130, 0,
                             "Leiargruppa til kommunedirektøren først, deretter skulen.")])
    (facilitator,) = _facilitators(org, FACILITATORS_SMALL, "nn", keep=[])
    groups = _groups(org)
    seeder.showcase.add(groups[0].pk)
    plan = [(g, wave, 120 if i == 0 else None, facilitator) for i, g in enumerate(groups)]
    seeder.processes(plan, booked=set())
    return seeder.counts


def seed_demo(*, large: Organisation, small: Organisation, rng: random.Random, today: dt.date,
              scale: int) -> dict[str, int]:
    counts = _seed_large(large, rng, today) + _seed_small(small, rng, today)
    return dict(counts)


def delete_demo(*, organisations: Any) -> None:
    """Remove this app's demo rows bottom-up with set-based deletes (fast at scale 10)."""
    groups = LeaderGroup.objects.filter(organisation__in=organisations)
    TaskCompletion.objects.filter(task__process__group__in=groups).delete()
    TrainingTask.objects.filter(process__group__in=groups).delete()
    PosterComment.objects.filter(version__poster__group__in=groups).delete()
    PosterCommitment.objects.filter(version__poster__group__in=groups).delete()
    PurposePoster.objects.filter(group__in=groups).update(published_version=None)
    PosterVersion.objects.filter(poster__group__in=groups).update(based_on=None)
    PosterVersion.objects.filter(poster__group__in=groups).delete()
    PurposePoster.objects.filter(group__in=groups).delete()
    ProcessSession.objects.filter(process__group__in=groups).delete()
    GroupProcess.objects.filter(group__in=groups).delete()
    RolloutWave.objects.filter(organisation__in=organisations).delete()
    User.objects.filter(organisation__in=organisations, email__in=[
        email for _name, email in FACILITATORS_LARGE + FACILITATORS_SMALL]).delete()
