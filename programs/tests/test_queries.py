"""Query counts of the module list, a module's page and the Min side panel stay flat."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from lib.testing import assert_queries_stable, round_trips
from programs import services
from programs.models import Attendance
from programs.selectors import min_side_panel
from tests.factories import LeaderFactory, UserFactory

from .conftest import make_module
from .factories import (
    EnrollmentFactory,
    GatheringFactory,
    ModuleSessionFactory,
    ProgrammeParticipantFactory,
)

pytestmark = pytest.mark.django_db


def _seat(personas, module, n, **leader_kwargs):
    done = []
    for _ in range(n):
        e = EnrollmentFactory(module=module, leader=LeaderFactory(
            organisation=personas.org_a, **leader_kwargs))
        done.append(services.enrollment_approve(enrollment=e, actor=personas.alice))
    return done


def test_module_list_query_count_is_flat(client, personas):
    client.force_login(personas.bob)

    def grow(n):
        for _ in range(n):
            module = make_module(personas.org_a, capacity=1)
            _seat(personas, module, 2)  # one seated, one waiting
            mine = EnrollmentFactory(module=module, leader=personas.bob_leader)
            services.enrollment_approve(enrollment=mine, actor=personas.alice)  # Bob waits

    # session, user with Bob's leader profile (+unit, municipality), modules with seat
    # counts and programme, their sessions (marked when Bob runs one), their audience
    # units, Bob's enrolments, waiting positions.
    assert_queries_stable(lambda: client.get(reverse("programs:module_list")), grow=grow,
                          expected=7)


@pytest.mark.postgres
def test_module_list_sends_its_reads_in_pairs(client, personas):
    """The modules with the leader's own enrolments, then their sessions with their
    audience units: two round trips for four reads (waiting positions after)."""
    module = make_module(personas.org_a, capacity=1)
    _seat(personas, module, 1)
    mine = EnrollmentFactory(module=module, leader=personas.bob_leader)
    services.enrollment_approve(enrollment=mine, actor=personas.alice)  # Bob waits
    client.force_login(personas.bob)
    url = reverse("programs:module_list")
    client.get(url)
    trips, pipelined, response = round_trips(lambda: client.get(url))
    assert response.status_code == 200 and module.topic in response.content.decode()
    assert pipelined == [2, 2]
    assert trips == 2 + 2 + 1  # session, user; the two pipelines; waiting positions


@pytest.mark.postgres
def test_module_page_sends_seats_sessions_and_own_enrolments_together(client, personas,
                                                                      module):
    module.capacity = 1
    module.save()
    mine = EnrollmentFactory(module=module, leader=personas.bob_leader)
    _seat(personas, module, 1)
    services.enrollment_approve(enrollment=mine, actor=personas.alice)  # Bob waits
    client.force_login(personas.bob)
    url = reverse("programs:module_detail", args=[module.uuid])
    client.get(url)
    trips, pipelined, response = round_trips(lambda: client.get(url))
    assert response.status_code == 200 and module.topic in response.content.decode()
    assert pipelined == [3]
    # session, user; module with access; its audience; the pipeline; facilitators;
    # waiting positions; the leader platform's characteristics.
    assert trips == 2 + 2 + 1 + 3


def test_module_page_query_count_is_flat(client, personas, module, facilitator):
    client.force_login(personas.bob)
    module.capacity = 1
    module.save()
    mine = EnrollmentFactory(module=module, leader=personas.bob_leader)
    _seat(personas, module, 1)
    services.enrollment_approve(enrollment=mine, actor=personas.alice)  # Bob waits

    def grow(n):
        for _ in range(n):
            session = ModuleSessionFactory(module=module)
            session.facilitators.add(facilitator, UserFactory(organisation=personas.org_a,
                                                              is_facilitator=True))
            _seat(personas, module, 1)  # more leaders on the waiting list

    # session, user with Bob's leader profile; access: module with programme, its audience
    # units; page: module with seat counts, sessions, their facilitators, Bob's
    # enrolments with attendance count, waiting positions; the sections other apps add
    # (the leader platform's characteristics the module builds).
    assert_queries_stable(lambda: client.get(reverse("programs:module_detail",
                                                     args=[module.uuid])),
                          grow=grow, expected=10)


def test_min_side_panel_query_count_is_flat(personas):
    boss = personas.boss_leader
    request = RequestFactory().get("/min-side/")
    request.user = boss.user

    def grow(n):
        for _ in range(n):
            module = make_module(personas.org_a, capacity=1)
            _seat(personas, module, 1)
            mine = EnrollmentFactory(module=module, leader=boss)
            services.enrollment_approve(enrollment=mine, actor=personas.alice)  # waiting
            other = make_module(personas.org_a)
            done = EnrollmentFactory(module=other, leader=boss)
            services.enrollment_approve(enrollment=done, actor=personas.alice)
            for session in other.sessions.all():
                Attendance.objects.create(session=session, enrollment=done)
            EnrollmentFactory(module=module, leader=LeaderFactory(
                organisation=personas.org_a, leader_above=boss))  # a request to decide
            participation = ProgrammeParticipantFactory(programme=module.programme,
                                                        leader=boss)
            GatheringFactory(programme=participation.programme)

    def action():
        context = min_side_panel(boss.user, boss)
        html = render_to_string("programs/min_side_panel.html", {"panel": context},
                                request=request)
        assert "Søknader som venter på deg" in html and "fullført" in html.lower()
        return html

    # Own enrolments with module, programme and attendance count; their sessions;
    # waiting positions; requests to decide; programmes; their coming gatherings.
    assert_queries_stable(action, grow=grow, expected=6)
