"""The progress page: a timeline built from real data, what is next, the facilitator."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from groups import services, timeline
from groups.models import PosterVersion
from groups.selectors import next_milestone
from groups.timeline import Milestone, milestones_for, register_milestone_source
from lib.testing import assert_queries_stable
from tests.factories import LeaderFactory, LeaderGroupMembershipFactory

from .conftest import save_version
from .factories import TrainingTaskFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_milestones_only(monkeypatch):
    """Count this app's queries only: other apps' sources (the surveys app's Effect
    milestones) are tested for their own bulk query count where they live."""
    monkeypatch.setattr(timeline, "_sources", {"groups": timeline._sources["groups"]})


@pytest.fixture
def running(world, personas):
    services.sessions_plan(process=world.process, actor=personas.alice,
                           first_at=timezone.now() - dt.timedelta(days=35), interval_days=14)
    start = world.process.sessions.get(number=1)
    services.session_record(session=start, actor=world.facilitator, planned_at=start.planned_at,
                            held_on=timezone.localdate() - dt.timedelta(days=35),
                            notes="Gruppen delte forventninger.")
    return world


def _keys(group):
    return [m.key for m in milestones_for([group])[group.pk]]


def test_timeline_comes_from_sessions_tasks_and_poster(running, personas):
    group = running.group
    task = TrainingTaskFactory(process=running.process, title="Gi konkret ros",
                               due_on=timezone.localdate() - dt.timedelta(days=1))
    items = {m.key: m for m in milestones_for([group])[group.pk]}
    start = running.process.sessions.get(number=1)
    assert items[f"session_{start.pk}"].done
    assert not items[f"task_{task.pk}"].done
    assert "0 av 3" in items[f"task_{task.pk}"].label
    assert not items["poster_published"].done and items["poster_published"].date is None
    # Every member marks the task: the milestone is done, from the real completions.
    for user in (running.head, running.member, running.other_member):
        services.task_mark_done(task=task, leader=user.leader)
    save_version(running, running.member, ["Sette retning"])
    services.poster_publish(version=PosterVersion.objects.get(number=1), actor=running.head)
    items = {m.key: m for m in milestones_for([group])[group.pk]}
    assert items[f"task_{task.pk}"].done
    assert items["poster_drafted"].done and items["poster_published"].done
    dates = [m.date for m in milestones_for([group])[group.pk] if m.date]
    assert dates == sorted(dates)


def test_registered_sources_add_milestones_in_one_bulk_call(world):
    calls = []

    def effect_survey(groups):
        calls.append([g.pk for g in groups])
        return {g.pk: [Milestone(key="effect_before_opened", label="Effect før åpnet",
                                 date=timezone.localdate(), done=True, kind="survey")]
                for g in groups}

    register_milestone_source("test.effect", effect_survey)
    try:
        assert "effect_before_opened" in _keys(world.group)
        assert calls == [[world.group.pk]]
    finally:
        timeline._sources.pop("test.effect")
    assert "effect_before_opened" not in _keys(world.group)


def test_without_a_survey_source_no_survey_milestones_appear(running):
    assert not [m for m in milestones_for([running.group])[running.group.pk]
                if m.kind == "survey"]


def test_next_milestone_is_the_earliest_upcoming_open_one():
    today = dt.date(2027, 3, 1)
    items = [Milestone("a", "A", today - dt.timedelta(days=3), True),
             Milestone("b", "B", today + dt.timedelta(days=5), False),
             Milestone("c", "C", None, False),
             Milestone("d", "D", today - dt.timedelta(days=1), False)]
    assert next_milestone(items, today).key == "b"  # upcoming before overdue
    assert next_milestone([items[0], items[2], items[3]], today).key == "d"
    assert next_milestone([items[2]], today).key == "c"
    assert next_milestone([items[0]], today) is None


def test_page_shows_timeline_next_and_facilitator(client, running):
    client.force_login(running.member)
    text = client.get(reverse("groups:progress", args=[running.group.public_id])).content.decode()
    assert "Frank Fasilitator" in text and "frank@askvik.example" in text
    assert "Gruppen delte forventninger." in text
    assert 'id="next-milestone"' in text
    assert "Utviklingssamling 1" in text  # the next session, in bokmål
    # The group's sessions are "samlinger"; coaching's are "samtaler" (a msgid of their own).
    assert '<h2 id="sessions-heading">Samlinger</h2>' in text


def test_min_side_links_members_to_the_progress_page(client, running):
    client.force_login(running.member)
    text = client.get(reverse("accounts:min_side")).content.decode()
    assert reverse("groups:progress", args=[running.group.public_id]) in text
    assert reverse("groups:poster", args=[running.group.public_id]) in text


def test_progress_page_query_count_is_stable(client, running, personas, own_milestones_only):
    client.force_login(running.member)
    process = running.process
    n = {"i": 0}

    def grow(times: int) -> None:
        for _ in range(times):
            n["i"] += 1
            leader = LeaderFactory(organisation=personas.org_a)
            LeaderGroupMembershipFactory(group=running.group, leader=leader)
            task = TrainingTaskFactory(process=process)
            services.task_mark_done(task=task, leader=leader)
            last = process.sessions.order_by("-number").first()
            process.sessions.create(number=last.number + 1, kind="development",
                                    planned_at=last.planned_at + dt.timedelta(days=7))
            save_version(running, running.member, [f"Punkt {n['i']}"],
                         base=PosterVersion.objects.filter(poster__group=running.group).count()
                         or None)

    # session, user; the group with head, unit, process, wave, facilitator and
    # membership flag; members; sessions; tasks with counts and my ticks; the timeline's
    # posters (its processes, sessions, member counts and tasks are the rows read above).
    url = reverse("groups:progress", args=[running.group.public_id])
    assert_queries_stable(lambda: client.get(url), grow=grow, expected=7)


def test_the_progress_page_s_timeline_from_its_own_rows_equals_the_queries(running,
                                                                             personas):
    """The progress page builds the timeline from the process, sessions, tasks and members
    it has read (group_rows): the same milestones as the timeline's own five queries, for
    a running process with a held session, a task done by some, a published poster, and
    for a group without a process."""
    from groups.access import get_group_for_user
    from groups.selectors import progress_get
    from tests.factories import LeaderGroupFactory

    task = TrainingTaskFactory(process=running.process, title="Gi «konkret»\nros",
                               due_on=None)
    services.task_mark_done(task=task, leader=running.member.leader)
    save_version(running, running.member, ["Sette retning"])
    services.poster_publish(version=PosterVersion.objects.get(number=1), actor=running.head)
    bare = LeaderGroupFactory(organisation=personas.org_a, name="Ledergruppe uten prosess",
                              head=personas.bob_leader)
    for group, user in ((running.group, running.member), (bare, personas.bob)):
        page = progress_get(access=get_group_for_user(user, group.public_id))
        assert page.milestones == milestones_for([group])[group.pk]
        assert page.milestones  # not two empty lists


def test_min_side_panel_query_count_is_stable(running, personas):
    from groups.selectors import min_side_panel

    leader = personas.bob_leader

    def grow(times: int) -> None:
        for _ in range(times):
            group = LeaderGroupMembershipFactory(group__organisation=personas.org_a,
                                                 leader=leader).group
            services.processes_plan(groups=[group], wave=running.process.wave,
                                    facilitator=running.facilitator, actor=personas.alice)
            LeaderGroupMembershipFactory(group=group)

    # One query: the groups with head, unit, process, facilitator, wave, poster,
    # member count and next session. (The whole Min side page is counted in
    # accounts' tests, together with every app's panel.)
    count = assert_queries_stable(lambda: min_side_panel(leader.user, leader), grow=grow,
                                  expected=1)
    assert count == 1
    assert len(min_side_panel(leader.user, leader)["groups"]) == 11


def test_facilitator_panel_lists_facilitated_groups(running):
    from groups.selectors import min_side_panel

    panel = min_side_panel(running.facilitator, None)
    assert [g.name for g in panel["facilitated"]] == [running.group.name]


def test_the_sessions_table_and_the_timeline_name_each_session_alike(client, running):
    # Issue 21, item 12: the timeline said «Utviklingssamling 4» for the session the
    # table called «5. Utviklingssamling». Development sessions count among themselves.
    client.force_login(running.member)
    response = client.get(reverse("groups:progress", args=[running.group.public_id]))
    text = response.content.decode()
    timeline_labels = {m.key: m.label for m in response.context["page"].milestones}
    fifth = running.process.sessions.get(number=5)
    assert fifth.kind == "development"
    assert timeline_labels[f"session_{fifth.pk}"] == "Utviklingssamling 4"
    rows = {s.number: s.label for s in response.context["page"].sessions}
    assert rows == {s.number: timeline_labels[f"session_{s.pk}"]
                    for s in running.process.sessions.all()}
    assert '<th scope="row">Utviklingssamling 4' in text
    assert "5. Utviklingssamling" not in text
    # The session's own page names it the same way.
    client.force_login(running.facilitator)
    page = client.get(reverse("groups:session_edit", args=[running.group.public_id, 5]))
    assert "<h1>Utviklingssamling 4</h1>" in page.content.decode()
