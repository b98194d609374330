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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from django.utils.translation import gettext as _

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


_sources: dict[str, ApprovalSource] = {}


def register_approval_source(source: ApprovalSource) -> None:
    _sources[source.kind] = source


def approval_sources() -> list[ApprovalSource]:
    return [_sources[key] for key in sorted(_sources)]


def approval_source(kind: str) -> ApprovalSource | None:
    return _sources.get(kind)
