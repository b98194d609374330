"""Records shared by every app: the audit trail and generated documents."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .scoping import OrganisationQuerySet


class AuditEntry(models.Model):
    """Who changed what, when, about whom — written by services (as pretix's log_action)."""

    organisation_path = "organisation"

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE,
                                     related_name="audit_entries", verbose_name=_("municipality"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="+", verbose_name=_("done by"))
    action = models.CharField(_("action"), max_length=100, db_index=True,
                              help_text=_("A dotted code, e.g. programs.enrollment.approved."))
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        from .audit import action_label  # lib.audit imports this module

        return f"{self.created_at:%Y-%m-%d %H:%M} {action_label(self.action)}"


class DocumentStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("being made")
    DONE = "done", _("ready")
    FAILED = "failed", _("failed")


def _document_path(instance: GeneratedDocument, filename: str) -> str:
    return f"documents/{instance.organisation_id}/{instance.pk}/{filename}"


class GeneratedDocument(models.Model):
    """A file made by a Celery job (PDF, CSV), polled by the page that asked for it.

    ``kind`` names a builder registered in :mod:`lib.documents`; the builder
    decides who may see the file. Files expire and are purged by beat.
    """

    organisation_path = "organisation"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE,
                                     related_name="documents", verbose_name=_("municipality"))
    kind = models.CharField(_("kind"), max_length=60, db_index=True)
    title = models.CharField(_("title"), max_length=200)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=DocumentStatus.choices,
                              default=DocumentStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    file = models.FileField(_("file"), upload_to=_document_path, blank=True)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+",
                                     verbose_name=_("requested by"))
    language = models.CharField(_("language"), max_length=5, default="nb")
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    expires_at = models.DateTimeField(_("kept until"), db_index=True)
    # Written by the worker while it builds (and when the job is sent again): a
    # running build silent for a while has lost its worker (lib.documents.documents_reap).
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(
        _("attempts"), default=0, help_text=_("How many times a worker started making it."))
    requeued = models.BooleanField(
        _("sent again"), default=False,
        help_text=_("Sent to the workers a second time after its worker was lost."))

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("generated document")
        verbose_name_plural = _("generated documents")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__lte=100),
                                   name="document_progress_at_most_100"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_ready(self) -> bool:
        return self.status == DocumentStatus.DONE and bool(self.file)

    @property
    def is_finished(self) -> bool:
        return self.status in (DocumentStatus.DONE, DocumentStatus.FAILED)

    @property
    def has_failed(self) -> bool:
        return self.status == DocumentStatus.FAILED


class ReminderStatus(models.TextChoices):
    PENDING = "pending", _("waiting to be sent")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")
    SKIPPED = "skipped", _("skipped (no email address)")


class SentReminder(models.Model):
    """One reminder to one person about one occasion — at most once, by constraint.

    ``occasion`` is a stable key such as ``programs.session:42:7d``. The row is
    inserted before anything is sent; a second sweep, a second worker or a
    retried task hits the unique constraint or finds the row already sent.
    The rendered message is stored so a retry sends exactly the same text and
    O&F can read what went out.
    """

    organisation_path = "organisation"

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE,
                                     related_name="reminders", verbose_name=_("municipality"))
    occasion = models.CharField(_("occasion"), max_length=120)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="reminders", verbose_name=_("recipient"))
    kind = models.CharField(_("kind"), max_length=60, db_index=True)
    status = models.CharField(_("status"), max_length=10, choices=ReminderStatus.choices,
                              default=ReminderStatus.PENDING, db_index=True)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"))
    html = models.TextField(_("HTML"))
    ics = models.TextField(_("calendar file"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("sent reminder")
        verbose_name_plural = _("sent reminders")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["occasion", "recipient"],
                                    name="reminder_once_per_occasion_and_recipient"),
        ]

    def __str__(self) -> str:
        return f"{self.occasion} → {self.recipient_id}"


class OutboxTask(models.Model):
    """A Celery job recorded in the transaction that asked for it, then sent (lib.outbox).

    While the broker is unreachable the row stays pending and the beat task
    ``outbox_flush`` sends it again, so queued work is never lost. Infrastructure,
    not municipal data: the arguments are ids and rendered emails, shown nowhere.
    """

    task = models.CharField(_("task"), max_length=200)
    args = models.JSONField(_("arguments"), default=list, blank=True)
    kwargs = models.JSONField(_("keyword arguments"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    tried_at = models.DateTimeField(_("last tried"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("queued job")
        verbose_name_plural = _("queued jobs")
        ordering = ["created_at"]
        indexes = [models.Index(fields=["created_at"], condition=models.Q(sent_at__isnull=True),
                                name="outbox_pending")]

    def __str__(self) -> str:
        return f"{self.task} ({'sent' if self.sent_at else 'pending'})"


class CalendarSequence(models.Model):
    """The iCalendar SEQUENCE of one event: how many times it was moved or cancelled.

    ``uid`` is the event's own key as ``lib.ical.CalendarEvent.uid`` holds it
    (``programs-session-<uuid>``…), without the host part. No row means 0.
    Raised by ``lib.calendar_notices.sequence_bump`` in the transaction that
    changes the event; feeds and downloads read it (``lib.ical.calendar_publish``)
    so a calendar program replaces its copy instead of keeping the old one.
    """

    uid = models.CharField(_("calendar event"), max_length=200, unique=True)
    sequence = models.PositiveIntegerField(_("sequence"), default=0)
    changed_at = models.DateTimeField(_("changed"), default=timezone.now)

    class Meta:
        verbose_name = _("calendar sequence")
        verbose_name_plural = _("calendar sequences")

    def __str__(self) -> str:
        return f"{self.uid} #{self.sequence}"
