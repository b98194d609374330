"""O&F's messages to participants (with their once-only sent-log) and the certificate's signer."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lib.scoping import OrganisationQuerySet

from .thresholds import THRESHOLDS, CockpitSettings  # noqa: F401  (one home per model)


class TargetKind(models.TextChoices):
    MODULE = "module", _("module")
    SESSION = "session", _("module session")
    LEADER_GROUP = "leadergroup", _("leader group")
    NETWORK_GROUP = "networkgroup", _("network group")
    PROGRAMME = "programme", _("programme")


class Message(models.Model):
    """A message O&F sent to the participants of modules, sessions, groups or programmes.

    The text is kept as written (user-entered content stays in its language);
    each recipient gets it once through :class:`MessageDelivery`.
    """

    organisation_path = "organisation"

    uuid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE,
                                     related_name="cockpit_messages",
                                     verbose_name=_("municipality"))
    target_kind = models.CharField(_("sent to the participants of"), max_length=20,
                                   choices=TargetKind.choices)
    target_ids = models.JSONField(_("ids of what it was sent to"), default=list, blank=True)
    target_label = models.CharField(_("sent to"), max_length=500)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"), max_length=10000)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="+", verbose_name=_("sent by"))
    created_at = models.DateTimeField(_("sent"), default=timezone.now, db_index=True)
    recipient_count = models.PositiveIntegerField(_("recipients"), default=0)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("message to participants")
        verbose_name_plural = _("messages to participants")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.subject


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("waiting to be sent")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")


class MessageDelivery(models.Model):
    """One message to one person — at most once, by constraint (the sent-log).

    The row exists before anything is sent; the task sends only while the row
    is pending, under its row lock, so a task that runs twice sends once.
    """

    organisation_path = "message__organisation"

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="deliveries",
                                verbose_name=_("message"))
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="cockpit_deliveries", verbose_name=_("recipient"))
    status = models.CharField(_("status"), max_length=10, choices=DeliveryStatus.choices,
                              default=DeliveryStatus.PENDING, db_index=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("message delivery")
        verbose_name_plural = _("message deliveries")
        ordering = ["message", "recipient__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["message", "recipient"],
                                    name="cockpit_message_once_per_recipient"),
            models.CheckConstraint(condition=~models.Q(status="sent")
                                   | models.Q(sent_at__isnull=False),
                                   name="cockpit_delivery_sent_has_time"),
        ]

    def __str__(self) -> str:
        return f"{self.message} → {self.recipient}"


class CertificateSettings(models.Model):
    """Who signs a municipality's course certificates (kursbevis), one per municipality."""

    organisation_path = "organisation"

    organisation = models.OneToOneField("accounts.Organisation", on_delete=models.CASCADE,
                                        related_name="certificate_settings",
                                        verbose_name=_("municipality"))
    signer_name = models.CharField(_("signed by (name)"), max_length=200,
                                   help_text=_("The O&F person whose name is on the certificate."))
    signer_title = models.CharField(_("signer's title"), max_length=200,
                                    help_text=_("E.g. «Head of organisation and negotiation»."))
    closing_text = models.TextField(
        _("closing text"), blank=True, max_length=1000,
        help_text=_("An optional sentence printed above the signature."))

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("course certificate settings")
        verbose_name_plural = _("course certificate settings")

    def __str__(self) -> str:
        return f"{self.signer_name}, {self.signer_title}"
