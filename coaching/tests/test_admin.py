"""O&F's admin: every change goes through the services; lists are scoped and fixed-cost."""

from __future__ import annotations

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from coaching.models import Booking, BookingStatus, CoachingCourse, CourseStatus
from lib.models import AuditEntry
from lib.testing import assert_queries_stable

from .factories import AgreementFactory, BookingFactory, CoachFactory, CourseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(personas, setup):
    setup.course.status = CourseStatus.APPROVED
    setup.course.coach = None
    setup.course.save()
    return setup.course


def _change(client, course, **data):
    url = reverse("admin:coaching_coachingcourse_change", args=[course.pk])
    post = {"ordering_unit": course.ordering_unit_id, "coach": course.coach_id or "",
            "sessions_allowed": course.sessions_allowed, "_save": "1", **data}
    return client.post(url, post)


def test_o_and_f_assigns_a_coach_through_the_service(client, personas, setup, approved):
    client.force_login(personas.alice)
    response = _change(client, approved, coach=setup.coach.pk)
    assert response.status_code == 302
    approved.refresh_from_db()
    assert approved.status == CourseStatus.ACTIVE and approved.coach == setup.coach
    assert AuditEntry.objects.filter(action="coaching.course.coach_assigned").exists()


def test_a_coach_of_another_supplier_is_refused_with_a_message(client, personas, setup,
                                                                approved):
    other = CoachFactory(organisation=personas.org_a)
    client.force_login(personas.alice)
    response = _change(client, approved, coach=other.pk)
    assert response.status_code == 200
    assert "Coachen jobber ikke for avtalens leverandør" in response.content.decode()
    approved.refresh_from_db()
    assert approved.coach is None and approved.status == CourseStatus.APPROVED


def test_a_coach_of_another_municipality_cannot_even_be_chosen(client, personas, approved):
    foreign = CoachFactory(organisation=personas.org_b)
    client.force_login(personas.alice)
    response = _change(client, approved, coach=foreign.pk)
    assert response.status_code == 200 and "error" in response.content.decode()
    approved.refresh_from_db()
    assert approved.coach is None


def test_sessions_cannot_drop_below_used(client, personas, setup):
    BookingFactory(course=setup.course, starts_at=setup.slot(9), status="holdt")
    BookingFactory(course=setup.course, starts_at=setup.slot(10), status="holdt")
    client.force_login(personas.alice)
    response = _change(client, setup.course, sessions_allowed=1)
    assert "2 samtaler er allerede brukt" in response.content.decode()
    response = _change(client, setup.course, sessions_allowed=4)
    assert response.status_code == 302
    setup.course.refresh_from_db()
    assert setup.course.sessions_allowed == 4


def _action(client, model, action, pks):
    return client.post(reverse(f"admin:coaching_{model}_changelist"),
                       {"action": action, ACTION_CHECKBOX_NAME: pks}, follow=True)


def test_course_actions_call_the_services(client, personas, setup, approved):
    client.force_login(personas.alice)
    _action(client, "coachingcourse", "open_coach_choice", [approved.pk])
    approved.refresh_from_db()
    assert approved.leader_may_choose_coach
    # The leader has a leader above, so O&F's approval is refused with a message.
    submitted = CourseFactory(organisation=personas.org_a, agreement=setup.agreement,
                              coach=None, status=CourseStatus.SUBMITTED,
                              leader__leader_above=personas.boss_leader)
    response = _action(client, "coachingcourse", "approve_without_leader_above",
                       [submitted.pk])
    assert CoachingCourse.objects.get(pk=submitted.pk).status == CourseStatus.SUBMITTED
    assert "Bare lederens leder kan avgjøre" in response.content.decode()
    submitted.leader.leader_above = None
    submitted.leader.save()
    _action(client, "coachingcourse", "approve_without_leader_above", [submitted.pk])
    assert CoachingCourse.objects.get(pk=submitted.pk).status == CourseStatus.APPROVED


def test_booking_actions_mark_past_sessions(client, personas, setup):
    booking = BookingFactory(course=setup.course, starts_at=setup.slot(9))
    Booking.objects.filter(pk=booking.pk).update(
        starts_at=setup.slot(9).replace(year=2020), ends_at=setup.slot(10).replace(year=2020))
    future = BookingFactory(course=setup.course, starts_at=setup.slot(11))
    client.force_login(personas.alice)
    response = _action(client, "booking", "mark_held", [booking.pk, future.pk])
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.HELD
    assert Booking.objects.get(pk=future.pk).status == BookingStatus.BOOKED
    assert "først merkes når den har startet" in response.content.decode()


def test_admin_lists_are_scoped_and_have_stable_query_counts(client, personas, setup):
    foreign = CourseFactory(organisation=personas.org_b)
    client.force_login(personas.alice)
    agreement = AgreementFactory(organisation=personas.org_a)

    def grow(n):
        for _ in range(n):
            coach = CoachFactory(organisation=personas.org_a, supplier=agreement.supplier)
            course = CourseFactory(organisation=personas.org_a, agreement=agreement,
                                   coach=coach)
            BookingFactory(course=course, starts_at=setup.slot(10))

    for name in ("coachingcourse", "booking", "coachprofile", "supplier",
                 "frameworkagreement"):
        url = reverse(f"admin:coaching_{name}_changelist")
        assert_queries_stable(lambda url=url: client.get(url), grow=grow)
    text = client.get(reverse("admin:coaching_coachingcourse_changelist")).content.decode()
    assert "Bob Leder" in text and foreign.leader.user.full_name not in text
    for name in ("supplier", "frameworkagreement", "coachprofile"):
        assert client.get(reverse(f"admin:coaching_{name}_add")).status_code == 200
    assert client.get(reverse("admin:coaching_coachprofile_change",
                              args=[setup.coach.pk])).status_code == 200
    assert client.get(reverse("admin:coaching_coachingcourse_change",
                              args=[foreign.pk])).status_code == 404  # not found
