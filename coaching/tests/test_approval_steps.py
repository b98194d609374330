"""Issue 26 for coaching: an agreement's extra step, deputies and the approver's list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from accounts.models import ApprovalDecision, ApprovalStep, StepCondition, StepKind
from accounts.services.approvals import approver_items, deputy_set
from coaching import services
from coaching.approvals import KIND
from coaching.models import CourseStatus, FrameworkAgreement
from lib.testing import assert_refused
from tests.factories import LeaderFactory

from .test_course_services import _apply, agreement  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def kommunalsjef(personas):
    return LeaderFactory(organisation=personas.org_a, level="kommunalsjef",
                         user__full_name="Kim Kommunalsjef", user__email="kim@askvik.example")


def _sessions_step(agreement, person, over):  # noqa: F811
    return ApprovalStep.objects.create(
        organisation=agreement.organisation,
        content_type=ContentType.objects.get_for_model(FrameworkAgreement),
        object_id=agreement.pk, position=1, label="Kommunalsjef bekrefter",
        kind=StepKind.PERSON, person=person.user, condition=StepCondition.SESSIONS_OVER,
        condition_value=over)


def test_named_person_confirms_coaching_over_n_sessions(personas, agreement,  # noqa: F811
                                                        kommunalsjef):
    _sessions_step(agreement, kommunalsjef, over=agreement.sessions_per_leader - 1)
    course = _apply(personas, agreement)
    boss = personas.boss_leader.user
    first = services.course_decide(course=course, actor=boss, approve=True, step=1)
    assert first.status == CourseStatus.SUBMITTED
    with pytest.raises(PermissionDenied):
        services.course_decide(course=course, actor=personas.alice, approve=True, step=2)
    [item] = approver_items(user=kommunalsjef.user)
    assert (item.subject.kind, item.step.number) == (KIND, 2)
    assert "NOK" in item.cost or "kr" in item.cost
    final = services.course_decide(course=course, actor=kommunalsjef.user, approve=True,
                                   step=2, note="Ja")
    assert final.status == CourseStatus.APPROVED
    assert ApprovalDecision.objects.filter(request_kind=KIND).count() == 2


def test_the_step_is_skipped_at_or_under_n_sessions(personas, agreement,  # noqa: F811
                                                    kommunalsjef):
    _sessions_step(agreement, kommunalsjef, over=agreement.sessions_per_leader)
    course = _apply(personas, agreement)
    decided = services.course_decide(course=course, actor=personas.boss_leader.user,
                                     approve=True, step=1)
    assert decided.status == CourseStatus.APPROVED


def test_deputy_decides_a_coaching_application_and_two_at_once_one_wins(
        client, personas, agreement):  # noqa: F811
    deputy = LeaderFactory(organisation=personas.org_a, user__full_name="Dag Stedfortreder",
                           user__email="dag@askvik.example")
    today = timezone.localdate()
    deputy_set(leader=personas.boss_leader.user, deputy=deputy.user, starts_on=today,
               ends_on=today + dt.timedelta(days=2), actor=personas.boss_leader.user)
    course = _apply(personas, agreement)
    client.force_login(deputy.user)
    page = client.get(reverse("programs:approvals")).content.decode()
    assert f"{KIND}:{course.pk}:1" in page
    assert client.get(reverse("coaching:course_decide", args=[course.uuid])).status_code == 200
    services.course_decide(course=course, actor=deputy.user, approve=True, step=1)
    assert_refused("decided", lambda: services.course_decide(
        course=course, actor=personas.boss_leader.user, approve=True, step=1))
    decision = ApprovalDecision.objects.get(request_kind=KIND)
    assert decision.on_behalf_of == personas.boss_leader.user
    # The applicant sees who decided on whose behalf.
    client.force_login(personas.bob)
    personas.bob.language = "en"
    personas.bob.save(update_fields=["language"])
    text = client.get(reverse("coaching:course_detail", args=[course.uuid]),
                      HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Dag Stedfortreder" in text and "Berit Sjef" in text
