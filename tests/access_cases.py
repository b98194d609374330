"""One builder per URL name that names an object: which object, who may reach it.

``tests/test_access_matrix.py`` walks the URL conf and fails for any
parameterised URL without a builder here, so a new view cannot slip past the
matrix. A builder gets the :class:`~tests.access_world.World` (the demo data
of both municipalities) and returns a :class:`Case`:

* ``kwargs`` — the URL arguments of an object in municipality A;
* ``owners`` — roles that must reach it (200 on GET);
* ``also`` — roles that may legitimately reach it but are not asserted
  (e.g. every leader of A may read a published module);

every other role — always including both roles of municipality B and the
anonymous visitor — must be refused (403/404, anonymous: login redirect).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.tokens import default_token_generator
from django.http import HttpResponse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import Leader
from coaching.models import AvailabilityException, Booking, CoachingCourse, CoachProfile
from groups.documents import POSTER_PDF_KIND
from groups.models import LeaderGroup, PosterVersion
from leaderplatform.models import (
    FeedbackInvitation,
    FeedbackRound,
    PlatformVersion,
    RaterGroup,
    SelfAssessment,
    VersionStatus,
)
from lib.documents import document_request
from networks.models import NetworkGroup, NetworkMeeting, NetworkPlan
from programs.models import Enrollment, Gathering, Module, ModuleSession, ModuleStatus, Programme
from surveys.models import Invitation, Round
from tests.access_world import World

A_ROLES = frozenset({"oaf_a", "facilitator", "coach", "leader_above", "group_head",
                     "group_member", "leader"})


@dataclass(frozen=True)
class Case:
    kwargs: dict
    owners: frozenset[str]
    also: frozenset[str] = field(default_factory=frozenset)
    # A 200 that is itself a refusal (Django's "invalid reset link" page).
    refusal_page: Callable[[HttpResponse], bool] | None = None


def _roles_for_users(world: World, user_ids: set[int]) -> frozenset[str]:
    return frozenset(role for role, user in world.users.items()
                     if user is not None and user.pk in user_ids)


def _org_a(world: World) -> int:
    return world.users["oaf_a"].organisation_id


# --- programs ------------------------------------------------------------------

def _module(world: World) -> Module:
    return (Module.objects.filter(programme__organisation_id=_org_a(world),
                                  status=ModuleStatus.PUBLISHED)
            .order_by("pk").first())


def _module_case(world: World) -> Case:
    # A published module: O&F manages it; leaders of A in its audience may read it.
    return Case({"module_uuid": _module(world).uuid}, frozenset({"oaf_a"}), A_ROLES)


def _session(world: World) -> ModuleSession:
    return ModuleSession.objects.filter(module=_module(world)).order_by("pk").first()


def _session_ics(world: World) -> Case:
    return Case({"session_uuid": _session(world).uuid}, frozenset({"oaf_a"}), A_ROLES)


def _session_register(world: World) -> Case:
    session = _session(world)
    runners = set(session.facilitators.values_list("pk", flat=True))
    return Case({"session_uuid": session.uuid},
                frozenset({"oaf_a"}) | _roles_for_users(world, runners))


def _enrollment(world: World) -> Case:
    # The plain leader's own enrolment: the leader, their leader above and O&F.
    enrollment = (Enrollment.objects.filter(leader=world.leader("leader"))
                  .select_related("leader__leader_above").order_by("pk").first())
    if enrollment is None:
        enrollment = (Enrollment.objects.filter(module__programme__organisation_id=_org_a(world))
                      .select_related("leader__leader_above").order_by("pk").first())
    related = {enrollment.leader.user_id}
    if enrollment.leader.leader_above_id:
        related.add(enrollment.leader.leader_above.user_id)
    return Case({"enrollment_uuid": enrollment.uuid},
                frozenset({"oaf_a"}) | _roles_for_users(world, related))


def _enrollment_withdraw(world: World) -> Case:
    # Withdrawing is the leader's own act; O&F may cancel on their behalf. The leader
    # above approves but never withdraws (issue 21).
    case = _enrollment(world)
    enrollment = Enrollment.objects.get(uuid=case.kwargs["enrollment_uuid"])
    return Case(case.kwargs, frozenset({"oaf_a"})
                | _roles_for_users(world, {enrollment.leader.user_id}))


def _programme(world: World) -> Case:
    slug = Programme.objects.filter(organisation_id=_org_a(world)).order_by("pk").first().slug
    return Case({"slug": slug}, frozenset({"oaf_a"}), A_ROLES)


def _gathering(world: World) -> Case:
    gathering = Gathering.objects.filter(programme__organisation_id=_org_a(world)).first()
    return Case({"gathering_uuid": gathering.uuid}, frozenset({"oaf_a"}), A_ROLES)


# --- groups ----------------------------------------------------------------------

def _group(world: World) -> LeaderGroup:
    """The demo group head's group (it has a process, tasks and poster versions)."""
    head = world.leader("group_head")
    group = (LeaderGroup.objects.filter(head=head, process__tasks__isnull=False,
                                        poster__versions__isnull=False).first()
             or LeaderGroup.objects.filter(organisation_id=_org_a(world),
                                           process__tasks__isnull=False,
                                           poster__versions__isnull=False).first())
    return group


def _group_roles(world: World, group: LeaderGroup) -> tuple[frozenset[str], frozenset[str]]:
    members = set(Leader.objects.filter(group_memberships__group=group)
                  .values_list("user_id", flat=True)) | {group.head.user_id}
    facilitator = getattr(getattr(group, "process", None), "facilitator_id", None)
    return (_roles_for_users(world, members),
            _roles_for_users(world, {facilitator} if facilitator else set()))


def _group_follow(world: World) -> Case:
    # Progress and drafts: members, the facilitator and O&F; nobody else of A.
    group = _group(world)
    members, facilitator = _group_roles(world, group)
    return Case({"public_id": group.public_id}, frozenset({"oaf_a"}) | members | facilitator)


def _group_poster(world: World) -> Case:
    # The published poster is for the whole municipality.
    group = _group(world)
    members, facilitator = _group_roles(world, group)
    return Case({"public_id": group.public_id}, frozenset({"oaf_a"}) | members, A_ROLES)


def _group_task(world: World) -> Case:
    group = _group(world)
    members, _ = _group_roles(world, group)
    task = group.process.tasks.order_by("pk").first()
    return Case({"public_id": group.public_id, "task_id": task.pk}, members)


def _group_session(world: World) -> Case:
    group = _group(world)
    _, facilitator = _group_roles(world, group)
    number = group.process.sessions.order_by("number").first().number
    return Case({"public_id": group.public_id, "number": number},
                frozenset({"oaf_a"}) | facilitator)


def _group_session_member(world: World) -> Case:
    case = _group_session(world)
    return Case(case.kwargs, case.owners, frozenset())


def _poster_members(world: World) -> Case:
    group = _group(world)
    members, _ = _group_roles(world, group)
    return Case({"public_id": group.public_id}, members)


def _poster_version(world: World) -> Case:
    group = _group(world)
    members, facilitator = _group_roles(world, group)
    number = PosterVersion.objects.filter(poster__group=group).order_by("number").first().number
    return Case({"public_id": group.public_id, "number": number},
                frozenset({"oaf_a"}) | members | facilitator)


def _poster_publish(world: World) -> Case:
    case = _poster_version(world)
    group = _group(world)
    return Case(case.kwargs, _roles_for_users(world, {group.head.user_id}))


# --- surveys ---------------------------------------------------------------------

def _round_invited(world: World) -> Case:
    # A round the plain leader is invited to answer; answering is theirs alone.
    invitation = (Invitation.objects.filter(leader=world.leader("leader"))
                  .order_by("pk").first()
                  or Invitation.objects.filter(round__organisation_id=_org_a(world)).first())
    return Case({"round_id": invitation.round_id},
                _roles_for_users(world, {invitation.leader.user_id}),
                frozenset({"leader_above", "group_head", "group_member", "leader"}))


def _round_report(world: World) -> Case:
    # A needs-survey round: only O&F may read it (Effect rounds are also open to the
    # group's members, evaluations to the facilitator). Ordered by a stable field,
    # not the random UUID, so the case is the same in every run.
    round = (Round.objects.filter(organisation_id=_org_a(world), kind="needs")
             .order_by("opens_on", "title").first())
    return Case({"round_id": round.pk}, frozenset({"oaf_a"}), A_ROLES)


def _answer_token(world: World) -> Case:
    # The signed link is the key; a forged one opens nothing for anyone.
    return Case({"token": "forged.token-" + uuid.uuid4().hex}, frozenset())


# --- coaching --------------------------------------------------------------------

def _course(world: World) -> CoachingCourse:
    return (CoachingCourse.objects.filter(organisation_id=_org_a(world), bookings__isnull=False)
            .select_related("leader__leader_above", "coach").order_by("pk").first())


def _course_roles(world: World, course: CoachingCourse) -> frozenset[str]:
    return _roles_for_users(world, {course.leader.user_id})


def _course_followers(world: World, course: CoachingCourse) -> frozenset[str]:
    """O&F, the leader above and the course's coach follow a course; they edit nothing."""
    users = {course.coach.user_id} if course.coach_id else set()
    if course.leader.leader_above_id:
        users.add(course.leader.leader_above.user_id)
    return frozenset({"oaf_a"}) | _roles_for_users(world, users)


def _course_case(world: World) -> Case:
    course = _course(world)
    return Case({"course_uuid": course.uuid}, _course_roles(world, course),
                _course_followers(world, course))


def _course_own(world: World) -> Case:
    # The development project, reflections, withdrawal, booking: the leader's own.
    course = _course(world)
    return Case({"course_uuid": course.uuid}, _course_roles(world, course))


def _course_decide(world: World) -> Case:
    # The leader above (or O&F) decides; whether the page opens depends on the status.
    course = _course(world)
    return Case({"course_uuid": course.uuid}, frozenset(), _course_followers(world, course))


def _booking(world: World) -> Case:
    booking = (Booking.objects.filter(course=_course(world))
               .select_related("course__leader__leader_above", "coach").order_by("pk").first())
    return Case({"booking_uuid": booking.uuid}, _course_roles(world, booking.course),
                _course_followers(world, booking.course)
                | _roles_for_users(world, {booking.coach.user_id}))


def _coach(world: World) -> Case:
    coach = CoachProfile.objects.get(user=world.users["coach"])
    return Case({"coach_uuid": coach.uuid}, frozenset({"coach"}), frozenset({"oaf_a"}))


def _block(world: World) -> Case:
    coach = CoachProfile.objects.get(user=world.users["coach"])
    block = AvailabilityException.objects.filter(coach=coach).first()
    return Case({"block_uuid": block.uuid}, frozenset(), frozenset({"coach", "oaf_a"}))


# --- networks --------------------------------------------------------------------

def _plan(world: World) -> NetworkPlan:
    return NetworkPlan.objects.filter(programme__organisation_id=_org_a(world)).first()


def _plan_case(world: World) -> Case:
    return Case({"plan_uuid": _plan(world).uuid}, frozenset({"oaf_a"}),
                frozenset({"facilitator"}))


def _plan_start(world: World) -> Case:
    return Case({"slug": _plan(world).programme.slug}, frozenset({"oaf_a"}))


def _network_group(world: World) -> NetworkGroup:
    return NetworkGroup.objects.filter(plan=_plan(world)).order_by("pk").first()


def _network_group_roles(world: World, group: NetworkGroup) -> frozenset[str]:
    users = set(Leader.objects.filter(network_memberships__group=group)
                .values_list("user_id", flat=True))
    if group.facilitator_id:
        users.add(group.facilitator_id)
    return _roles_for_users(world, users)


def _network_group_case(world: World) -> Case:
    group = _network_group(world)
    return Case({"group_uuid": group.uuid},
                frozenset({"oaf_a"}) | _network_group_roles(world, group),
                frozenset({"facilitator"}))


def _network_group_edit(world: World) -> Case:
    group = _network_group(world)
    return Case({"group_uuid": group.uuid}, frozenset({"oaf_a"}))


def _meeting(world: World) -> NetworkMeeting:
    return NetworkMeeting.objects.filter(group=_network_group(world)).order_by("pk").first()


def _meeting_case(world: World) -> Case:
    meeting = _meeting(world)
    return Case({"meeting_uuid": meeting.uuid},
                frozenset({"oaf_a"}) | _network_group_roles(world, meeting.group),
                frozenset({"facilitator"}))


def _network_group_record(world: World) -> Case:
    # O&F and the group's adviser enter the group's meetings by hand.
    group = _network_group(world)
    return Case({"group_uuid": group.uuid},
                frozenset({"oaf_a"}) | _roles_for_users(world, {group.facilitator_id}))


def _meeting_record(world: World) -> Case:
    # O&F and the group's adviser change a meeting and record it as held.
    meeting = _meeting(world)
    return Case({"meeting_uuid": meeting.uuid},
                frozenset({"oaf_a"}) | _roles_for_users(world, {meeting.group.facilitator_id}))


def _meeting_note(world: World) -> Case:
    # The group's own notes: the group and its facilitator, not even O&F.
    meeting = _meeting(world)
    return Case({"meeting_uuid": meeting.uuid}, _network_group_roles(world, meeting.group))


# --- cockpit ---------------------------------------------------------------------

def _certificate(world: World) -> Case:
    """A completed module of A with a signer: the leader's own certificate, and O&F's."""
    from cockpit.models import CertificateSettings
    from programs.models import Attendance, EnrollmentStatus

    org = _org_a(world)
    enrollment = (Enrollment.objects.filter(module__programme__organisation_id=org,
                                            status=EnrollmentStatus.SEATED,
                                            module__sessions__isnull=False)
                  .select_related("leader").order_by("pk").first())
    for session in enrollment.module.sessions.all():
        Attendance.objects.update_or_create(session=session, enrollment=enrollment,
                                            defaults={"attended": True})
    CertificateSettings.objects.get_or_create(
        organisation_id=org, defaults={"signer_name": "Sigrid Ørnes",
                                       "signer_title": "Leiar for O&F"})
    return Case({"enrollment_uuid": enrollment.uuid},
                frozenset({"oaf_a"}) | _roles_for_users(world, {enrollment.leader.user_id}))


# --- lib and accounts ------------------------------------------------------------

def _document(world: World) -> Case:
    # A PDF of a draft poster, asked for by a member: only the group may see it.
    group = _group(world)
    version = (PosterVersion.objects.filter(poster__group=group, first_published_at=None)
               .order_by("number").first()
               or PosterVersion.objects.create(poster=group.poster, number=99,
                                               lead_sentence="Utkast"))
    document = document_request(kind=POSTER_PDF_KIND, organisation=group.organisation,
                                requested_by=world.users["group_member"], title="Plakat",
                                params={"version_id": version.pk})
    members, facilitator = _group_roles(world, group)
    return Case({"pk": document.pk}, frozenset({"group_member"}),
                frozenset({"oaf_a"}) | members | facilitator)


def _document_download(world: World) -> Case:
    # Still queued, so not even the owner can download it yet; outsiders never.
    case = _document(world)
    return Case(case.kwargs, frozenset(), case.also | case.owners)


def _calendar_feed(world: World) -> Case:
    # The token is the only key: a guessed one must open nothing.
    return Case({"token": "guessed-" + uuid.uuid4().hex}, frozenset())


def _sso_provider(world: World) -> Case:
    # A municipality's sign-in addresses are public by design (the login page's buttons);
    # an unknown provider is simply not found, for everyone.
    return Case({"provider_id": "finnes-ikke"}, frozenset())


def _password_reset_confirm(world: World) -> Case:
    # Someone else's reset link with a wrong token must not open the form.
    user = world.users["leader"]
    return Case({"uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                 "token": default_token_generator.make_token(world.users["leader_b"])},
                frozenset(), refusal_page=lambda r: r.context["validlink"] is False
                and b"new_password1" not in r.content)


# --- leaderplatform ------------------------------------------------------------------

def _platform_version(world: World, status: str) -> PlatformVersion:
    return PlatformVersion.objects.get(platform__organisation_id=_org_a(world), status=status)


def _platform_draft(world: World) -> Case:
    # The process is open to the whole municipality (leaders take part in it).
    return Case({"version_uuid": _platform_version(world, VersionStatus.DRAFT).uuid},
                frozenset({"oaf_a"}), A_ROLES)


def _platform_published(world: World) -> Case:
    return Case({"version_uuid": _platform_version(world, VersionStatus.PUBLISHED).uuid},
                frozenset({"oaf_a"}), A_ROLES)


def _platform_cluster(world: World) -> Case:
    # Step 4 is O&F's and the facilitators'; leaders and coaches get 403.
    return Case({"version_uuid": _platform_version(world, VersionStatus.DRAFT).uuid},
                frozenset({"oaf_a", "facilitator"}))


def _platform_rate(world: World) -> Case:
    # Every leader of A rates (the page says when rating is not open); others get 403.
    leaders = frozenset(role for role in world.leaders if role in A_ROLES)
    return Case({"version_uuid": _platform_version(world, VersionStatus.DRAFT).uuid},
                frozenset({"leader"}), leaders)


def _platform_oaf(world: World) -> Case:
    return Case({"version_uuid": _platform_version(world, VersionStatus.PUBLISHED).uuid},
                frozenset({"oaf_a"}))


def _self_assessment(world: World) -> Case:
    # The leader's alone: O&F, the leader above, the coach (not shared) and every other
    # leader get 404.
    assessment = (SelfAssessment.objects.filter(leader=world.leader("leader"),
                                                shared_with_coach=False)
                  .order_by("-created_at").first())
    return Case({"assessment_uuid": assessment.uuid}, frozenset({"leader"}))


def _feedback_invitation(world: World) -> Case:
    # A 360 invitation is its rater's alone: the leader who asked, O&F, the leader above
    # and everyone else get 404.
    assessment = (SelfAssessment.objects.filter(leader=world.leader("leader"))
                  .order_by("-created_at").first())
    round_, _created = FeedbackRound.objects.get_or_create(assessment=assessment)
    invitation, _created = FeedbackInvitation.objects.get_or_create(
        round=round_, rater=world.users["group_member"],
        defaults={"group": RaterGroup.PEER})
    return Case({"invitation_uuid": invitation.uuid}, frozenset({"group_member"}))


BUILDERS: dict[str, Callable[[World], Case]] = {
    "leaderplatform:assessment_feedback": _self_assessment,
    "leaderplatform:feedback_rate": _feedback_invitation,
    "leaderplatform:version": _platform_draft,
    "leaderplatform:proposals": _platform_draft,
    "leaderplatform:platform_pdf": _platform_published,
    "leaderplatform:cluster": _platform_cluster,
    "leaderplatform:rate": _platform_rate,
    "leaderplatform:results": _platform_oaf,
    "leaderplatform:aggregates": _platform_oaf,
    "leaderplatform:evaluation_instrument": _platform_oaf,
    "leaderplatform:assessment": _self_assessment,
    "leaderplatform:assessment_share": _self_assessment,
    "leaderplatform:assessment_focus": _self_assessment,
    "programs:module_detail": _module_case,
    "programs:enrollment_request": _module_case,
    "programs:module_ics": _module_case,
    "programs:session_ics": _session_ics,
    "programs:session_register": _session_register,
    "programs:enrollment_detail": _enrollment,
    "programs:enrollment_approve": _enrollment,
    "programs:enrollment_decline": _enrollment,
    "programs:enrollment_cancel": _enrollment_withdraw,
    "programs:programme_detail": _programme,
    "programs:gathering_ics": _gathering,
    "groups:progress": _group_follow,
    "groups:task_toggle": _group_task,
    "groups:session_edit": _group_session,
    "groups:task_create": _group_session_member,
    "groups:poster": _group_poster,
    "groups:poster_edit": _poster_members,
    "groups:poster_compare": _group_follow,
    "groups:poster_pdf": _group_poster,
    "groups:poster_version": _poster_version,
    "groups:poster_comment": _poster_version,
    "groups:poster_publish": _poster_publish,
    "surveys:answer": _round_invited,
    "surveys:answer_token": _answer_token,
    "surveys:report": _round_report,
    "surveys:report_pdf": _round_report,
    "surveys:report_csv": _round_report,
    "coaching:course_detail": _course_case,
    "coaching:project_edit": _course_own,
    "coaching:reflection_add": _course_own,
    "coaching:course_withdraw": _course_own,
    "coaching:coach_choose": _course_own,
    "coaching:booking_create": _course_own,
    "coaching:course_decide": _course_decide,
    "coaching:booking_reschedule": _booking,
    "coaching:booking_cancel": _booking,
    "coaching:booking_mark": _booking,
    "coaching:booking_ics": _booking,
    "coaching:coach_calendar": _coach,
    "coaching:block_create": _coach,
    "coaching:block_delete": _block,
    "networks:plan_start": _plan_start,
    "networks:plan_compose": _plan_case,
    "networks:groups_propose": _plan_case,
    "networks:member_move": _plan_case,
    "networks:group_create": _plan_case,
    "networks:groups_confirm": _plan_case,
    "networks:meeting_plan": _plan_case,
    "networks:meetings_plan_run": _plan_case,
    "networks:poll_announce": _plan_case,
    "networks:group_detail": _network_group_case,
    "networks:group_update": _network_group_edit,
    "networks:group_delete": _network_group_edit,
    "networks:meeting_detail": _meeting_case,
    "networks:meeting_vote": _meeting_case,
    "networks:meeting_confirm": _meeting_case,
    "networks:meeting_edit": _meeting_record,
    "networks:meeting_held": _meeting_record,
    "networks:meeting_create": _network_group_record,
    "networks:plan_import": _plan_case,
    "networks:meetings_plan_range": _plan_case,
    "networks:meeting_cancel": _meeting_case,
    "networks:meeting_option_add": _meeting_case,
    "networks:meeting_note": _meeting_note,
    "networks:meeting_ics": _meeting_case,
    "cockpit:certificate": _certificate,
    "lib:document_detail": _document,
    "lib:document_status": _document,
    "lib:document_download": _document_download,
    "accounts:calendar_feed": _calendar_feed,
    "password_reset_confirm": _password_reset_confirm,
    "kommune_login": _sso_provider,
    "kommune_callback": _sso_provider,
}
