"""Each needs-action rule fires on the rows it is about, clears when O&F has acted, and
never counts another municipality's rows; the start page's queries do not grow."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from coaching.models.courses import CourseStatus
from coaching.semesters import Semester, Term
from coaching.tests.factories import BookingFactory, CourseFactory
from cockpit import rules
from cockpit.models import DeliveryStatus, Message, MessageDelivery
from lib.models import DocumentStatus, GeneratedDocument, ReminderStatus, SentReminder
from lib.rooms import room_source_keys
from lib.testing import assert_queries_stable
from networks.models import MeetingStatus
from networks.tests.factories import MeetingFactory, NetworkGroupFactory, NetworkPlanFactory
from programs.models import Enrollment, EnrollmentStatus, Module
from programs.tests.factories import EnrollmentFactory, ModuleFactory, ModuleSessionFactory
from surveys.models import Invitation, Round
from surveys.tests.factories import make_round, standard_instruments
from tests.factories import LeaderFactory

from .conftest import seat

pytestmark = pytest.mark.django_db


def _fired(rule, personas, now=None):
    """(A's item, B's item) of one rule."""
    now = now or timezone.now()
    return rule([personas.org_a.pk], now), rule([personas.org_b.pk], now)


def _module(org, **kwargs):
    module = ModuleFactory(programme__organisation=org, **kwargs)
    ModuleSessionFactory(module=module, date=timezone.localdate() + dt.timedelta(days=20))
    return module


def test_requests_waiting_fires_after_n_days_and_clears_when_decided(personas):
    module = _module(personas.org_a)
    old = EnrollmentFactory(module=module, leader=personas.bob_leader,
                            requested_at=timezone.now() - dt.timedelta(days=9))
    EnrollmentFactory(module=module, requested_at=timezone.now() - dt.timedelta(days=2))
    a, b = _fired(rules.requests_waiting, personas)
    assert a.count == 1 and b is None
    assert "status__exact=sokt" in a.url
    Enrollment.objects.filter(pk=old.pk).update(status=EnrollmentStatus.DECLINED,
                                                decided_at=timezone.now())
    assert rules.requests_waiting([personas.org_a.pk], timezone.now()) is None


def test_the_link_opens_the_list_of_exactly_those_requests(client, personas):
    module = _module(personas.org_a)
    for days in (8, 9, 10, 1):
        EnrollmentFactory(module=module, requested_at=timezone.now() - dt.timedelta(days=days))
    item = rules.requests_waiting([personas.org_a.pk], timezone.now())
    client.force_login(personas.alice)
    response = client.get(item.url)
    assert response.status_code == 200
    assert response.context["cl"].result_count == 3 == item.count


def test_coaching_applications_waiting(personas):
    course = CourseFactory(organisation=personas.org_a, status=CourseStatus.SUBMITTED,
                           coach=None, applied_at=timezone.now() - dt.timedelta(days=10))
    a, b = _fired(rules.coaching_applications_waiting, personas)
    assert a.count == 1 and b is None
    type(course).objects.filter(pk=course.pk).update(status=CourseStatus.APPROVED,
                                                     decided_at=timezone.now())
    assert rules.coaching_applications_waiting([personas.org_a.pk], timezone.now()) is None


def test_underfilled_module_closing_soon(personas):
    module = _module(personas.org_a, capacity=6,
                     enrolment_closes_on=timezone.localdate() + dt.timedelta(days=3))
    seat(module, personas.bob_leader)
    a, b = _fired(rules.modules_underfilled, personas)
    assert a.count == 1 and f"id__in={module.pk}" in a.url and b is None
    for _ in range(2):
        seat(module, LeaderFactory(organisation=personas.org_a))
    assert rules.modules_underfilled([personas.org_a.pk], timezone.now()) is None


def test_underfilled_ignores_modules_whose_enrolment_is_far_from_closing(personas):
    module = _module(personas.org_a, capacity=6,
                     enrolment_closes_on=timezone.localdate() + dt.timedelta(days=60))
    seat(module, personas.bob_leader)
    assert rules.modules_underfilled([personas.org_a.pk], timezone.now()) is None


def test_waiting_list_while_seats_are_free_or_held(personas):
    module = _module(personas.org_a, capacity=3, talent_seats=2,
                     talent_seats_release_on=timezone.localdate() + dt.timedelta(days=30))
    seat(module, personas.bob_leader)
    waiting = EnrollmentFactory(module=module, status=EnrollmentStatus.WAITING,
                                decided_at=timezone.now())
    a, b = _fired(rules.modules_waiting_while_seats_free, personas)
    assert a.count == 1 and b is None
    Module.objects.filter(pk=module.pk).update(capacity=2, talent_seats=0)
    Enrollment.objects.filter(pk=waiting.pk).update(status=EnrollmentStatus.SEATED,
                                                    seated_at=timezone.now())
    assert rules.modules_waiting_while_seats_free([personas.org_a.pk], timezone.now()) is None


def test_talent_seats_about_to_be_released(personas):
    module = _module(personas.org_a, talent_seats=3,
                     talent_seats_release_on=timezone.localdate() + dt.timedelta(days=3))
    a, b = _fired(rules.talent_seats_releasing, personas)
    assert a.count == 1 and b is None
    Module.objects.filter(pk=module.pk).update(
        talent_seats_release_on=timezone.localdate() + dt.timedelta(days=40))
    assert rules.talent_seats_releasing([personas.org_a.pk], timezone.now()) is None


def test_survey_closing_with_a_low_response_rate(personas):
    instrument = standard_instruments()["needs"]
    round = make_round(organisation=personas.org_a, instrument=instrument, closes=4)
    Round.objects.filter(pk=round.pk).update(opened_at=timezone.now())
    leaders = [personas.bob_leader, personas.boss_leader,
               *(LeaderFactory(organisation=personas.org_a) for _ in range(2))]
    invitations = [Invitation.objects.create(round=round, leader=leader) for leader in leaders]
    Invitation.objects.filter(pk=invitations[0].pk).update(submitted=True)
    a, b = _fired(rules.surveys_low_response, personas)
    assert a.count == 1 and str(round.pk) in a.url and b is None
    Invitation.objects.filter(pk=invitations[1].pk).update(submitted=True)  # 2 of 4: half
    assert rules.surveys_low_response([personas.org_a.pk], timezone.now()) is None


def test_network_meeting_not_confirmed_two_weeks_ahead(personas):
    group = NetworkGroupFactory(plan=NetworkPlanFactory(programme__organisation=personas.org_a))
    meeting = MeetingFactory(group=group, date=timezone.localdate() + dt.timedelta(days=6))
    MeetingFactory(group=group, date=timezone.localdate() + dt.timedelta(days=40))
    a, b = _fired(rules.meetings_unconfirmed, personas)
    assert a.count == 1 and b is None
    type(meeting).objects.filter(pk=meeting.pk).update(status=MeetingStatus.CONFIRMED,
                                                        confirmed_at=timezone.now())
    assert rules.meetings_unconfirmed([personas.org_a.pk], timezone.now()) is None


def test_coaching_course_unused_halfway_through_the_semester(personas):
    semester = Semester(2026, Term.AUTUMN)
    course = CourseFactory(organisation=personas.org_a, year=2026, term=Term.AUTUMN)
    early = timezone.make_aware(dt.datetime(2026, 9, 1, 12))
    late = timezone.make_aware(dt.datetime(2026, 11, 2, 12))
    assert rules.coaching_unused([personas.org_a.pk], early) is None  # before the middle
    a, b = _fired(rules.coaching_unused, personas, late)
    assert a.count == 1 and b is None
    BookingFactory(course=course, starts_at=timezone.make_aware(
        dt.datetime.combine(semester.starts_on + dt.timedelta(days=40), dt.time(9))))
    assert rules.coaching_unused([personas.org_a.pk], late) is None


def test_failed_report_jobs(personas):
    document = GeneratedDocument.objects.create(
        organisation=personas.org_a, kind="reports.status_pdf", title="Status",
        status=DocumentStatus.FAILED, expires_at=timezone.now() + dt.timedelta(days=30))
    a, b = _fired(rules.reports_failed, personas)
    assert a.count == 1 and b is None
    GeneratedDocument.objects.filter(pk=document.pk).update(status=DocumentStatus.DONE)
    assert rules.reports_failed([personas.org_a.pk], timezone.now()) is None


def test_reminders_that_could_not_be_delivered(personas):
    reminder = SentReminder.objects.create(
        organisation=personas.org_a, occasion="programs.session:1:7d", recipient=personas.bob,
        kind="programs.session", subject="Påminnelse", body="Tekst", html="<p>Tekst</p>",
        status=ReminderStatus.FAILED)
    a, b = _fired(rules.reminders_undelivered, personas)
    assert a.count == 1 and b is None
    SentReminder.objects.filter(pk=reminder.pk).update(status=ReminderStatus.SENT,
                                                       sent_at=timezone.now())
    assert rules.reminders_undelivered([personas.org_a.pk], timezone.now()) is None


def test_messages_that_could_not_be_delivered(personas):
    message = Message.objects.create(organisation=personas.org_a, target_kind="module",
                                     target_label="Endringsledelse", subject="Hei", body="Tekst")
    delivery = MessageDelivery.objects.create(message=message, recipient=personas.bob,
                                              status=DeliveryStatus.FAILED)
    a, b = _fired(rules.messages_undelivered, personas)
    assert a.count == 1 and b is None
    MessageDelivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.SENT,
                                                          sent_at=timezone.now())
    assert rules.messages_undelivered([personas.org_a.pk], timezone.now()) is None


def test_the_start_page_shows_the_count_and_links_to_the_list(client, personas):
    module = _module(personas.org_a)
    for days in (8, 9, 10):
        EnrollmentFactory(module=module, requested_at=timezone.now() - dt.timedelta(days=days))
    client.force_login(personas.alice)
    client.cookies["django_language"] = "nb"
    page = client.get(reverse("admin:index")).content.decode()
    item = rules.requests_waiting([personas.org_a.pk], timezone.now())
    assert 'data-rule="requests_waiting"' in page
    assert item.url.replace("&", "&amp;") in page
    client.force_login(personas.charlie)  # B sees none of A's requests
    assert 'data-rule="requests_waiting"' not in client.get(reverse("admin:index")).content.decode()


def test_a_system_administrator_sees_all_or_chooses_a_municipality(client, personas):
    from tests.factories import UserFactory

    root = UserFactory(is_superuser=True, organisation=None, email="root@drift.example")
    _module_b = _module(personas.org_b)
    EnrollmentFactory(module=_module_b, requested_at=timezone.now() - dt.timedelta(days=9))
    client.force_login(root)
    assert 'data-rule="requests_waiting"' in client.get(reverse("admin:index")).content.decode()
    page = client.get(reverse("admin:index"), {"organisation": personas.org_a.pk})
    assert 'data-rule="requests_waiting"' not in page.content.decode()


def test_start_page_queries_do_not_grow_with_the_data(client, personas):
    """Session, user, then one query per rule (the room rule: one per room source) and the
    admin's own (app list, recent actions). The modules' sessions share a room, so the room
    rule fires at 1× and 10× alike."""
    client.force_login(personas.alice)
    instrument = standard_instruments()["needs"]

    def grow(n):
        for _ in range(n):
            module = _module(personas.org_a, capacity=8, talent_seats=2,
                             enrolment_closes_on=timezone.localdate() + dt.timedelta(days=2),
                             talent_seats_release_on=timezone.localdate() + dt.timedelta(days=2))
            EnrollmentFactory(module=module, requested_at=timezone.now() - dt.timedelta(days=9))
            EnrollmentFactory(module=module, status=EnrollmentStatus.WAITING,
                              decided_at=timezone.now())
            group = NetworkGroupFactory(
                plan=NetworkPlanFactory(programme=module.programme))
            MeetingFactory(group=group, date=timezone.localdate() + dt.timedelta(days=3))
            round = make_round(organisation=personas.org_a, instrument=instrument, closes=3)
            Round.objects.filter(pk=round.pk).update(opened_at=timezone.now())
            Invitation.objects.create(round=round, leader=LeaderFactory(
                organisation=personas.org_a))
            GeneratedDocument.objects.create(
                organisation=personas.org_a, kind="reports.status_pdf", title="Status",
                status=DocumentStatus.FAILED, expires_at=timezone.now() + dt.timedelta(days=3))

    count = assert_queries_stable(lambda: client.get(reverse("admin:index")), grow=grow)
    # + 1: the municipality's needs-action thresholds (CockpitSettings), read once.
    assert count <= len(rules.RULES) - 1 + len(room_source_keys()) + 1 + 8
