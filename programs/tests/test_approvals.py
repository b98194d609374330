"""Issue 26: deputies, extra approval steps, handovers and escalation of seat requests.

Each rule is asserted by its refusal code; the English texts only where the
leader reads them ("approved by X on behalf of Y").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import (
    ApprovalDecision,
    ApprovalEscalation,
    ApprovalHandover,
    ApprovalPolicy,
    ApprovalStep,
    DecisionOutcome,
    Deputy,
    StepCondition,
    StepKind,
)
from accounts.services.approvals import (
    approver_items,
    deputy_set,
    escalations_make,
    request_hand_over,
    routing_load,
)
from cockpit.rules import approvals_escalated
from lib.models import SentReminder
from lib.reminders import reminders_sweep
from lib.testing import assert_queries_stable, assert_refused
from lib.workdays import add_working_days
from programs import services
from programs.approvals import KIND, subject_of
from programs.models import Enrollment, EnrollmentStatus, Module, Programme
from reports.models import ReminderPolicy
from tests.factories import LeaderFactory

from .conftest import make_module
from .factories import EnrollmentFactory, ModuleFactory, today

pytestmark = pytest.mark.django_db


@pytest.fixture
def deputy(personas):
    """Dag, a colleague of Berit's in A, her deputy for this week."""
    return LeaderFactory(organisation=personas.org_a, unit=personas.boss_leader.unit,
                         user__full_name="Dag Stedfortreder", user__email="dag@askvik.example")


def _name_deputy(personas, deputy, start=None, end=None):
    start = start or today()
    return deputy_set(leader=personas.boss_leader.user, deputy=deputy.user, starts_on=start,
                      ends_on=end or start + dt.timedelta(days=6),
                      actor=personas.boss_leader.user)


def _oaf_step(module: Module, *, label="O&F bekrefter talentplasser", **kwargs):
    return ApprovalStep.objects.create(
        organisation=module.programme.organisation,
        content_type=ContentType.objects.get_for_model(Module), object_id=module.pk,
        position=1, label=label, kind=kwargs.pop("kind", StepKind.OAF), **kwargs)


# --- deputies --------------------------------------------------------------------------


def test_deputy_decides_during_the_period_on_behalf_of_the_leader_above(
        personas, deputy, request_of_bob):
    _name_deputy(personas, deputy)
    enrollment = services.enrollment_approve(enrollment=request_of_bob, actor=deputy.user,
                                             step=1)
    assert enrollment.status == EnrollmentStatus.SEATED
    decision = ApprovalDecision.objects.get(request_kind=KIND, request_id=enrollment.pk)
    assert (decision.decided_by, decision.on_behalf_of) == (deputy.user,
                                                            personas.boss_leader.user)


def test_deputy_outside_the_period_is_refused(personas, deputy, request_of_bob):
    _name_deputy(personas, deputy, start=today() + dt.timedelta(days=7))
    with pytest.raises(PermissionDenied):
        services.enrollment_approve(enrollment=request_of_bob, actor=deputy.user, step=1)
    assert Enrollment.objects.get(pk=request_of_bob.pk).is_requested


def test_a_deputy_never_decides_their_own_request(personas, deputy, module):
    # Bob is Berit's deputy and asks for a place himself: he may not approve it.
    _name_deputy(personas, personas.bob_leader)
    own = EnrollmentFactory(module=module, leader=personas.bob_leader)
    assert_refused("own_request", lambda: services.enrollment_approve(
        enrollment=own, actor=personas.bob, step=1))


def test_chains_of_deputies_are_not_followed(personas, deputy, request_of_bob):
    _name_deputy(personas, deputy)
    third = LeaderFactory(organisation=personas.org_a, user__email="tredje@askvik.example")
    deputy_set(leader=deputy.user, deputy=third.user, starts_on=today(),
               ends_on=today() + dt.timedelta(days=3), actor=deputy.user)
    with pytest.raises(PermissionDenied):
        services.enrollment_approve(enrollment=request_of_bob, actor=third.user, step=1)


def test_deputy_rules_are_refused_with_codes(personas, deputy):
    boss = personas.boss_leader.user
    start = today()
    assert_refused("period_order", lambda: deputy_set(
        leader=boss, deputy=deputy.user, starts_on=start, ends_on=start - dt.timedelta(days=1),
        actor=boss))
    assert_refused("self_deputy", lambda: deputy_set(
        leader=boss, deputy=boss, starts_on=start, ends_on=start, actor=boss))
    assert_refused("other_municipality", lambda: deputy_set(
        leader=boss, deputy=personas.dora_leader.user, starts_on=start, ends_on=start,
        actor=boss))
    assert_refused("permission_denied", lambda: deputy_set(
        leader=boss, deputy=deputy.user, starts_on=start, ends_on=start, actor=personas.bob))
    _name_deputy(personas, deputy)
    # A direct circle in an overlapping period is refused; so is a second deputy then.
    assert_refused("circle", lambda: deputy_set(
        leader=deputy.user, deputy=boss, starts_on=start + dt.timedelta(days=2),
        ends_on=start + dt.timedelta(days=9), actor=deputy.user))
    assert_refused("overlap", lambda: deputy_set(
        leader=boss, deputy=personas.bob, starts_on=start + dt.timedelta(days=3),
        ends_on=start + dt.timedelta(days=4), actor=boss))
    # O&F may name one for any leader of the municipality.
    row = deputy_set(leader=boss, deputy=personas.bob, starts_on=start + dt.timedelta(days=30),
                     ends_on=start + dt.timedelta(days=31), actor=personas.alice)
    assert row.created_by == personas.alice
    assert_refused("permission_denied", lambda: deputy_set(
        leader=boss, deputy=deputy.user, starts_on=start + dt.timedelta(days=60),
        ends_on=start + dt.timedelta(days=61), actor=personas.charlie))


def test_the_database_keeps_the_period_ordered_and_the_deputy_another(personas, deputy):
    from django.db import IntegrityError, transaction

    boss = personas.boss_leader.user
    for bad in ({"deputy": deputy.user, "starts_on": today(),
                 "ends_on": today() - dt.timedelta(days=1)},
                {"deputy": boss, "starts_on": today(), "ends_on": today()}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Deputy.objects.create(organisation=personas.org_a, leader=boss, **bad)


def test_deputy_page_names_and_ends_a_deputy(client, personas, deputy):
    client.force_login(personas.boss_leader.user)
    url = reverse("accounts:deputies")
    assert client.get(url).status_code == 200
    bad = client.post(url, {"deputy": deputy.user.pk, "starts_on": today().isoformat(),
                            "ends_on": (today() - dt.timedelta(days=2)).isoformat()})
    assert bad.status_code == 400 and not Deputy.objects.exists()
    client.post(url, {"deputy": deputy.user.pk, "starts_on": today().isoformat(),
                      "ends_on": (today() + dt.timedelta(days=4)).isoformat()})
    row = Deputy.objects.get()
    assert (row.leader, row.deputy) == (personas.boss_leader.user, deputy.user)
    client.post(url, {"end": row.pk})
    assert not Deputy.objects.filter(ends_on__gte=today()).exists()


def test_deputy_page_access(client, personas, deputy):
    url = reverse("accounts:deputies")
    client.force_login(personas.alice)  # no leader profile: nothing to stand in for
    assert client.get(url).status_code == 403
    _name_deputy(personas, deputy)
    client.force_login(personas.dora_leader.user)  # another municipality: cannot end Berit's
    assert client.post(url, {"end": Deputy.objects.get().pk}).status_code == 404


# --- approval steps --------------------------------------------------------------------


def test_second_step_takes_the_seat_only_at_the_final_approval(personas, request_of_bob):
    _oaf_step(request_of_bob.module)
    boss = personas.boss_leader.user
    after_first = services.enrollment_approve(enrollment=request_of_bob, actor=boss, step=1)
    assert after_first.status == EnrollmentStatus.REQUESTED and after_first.seated_at is None
    # The leader above is not the one to decide step 2, nor can step 1 be decided again.
    with pytest.raises(PermissionDenied):
        services.enrollment_approve(enrollment=request_of_bob, actor=boss, step=2)
    assert_refused("step_decided", lambda: services.enrollment_approve(
        enrollment=request_of_bob, actor=personas.alice, step=1))
    final = services.enrollment_approve(enrollment=request_of_bob, actor=personas.alice, step=2)
    assert final.status == EnrollmentStatus.SEATED
    trail = list(ApprovalDecision.objects.filter(request_id=final.pk).order_by("step_number")
                 .values_list("step_number", "decided_by", "outcome", "step_label"))
    assert trail == [(1, boss.pk, "approved", ""),  # the page says "Leader above"
                     (2, personas.alice.pk, "approved", "O&F bekrefter talentplasser")]


def test_second_step_can_decline_with_its_reason(personas, request_of_bob):
    _oaf_step(request_of_bob.module)
    services.enrollment_approve(enrollment=request_of_bob, actor=personas.boss_leader.user,
                                step=1)
    declined = services.enrollment_decline(enrollment=request_of_bob, actor=personas.alice,
                                           step=2, reason="Talentplassene er tatt")
    assert declined.status == EnrollmentStatus.DECLINED
    assert ApprovalDecision.objects.get(step_number=2).reason == "Talentplassene er tatt"


def test_a_step_for_talents_applies_only_to_talents(personas, module):
    _oaf_step(module, condition=StepCondition.TALENT)
    plain = EnrollmentFactory(module=module, leader=personas.bob_leader)
    assert services.enrollment_approve(enrollment=plain, actor=personas.boss_leader.user,
                                       step=1).status == EnrollmentStatus.SEATED
    talent = LeaderFactory(organisation=personas.org_a, leader_above=personas.boss_leader,
                           is_talent=True)
    request = EnrollmentFactory(module=module, leader=talent)
    assert services.enrollment_approve(enrollment=request, actor=personas.boss_leader.user,
                                       step=1).status == EnrollmentStatus.REQUESTED


def test_the_leader_sees_who_decided_on_whose_behalf(client, personas, deputy, request_of_bob):
    _oaf_step(request_of_bob.module, label="O&F confirms")
    _name_deputy(personas, deputy)
    services.enrollment_approve(enrollment=request_of_bob, actor=deputy.user, step=1)
    personas.bob.language = "en"
    personas.bob.save(update_fields=["language"])
    client.force_login(personas.bob)
    with translation.override("en"):
        page = client.get(reverse("programs:enrollment_detail",
                                  args=[request_of_bob.uuid]), HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert "approved by Dag Stedfortreder on behalf of Berit Sjef" in text
    assert "O&amp;F confirms" in text and "waiting" in text


# --- handing over one request ------------------------------------------------------------


def test_leader_above_hands_one_request_to_a_colleague(personas, deputy, request_of_bob):
    boss = personas.boss_leader.user
    request_hand_over(kind=KIND, pk=request_of_bob.pk, step_number=1, actor=boss,
                      to_user=deputy.user)
    approved = services.enrollment_approve(enrollment=request_of_bob, actor=deputy.user, step=1)
    assert approved.status == EnrollmentStatus.SEATED
    assert ApprovalDecision.objects.get().on_behalf_of == boss


def test_the_colleague_is_told_at_once_in_their_language(client, personas, deputy,
                                                        request_of_bob, committed):
    from django.core import mail

    deputy.user.language = "nn"
    deputy.user.save(update_fields=["language"])
    boss = personas.boss_leader.user
    with committed():
        request_hand_over(kind=KIND, pk=request_of_bob.pk, step_number=1, actor=boss,
                          to_user=deputy.user)
    (message,) = mail.outbox
    assert message.to == ["dag@askvik.example"]
    assert message.subject.startswith("Overlaten til deg:")
    assert "Berit Sjef har overlate søknaden" in message.body
    link = reverse("programs:enrollment_detail", args=[request_of_bob.uuid])
    assert f"http://127.0.0.1:8000{link}" in message.body  # where Dag decides it
    with committed():  # refused: nobody is told
        assert_refused("self_handover", lambda: request_hand_over(
            kind=KIND, pk=request_of_bob.pk, step_number=1, actor=boss, to_user=boss))
    assert len(mail.outbox) == 1
    with committed():  # handed to Dag again: he knows already
        request_hand_over(kind=KIND, pk=request_of_bob.pk, step_number=1, actor=boss,
                          to_user=deputy.user)
    assert len(mail.outbox) == 1
    client.force_login(deputy.user)
    assert client.get(link).status_code == 200


def test_handover_rules(personas, deputy, request_of_bob, other_leader):
    boss = personas.boss_leader.user

    def hand(actor, to):
        return request_hand_over(kind=KIND, pk=request_of_bob.pk, step_number=1, actor=actor,
                                 to_user=to)

    assert_refused("other_municipality", lambda: hand(boss, personas.dora_leader.user))
    assert_refused("own_request", lambda: hand(boss, personas.bob))
    assert_refused("self_handover", lambda: hand(boss, boss))
    assert_refused("permission_denied", lambda: hand(other_leader.user, deputy.user))
    assert_refused("step_decided", lambda: request_hand_over(
        kind=KIND, pk=request_of_bob.pk, step_number=2, actor=boss, to_user=deputy.user))


def test_hand_over_page_access(client, personas, deputy, request_of_bob):
    url = reverse("programs:approval_hand_over")
    value = f"{KIND}:{request_of_bob.pk}:1"
    client.force_login(personas.boss_leader.user)  # owner
    assert client.get(url, {"request": value}).status_code == 200
    response = client.post(url, {"request": value, "colleague": deputy.user.pk})
    assert response.status_code == 302
    client.force_login(deputy.user)  # may decide the handed-over request, not hand it on
    assert client.get(url, {"request": value}).status_code == 403
    client.force_login(personas.alice)  # nothing of hers to hand over
    assert client.get(url, {"request": value}).status_code == 404
    client.force_login(personas.charlie)  # another municipality
    assert client.get(url, {"request": value}).status_code == 404
    client.force_login(personas.dora_leader.user)
    assert client.post(url, {"request": value, "colleague": deputy.user.pk}).status_code == 404


# --- the approver's list -----------------------------------------------------------------


def test_approvers_list_shows_own_deputy_and_handed_over_requests(client, personas, deputy,
                                                                  request_of_bob):
    _name_deputy(personas, deputy)
    elsewhere = LeaderFactory(organisation=personas.org_a, user__email="e@askvik.example")
    reporting = LeaderFactory(organisation=personas.org_a, leader_above=elsewhere)
    handed = EnrollmentFactory(module=request_of_bob.module, leader=reporting)
    request_hand_over(kind=KIND, pk=handed.pk, step_number=1, actor=elsewhere.user,
                      to_user=deputy.user)
    items = approver_items(user=deputy.user)
    assert {(i.subject.pk, i.role.reason) for i in items} == {
        (request_of_bob.pk, "deputy"), (handed.pk, "handover")}
    client.force_login(deputy.user)
    response = client.post(reverse("programs:approvals"), {
        "requests": [i.value for i in items], "decision": "approve"})
    assert response.status_code == 302
    assert set(Enrollment.objects.filter(pk__in=[request_of_bob.pk, handed.pk])
               .values_list("status", flat=True)) == {EnrollmentStatus.SEATED}


def test_a_step_decided_meanwhile_is_refused_on_the_list(client, personas, deputy,
                                                         request_of_bob):
    _name_deputy(personas, deputy)
    value = f"{KIND}:{request_of_bob.pk}:1"
    client.force_login(deputy.user)
    page = client.get(reverse("programs:approvals"))
    assert value in page.content.decode()
    services.enrollment_approve(enrollment=request_of_bob, actor=personas.boss_leader.user,
                                step=1)
    response = client.post(reverse("programs:approvals"),
                           {"requests": [value], "decision": "approve"})
    assert response.status_code == 400  # the choice is gone: "dealt with already"
    assert ApprovalDecision.objects.count() == 1


def test_approvers_list_queries_do_not_grow(client, personas, deputy):
    """Own requests, deputy duties, handovers, a second step, coaching: one count."""
    _name_deputy(personas, deputy)
    module = make_module(personas.org_a, topic="Relasjonsledelse")
    _oaf_step(module, condition=StepCondition.TALENT)
    client.force_login(deputy.user)

    def grow(n):
        for i in range(n):
            EnrollmentFactory(module=module, leader=LeaderFactory(
                organisation=personas.org_a, leader_above=personas.boss_leader,
                is_talent=i % 2 == 0))
            other = LeaderFactory(organisation=personas.org_a)
            handed = EnrollmentFactory(module=module, leader=LeaderFactory(
                organisation=personas.org_a, leader_above=other))
            request_hand_over(kind=KIND, pk=handed.pk, step_number=1, actor=other.user,
                              to_user=deputy.user)

    # session, user, the user's deputy duties, handovers and escalations to them, named
    # steps; coaching candidates (none: so no steps query); enrolment candidates and
    # their steps; routing: decisions, handovers, escalations, deputies; facts: modules
    # with seat counts, other enrolments; policies.
    assert_queries_stable(lambda: client.get(reverse("programs:approvals")), grow=grow,
                          expected=16)


def test_list_is_usable_at_320_px_markup(client, personas, request_of_bob):
    client.force_login(personas.boss_leader.user)
    page = client.get(reverse("programs:approvals")).content.decode()
    value = f"{KIND}:{request_of_bob.pk}:1"
    assert f'value="{value}"' in page and 'for="request-1"' in page  # every box labelled


# --- escalation ----------------------------------------------------------------------------


def _age(enrollment, working_days):
    enrollment.requested_at = timezone.now() - dt.timedelta(days=working_days * 2 + 4)
    enrollment.save(update_fields=["requested_at"])


def test_waiting_request_is_reminded_once_then_offered_to_the_next_leader_up(
        personas, request_of_bob, mailoutbox):
    top = LeaderFactory(organisation=personas.org_a, user__full_name="Toril Topp",
                        user__email="toril@askvik.example")
    boss = personas.boss_leader
    boss.leader_above = top
    boss.save(update_fields=["leader_above"])
    ApprovalPolicy.objects.create(organisation=personas.org_a, remind_after_days=2,
                                  escalate_after_days=1, deadline_margin_days=0)
    # Periodic approval reminders (every N days) off: the once-only reminder speaks instead.
    ReminderPolicy.objects.create(organisation=personas.org_a, approvals_on=False)
    request_of_bob.requested_at = timezone.now() - dt.timedelta(days=1)
    request_of_bob.save(update_fields=["requested_at"])
    assert escalations_make() == []
    _age(request_of_bob, 4)
    reminders_sweep()
    reminders_sweep()
    waiting = SentReminder.objects.filter(occasion__startswith="accounts.approval_wait:")
    assert list(waiting.values_list("recipient", flat=True)) == [boss.user_id]
    [escalation] = escalations_make()
    assert escalations_make() == []  # once
    assert escalation.escalated_to == top.user
    reminders_sweep()
    assert SentReminder.objects.filter(occasion__startswith="accounts.approval_escalated:",
                                       recipient=top.user).count() == 1
    item = approvals_escalated([personas.org_a.pk], timezone.now())
    assert item is not None and item.count == 1
    approved = services.enrollment_approve(enrollment=request_of_bob, actor=top.user, step=1)
    assert approved.status == EnrollmentStatus.SEATED
    decision = ApprovalDecision.objects.get()
    assert decision.on_behalf_of == boss.user
    assert ApprovalEscalation.objects.get().resolved_at is not None
    assert approvals_escalated([personas.org_a.pk], timezone.now()) is None


def test_a_request_near_the_enrolment_deadline_is_flagged_and_escalated_early(
        personas, module, request_of_bob):
    module.enrolment_closes_on = add_working_days(today(), 1)
    module.save(update_fields=["enrolment_closes_on"])
    [item] = approver_items(user=personas.boss_leader.user)
    assert item.near_deadline
    [escalation] = escalations_make()
    assert escalation.near_deadline and escalation.escalated_to is None  # nobody above: O&F
    assert {i.subject.pk for i in approver_items(user=personas.alice)} == {request_of_bob.pk}


def test_other_municipality_rows_never_reach_the_list(personas, b_module):
    foreign = EnrollmentFactory(module=b_module, leader=LeaderFactory(
        organisation=personas.org_b, leader_above=personas.dora_leader))
    assert approver_items(user=personas.alice) == []
    assert [i.subject.pk for i in approver_items(user=personas.dora_leader.user)] == [foreign.pk]


def test_o_and_f_without_a_leader_profile_gets_oaf_steps(personas, request_of_bob):
    _oaf_step(request_of_bob.module)
    assert approver_items(user=personas.alice) == []
    services.enrollment_approve(enrollment=request_of_bob, actor=personas.boss_leader.user,
                                step=1)
    [item] = approver_items(user=personas.alice)
    assert (item.step.number, item.role.reason) == (2, "oaf")


# --- demo data ------------------------------------------------------------------------------


def test_demo_has_a_deputy_this_week_and_a_module_with_an_oaf_step():
    from django.core.management import call_command

    call_command("seed_demo", verbosity=0)
    head = "leder.gruppe@fjordvik.example"
    row = Deputy.objects.get(leader__email=head)
    assert row.starts_on <= today() <= row.ends_on
    step = ApprovalStep.objects.get(organisation__slug="fjordvik")
    assert step.kind == StepKind.OAF and isinstance(step.target, Module)
    # The deputy sees the requests of the group head's reports on the approver's list.
    assert any(i.role.reason == "deputy" for i in approver_items(user=row.deputy))
    call_command("seed_demo", "--reset", verbosity=0)
    assert Deputy.objects.filter(leader__email=head).count() == 1


# --- admin ------------------------------------------------------------------------------------


def test_oaf_names_a_deputy_in_the_admin_through_the_service_rules(client, personas, deputy):
    client.force_login(personas.alice)
    url = reverse("admin:accounts_deputy_add")
    data = {"leader": personas.boss_leader.user_id, "deputy": deputy.user_id,
            "starts_on": today().isoformat(),
            "ends_on": (today() - dt.timedelta(days=1)).isoformat()}
    assert client.post(url, data).status_code == 200 and not Deputy.objects.exists()
    data["ends_on"] = (today() + dt.timedelta(days=3)).isoformat()
    assert client.post(url, data).status_code == 302
    assert Deputy.objects.get().created_by == personas.alice


def test_oaf_adds_a_second_step_to_a_module_in_its_admin(client, personas, module):
    client.force_login(personas.alice)
    url = reverse("admin:programs_module_change", args=[module.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "audience_units"}
    prefix = "accounts-approvalstep-content_type-object_id"
    data.update({"audience_levels": [], "waiting_list_limit": "", "talent_seats_release_on": "",
                 "sessions-TOTAL_FORMS": 0, "sessions-INITIAL_FORMS": 0,
                 f"{prefix}-TOTAL_FORMS": 1, f"{prefix}-INITIAL_FORMS": 0,
                 f"{prefix}-0-position": 1, f"{prefix}-0-label": "O&F bekrefter",
                 f"{prefix}-0-kind": StepKind.OAF, f"{prefix}-0-condition": "always"})
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    step = ApprovalStep.objects.get()
    assert (step.target, step.organisation) == (module, personas.org_a)


def test_oaf_direct_enrolment_approves_every_waiting_step(personas, request_of_bob):
    _oaf_step(request_of_bob.module)
    enrolled = services.enrollment_enrol(module=request_of_bob.module,
                                         leader=personas.bob_leader, actor=personas.alice)
    assert enrolled.pk == request_of_bob.pk and enrolled.status == EnrollmentStatus.SEATED
    trail = list(ApprovalDecision.objects.order_by("step_number")
                 .values_list("step_number", "decided_by", "on_behalf_of"))
    assert trail == [(1, personas.alice.pk, personas.boss_leader.user_id),
                     (2, personas.alice.pk, None)]


# --- what the routing reads --------------------------------------------------------------


def test_a_request_reads_only_its_own_steps_decisions_and_routing(personas, deputy,
                                                                   module, other_leader):
    """Issue 23: the extra steps and the routing (decisions, handovers, escalations,
    deputies) are each read by one prepared shape, the kinds or content types and the
    ids going in as two lists. A row of another kind of request, or of another target,
    that has one of those ids is read too and must not be taken for the request's."""
    org, boss, now = personas.org_a, personas.boss_leader.user, timezone.now()
    second = ModuleFactory(programme=module.programme, topic="Økonomi for ledere")
    target = next(m for m in (module, second) if m.pk != m.programme_id)
    enrollment = EnrollmentFactory(module=target, leader=personas.bob_leader)
    module_type, programme_type = (ContentType.objects.get_for_model(m)
                                   for m in (Module, Programme))

    def step(content_type, object_id, position, label):
        return ApprovalStep.objects.create(
            organisation=org, content_type=content_type, object_id=object_id,
            position=position, label=label, kind=StepKind.OAF)

    own = [step(module_type, target.pk, 2, "Modulens steg"),
           step(programme_type, target.programme_id, 3, "Programmets\nsteg – å")]
    step(programme_type, target.pk, 4, "Et annet program")  # the module's id, a programme's
    step(module_type, target.programme_id, 5, "En annen modul")
    subject = subject_of(enrollment)
    assert [s.pk for s in subject.definitions] == [s.pk for s in own]

    # A coaching application in the same list: each kind's id is also the other's.
    pk, course = enrollment.pk, "coaching.course"
    application = replace(subject, kind=course, pk=pk + 1000)
    decided = ApprovalDecision.objects.create(
        organisation=org, request_kind=KIND, request_id=pk, step_number=1,
        outcome=DecisionOutcome.APPROVED, decided_by=boss, decided_at=now)
    declined = ApprovalDecision.objects.create(
        organisation=org, request_kind=course, request_id=pk + 1000, step_number=1,
        outcome=DecisionOutcome.DECLINED, decided_by=boss, decided_at=now)
    for kind, request_id in ((course, pk), (KIND, pk + 1000)):  # neither request's
        ApprovalDecision.objects.create(
            organisation=org, request_kind=kind, request_id=request_id, step_number=2,
            outcome=DecisionOutcome.DECLINED, decided_by=boss, decided_at=now)
        ApprovalHandover.objects.create(
            organisation=org, request_kind=kind, request_id=request_id, step_number=2,
            from_user=boss, to_user=other_leader.user)
        ApprovalEscalation.objects.create(
            organisation=org, request_kind=kind, request_id=request_id, step_number=2,
            escalated_to=boss, escalated_at=now)
    ApprovalHandover.objects.create(organisation=org, request_kind=KIND, request_id=pk,
                                    step_number=2, from_user=boss, to_user=deputy.user)
    ApprovalEscalation.objects.create(organisation=org, request_kind=KIND, request_id=pk,
                                      step_number=3, escalated_to=boss, escalated_at=now,
                                      resolved_at=now)  # decided since: no longer routes
    _name_deputy(personas, deputy)

    with CaptureQueriesContext(connection) as queries:
        routing = routing_load(subjects=[subject, application], today=today())
    assert len(queries) == 4
    assert {key: [d.pk for d in rows] for key, rows in routing.decisions.items()} == {
        (KIND, pk): [decided.pk], (course, pk + 1000): [declined.pk]}
    assert routing.handovers == {(KIND, pk, 2): deputy.user.pk}
    assert routing.escalations == {}
    assert routing.deputies == {boss.pk: {deputy.user.pk}}
