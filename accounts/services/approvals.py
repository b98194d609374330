"""Deputies, handovers, per-step decisions and escalation of waiting requests.

The track apps' own services (``programs.services.enrollment_approve``,
``coaching.services.course_decide``) lock their request row and then call
:func:`step_decide`; the step's decision row is unique per request and step,
so two approvers deciding at once get one decision and one refusal
(``step_decided``). :func:`routing_load` is the one loader of who may act
(deputies today, handovers, escalations, decisions) in four queries, shared by
the decision service and the approver's list (:func:`approver_items`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from lib.audit import audit_log
from lib.emails import absolute_url, queue_email
from lib.prepared import Prepared
from lib.workdays import add_working_days, subtract_working_days, working_days_between

from ..access import is_oaf_for
from ..approvals import (
    LEADER_STEP,
    ApprovalItem,
    Role,
    Routing,
    StepSpec,
    Subject,
    approval_source,
    approval_sources,
    next_step,
    role_for,
)
from ..models import (
    ApprovalDecision,
    ApprovalEscalation,
    ApprovalHandover,
    ApprovalPolicy,
    ApprovalStep,
    DecisionOutcome,
    Deputy,
    Organisation,
    User,
)
from ..models.approvals import (
    DEFAULT_DEADLINE_MARGIN_DAYS,
    DEFAULT_ESCALATE_AFTER_DAYS,
    DEFAULT_REMIND_AFTER_DAYS,
    StepKind,
)

# --- Steps ----------------------------------------------------------------------


def approval_steps_copy(*, pairs: Iterable[tuple[models.Model, models.Model]]) -> int:
    """Give each copy (a module, a programme) the approval steps of its original.

    Called inside the copying service's transaction; returns how many steps it wrote.
    """
    pairs = list(pairs)
    if not pairs:
        return 0
    content_type = ContentType.objects.get_for_model(pairs[0][0])
    new_of = {old.pk: new.pk for old, new in pairs}
    steps = list(ApprovalStep.objects.filter(content_type=content_type,
                                             object_id__in=new_of))
    for step in steps:
        step.pk = None
        step.object_id = new_of[step.object_id]
    ApprovalStep.objects.bulk_create(steps)
    return len(steps)


# --- Deputies -------------------------------------------------------------------


def _lock_users(*users: User) -> None:
    """Lock the users' rows in id order, so two namings touching the same pair serialise."""
    list(User.objects.select_for_update().filter(pk__in=sorted({u.pk for u in users}))
         .order_by("pk").values_list("pk", flat=True))


def deputy_check(*, leader: User, deputy: User, starts_on: dt.date, ends_on: dt.date,
                 today: dt.date | None = None) -> None:
    """Refuse a deputy period that breaks a rule (the form shows it; the service re-checks).

    Codes: ``period_order``, ``period_past``, ``self_deputy``, ``other_municipality``,
    ``inactive``, ``circle`` (the deputy has named the leader in an overlapping
    period), ``overlap`` (the leader already has a deputy then).
    """
    today = today or timezone.localdate()
    if ends_on < starts_on:
        raise ValidationError(_("The period ends before it starts."), code="period_order")
    if ends_on < today:
        raise ValidationError(_("The period is already over."), code="period_past")
    if deputy.pk == leader.pk:
        raise ValidationError(_("A leader cannot be their own deputy."), code="self_deputy")
    if leader.organisation_id is None or deputy.organisation_id != leader.organisation_id:
        raise ValidationError(_("The deputy must work in the same municipality."),
                              code="other_municipality")
    if not deputy.is_active:
        raise ValidationError(_("The deputy's account is not active."), code="inactive")
    overlapping = Q(starts_on__lte=ends_on, ends_on__gte=starts_on)
    if Deputy.objects.filter(overlapping, leader=deputy, deputy=leader).exists():
        raise ValidationError(_("%(name)s has named this leader as their deputy in the same "
                                "period: two leaders cannot stand in for each other.")
                              % {"name": deputy.full_name}, code="circle")
    if Deputy.objects.filter(overlapping, leader=leader).exists():
        raise ValidationError(_("There is already a deputy for part of this period. End it "
                                "first."), code="overlap")


@transaction.atomic
def deputy_set(*, leader: User, deputy: User, starts_on: dt.date, ends_on: dt.date,
               actor: User, today: dt.date | None = None) -> Deputy:
    """Name ``deputy`` to decide ``leader``'s requests from ``starts_on`` to ``ends_on``.

    Guarantees: only the leader themself or O&F of the municipality names one;
    every rule of :func:`deputy_check` holds when the row is written — both
    users' rows are locked first, so two namings that would make a circle or
    an overlap cannot both pass. The database also checks order and self.
    Chains are not followed: a deputy's deputy gets nothing of the leader's.
    """
    if actor.pk != leader.pk and not is_oaf_for(actor, leader.organisation_id):
        raise PermissionDenied(_("Only the leader or O&F can name a deputy."))
    _lock_users(leader, deputy)
    deputy_check(leader=leader, deputy=deputy, starts_on=starts_on, ends_on=ends_on,
                 today=today)
    assert leader.organisation_id is not None  # deputy_check refuses a leader without one
    row = Deputy.objects.create(organisation_id=leader.organisation_id, leader=leader,
                                deputy=deputy, starts_on=starts_on, ends_on=ends_on,
                                created_by=actor)
    audit_log(organisation=row.organisation, actor=actor, action="accounts.deputy.named",
              obj=row, summary=f"{deputy.full_name} → {leader.full_name}",
              data={"starts_on": starts_on.isoformat(), "ends_on": ends_on.isoformat()})
    return row


@transaction.atomic
def deputy_end(*, row: Deputy, actor: User, today: dt.date | None = None) -> None:
    """End a deputy period now (a future one is removed; a past one is left as history)."""
    today = today or timezone.localdate()
    row = Deputy.objects.select_for_update().select_related("organisation").get(pk=row.pk)
    if actor.pk != row.leader_id and not is_oaf_for(actor, row.organisation_id):
        raise PermissionDenied(_("Only the leader or O&F can end a deputy period."))
    if row.ends_on < today:
        raise ValidationError(_("The period is already over."), code="period_past")
    audit_log(organisation=row.organisation, actor=actor, action="accounts.deputy.ended",
              obj=row, summary=str(row))
    if row.starts_on >= today:
        row.delete()
    else:
        row.ends_on = today - dt.timedelta(days=1)
        row.save(update_fields=["ends_on"])


_DEPUTIES_TODAY: Prepared[tuple[int, int]] = Prepared(lambda principal_ids, today: (
    Deputy.objects.filter(leader_id__any=principal_ids, starts_on__lte=today,
                          ends_on__gte=today, deputy__is_active=True)
    .values_list("leader_id", "deputy_id")))


def deputies_of(*, principal_ids: Iterable[int], today: dt.date) -> dict[int, set[int]]:
    """Each principal's active deputies today (one query)."""
    found: dict[int, set[int]] = defaultdict(set)
    for leader_id, deputy_id in _DEPUTIES_TODAY(principal_ids=sorted(set(principal_ids)),
                                                today=today):
        found[leader_id].add(deputy_id)
    return dict(found)


# --- Routing: who may act on which step ---------------------------------------------


# routing_load's reads, one shape each whatever the requests (lib.prepared): their kinds
# and their ids go in as two lists, so a row of one kind whose id is another kind's
# request comes too, and is left out by the request's key.
_DECISIONS_ON: Prepared[ApprovalDecision] = Prepared(lambda kinds, ids: (
    ApprovalDecision.objects.filter(request_kind__any=kinds, request_id__any=ids)
    .select_related("decided_by", "on_behalf_of").order_by("step_number", "pk")))
_HANDOVERS_ON: Prepared[tuple[str, int, int, int]] = Prepared(lambda kinds, ids: (
    ApprovalHandover.objects.filter(request_kind__any=kinds, request_id__any=ids)
    .values_list("request_kind", "request_id", "step_number", "to_user_id")))
_ESCALATIONS_ON: Prepared[tuple[str, int, int, int | None]] = Prepared(lambda kinds, ids: (
    ApprovalEscalation.objects.filter(request_kind__any=kinds, request_id__any=ids,
                                      resolved_at__isnull=True)
    .values_list("request_kind", "request_id", "step_number", "escalated_to_id")))


def routing_load(*, subjects: Sequence[Subject], today: dt.date,
                 principal_ids: Iterable[int] = ()) -> Routing:
    """Deputies, handovers, escalations and decisions for these requests (four queries)."""
    routing = Routing(today=today)
    if not subjects:
        return routing
    keys = {subject.key for subject in subjects}
    refs = {"kinds": sorted({kind for kind, _pk in keys}),
            "ids": sorted({pk for _kind, pk in keys})}
    for decision in _DECISIONS_ON(**refs):
        key = (decision.request_kind, decision.request_id)
        if key in keys:
            routing.decisions.setdefault(key, []).append(decision)
    for kind, pk, step_number, to_user_id in _HANDOVERS_ON(**refs):
        if (kind, pk) in keys:
            routing.handovers[(kind, pk, step_number)] = to_user_id
    for kind, pk, step_number, escalated_to_id in _ESCALATIONS_ON(**refs):
        if (kind, pk) in keys:
            routing.escalations[(kind, pk, step_number)] = escalated_to_id
    principals = set(principal_ids) | {s.leader_above_user_id for s in subjects
                                       if s.leader_above_user_id is not None}
    principals |= {d.person_id for s in subjects for d in s.definitions if d.person_id}
    routing.deputies = deputies_of(principal_ids=principals, today=today)
    return routing


@dataclass(frozen=True)
class StepResult:
    decision: ApprovalDecision
    final: bool  # the request is decided: declined, or approved at its last step
    approved: bool
    next: StepSpec | None


def refuse_own_request(subject: Subject, actor: User) -> None:
    if actor.pk == subject.requester_user_id:
        raise ValidationError(_("You cannot decide on your own request."), code="own_request")


def step_decide(*, subject: Subject, actor: User, approve: bool, reason: str = "",
                step_number: int | None = None, today: dt.date | None = None) -> StepResult:
    """Record ``actor``'s decision on the request's current step. Caller holds its row lock.

    Guarantees: the requester never decides their own request (``own_request``);
    the step the approver saw is still the one waiting (``step_decided`` when
    someone else decided it first); only someone with a role on the step
    decides (``PermissionDenied``) — the principal, their deputy today, the
    colleague it was handed to, whoever it was escalated to, or O&F where O&F
    decides; one decision per step (a unique constraint backs the lock). The
    decision names on whose behalf it was taken. Escalations of the request end.
    """
    today = today or timezone.localdate()
    refuse_own_request(subject, actor)
    routing = routing_load(subjects=[subject], today=today)
    decisions = routing.decisions.get(subject.key, [])
    step = next_step(subject, decisions)
    if step is None or (step_number is not None and step.number != step_number):
        raise ValidationError(_("Someone else has already decided this step."),
                              code="step_decided")
    role = role_for(user=actor, is_oaf=is_oaf_for(actor, subject.organisation_id),
                    subject=subject, step=step, routing=routing)
    if role is None:
        raise PermissionDenied(_("You are not the one to decide this step."))
    now = timezone.now()
    try:
        with transaction.atomic():
            decision = ApprovalDecision.objects.create(
                organisation_id=subject.organisation_id, request_kind=subject.kind,
                request_id=subject.pk, step_number=step.number, step_id=step.definition_id,
                step_label=step.label[:120] if step.definition_id else "",
                outcome=DecisionOutcome.APPROVED if approve else DecisionOutcome.DECLINED,
                decided_by=actor, on_behalf_of_id=role.on_behalf_of_id, reason=reason.strip(),
                decided_at=now)
    except IntegrityError:
        raise ValidationError(_("Someone else has already decided this step."),
                              code="step_decided") from None
    ApprovalEscalation.objects.filter(request_kind=subject.kind, request_id=subject.pk,
                                      resolved_at__isnull=True).update(resolved_at=now)
    following = next_step(subject, [*decisions, decision]) if approve else None
    return StepResult(decision=decision, final=following is None, approved=approve,
                      next=following)


def steps_decide_all(*, subject: Subject, actor: User, reason: str = "",
                     today: dt.date | None = None) -> list[ApprovalDecision]:
    """O&F approves every step still waiting, at once (a direct enrolment). Caller holds the lock.

    Each step gets its own decision row naming O&F and on whose behalf, so the
    trail still shows that the leader above (or the named person) did not decide.
    """
    if not is_oaf_for(actor, subject.organisation_id):
        raise PermissionDenied(_("Only O&F can approve every step at once."))
    refuse_own_request(subject, actor)
    today = today or timezone.localdate()
    routing = routing_load(subjects=[subject], today=today)
    decisions = list(routing.decisions.get(subject.key, []))
    made: list[ApprovalDecision] = []
    now = timezone.now()
    while (step := next_step(subject, decisions)) is not None:
        decision = ApprovalDecision.objects.create(
            organisation_id=subject.organisation_id, request_kind=subject.kind,
            request_id=subject.pk, step_number=step.number, step_id=step.definition_id,
            step_label=step.label[:120] if step.definition_id else "",
            outcome=DecisionOutcome.APPROVED, decided_by=actor,
            on_behalf_of_id=step.principal_id if step.principal_id != actor.pk else None,
            reason=reason.strip(), decided_at=now)
        decisions.append(decision)
        made.append(decision)
    ApprovalEscalation.objects.filter(request_kind=subject.kind, request_id=subject.pk,
                                      resolved_at__isnull=True).update(resolved_at=now)
    return made


def decisions_for(*, kind: str, ids: Iterable[int]) -> dict[int, list[ApprovalDecision]]:
    """Each request's step decisions with who decided on whose behalf (one query; for one
    request, as a request's own page asks, compiled once per process)."""
    found: dict[int, list[ApprovalDecision]] = defaultdict(list)
    wanted = set(ids)
    decisions = (_DECISIONS_OF(kind=kind, request_id=next(iter(wanted))) if len(wanted) == 1
                 else _decisions(ApprovalDecision.objects.filter(request_kind=kind,
                                                                 request_id__in=wanted)))
    for decision in decisions:
        found[decision.request_id].append(decision)
    return dict(found)


def _decisions(decisions: QuerySet[ApprovalDecision]) -> QuerySet[ApprovalDecision]:
    return decisions.select_related("decided_by", "on_behalf_of").order_by("step_number")


_DECISIONS_OF: Prepared[ApprovalDecision] = Prepared(lambda kind, request_id: _decisions(
    ApprovalDecision.objects.filter(request_kind=kind, request_id=request_id)))


def waiting_step_for(*, user: User, subject: Subject) -> tuple[StepSpec, Role] | None:
    """The step of ``subject`` waiting now, and why ``user`` may decide it; or None.

    The rules of the approver's list (:func:`role_for`) for one request: the leader
    above, a deputy today, a colleague it was handed to, whoever it was escalated
    to, O&F. Each track's access helper asks this for its own request.
    """
    routing = routing_load(subjects=[subject], today=timezone.localdate())
    step = next_step(subject, routing.decisions.get(subject.key, []))
    if step is None:
        return None
    role = role_for(user=user, is_oaf=is_oaf_for(user, subject.organisation_id),
                    subject=subject, step=step, routing=routing)
    return (step, role) if role is not None else None


# --- Handing one request over ------------------------------------------------------


@transaction.atomic
def request_hand_over(*, kind: str, pk: int, step_number: int, actor: User, to_user: User,
                      today: dt.date | None = None) -> ApprovalHandover:
    """The approver of a step (or their deputy) hands this one request to a named colleague.

    Guarantees: the request row is locked; the step is still waiting
    (``step_decided``); the colleague is another active user of the same
    municipality (``other_municipality``, ``inactive``, ``self_handover``) and
    not the requester (``own_request``). A later handover of the same step
    replaces the earlier one.
    """
    today = today or timezone.localdate()
    source = approval_source(kind)
    if source is None:
        raise Http404
    subject = source.lock_subject(pk)
    routing = routing_load(subjects=[subject], today=today)
    step = next_step(subject, routing.decisions.get(subject.key, []))
    if step is None or step.number != step_number:
        raise ValidationError(_("Someone else has already decided this step."),
                              code="step_decided")
    role = role_for(user=actor, is_oaf=is_oaf_for(actor, subject.organisation_id),
                    subject=subject, step=step, routing=routing)
    if role is None or role.reason not in ("own", "deputy", "escalated"):
        raise PermissionDenied(_("Only the approver of this step can hand it over."))
    if to_user.pk == actor.pk:
        raise ValidationError(_("Choose a colleague other than yourself."), code="self_handover")
    if to_user.organisation_id != subject.organisation_id:
        raise ValidationError(_("The colleague must work in the same municipality."),
                              code="other_municipality")
    if to_user.pk == subject.requester_user_id:
        raise ValidationError(_("A request cannot be handed to the leader who made it."),
                              code="own_request")
    if not to_user.is_active:
        raise ValidationError(_("The colleague's account is not active."), code="inactive")
    already_theirs = ApprovalHandover.objects.filter(
        request_kind=kind, request_id=pk, step_number=step.number, to_user=to_user).exists()
    handover, _created = ApprovalHandover.objects.update_or_create(
        request_kind=kind, request_id=pk, step_number=step.number,
        defaults={"organisation_id": subject.organisation_id, "from_user": actor,
                  "to_user": to_user})
    audit_log(organisation=Organisation.objects.get(pk=subject.organisation_id), actor=actor,
              action="accounts.approval.handed_over", obj=handover,
              summary=f"{kind}:{pk} → {to_user.full_name}", data={"step": step.number})
    if to_user.email and not already_theirs:  # told now, not at the next reminder sweep;
        # handed to the same colleague again, they were told the first time
        queue_email(to=to_user.email, template_base="emails/accounts/approval_handed_over",
                    context={"recipient": to_user, "title": subject.title,
                             "from_name": actor.full_name, "url": absolute_url(subject.url)},
                    language=to_user.language)
    return handover


# --- The approver's list -------------------------------------------------------------


def approver_items(*, user: User, today: dt.date | None = None) -> list[ApprovalItem]:
    """Everything waiting for ``user``'s decision today, of every kind, oldest first.

    Their own requests as leader above, those of leaders they stand in for,
    requests handed or escalated to them and steps where they (or O&F) decide.
    Queries: the user's deputy duties, handovers and escalations to them,
    named-step check, then per kind its candidates and facts, plus the shared
    routing — the same number whatever the number of requests.
    """
    today = today or timezone.localdate()
    principal_ids = {user.pk} | set(Deputy.objects.filter(
        deputy=user, starts_on__lte=today, ends_on__gte=today).values_list("leader_id", flat=True))
    handed: dict[str, set[int]] = defaultdict(set)
    for kind, request_id in ApprovalHandover.objects.filter(to_user=user).values_list(
            "request_kind", "request_id"):
        handed[kind].add(request_id)
    oaf = bool(user.is_oaf_admin and user.organisation_id)
    escalated = Q(escalated_to=user)
    if oaf:
        escalated |= Q(escalated_to__isnull=True, organisation_id=user.organisation_id)
    for kind, request_id in ApprovalEscalation.objects.filter(
            escalated, resolved_at__isnull=True).values_list("request_kind", "request_id"):
        handed[kind].add(request_id)
    later_steps = oaf or ApprovalStep.objects.filter(
        Q(person=user) | Q(person_id__in=principal_ids - {user.pk}),
        kind=StepKind.PERSON).exists()
    sources = approval_sources()
    subjects: list[Subject] = []
    for source in sources:
        q = source.candidates_for(user=user, principal_ids=principal_ids,
                                  request_ids=handed.get(source.kind, set()),
                                  later_steps=later_steps)
        subjects += source.subjects(candidates=q)
    routing = routing_load(subjects=subjects, today=today)
    pairs: dict[str, list[tuple[Subject, StepSpec, Role]]] = defaultdict(list)
    for subject in subjects:
        step = next_step(subject, routing.decisions.get(subject.key, []))
        if step is None:
            continue
        role = role_for(user=user, is_oaf=is_oaf_for(user, subject.organisation_id),
                        subject=subject, step=step, routing=routing)
        if role is not None:
            pairs[subject.kind].append((subject, step, role))
    items: list[ApprovalItem] = []
    for source in sources:
        items += source.items(user=user, pairs=pairs.get(source.kind, []), today=today)
    policy_map = policies_for({s.organisation_id for s in subjects})
    for item in items:
        subject = item.subject
        policy = policy_map[subject.organisation_id]
        if subject.requested_at is not None:
            item.working_days_waiting = working_days_between(
                timezone.localdate(subject.requested_at), today)
        item.near_deadline = is_near_deadline(subject, policy, today)
    return sorted(items, key=lambda i: (not i.near_deadline, i.subject.requested_at or
                                        timezone.now()))


# --- Escalation --------------------------------------------------------------------


@dataclass(frozen=True)
class PolicyValues:
    remind_after_days: int = DEFAULT_REMIND_AFTER_DAYS
    escalate_after_days: int = DEFAULT_ESCALATE_AFTER_DAYS
    deadline_margin_days: int = DEFAULT_DEADLINE_MARGIN_DAYS


def policies_for(organisation_ids: Iterable[int]) -> dict[int, PolicyValues]:
    """Each municipality's approval clock; defaults where none is stored (one query)."""
    ids = set(organisation_ids)
    found: dict[int, PolicyValues] = defaultdict(PolicyValues)
    if ids:
        for row in ApprovalPolicy.objects.filter(organisation_id__in=ids):
            found[row.organisation_id] = PolicyValues(
                row.remind_after_days, row.escalate_after_days, row.deadline_margin_days)
    for pk in ids:
        found[pk]  # noqa: B018 (fills the default)
    return dict(found)


def is_near_deadline(subject: Subject, policy: PolicyValues, today: dt.date) -> bool:
    """Would the request miss its deadline if it waited the usual time? Flag it early."""
    if subject.deadline is None:
        return False
    return today >= subtract_working_days(subject.deadline, policy.deadline_margin_days)


def remind_on(subject: Subject, policy: PolicyValues) -> dt.date | None:
    """The day the current approver is reminded (the deadline margin brings it forward)."""
    if subject.requested_at is None:
        return None
    day = add_working_days(timezone.localdate(subject.requested_at), policy.remind_after_days)
    if subject.deadline is not None:
        day = min(day, subtract_working_days(subject.deadline, policy.deadline_margin_days))
    return day


def escalate_on(subject: Subject, policy: PolicyValues) -> dt.date | None:
    """The day a still-waiting step is offered higher up (at once when near the deadline)."""
    remind = remind_on(subject, policy)
    if remind is None:
        return None
    day = add_working_days(remind, policy.escalate_after_days)
    if subject.deadline is not None:
        day = min(day, subtract_working_days(subject.deadline, policy.deadline_margin_days))
    return day


@transaction.atomic
def escalations_make(*, now: dt.datetime | None = None,
                     organisation_ids: Sequence[int] | None = None) -> list[ApprovalEscalation]:
    """Offer every overdue step higher up, once (the unique constraint makes it once).

    The leader-above step goes to that leader's own leader above (their deputy
    already sees it); with nobody above, or for O&F and named steps, to O&F
    (``escalated_to`` empty). O&F's needs-action list shows them until decided.
    Run by the Celery beat task ``accounts.tasks.approvals_escalate`` after the
    reminder sweep has reminded the approver.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    subjects: list[Subject] = []
    for source in approval_sources():
        subjects += source.subjects(organisation_ids=organisation_ids)
    routing = routing_load(subjects=subjects, today=today)
    policy_map = policies_for({s.organisation_id for s in subjects})
    made: list[ApprovalEscalation] = []
    for subject in subjects:
        step = next_step(subject, routing.decisions.get(subject.key, []))
        if step is None or (subject.kind, subject.pk, step.number) in routing.escalations:
            continue
        policy = policy_map[subject.organisation_id]
        day = escalate_on(subject, policy)
        if day is None or today < day:
            continue
        target = subject.next_up_user_id if step.number == LEADER_STEP else None
        try:
            with transaction.atomic():
                made.append(ApprovalEscalation.objects.create(
                    organisation_id=subject.organisation_id, request_kind=subject.kind,
                    request_id=subject.pk, step_number=step.number, escalated_to_id=target,
                    near_deadline=is_near_deadline(subject, policy, today), escalated_at=now))
        except IntegrityError:
            continue
    return made
