"""Who decides a leader's request: deputies, extra approval steps, decisions, escalation.

A request (a seat in a module, a coaching application) is decided in steps:
step 1 is always the requesting leader's leader above (O&F when there is
none); O&F may add further steps to a module, a programme or a coaching
agreement (:class:`ApprovalStep`, attached through a generic relation so this
layer knows nothing of the track apps). Each step's decision is one
:class:`ApprovalDecision` row, unique per request and step. The rules that
read these rows live in ``accounts/approvals.py``; the writes in
``accounts/services/approvals.py``.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from lib.scoping import OrganisationQuerySet

# How long a request may wait (Norwegian working days) before it is reminded, and
# after the reminder before it is offered higher up; how many working days before an
# enrolment deadline a waiting request is flagged and escalated at once.
DEFAULT_REMIND_AFTER_DAYS = 5
DEFAULT_ESCALATE_AFTER_DAYS = 2
DEFAULT_DEADLINE_MARGIN_DAYS = 3


class ApprovalPolicy(models.Model):
    """A municipality's clock for waiting requests (defaults apply while it has none)."""

    organisation_path = "organisation"

    organisation = models.OneToOneField("accounts.Organisation", on_delete=models.CASCADE,
                                        related_name="approval_policy",
                                        verbose_name=_("municipality"))
    remind_after_days = models.PositiveSmallIntegerField(
        _("remind after (working days)"), default=DEFAULT_REMIND_AFTER_DAYS,
        help_text=_("A request waiting this many working days is reminded once."))
    escalate_after_days = models.PositiveSmallIntegerField(
        _("offer higher up after (working days)"), default=DEFAULT_ESCALATE_AFTER_DAYS,
        help_text=_("Working days after the reminder before the request is offered to the "
                    "next leader up and shown to O&F."))
    deadline_margin_days = models.PositiveSmallIntegerField(
        _("deadline margin (working days)"), default=DEFAULT_DEADLINE_MARGIN_DAYS,
        help_text=_("A request this close to the enrolment deadline is flagged and offered "
                    "higher up at once."))

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("approval policy")
        verbose_name_plural = _("approval policies")
        constraints = [
            models.CheckConstraint(condition=Q(remind_after_days__gte=1),
                                   name="approval_policy_remind_positive"),
        ]

    def __str__(self) -> str:
        return str(self.organisation)


class Deputy(models.Model):
    """A stedfortreder: decides the leader's pending requests from ``starts_on`` to ``ends_on``.

    Both are users of one municipality. Chains are not followed: a deputy's own
    deputy gets nothing of the first leader's.
    """

    organisation_path = "organisation"

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE,
                                     related_name="deputies", verbose_name=_("municipality"))
    leader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                               related_name="deputies", verbose_name=_("leader"))
    deputy = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                               related_name="deputy_for", verbose_name=_("deputy"))
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("named by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("deputy")
        verbose_name_plural = _("deputies")
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")),
                                   name="deputy_period_ordered"),
            models.CheckConstraint(condition=~Q(leader=F("deputy")), name="deputy_not_self"),
        ]
        indexes = [models.Index(fields=["leader", "ends_on"]),
                   models.Index(fields=["deputy", "ends_on"])]

    def __str__(self) -> str:
        return f"{self.deputy} → {self.leader} ({self.starts_on}–{self.ends_on})"

    def is_active_on(self, day: dt.date) -> bool:
        return self.starts_on <= day <= self.ends_on


class StepKind(models.TextChoices):
    LEADER_ABOVE = "leader_above", _("the leader above")
    OAF = "oaf", _("O&F")
    PERSON = "person", _("a named person")


class StepCondition(models.TextChoices):
    ALWAYS = "always", _("always")
    TALENT = "talent", _("only for leader talents")
    SESSIONS_OVER = "sessions_over", _("only for more than N coaching sessions")


class ApprovalStep(models.Model):
    """One extra step after the leader above, for a module, a programme or an agreement."""

    organisation_path = "organisation"

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE,
                                     related_name="approval_steps",
                                     verbose_name=_("municipality"))
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+",
                                     verbose_name=_("applies to (kind)"))
    object_id = models.PositiveBigIntegerField(_("applies to (id)"))
    target = GenericForeignKey("content_type", "object_id")
    position = models.PositiveSmallIntegerField(
        _("order"), default=1,
        help_text=_("Steps are taken in this order, after the leader above."))
    label = models.CharField(_("label"), max_length=120,
                             help_text=_("Shown to the leader, e.g. «O&F confirms talent seats»."))
    kind = models.CharField(_("who decides"), max_length=20, choices=StepKind.choices,
                            default=StepKind.OAF)
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                               blank=True, related_name="+", verbose_name=_("named person"),
                               help_text=_("Only when a named person decides."))
    condition = models.CharField(_("when"), max_length=20, choices=StepCondition.choices,
                                 default=StepCondition.ALWAYS)
    condition_value = models.PositiveSmallIntegerField(
        _("N"), null=True, blank=True, help_text=_("The number of sessions for «more than N»."))

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("approval step")
        verbose_name_plural = _("approval steps")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id", "position"],
                                    name="approval_step_unique_position"),
            models.CheckConstraint(condition=Q(kind="person", person__isnull=False)
                                   | (~Q(kind="person") & Q(person__isnull=True)),
                                   name="approval_step_person_iff_named"),
            models.CheckConstraint(condition=~Q(condition="sessions_over")
                                   | Q(condition_value__isnull=False),
                                   name="approval_step_sessions_value"),
        ]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.position}. {self.label}"

    def applies(self, *, is_talent: bool, sessions: int | None) -> bool:
        """The step's condition for one request."""
        if self.condition == StepCondition.TALENT:
            return is_talent
        if self.condition == StepCondition.SESSIONS_OVER:
            return sessions is not None and sessions > (self.condition_value or 0)
        return True


class DecisionOutcome(models.TextChoices):
    APPROVED = "approved", _("approved")
    DECLINED = "declined", _("declined")


class _RequestRef(models.Model):
    """Points at one request of a track app by kind ("programs.enrollment") and id."""

    organisation_path = "organisation"

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE,
                                     related_name="+", verbose_name=_("municipality"))
    request_kind = models.CharField(_("kind of request"), max_length=40)
    request_id = models.PositiveBigIntegerField(_("request"))
    step_number = models.PositiveSmallIntegerField(_("step"))

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        abstract = True


class ApprovalDecision(_RequestRef):
    """Who decided one step of one request, on whose behalf, and why (once per step)."""

    step = models.ForeignKey(ApprovalStep, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="decisions", verbose_name=_("step definition"))
    step_label = models.CharField(_("step"), max_length=120, blank=True)
    outcome = models.CharField(_("decision"), max_length=10, choices=DecisionOutcome.choices)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+", verbose_name=_("decided by"))
    on_behalf_of = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+",
                                     verbose_name=_("on behalf of"))
    reason = models.TextField(_("reason"), blank=True, max_length=2000)
    decided_at = models.DateTimeField(_("decided"))

    class Meta:
        verbose_name = _("approval decision")
        verbose_name_plural = _("approval decisions")
        constraints = [
            models.UniqueConstraint(fields=["request_kind", "request_id", "step_number"],
                                    name="approval_decision_once_per_step"),
        ]

    def __str__(self) -> str:
        return f"{self.request_kind}:{self.request_id} #{self.step_number} {self.outcome}"


class ApprovalHandover(_RequestRef):
    """The approver of a step handed this one request to a named colleague."""

    from_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="+", verbose_name=_("handed over by"))
    to_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="approval_handovers", verbose_name=_("handed to"))
    created_at = models.DateTimeField(_("handed over"), auto_now_add=True)

    class Meta:
        verbose_name = _("handed-over request")
        verbose_name_plural = _("handed-over requests")
        constraints = [
            models.UniqueConstraint(fields=["request_kind", "request_id", "step_number"],
                                    name="approval_handover_once_per_step"),
            models.CheckConstraint(condition=~Q(from_user=F("to_user")),
                                   name="approval_handover_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.request_kind}:{self.request_id} #{self.step_number} → {self.to_user_id}"


class ApprovalEscalation(_RequestRef):
    """A step that waited too long (or nears a deadline), offered higher up; O&F sees it."""

    escalated_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="approval_escalations", verbose_name=_("offered to"),
        help_text=_("Empty: nobody above, O&F decides."))
    near_deadline = models.BooleanField(_("near the deadline"), default=False)
    escalated_at = models.DateTimeField(_("offered higher up"))
    resolved_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("escalated request")
        verbose_name_plural = _("escalated requests")
        constraints = [
            models.UniqueConstraint(fields=["request_kind", "request_id", "step_number"],
                                    name="approval_escalation_once_per_step"),
        ]
        indexes = [models.Index(fields=["organisation", "resolved_at"])]

    def __str__(self) -> str:
        return f"{self.request_kind}:{self.request_id} #{self.step_number}"
