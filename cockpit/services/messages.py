"""Messages to participants: who gets one, sending it once per person, the history.

O&F picks modules, module sessions, leader groups, network groups or
programmes in the admin and writes a subject and a text. :func:`message_send`
stores the message and one :class:`~cockpit.models.MessageDelivery` per
recipient (unique per message and person) and queues one Celery job per
delivery through the outbox; :func:`message_deliver` sends only a pending row
under its row lock, so a job that runs twice sends once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Leader, User
from groups.models import LeaderGroup
from lib.audit import audit_log
from lib.emails import absolute_url, render_email, send_rendered
from lib.outbox import enqueue
from networks.models import NetworkGroup
from programs.models import EnrollmentStatus, Module, ModuleSession, Programme

from ..models import DeliveryStatus, Message, MessageDelivery, TargetKind

if TYPE_CHECKING:
    from accounts.models import Organisation

SUBJECT_MAX = 200
BODY_MAX = 10000
SEATED = EnrollmentStatus.SEATED

MODELS: dict[str, type[models.Model]] = {
    TargetKind.MODULE: Module,
    TargetKind.SESSION: ModuleSession,
    TargetKind.LEADER_GROUP: LeaderGroup,
    TargetKind.NETWORK_GROUP: NetworkGroup,
    TargetKind.PROGRAMME: Programme,
}


def kind_of(model: type[models.Model]) -> str:
    return next(kind for kind, cls in MODELS.items() if cls is model)


def _leaders(ids: Sequence[int], kind: str) -> Q:
    """The leaders who take part in the targets, as one condition on Leader."""
    if kind == TargetKind.MODULE:
        return Q(pk__in=Leader.objects.filter(enrollments__module_id__in=ids,
                                              enrollments__status=SEATED).values("pk"))
    if kind == TargetKind.SESSION:
        modules = ModuleSession.objects.filter(pk__in=ids).values("module_id")
        return Q(pk__in=Leader.objects.filter(enrollments__module_id__in=modules,
                                              enrollments__status=SEATED).values("pk"))
    if kind == TargetKind.LEADER_GROUP:
        return (Q(pk__in=Leader.objects.filter(group_memberships__group_id__in=ids).values("pk"))
                | Q(pk__in=LeaderGroup.objects.filter(pk__in=ids).values("head_id")))
    if kind == TargetKind.NETWORK_GROUP:
        return Q(pk__in=Leader.objects.filter(network_memberships__group_id__in=ids)
                 .values("pk"))
    if kind == TargetKind.PROGRAMME:
        return (Q(pk__in=Leader.objects.filter(programme_participations__programme_id__in=ids)
                  .values("pk"))
                | Q(pk__in=Leader.objects.filter(enrollments__module__programme_id__in=ids,
                                                 enrollments__status=SEATED).values("pk")))
    raise ValidationError(_("Unknown kind of recipients."), code="unknown_target")


def recipients_for(*, kind: str, ids: Sequence[int]) -> models.QuerySet[User]:
    """The people a message to these targets reaches: active users with an address.

    Module and session: the seated participants (a session's are its module's).
    Leader group: the head and the members. Network group: the members.
    Programme: the whole-programme participants and everyone seated in its modules.
    """
    leaders = Leader.objects.filter(_leaders(ids, kind)).values("user_id")
    return (User.objects.filter(pk__in=leaders, is_active=True).exclude(email="")
            .order_by("full_name", "pk"))


def resolve_targets(*, kind: str, ids: Sequence[str], rows: models.QuerySet) -> list[Any]:
    """The chosen rows out of ``rows`` (the admin's scoped queryset); all or a refusal."""
    if kind not in MODELS:
        raise ValidationError(_("Unknown kind of recipients."), code="unknown_target")
    try:
        wanted = {int(value) for value in ids}
    except (TypeError, ValueError):
        raise ValidationError(_("Choose what to send the message to."),
                              code="no_targets") from None
    if not wanted:
        raise ValidationError(_("Choose what to send the message to."), code="no_targets")
    found = list(rows.filter(pk__in=wanted).order_by("pk"))
    if len(found) != len(wanted):
        raise PermissionDenied(_("Some of what you chose is not yours to write to."))
    return found


def target_label(targets: Sequence[Any]) -> str:
    names = ", ".join(str(target) for target in targets[:5])
    more = len(targets) - 5
    return (names + (f" (+{more})" if more > 0 else ""))[:500]


def _clean_text(subject: str, body: str) -> tuple[str, str]:
    subject = " ".join((subject or "").split())
    body = (body or "").strip()
    errors: dict[str, ValidationError] = {}
    if not subject:
        errors["subject"] = ValidationError(_("Write a subject."), code="subject_required")
    elif len(subject) > SUBJECT_MAX:
        errors["subject"] = ValidationError(
            _("The subject can be at most %(max)d characters.") % {"max": SUBJECT_MAX},
            code="subject_too_long")
    if not body:
        errors["body"] = ValidationError(_("Write the message."), code="body_required")
    elif len(body) > BODY_MAX:
        errors["body"] = ValidationError(
            _("The message can be at most %(max)d characters.") % {"max": BODY_MAX},
            code="body_too_long")
    if errors:
        raise ValidationError(errors)
    return subject, body


def message_send(*, sender: User, organisation: Organisation, kind: str,
                 targets: Sequence[Any], subject: str, body: str) -> Message:
    """Store the message and queue it once per recipient (after the commit).

    Refuses an empty subject or text, targets of another municipality, and a
    message that would reach nobody. Returns the stored message.
    """
    subject, body = _clean_text(subject, body)
    if not targets:
        raise ValidationError(_("Choose what to send the message to."), code="no_targets")
    path = MODELS[kind].organisation_path  # type: ignore[attr-defined]
    ids = [target.pk for target in targets]
    in_municipality = MODELS[kind]._default_manager.filter(
        pk__in=ids, **{f"{path}__pk": organisation.pk}).count()
    if in_municipality != len(ids):
        raise PermissionDenied(_("Some of what you chose is not yours to write to."))
    with transaction.atomic():
        recipients = list(recipients_for(kind=kind, ids=ids).values_list("pk", flat=True))
        if not recipients:
            raise ValidationError(_("Nobody takes part in what you chose yet, so the message "
                                    "would reach nobody."), code="no_recipients")
        message = Message.objects.create(
            organisation=organisation, target_kind=kind, target_ids=ids,
            target_label=target_label(targets), subject=subject, body=body,
            sent_by=sender, recipient_count=len(recipients))
        deliveries = MessageDelivery.objects.bulk_create(
            [MessageDelivery(message=message, recipient_id=pk) for pk in recipients])
        audit_log(organisation=organisation, actor=sender, action="cockpit.message.sent",
                  obj=message, summary=f"{subject} → {message.target_label}",
                  data={"recipients": len(recipients), "kind": kind, "ids": ids})
        from ..tasks import message_deliver as deliver_task

        for delivery in deliveries:
            enqueue(deliver_task, delivery.pk)
    return message


def message_deliver(delivery_id: int) -> str:
    """Send one delivery unless it is already sent; returns the final status.

    The row stays locked while the email goes out, so two workers cannot both
    send it; a second run finds it sent and does nothing. The email is rendered
    in the recipient's language around O&F's text, which stays as written.
    """
    from django.urls import reverse

    with transaction.atomic():
        delivery = (MessageDelivery.objects.select_for_update(of=("self",))
                    .select_related("message__organisation", "recipient")
                    .filter(pk=delivery_id).first())
        if delivery is None:
            return "missing"
        if delivery.status != DeliveryStatus.PENDING:
            return delivery.status
        recipient = delivery.recipient
        email = render_email(
            to=recipient.email, template_base="emails/cockpit/message",
            context={"message": delivery.message, "recipient": recipient,
                     "organisation": delivery.message.organisation,
                     "url": absolute_url(reverse("accounts:min_side"))},
            language=recipient.language)
        delivery.attempts += 1
        send_rendered(email)
        delivery.status = DeliveryStatus.SENT
        delivery.sent_at = timezone.now()
        delivery.last_error = ""
        delivery.save(update_fields=["attempts", "status", "sent_at", "last_error"])
        return delivery.status


def message_record_failure(delivery_id: int, error: str, *, final: bool) -> None:
    with transaction.atomic():
        delivery = MessageDelivery.objects.select_for_update().filter(pk=delivery_id).first()
        if delivery is None or delivery.status == DeliveryStatus.SENT:
            return
        delivery.attempts += 1
        delivery.last_error = error[:2000]
        if final:
            delivery.status = DeliveryStatus.FAILED
        delivery.save(update_fields=["attempts", "last_error", "status"])
