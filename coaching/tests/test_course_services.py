"""Applying, deciding, the coach, withdrawing and completing: rules, audit and email."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from coaching import services
from coaching.models import (
    CoachingCourse,
    CourseStatus,
    DevelopmentProject,
    DiscoveryMethod,
    ReflectionNote,
)
from coaching.semesters import Semester
from lib.models import AuditEntry
from lib.testing import assert_refused
from tests.factories import LeaderFactory, UnitFactory

from .conftest import SECRET
from .factories import AgreementFactory, BookingFactory, CoachFactory, CourseFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

ANSWERS = {"leadership": "Tydelig", "development_points": SECRET, "first_action": "Spørre mer",
           "practice_when": "Mandager", "progress_signs": "Flere spørsmål fra teamet"}


def _apply(personas, agreement, **overrides):
    semester = overrides.pop("semester", Semester.current_or_next(timezone.localdate()).next())
    kwargs = {"leader": personas.bob_leader, "actor": personas.bob, "semester": semester,
              "ordering_unit": personas.bob_leader.unit,
              "discovery_method": DiscoveryMethod.BELBIN, "answers": ANSWERS}
    kwargs.update(overrides)
    return services.course_apply(**kwargs)


@pytest.fixture
def agreement(personas):
    return AgreementFactory(organisation=personas.org_a)


def test_apply_creates_a_submitted_course_and_asks_the_leader_above(
        personas, agreement, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        course = _apply(personas, agreement)
    assert course.status == CourseStatus.SUBMITTED and course.agreement == agreement
    assert course.sessions_allowed == 3 and course.ordering_unit == personas.bob_leader.unit
    assert course.project.development_points == SECRET
    [message] = mail.outbox
    assert message.to == ["berit@askvik.example"]
    assert f"/coaching/lop/{course.uuid}/godkjenning/" in message.body
    assert SECRET not in message.body and SECRET not in message.alternatives[0][0]
    entry = AuditEntry.objects.get(action="coaching.course.applied")
    assert SECRET not in str(entry.data) and SECRET not in entry.summary


def test_the_application_email_is_in_the_approvers_language(
        personas, agreement, django_capture_on_commit_callbacks):
    boss = personas.boss_leader.user
    boss.language = "nn"
    boss.save()
    autumn = Semester(timezone.localdate().year + 1, "host")
    with django_capture_on_commit_callbacks(execute=True):
        _apply(personas, agreement, semester=autumn)
    [message] = mail.outbox
    assert f"søkjer om individuell coaching, haust {autumn.year}" in message.body
    assert "søkjer om coaching" in message.subject


def test_a_programme_agreement_gives_its_own_number_of_sessions(personas, agreement):
    from programs.models import Programme, ProgrammeParticipant

    programme = Programme.objects.create(
        organisation=personas.org_a, name="Lederløftet", slug="lederloftet",
        starts_on=timezone.localdate(), ends_on=timezone.localdate() + dt.timedelta(days=700))
    ProgrammeParticipant.objects.create(programme=programme, leader=personas.bob_leader)
    AgreementFactory(organisation=personas.org_a, programme=programme, sessions_per_leader=4)
    course = _apply(personas, agreement, programme=programme)
    assert course.sessions_allowed == 4 and course.programme == programme


def test_without_a_leader_above_o_and_f_is_asked(personas, agreement,
                                                 django_capture_on_commit_callbacks):
    personas.bob_leader.leader_above = None
    personas.bob_leader.save()
    with django_capture_on_commit_callbacks(execute=True):
        course = _apply(personas, agreement)
    assert [m.to for m in mail.outbox] == [["alice@askvik.example"]]
    services.course_decide(course=course, actor=personas.alice, approve=True)


@pytest.mark.parametrize("case, code", [
    ("other_unit", "other_municipality"),
    ("past_semester", "semester_over"),
    ("no_agreement", "no_agreement"),
    ("someone_else", "permission_denied"),
])
def test_apply_refusals(personas, agreement, case, code):
    overrides = {}
    if case == "other_unit":
        overrides["ordering_unit"] = UnitFactory(organisation=personas.org_b)
    elif case == "past_semester":
        overrides["semester"] = Semester(2020, "host")
    elif case == "no_agreement":
        agreement.delete()
    elif case == "someone_else":
        overrides["actor"] = personas.boss_leader.user
    with assert_refused(code):
        _apply(personas, agreement, **overrides)
    assert not CoachingCourse.objects.exists() and not DevelopmentProject.objects.exists()


def test_one_open_application_per_semester(personas, agreement):
    course = _apply(personas, agreement)
    with assert_refused("duplicate"):
        _apply(personas, agreement)
    services.course_withdraw(course=course, actor=personas.bob)
    assert _apply(personas, agreement).status == CourseStatus.SUBMITTED  # withdrawn: may reapply


def test_only_the_leader_above_decides_and_only_once(personas, agreement,
                                                     django_capture_on_commit_callbacks):
    course = _apply(personas, agreement)
    for outsider in (personas.alice, personas.charlie):
        with assert_refused("permission_denied"):
            services.course_decide(course=course, actor=outsider, approve=True)
    with assert_refused("own_request"):  # the applicant never decides (issue 26)
        services.course_decide(course=course, actor=personas.bob, approve=True)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        decided = services.course_decide(course=course, actor=personas.boss_leader.user,
                                         approve=False, note="Ikke nå")
    assert decided.status == CourseStatus.REJECTED and decided.decision_note == "Ikke nå"
    assert mail.outbox[0].to == ["bob@askvik.example"]
    with assert_refused("decided"):
        services.course_decide(course=course, actor=personas.boss_leader.user, approve=True)
    assert AuditEntry.objects.filter(action="coaching.course.rejected").count() == 1


def test_assigning_a_coach_checks_supplier_and_room(personas, agreement,
                                                    django_capture_on_commit_callbacks):
    course = _apply(personas, agreement)
    services.course_decide(course=course, actor=personas.boss_leader.user, approve=True)
    stranger = CoachFactory(organisation=personas.org_a)
    with assert_refused("coach_unavailable"):
        services.course_assign_coach(course=course, coach=stranger, actor=personas.alice)
    full = CoachFactory(organisation=personas.org_a, supplier=agreement.supplier, max_courses=1)
    CourseFactory(organisation=personas.org_a, agreement=agreement, coach=full)
    with assert_refused("coach_unavailable"):
        services.course_assign_coach(course=course, coach=full, actor=personas.alice)
    coach = CoachFactory(organisation=personas.org_a, supplier=agreement.supplier)
    with assert_refused("permission_denied"):
        services.course_assign_coach(course=course, coach=coach, actor=personas.bob)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        course = services.course_assign_coach(course=course, coach=coach, actor=personas.alice)
    assert course.status == CourseStatus.ACTIVE and course.coach == coach
    assert sorted(m.to[0] for m in mail.outbox) == sorted(["bob@askvik.example",
                                                           coach.user.email])
    assert AuditEntry.objects.filter(action="coaching.course.coach_assigned").exists()


def test_the_leader_chooses_a_coach_when_o_and_f_allows(personas, agreement):
    course = _apply(personas, agreement)
    coach = CoachFactory(organisation=personas.org_a, supplier=agreement.supplier)
    services.course_decide(course=course, actor=personas.boss_leader.user, approve=True)
    with assert_refused("coach_choice_closed"):
        services.course_choose_coach(course=course, coach=coach, actor=personas.bob)
    services.course_open_coach_choice(course=course, actor=personas.alice)
    with assert_refused("permission_denied"):
        services.course_choose_coach(course=course, coach=coach, actor=personas.alice)
    course = services.course_choose_coach(course=course, coach=coach, actor=personas.bob)
    assert course.coach == coach and not course.leader_may_choose_coach
    assert AuditEntry.objects.filter(action="coaching.course.coach_chosen").exists()


def test_withdraw_and_complete(personas, setup):
    with assert_refused("under_way"):
        services.course_withdraw(course=setup.course, actor=personas.bob)
    booking = BookingFactory(course=setup.course, starts_at=setup.slot(9))
    with assert_refused("has_bookings"):
        services.course_complete(course=setup.course, actor=personas.alice)
    booking.status = "holdt"
    booking.save()
    with assert_refused("permission_denied"):
        services.course_complete(course=setup.course, actor=personas.bob)
    done = services.course_complete(course=setup.course, actor=personas.alice)
    assert done.status == CourseStatus.COMPLETED and done.closed_at is not None


def test_o_and_f_adjusts_sessions_but_never_below_used(personas, setup):
    BookingFactory(course=setup.course, starts_at=setup.slot(9), status="holdt")
    BookingFactory(course=setup.course, starts_at=setup.slot(10), status="holdt")
    with assert_refused("sessions_out_of_range"):
        services.course_adjust(course=setup.course, actor=personas.alice,
                               ordering_unit=setup.course.ordering_unit, sessions_allowed=1)
    area = personas.boss_leader.unit
    course = services.course_adjust(course=setup.course, actor=personas.alice,
                                    ordering_unit=area, sessions_allowed=4)
    assert course.sessions_allowed == 4 and course.ordering_unit == area
    assert AuditEntry.objects.get(action="coaching.course.adjusted").data["sessions_allowed"] \
        == [3, 4]


def test_project_and_notes_are_the_leaders_alone_to_write(personas, setup):
    with assert_refused("permission_denied"):
        services.project_update(course=setup.course, actor=setup.coach.user, answers={},
                                shared_with_coach=True)
    project = services.project_update(course=setup.course, actor=personas.bob,
                                      answers={**ANSWERS, "leadership": "Ny tekst"},
                                      shared_with_coach=True)
    assert project.leadership == "Ny tekst" and project.shared_with_coach
    entry = AuditEntry.objects.get(action="coaching.project.updated")
    assert entry.data == {"shared_with_coach": True, "sharing_changed": True}
    with assert_refused("permission_denied"):
        services.reflection_add(course=setup.course, actor=personas.alice, body="Hei")
    with assert_refused("empty"):
        services.reflection_add(course=setup.course, actor=personas.bob, body="  ")
    services.reflection_add(course=setup.course, actor=personas.bob, body="Lærte mye")
    assert ReflectionNote.objects.get().body == "Lærte mye"


def test_a_leader_of_another_municipality_cannot_use_this_ones_units(personas, agreement):
    foreign = LeaderFactory(organisation=personas.org_b)
    AgreementFactory(organisation=personas.org_b)
    with assert_refused("other_municipality"):
        services.course_apply(
            leader=foreign, actor=foreign.user,
            semester=Semester.current_or_next(timezone.localdate()).next(),
            ordering_unit=personas.bob_leader.unit, discovery_method="ingen", answers={})
