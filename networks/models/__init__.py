"""Network groups (nettverksgrupper) of a programme and their meetings.

A programme's network setup is one :class:`NetworkPlan`: the group size, how
many meetings each group holds between gatherings, the advisers available.
Groups are composed by :mod:`networks.compose` and changed only through
:mod:`networks.services`, which re-check the rules on every move. Meetings
start as proposals with a date poll (:class:`MeetingOption`,
:class:`MeetingVote`) and are confirmed by O&F. The database backs the
once-only rules: one active meeting per facilitator and slot, one per group and
slot, one group per leader and programme, one vote per leader and date.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Leader, Organisation
from lib.choice_labels import ChoiceLabels
from lib.scoping import OrganisationQuerySet
from programs.models import Gathering, Programme

# Seljord's rule of thumb: a network meeting lasts two and a half to three hours.
MIN_MEETING_MINUTES = 150
MAX_MEETING_MINUTES = 180
NOON = dt.time(12, 0)


class PlanStatus(models.TextChoices):
    DRAFT = "utkast", _("draft: groups are being composed")
    CONFIRMED = "bekreftet", _("groups confirmed")


class NetworkPlan(ChoiceLabels, models.Model):
    """The network groups of one programme and the rules their meeting plan follows."""

    organisation_path = "programme__organisation"

    uuid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    programme = models.OneToOneField(Programme, on_delete=models.CASCADE,
                                     related_name="network_plan", verbose_name=_("programme"))
    status = models.CharField(_("status"), max_length=10, choices=PlanStatus.choices,
                              default=PlanStatus.DRAFT)
    min_size = models.PositiveSmallIntegerField(
        _("smallest group"), default=5,
        help_text=_("The proposal warns when a group has fewer members than this."))
    max_size = models.PositiveSmallIntegerField(
        _("largest group"), default=6, help_text=_("No group may have more members than this."))
    meetings_per_interval = models.PositiveSmallIntegerField(
        _("meetings between two gatherings"), default=2,
        help_text=_("How many network meetings each group holds between two gatherings."))
    facilitated_meetings = models.PositiveSmallIntegerField(
        _("facilitated meetings"), default=2,
        help_text=_("The first meetings of each group are led by a facilitator; later ones "
                    "the group holds on its own."))
    facilitator_daily_max = models.PositiveSmallIntegerField(
        _("meetings per facilitator and day"), default=2,
        help_text=_("An adviser can run one meeting before noon and one after."))
    morning_starts_at = models.TimeField(_("morning meetings start (FL)"),
                                         default=dt.time(9, 0))
    afternoon_starts_at = models.TimeField(_("afternoon meetings start (EL)"),
                                           default=dt.time(12, 30))
    meeting_minutes = models.PositiveSmallIntegerField(
        _("meeting length in minutes"), default=MIN_MEETING_MINUTES,
        help_text=_("Between 150 and 180 minutes."))
    default_place = models.CharField(
        _("usual place"), max_length=200, blank=True,
        help_text=_("Filled in for planned meetings; can be changed per meeting."))
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="network_plans", blank=True,
        limit_choices_to={"is_facilitator": True}, verbose_name=_("facilitators"),
        help_text=_("Advisers who lead the facilitated meetings; groups without their own "
                    "facilitator get one of these in turn."))
    confirmed_at = models.DateTimeField(_("groups confirmed"), null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+",
                                     verbose_name=_("groups confirmed by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("network plan")
        verbose_name_plural = _("network plans")
        ordering = ["-programme__starts_on"]
        constraints = [
            models.CheckConstraint(condition=Q(min_size__gte=2) & Q(max_size__gte=F("min_size"))
                                   & Q(max_size__lte=12), name="network_plan_sizes_sensible",
                                   violation_error_message=_(
                                       "Group sizes go from 2 to 12, the smallest no larger "
                                       "than the largest.")),
            models.CheckConstraint(
                condition=Q(meeting_minutes__gte=MIN_MEETING_MINUTES)
                & Q(meeting_minutes__lte=MAX_MEETING_MINUTES),
                name="network_plan_meeting_length",
                violation_error_message=_("A network meeting lasts between 150 and 180 "
                                          "minutes.")),
            models.CheckConstraint(
                condition=Q(facilitator_daily_max__gte=1) & Q(facilitator_daily_max__lte=2),
                name="network_plan_daily_max_one_or_two",
                violation_error_message=_("A facilitator leads one or two meetings a day.")),
            models.CheckConstraint(
                condition=Q(morning_starts_at__lt=NOON) & Q(afternoon_starts_at__gte=NOON),
                name="network_plan_slots_around_noon",
                violation_error_message=_("Morning meetings start before 12:00 and afternoon "
                                          "meetings at 12:00 or later.")),
            models.CheckConstraint(
                condition=~Q(status=PlanStatus.CONFIRMED) | Q(confirmed_at__isnull=False),
                name="network_plan_confirmed_has_time"),
        ]

    def __str__(self) -> str:
        return str(self.programme)

    @property
    def is_draft(self) -> bool:
        return self.status == PlanStatus.DRAFT

    def slot_times(self, slot: str) -> tuple[dt.time, dt.time]:
        """Default start and end of a meeting in a slot."""
        start = self.morning_starts_at if slot == Slot.MORNING else self.afternoon_starts_at
        end = (dt.datetime.combine(dt.date(2000, 1, 1), start)
               + dt.timedelta(minutes=self.meeting_minutes)).time()
        return start, end


class NetworkHoliday(models.Model):
    """Days the municipality does not hold network meetings (school holidays, Easter, …)."""

    organisation_path = "organisation"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="network_holidays",
                                     verbose_name=_("municipality"))
    name = models.CharField(_("name"), max_length=100, help_text=_("E.g. «Vinterferie»."))
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")),
                                   name="network_holiday_ends_after_start",
                                   violation_error_message=_(
                                       "The last day cannot be before the first.")),
        ]
        indexes = [models.Index(fields=["organisation", "starts_on"])]

    def __str__(self) -> str:
        return self.name


class NetworkGroup(models.Model):
    """A cross-unit group of five or six leaders, with a name such as «Blåveis»."""

    organisation_path = "plan__programme__organisation"

    uuid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(NetworkPlan, on_delete=models.CASCADE, related_name="groups",
                             verbose_name=_("network plan"))
    name = models.CharField(_("name"), max_length=80)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="facilitated_network_groups", limit_choices_to={"is_facilitator": True},
        verbose_name=_("facilitator"),
        help_text=_("Leads the group's facilitated meetings."))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("network group")
        verbose_name_plural = _("network groups")
        ordering = ["plan", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "name"], name="network_group_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class NetworkMembership(models.Model):
    """A leader's place in a network group; a leader is in one group per programme."""

    organisation_path = "plan__programme__organisation"

    plan = models.ForeignKey(NetworkPlan, on_delete=models.CASCADE, related_name="memberships",
                             verbose_name=_("network plan"))
    group = models.ForeignKey(NetworkGroup, on_delete=models.CASCADE,
                              related_name="memberships", verbose_name=_("network group"))
    leader = models.ForeignKey(Leader, on_delete=models.CASCADE,
                               related_name="network_memberships", verbose_name=_("leader"))
    added_at = models.DateTimeField(_("added"), default=timezone.now)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("network group member")
        verbose_name_plural = _("network group members")
        constraints = [
            models.UniqueConstraint(fields=["plan", "leader"],
                                    name="network_membership_one_group_per_programme"),
        ]

    def __str__(self) -> str:
        return f"{self.leader} – {self.group}"


class Slot(models.TextChoices):
    # Written in full on every page (issue 21): members found "FL"/"EL" cryptic.
    MORNING = "FL", pgettext_lazy("meeting slot", "morning")
    AFTERNOON = "EL", pgettext_lazy("meeting slot", "afternoon")


class MeetingStatus(models.TextChoices):
    NOT_PROPOSED = "ikke_satt", _("not yet proposed")
    PROPOSED = "foreslatt", _("proposed")
    CONFIRMED = "bekreftet", _("confirmed")
    HELD = "holdt", pgettext_lazy("network meeting", "held")
    CANCELLED = "avlyst", pgettext_lazy("network meeting", "cancelled")


# Meetings that occupy their date and slot: a held meeting still did (the rules and the
# facilitator's day count see it); a round not yet proposed has no date at all.
ACTIVE_MEETING = Q(status__in=[MeetingStatus.PROPOSED, MeetingStatus.CONFIRMED,
                               MeetingStatus.HELD])
# "Time to be agreed": a date without a slot has no times either.
NO_SLOT = ""
SLOT_MATCHES_TIME = (Q(slot=Slot.MORNING, starts_at__lt=NOON)
                     | Q(slot=Slot.AFTERNOON, starts_at__gte=NOON)
                     | Q(slot=NO_SLOT, starts_at__isnull=True, ends_at__isnull=True))


class NetworkMeeting(ChoiceLabels, models.Model):
    """One round of a network group ("meeting N of M"): not yet proposed (no date), proposed
    (one date or a poll), confirmed, then held — or cancelled.

    ``facilitator`` empty means the group meets on its own. The date, slot and
    times are the proposal while the status is *proposed* and the decision once
    it is *confirmed*; an empty slot is "time to be agreed" (no times). A
    meeting O&F or the adviser entered or changed by hand is ``hand_made``: the
    planner never changes it.
    """

    organisation_path = "group__plan__programme__organisation"

    uuid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    group = models.ForeignKey(NetworkGroup, on_delete=models.CASCADE, related_name="meetings",
                              verbose_name=_("network group"))
    number = models.PositiveSmallIntegerField(_("meeting number"), default=1)
    date = models.DateField(_("date"), null=True, blank=True,
                            help_text=_("Empty while the round is not yet proposed."))
    slot = models.CharField(_("slot"), max_length=2, choices=Slot.choices, blank=True,
                            help_text=_("Empty: the time is to be agreed."))
    starts_at = models.TimeField(_("starts at"), null=True, blank=True)
    ends_at = models.TimeField(_("ends at"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    video_url = models.URLField(_("video link"), blank=True)
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="network_meetings", limit_choices_to={"is_facilitator": True},
        verbose_name=_("facilitator"), help_text=_("Empty: the group meets on its own."))
    status = models.CharField(_("status"), max_length=10, choices=MeetingStatus.choices,
                              default=MeetingStatus.PROPOSED)
    focus = models.TextField(_("focus"), blank=True, max_length=2000,
                             help_text=_("What the group works on, agreed at the last gathering."))
    focus_gathering = models.ForeignKey(
        Gathering, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("focus agreed at"))
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    hand_made = models.BooleanField(
        _("entered by hand"), default=False,
        help_text=_("Entered or changed by O&F or the adviser; the planner leaves it alone."))
    poll_closes_on = models.DateField(
        _("answer by"), null=True, blank=True,
        help_text=_("The last day members can answer the date poll; those who have not "
                    "answered are reminded before it."))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("network meeting")
        verbose_name_plural = _("network meetings")
        ordering = ["date", "starts_at"]
        constraints = [
            # A facilitator leads at most one meeting per slot (FL/EL) — so at most
            # two a day; the per-day limit below two is counted under a row lock.
            models.UniqueConstraint(
                fields=["facilitator", "date", "slot"],
                condition=ACTIVE_MEETING & Q(facilitator__isnull=False),
                name="network_meeting_facilitator_once_per_slot"),
            models.UniqueConstraint(fields=["group", "date", "slot"], condition=ACTIVE_MEETING,
                                    name="network_meeting_group_once_per_slot"),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")),
                                   name="network_meeting_ends_after_start"),
            models.CheckConstraint(condition=SLOT_MATCHES_TIME,
                                   name="network_meeting_slot_matches_time"),
            models.CheckConstraint(
                condition=~Q(status=MeetingStatus.CONFIRMED) | Q(confirmed_at__isnull=False),
                name="network_meeting_confirmed_has_time"),
            # A round not yet proposed has no date; every other one has, unless cancelled.
            models.CheckConstraint(
                condition=(Q(status=MeetingStatus.NOT_PROPOSED, date__isnull=True)
                           | Q(status=MeetingStatus.CANCELLED)
                           | (Q(date__isnull=False) & ~Q(status=MeetingStatus.NOT_PROPOSED))),
                name="network_meeting_date_matches_status"),
        ]
        indexes = [models.Index(fields=["date", "status"])]

    def __str__(self) -> str:
        when = f"{self.date:%d.%m.%Y}" if self.date else "–"
        return f"{self.group} {when} {self.slot}".rstrip()

    @property
    def start(self) -> dt.datetime:
        """When the meeting starts; a date without a slot counts from the day's start."""
        assert self.date is not None
        return timezone.make_aware(dt.datetime.combine(self.date, self.starts_at or dt.time(0)))

    @property
    def end(self) -> dt.datetime:
        assert self.date is not None
        if self.ends_at is None:
            return timezone.make_aware(dt.datetime.combine(self.date + dt.timedelta(days=1),
                                                           dt.time(0)))
        return timezone.make_aware(dt.datetime.combine(self.date, self.ends_at))

    @property
    def has_time(self) -> bool:
        return bool(self.slot) and self.starts_at is not None

    @property
    def is_not_proposed(self) -> bool:
        return self.status == MeetingStatus.NOT_PROPOSED

    @property
    def is_held(self) -> bool:
        return self.status == MeetingStatus.HELD

    @property
    def is_proposed(self) -> bool:
        return self.status == MeetingStatus.PROPOSED

    @property
    def is_confirmed(self) -> bool:
        return self.status == MeetingStatus.CONFIRMED

    @property
    def is_cancelled(self) -> bool:
        return self.status == MeetingStatus.CANCELLED

    @property
    def location(self) -> str:
        return ", ".join(part for part in (self.place, self.video_url) if part)


class MeetingOption(ChoiceLabels, models.Model):
    """A date proposed for a meeting, which the group's members answer."""

    organisation_path = "meeting__group__plan__programme__organisation"

    meeting = models.ForeignKey(NetworkMeeting, on_delete=models.CASCADE,
                                related_name="options", verbose_name=_("meeting"))
    date = models.DateField(_("date"))
    slot = models.CharField(_("slot"), max_length=2, choices=Slot.choices)
    starts_at = models.TimeField(_("starts at"))
    ends_at = models.TimeField(_("ends at"))

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("proposed date")
        verbose_name_plural = _("proposed dates")
        ordering = ["date", "starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "date", "slot"],
                                    name="meeting_option_once"),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")),
                                   name="meeting_option_ends_after_start"),
            models.CheckConstraint(condition=SLOT_MATCHES_TIME,
                                   name="meeting_option_slot_matches_time"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d.%m.%Y} {self.slot}"


class Answer(models.TextChoices):
    YES = "ja", _("yes")
    MAYBE = "kanskje", _("if need be")
    NO = "nei", _("no")


class MeetingVote(ChoiceLabels, models.Model):
    """A member's answer to one proposed date."""

    organisation_path = "option__meeting__group__plan__programme__organisation"

    option = models.ForeignKey(MeetingOption, on_delete=models.CASCADE, related_name="votes",
                               verbose_name=_("proposed date"))
    leader = models.ForeignKey(Leader, on_delete=models.CASCADE, related_name="meeting_votes",
                               verbose_name=_("leader"))
    answer = models.CharField(_("answer"), max_length=8, choices=Answer.choices)
    answered_at = models.DateTimeField(_("answered"), default=timezone.now)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["option", "leader"], name="meeting_vote_once"),
        ]

    def __str__(self) -> str:
        return f"{self.leader} – {self.option}: {self.get_answer_display()}"


class MeetingNote(models.Model):
    """What the group keeps after a meeting; only the group and its facilitator read it."""

    organisation_path = "meeting__group__plan__programme__organisation"

    meeting = models.OneToOneField(NetworkMeeting, on_delete=models.CASCADE,
                                   related_name="note", verbose_name=_("meeting"))
    case = models.TextField(_("the case we worked on"), blank=True, max_length=2000,
                            help_text=_("The peer-guidance case, in a few lines."))
    agreed = models.TextField(_("what we agreed"), blank=True, max_length=2000)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("last written by"))
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting note")
        verbose_name_plural = _("meeting notes")

    def __str__(self) -> str:
        return str(self.meeting)
