"""The leader's private self-assessment: answer, share with the coach, choose focus areas."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Leader, User
from coaching.models import CoachingCourse, DevelopmentProject
from coaching.models.courses import CourseStatus

from ..models import (
    Behaviour,
    CharacteristicStatus,
    PlatformVersion,
    SelfAnswer,
    SelfAssessment,
    VersionStatus,
)
from .rating import check_scores

MAX_FOCUS = 2


@transaction.atomic
def self_assessment_submit(*, leader: Leader, version: PlatformVersion,
                           scores: dict[int, int]) -> SelfAssessment:
    """A new self-assessment of every behaviour of a published version (1–5 each).

    The version is the municipality's published one or, while it has none, the
    standard three orientations. Each call adds one: the leader repeats it later
    and compares.
    """
    org_id = version.platform.organisation_id
    if org_id is not None and org_id != leader.organisation_id:
        raise PermissionDenied(_("This is another municipality's platform."))
    if version.status != VersionStatus.PUBLISHED:
        raise ValidationError(_("Only the published platform can be used for a "
                                "self-assessment."), code="not_published")
    if org_id is None and PlatformVersion.objects.filter(
            platform__organisation_id=leader.organisation_id,
            status=VersionStatus.PUBLISHED).exists():
        # The standard three orientations stand in only until the municipality publishes.
        raise ValidationError(_("Your municipality has published its own platform: assess "
                                "yourself on that one."), code="own_platform")
    behaviours = set(Behaviour.objects.filter(characteristic__version=version,
                                              characteristic__status=CharacteristicStatus.ADOPTED)
                     .values_list("pk", flat=True))
    if not behaviours:
        raise ValidationError(_("The platform has no behaviours to rate."), code="empty")
    check_scores(scores, behaviours)
    assessment = SelfAssessment.objects.create(leader=leader, version=version)
    SelfAnswer.objects.bulk_create(SelfAnswer(assessment=assessment, behaviour_id=pk,
                                              score=score) for pk, score in scores.items())
    return assessment


@transaction.atomic
def self_assessment_share(*, assessment: SelfAssessment, leader: Leader,
                          shared: bool) -> SelfAssessment:
    """The leader shares the result with their coach, or stops sharing it."""
    if assessment.leader_id != leader.pk:
        raise PermissionDenied(_("Only the leader shares their self-assessment."))
    assessment.shared_with_coach = shared
    assessment.save(update_fields=["shared_with_coach"])
    return assessment


@transaction.atomic
def self_assessment_focus(*, assessment: SelfAssessment, leader: Leader,
                          characteristic_ids: list[int]) -> SelfAssessment:
    """Choose one or two development areas from the result (they open the coaching
    development project's first question)."""
    if assessment.leader_id != leader.pk:
        raise PermissionDenied(_("Only the leader chooses their development areas."))
    ids = set(characteristic_ids)
    if not ids:
        raise ValidationError(_("Choose one or two areas."), code="empty")
    if len(ids) > MAX_FOCUS:
        raise ValidationError(_("Choose at most two areas: fewer goes further."),
                              code="too_many")
    valid = set(assessment.version.characteristics
                .filter(pk__in=ids, status=CharacteristicStatus.ADOPTED)
                .values_list("pk", flat=True))
    if valid != ids:
        raise ValidationError(_("An area does not belong to this platform."),
                              code="other_item")
    assessment.focus.set(ids)
    return assessment


def open_course(leader: Leader) -> CoachingCourse | None:
    """The leader's coaching course under way (approved or active), if any."""
    return (CoachingCourse.objects.filter(leader=leader, status__in=[CourseStatus.APPROVED,
                                                                     CourseStatus.ACTIVE])
            .order_by("-pk").first())


@transaction.atomic
def focus_to_project(*, assessment: SelfAssessment, actor: User) -> DevelopmentProject:
    """Start the coaching development project from the result: the chosen areas are added to
    its «most important development points» (nothing else changes, sharing included)."""
    from coaching.services.courses import project_update

    if assessment.leader.user_id != actor.pk:
        raise PermissionDenied(_("Only the leader chooses their development areas."))
    areas = [c.text for c in assessment.focus.order_by("position", "pk")]
    if not areas:
        raise ValidationError(_("Choose one or two areas first."), code="no_focus")
    course = open_course(assessment.leader)
    project = DevelopmentProject.objects.filter(course=course).first() if course else None
    if course is None or project is None:
        raise ValidationError(_("You have no coaching course under way."), code="no_course")
    line = _("From my self-assessment: %(areas)s") % {"areas": "; ".join(areas)}
    answers = {name: getattr(project, name) for name in DevelopmentProject.ANSWER_FIELDS}
    points = answers.get("development_points", "")
    if line not in points:
        answers["development_points"] = f"{points}\n{line}".strip()
    return project_update(course=course, actor=actor, answers=answers,
                          shared_with_coach=project.shared_with_coach)
