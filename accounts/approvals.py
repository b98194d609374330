"""Who decides which step of a request: the rules, and the registry of request kinds.

A track app (programs: seats; coaching: applications) registers an
:class:`ApprovalSource` from its ``AppConfig.ready()``; this layer never
imports it. The rules here are pure: they read a :class:`Subject` (what the
engine needs to know of one request) and a :class:`Routing` (deputies,
handovers, escalations and decisions, loaded in a fixed number of queries by
``accounts.services.approvals``), so the approver's list and the decision
service answer "may this user decide?" the same way.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from django.utils.translation import gettext as _

from lib.prepared import Prepared

from .models.approvals import ApprovalDecision, ApprovalStep, DecisionOutcome, StepKind

if TYPE_CHECKING:
    from .models import User

LEADER_STEP = 1

# Why a user may decide a step (shown on the approver's list).
OWN, DEPUTY, HANDOVER, ESCALATED, OAF = "own", "deputy", "handover", "escalated", "oaf"


@dataclass(frozen=True)
class StepSpec:
    number: int
    kind: str
    label: str
    principal_id: int | None  # the user who decides; None: O&F
    definition_id: int | None = None


@dataclass
class Subject:
    """One request as the approval engine sees it."""

    kind: str  # "programs.enrollment", "coaching.course"
    pk: int
    organisation_id: int
    requester_user_id: int
    leader_above_user_id: int | None  # the requester's active leader above
    next_up_user_id: int | None  # that leader's own leader above: escalation goes there
    definitions: Sequence[ApprovalStep] = ()
    is_talent: bool = False
    sessions: int | None = None
    requested_at: dt.datetime | None = None
    deadline: dt.date | None = None  # the last day a decision is useful (enrolment closes)
    oaf_decides_leader_step: bool = False  # programs: O&F may also decide step 1
    obj: Any = None  # the track app's row
    title: str = ""  # "Kari Nordmann: Endringsledelse"
    url: str = ""  # the request's own page

    @property
    def key(self) -> tuple[str, int]:
        return (self.kind, self.pk)


@dataclass
class Routing:
    """What decides who may act on a step, loaded once for many requests."""

    today: dt.date
    deputies: dict[int, set[int]] = field(default_factory=dict)  # principal → deputies today
    handovers: dict[tuple[str, int, int], int] = field(default_factory=dict)  # → to user
    escalations: dict[tuple[str, int, int], int | None] = field(default_factory=dict)
    decisions: dict[tuple[str, int], list[ApprovalDecision]] = field(default_factory=dict)


@dataclass(frozen=True)
class Role:
    reason: str  # OWN, DEPUTY, HANDOVER, ESCALATED, OAF
    on_behalf_of_id: int | None


def steps_for(subject: Subject) -> list[StepSpec]:
    """Step 1 the leader above (O&F without one), then the applicable definitions in order."""
    steps = [StepSpec(LEADER_STEP, StepKind.LEADER_ABOVE, _("Leader above"),
                      subject.leader_above_user_id)]
    for definition in sorted(subject.definitions, key=lambda d: (d.position, d.pk)):
        if not definition.applies(is_talent=subject.is_talent, sessions=subject.sessions):
            continue
        principal = {StepKind.LEADER_ABOVE: subject.leader_above_user_id,
                     StepKind.PERSON: definition.person_id}.get(definition.kind)
        steps.append(StepSpec(len(steps) + 1, definition.kind, definition.label, principal,
                              definition.pk))
    return steps


def next_step(subject: Subject, decisions: Iterable[ApprovalDecision]) -> StepSpec | None:
    """The first step not decided yet; None once any step declined or all approved."""
    done = {d.step_number: d for d in decisions}
    if any(d.outcome == DecisionOutcome.DECLINED for d in done.values()):
        return None
    for step in steps_for(subject):
        if step.number not in done:
            return step
    return None


def role_for(*, user: User, is_oaf: bool, subject: Subject, step: StepSpec,
             routing: Routing) -> Role | None:
    """Why ``user`` may decide ``step`` of ``subject`` today, or None.

    The requester never decides their own request, whatever else they are.
    Deputies are looked up for the step's principal only: chains are not followed.
    """
    if user.pk == subject.requester_user_id:
        return None
    principal = step.principal_id
    if principal is None:
        return Role(OAF, None) if is_oaf else None
    if principal == user.pk:
        return Role(OWN, None)
    if user.pk in routing.deputies.get(principal, set()):
        return Role(DEPUTY, principal)
    ref = (subject.kind, subject.pk, step.number)
    if routing.handovers.get(ref) == user.pk:
        return Role(HANDOVER, principal)
    if ref in routing.escalations:
        target = routing.escalations[ref]
        if target == user.pk or (target is None and is_oaf):
            return Role(ESCALATED, principal)
    if is_oaf and step.number == LEADER_STEP and subject.oaf_decides_leader_step:
        return Role(OAF, principal)
    return None


@dataclass
class ApprovalItem:
    """One row of the approver's list, whatever the kind of request."""

    subject: Subject
    step: StepSpec
    role: Role
    title: str
    requester_name: str
    requester_line: str  # title and unit
    url: str
    kind_label: str
    cost: str = ""
    extra: Any = None  # the track app's own facts (rendered by its include)
    include: str = ""
    working_days_waiting: int = 0
    near_deadline: bool = False
    principal_name: str = ""

    @property
    def value(self) -> str:
        """The checkbox value: kind, id and the step the approver saw."""
        return f"{self.subject.kind}:{self.subject.pk}:{self.step.number}"


class ApprovalSource(Protocol):
    """What a track app gives the approver's list, the escalation sweep and handovers."""

    kind: str

    def lock_subject(self, pk: int) -> Subject:
        """The request row locked for the transaction, as a Subject (404 if gone)."""

    def subjects(self, *, organisation_ids: Sequence[int] | None = None,
                 candidates: Any = None) -> list[Subject]:
        """Waiting requests (optionally narrowed by a Q on the request model), in a few queries."""

    def candidates_for(self, *, user: User, principal_ids: set[int], request_ids: set[int],
                       later_steps: bool) -> Any:
        """A Q for the requests this user might decide (the rules then sort them)."""

    def items(self, *, user: User, pairs: list[tuple[Subject, StepSpec, Role]],
              today: dt.date) -> list[ApprovalItem]:
        """The list rows with their facts, in a fixed number of queries."""

    def decide(self, *, pk: int, step: int, actor: User, approve: bool, reason: str) -> None:
        """Decide one step through the track app's service (its own transaction and locks)."""


# The extra steps of some targets, one shape whatever the targets (lib.prepared): their
# content types and ids go in as two lists, so a step of one content type whose id is
# another target's comes too; each request takes the steps of its own targets' pairs.
_STEPS_ON: Prepared[ApprovalStep] = Prepared(lambda content_type_ids, object_ids: (
    ApprovalStep.objects.filter(content_type_id__any=content_type_ids,
                                object_id__any=object_ids).order_by("position", "pk")))


class RequestSource(ABC):
    """What the two kinds of request share: a track app's source sets the model, what
    "waiting" means, where the municipality and the request time are, the relations
    to load, and the targets whose extra steps apply (in order); it writes its own
    ``subject_for``, ``items`` and ``decide``."""

    kind: str
    model: Any  # the request model (programs.Enrollment, coaching.CoachingCourse)
    waiting: dict[str, Any]  # the filter of a request still waiting for a decision
    organisation_field: str  # "module__programme__organisation_id", "organisation_id"
    requested_field: str  # "requested_at", "applied_at"
    related: tuple[str, ...]  # select_related for subject_for and items
    # (target model, the request's target id): the steps O&F added, in this order.
    targets: Sequence[tuple[Any, Callable[[Any], int | None]]] = ()

    @abstractmethod
    def subject_for(self, row: Any, definitions: list[ApprovalStep]) -> Subject:
        """The request as the approval rules see it (whose, which steps, who decides)."""

    def definitions(self, rows: Sequence[Any]) -> dict[int, list[ApprovalStep]]:
        """Each request's extra steps, target by target (one query)."""
        if not rows:
            return {}
        from django.contrib.contenttypes.models import ContentType

        targets = [(ContentType.objects.get_for_model(model).pk, get)
                   for model, get in self.targets]
        wanted = {(content_type_id, object_id) for content_type_id, get in targets for r in rows
                  if (object_id := get(r)) is not None}
        by_target: dict[tuple[int, int | None], list[ApprovalStep]] = {}
        for step in _STEPS_ON(content_type_ids=sorted({ct for ct, _id in wanted}),
                              object_ids=sorted({object_id for _ct, object_id in wanted})):
            by_target.setdefault((step.content_type_id, step.object_id), []).append(step)
        return {r.pk: [step for content_type_id, get in targets
                       for step in by_target.get((content_type_id, get(r)), [])]
                for r in rows}

    def subject_of(self, row: Any) -> Subject:
        """One request's subject (one query for its steps; ``related`` must be loaded)."""
        return self.subject_for(row, self.definitions([row]).get(row.pk, []))

    def lock_subject(self, pk: int) -> Subject:
        from django.http import Http404

        row = (self.model.objects.select_for_update(of=("self",)).select_related(*self.related)
               .filter(pk=pk, **self.waiting).first())
        if row is None:
            raise Http404
        return self.subject_of(row)

    def subjects(self, *, organisation_ids: Sequence[int] | None = None,
                 candidates: Any = None) -> list[Subject]:
        qs = self.model.objects.filter(**self.waiting)
        if organisation_ids is not None:
            qs = qs.filter(**{f"{self.organisation_field}__in": list(organisation_ids)})
        if candidates is not None:
            qs = qs.filter(candidates)
        rows = list(qs.select_related(*self.related).order_by(self.requested_field, "pk"))
        definitions = self.definitions(rows)
        return [self.subject_for(r, definitions.get(r.pk, [])) for r in rows]

    def candidates_for(self, *, user: User, principal_ids: set[int], request_ids: set[int],
                       later_steps: bool) -> Any:
        from django.db.models import Exists, OuterRef, Q

        q = Q(leader__leader_above__user_id__in=principal_ids) | Q(pk__in=request_ids)
        if later_steps:
            q |= Q(Exists(ApprovalDecision.objects.filter(
                request_kind=self.kind, request_id=OuterRef("pk"),
                outcome=DecisionOutcome.APPROVED)))
            if user.is_oaf_admin:
                q |= Q(leader__leader_above__isnull=True) | Q(
                    leader__leader_above__user__is_active=False)
        return q & Q(**{self.organisation_field: user.organisation_id})


def chain_of(leader: Any) -> tuple[int | None, int | None]:
    """The requester's active leader above (user id) and that leader's own (for escalation)."""
    above = leader.leader_above
    active = above if above is not None and above.user.is_active else None
    next_up = active.leader_above if active is not None else None
    return (active.user_id if active is not None else None,
            next_up.user_id if next_up is not None and next_up.user.is_active else None)


def numbered(definitions: Sequence[ApprovalStep]) -> list[ApprovalStep]:
    """The extra steps numbered by their order (a module's before its programme's)."""
    return [ApprovalStep(pk=d.pk, position=i, label=d.label, kind=d.kind,
                         person_id=d.person_id, condition=d.condition,
                         condition_value=d.condition_value)
            for i, d in enumerate(definitions, start=1)]


_sources: dict[str, ApprovalSource] = {}


def register_approval_source(source: ApprovalSource) -> None:
    _sources[source.kind] = source


def approval_sources() -> list[ApprovalSource]:
    return [_sources[key] for key in sorted(_sources)]


def approval_source(kind: str) -> ApprovalSource | None:
    return _sources.get(kind)
