"""Leader-group sessions and the weekly facilitator digest."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from groups.reminders import session_reminders
from groups.tests.factories import FacilitatorFactory, GroupProcessFactory, ProcessSessionFactory
from lib.models import SentReminder
from programs.tests.factories import GatheringFactory, ModuleSessionFactory
from reports.models import ReminderPolicy
from reports.reminders import facilitator_digests
from tests.factories import LeaderGroupFactory, LeaderGroupMembershipFactory

pytestmark = pytest.mark.django_db


def _group_session(org, *, members=1, when=None):
    group = LeaderGroupFactory(organisation=org)
    for _ in range(members):
        LeaderGroupMembershipFactory(group=group, leader__organisation=org)
    process = GroupProcessFactory(group=group)
    return ProcessSessionFactory(process=process, topic="Formålsplakaten",
                                 planned_at=when or timezone.now() + dt.timedelta(days=10))


def test_group_session_reminds_members_head_and_facilitator_once(personas, run_sweep):
    ReminderPolicy.objects.create(organisation=personas.org_a, digest_on=False)
    session = _group_session(personas.org_a, members=2)
    now = session.planned_at - dt.timedelta(days=6)
    assert run_sweep(now) == 4  # two members, the head, the facilitator
    assert run_sweep(now) == 0
    assert len(mail.outbox) == 4
    message = mail.outbox[0]
    assert session.process.group.name in message.subject
    assert "Formålsplakaten" in message.body
    assert message.attachments[0].mimetype == "text/calendar"


def test_held_session_is_not_reminded(personas, run_sweep):
    ReminderPolicy.objects.create(organisation=personas.org_a, digest_on=False)
    session = _group_session(personas.org_a)
    session.held_on = timezone.localdate()
    session.save()
    assert run_sweep(session.planned_at - dt.timedelta(days=1)) == 0


@pytest.mark.parametrize("scale", [1, 10])
def test_group_source_is_a_fixed_number_of_queries(personas, scale,
                                                   django_assert_max_num_queries):
    ReminderPolicy.objects.create(organisation=personas.org_a)
    for _ in range(scale):
        _group_session(personas.org_a, members=3, when=timezone.now() + dt.timedelta(days=2))
    # organisations in window, policies, sent log, sessions (+group, head, facilitator),
    # memberships (+leaders, users)
    with django_assert_max_num_queries(5):
        dues = list(session_reminders(timezone.now()))
    assert len(dues) == 5 * scale


def _monday(days_ahead: int = 7):
    today = timezone.localdate() + dt.timedelta(days=days_ahead)
    monday = today - dt.timedelta(days=today.weekday())
    return timezone.make_aware(dt.datetime.combine(monday, dt.time(7)))


def test_weekly_digest_lists_what_the_facilitator_leads(personas, run_sweep):
    monday = _monday()
    facilitator = FacilitatorFactory(organisation=personas.org_a, email="frida@askvik.example",
                                     language="nn")
    session = ModuleSessionFactory(module__programme__organisation=personas.org_a,
                                   module__topic="Konflikthåndtering",
                                   date=monday.date() + dt.timedelta(days=2))
    session.facilitators.add(facilitator)
    gathering = GatheringFactory(programme__organisation=personas.org_a, theme="Gjennomføring",
                                 date=monday.date() + dt.timedelta(days=9))
    gathering.advisers.add(facilitator)
    GatheringFactory(programme__organisation=personas.org_a, theme="Langt fram",
                     date=monday.date() + dt.timedelta(days=30)).advisers.add(facilitator)
    ReminderPolicy.objects.create(organisation=personas.org_a, sessions_on=False,
                                  gatherings_on=False)
    assert run_sweep(monday) == 1
    assert run_sweep(monday + dt.timedelta(hours=2)) == 0
    assert run_sweep(monday + dt.timedelta(days=1)) == 0  # not the digest day
    message = mail.outbox[0]
    assert message.to == ["frida@askvik.example"]
    assert "Det du leier" in message.subject  # nynorsk
    assert "Konflikthåndtering" in message.body
    assert "Gjennomføring" in message.body
    assert "Langt fram" not in message.body
    assert SentReminder.objects.get().kind == "digest"


def test_digest_weekday_and_switch_come_from_the_policy(personas, run_sweep):
    FacilitatorFactory(organisation=personas.org_a)
    monday = _monday()
    ReminderPolicy.objects.create(organisation=personas.org_a, digest_weekday=2)
    assert run_sweep(monday) == 0
    assert run_sweep(monday + dt.timedelta(days=2)) == 1
    ReminderPolicy.objects.filter(organisation=personas.org_a).update(digest_on=False)
    assert run_sweep(monday + dt.timedelta(days=9)) == 0


@pytest.mark.parametrize("scale", [1, 10])
def test_digest_is_a_fixed_number_of_queries(personas, scale, django_assert_max_num_queries):
    monday = _monday()
    ReminderPolicy.objects.create(organisation=personas.org_a)
    for _ in range(scale):
        facilitator = FacilitatorFactory(organisation=personas.org_a)
        ModuleSessionFactory(module__programme__organisation=personas.org_a,
                             date=monday.date() + dt.timedelta(days=1)).facilitators.add(
            facilitator)
        ProcessSessionFactory(process=GroupProcessFactory(group__organisation=personas.org_a,
                                                          facilitator=facilitator),
                              planned_at=monday + dt.timedelta(days=3))
    # facilitators, policies, sent log, module sessions, gatherings, group sessions,
    # network meetings
    with django_assert_max_num_queries(7):
        dues = list(facilitator_digests(monday))
    assert len(dues) == scale
    assert sum(len(d.context["items"]) for d in dues) == 2 * scale
