"""Booked coaching sessions: the rows double-booking and the invoice basis are about."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lib.choice_labels import ChoiceLabels
from lib.scoping import OrganisationQuerySet, scoped_history

from .agreements import CoachProfile, Mode
from .courses import CoachingCourse


class BookingStatus(models.TextChoices):
    BOOKED = "bestilt", _("booked")
    HELD = "holdt", _("held")
    NO_SHOW = "uteble", _("no-show")
    CANCELLED = "avbestilt", _("cancelled")
    LATE_CANCELLED = "sent_avbestilt", _("cancelled late")


# The coach's time is taken: the slot cannot be booked again (a database constraint).
OCCUPYING = (BookingStatus.BOOKED, BookingStatus.HELD, BookingStatus.NO_SHOW)
# The leader has used one of their sessions.
USED = (*OCCUPYING, BookingStatus.LATE_CANCELLED)
# The supplier invoices these: held, and the ones the leader missed or cancelled too late.
BILLABLE = (BookingStatus.HELD, BookingStatus.NO_SHOW, BookingStatus.LATE_CANCELLED)


class BookingQuerySet(OrganisationQuerySet):
    def occupying(self) -> BookingQuerySet:
        return self.filter(status__in=OCCUPYING)

    def used(self) -> BookingQuerySet:
        return self.filter(status__in=USED)


class Booking(ChoiceLabels, models.Model):
    """One session between a leader and their coach.

    ``coach`` repeats ``course.coach`` on purpose: the database can then refuse
    two active bookings of one coach at the same start (a partial unique
    constraint everywhere; on PostgreSQL also an exclusion constraint on
    overlapping time ranges, added in migration 0002). ``minutes`` is the
    agreement's session length when booked, so the invoice basis is a sum.
    """

    organisation_path = "course__organisation"

    uuid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    course = models.ForeignKey(CoachingCourse, on_delete=models.PROTECT, related_name="bookings",
                               verbose_name=_("coaching course"))
    coach = models.ForeignKey(CoachProfile, on_delete=models.PROTECT, related_name="bookings",
                              verbose_name=_("coach"))
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    minutes = models.PositiveSmallIntegerField(_("minutes"))
    mode = models.CharField(_("how"), max_length=10, choices=Mode.choices, default=Mode.VIDEO)
    status = models.CharField(_("status"), max_length=15, choices=BookingStatus.choices,
                              default=BookingStatus.BOOKED)
    times_moved = models.PositiveSmallIntegerField(_("times moved"), default=0)
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                  null=True, blank=True, related_name="+",
                                  verbose_name=_("booked by"))
    created_at = models.DateTimeField(_("booked"), default=timezone.now)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancelled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+",
                                     verbose_name=_("cancelled by"))
    marked_at = models.DateTimeField(_("marked held or no-show"), null=True, blank=True)
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                  null=True, blank=True, related_name="+",
                                  verbose_name=_("marked by"))

    objects = BookingQuerySet.as_manager()
    # Audit trail of every saved change (status, time, who): the services save(), so each
    # booking, move, cancellation and marking is a history row; shown scoped in the admin.
    history = scoped_history(verbose_name=_("historical booking"))

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["coach", "starts_at"],
                                    condition=Q(status__in=OCCUPYING),
                                    name="coaching_booking_one_per_coach_and_start"),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")),
                                   name="coaching_booking_ends_after_start"),
            models.CheckConstraint(condition=Q(minutes__gte=1),
                                   name="coaching_booking_has_minutes"),
        ]
        indexes = [models.Index(fields=["coach", "starts_at"]),
                   models.Index(fields=["course", "status"])]

    def __str__(self) -> str:
        return f"{timezone.localtime(self.starts_at):%d.%m.%Y %H:%M}"

    @property
    def is_cancelled(self) -> bool:
        return self.status in (BookingStatus.CANCELLED, BookingStatus.LATE_CANCELLED)

    @property
    def is_booked(self) -> bool:
        """Booked and not yet marked held or no-show (nor cancelled)."""
        return self.status == BookingStatus.BOOKED

    @property
    def is_marked(self) -> bool:
        """The coach has marked it held or no-show (and may correct the mark)."""
        return self.status in (BookingStatus.HELD, BookingStatus.NO_SHOW)

    @property
    def is_on_site(self) -> bool:
        return self.mode == Mode.ON_SITE

    @property
    def is_video(self) -> bool:
        return self.mode == Mode.VIDEO


class InvoiceBasis(Booking):
    """The admin's entry for the monthly invoice basis (a view over bookings, no table)."""

    class Meta:
        proxy = True
        verbose_name = _("invoice basis")
        verbose_name_plural = _("invoice basis")
