"""Programmes, their day gatherings, and the deepening track (ledelsesfordypning).

A Programme holds offerings of all three tracks; this app builds the
deepening modules with sessions, seats and enrolment, and the programme's
own gatherings (ledersamlinger). Seat rules live in :mod:`programs.services`;
the models keep only what one row can check about itself.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import Leader, LeaderLevel, Organisation, Unit
from lib.choice_labels import ChoiceLabels
from lib.dates import format_date
from lib.scoping import OrganisationQuerySet, scoped_history

from ..seats import SeatState


class Programme(models.Model):
    """A municipality's programme, e.g. "Fjordviklederen 2026–2027"."""

    organisation_path = "organisation"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="programmes", verbose_name=_("municipality"))
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=80,
                            help_text=_("Used in addresses; unique within the municipality."))
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    participants = models.ManyToManyField(
        Leader, through="ProgrammeParticipant", related_name="programmes", blank=True,
        verbose_name=_("participants"),
        help_text=_("Leaders taking part in the whole programme and its gatherings."))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["-starts_on", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "slug"],
                                    name="programme_slug_unique_per_organisation"),
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")),
                                   name="programme_ends_after_start"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": ValidationError(
                _("The programme cannot end before it starts."), code="end_before_start")})


class ProgrammeParticipant(models.Model):
    """A leader taking part in a whole programme (its gatherings, network groups)."""

    organisation_path = "programme__organisation"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE,
                                  related_name="participations", verbose_name=_("programme"))
    leader = models.ForeignKey(Leader, on_delete=models.CASCADE,
                               related_name="programme_participations", verbose_name=_("leader"))
    joined_on = models.DateField(_("joined"), default=timezone.localdate)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("programme participant")
        verbose_name_plural = _("programme participants")
        constraints = [
            models.UniqueConstraint(fields=["programme", "leader"],
                                    name="programme_participant_once"),
        ]

    def __str__(self) -> str:
        return f"{self.leader} – {self.programme}"

    def clean(self) -> None:
        if (self.programme_id and self.leader_id
                and self.programme.organisation_id != self.leader.organisation_id):
            raise ValidationError({"leader": ValidationError(
                _("The leader belongs to another municipality."), code="other_municipality")})


def _check_times(start: dt.time | None, end: dt.time | None) -> None:
    if start and end and end <= start:
        raise ValidationError({"ends_at": ValidationError(
            _("The end must be after the start."), code="end_before_start")})


class Gathering(models.Model):
    """A programme day (ledersamling) with a theme and its advisers."""

    organisation_path = "programme__organisation"

    uuid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE,
                                  related_name="gatherings", verbose_name=_("programme"))
    theme = models.CharField(_("theme"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    date = models.DateField(_("date"))
    starts_at = models.TimeField(_("starts at"))
    ends_at = models.TimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    advisers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="advised_gatherings", blank=True,
        limit_choices_to={"is_facilitator": True}, verbose_name=_("advisers"),
        help_text=_("Facilitators or advisers leading the day, usually two."))

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("gathering")
        verbose_name_plural = _("gatherings")
        ordering = ["date", "starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")),
                                   name="gathering_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.theme} ({self.date:%d.%m.%Y})"

    def clean(self) -> None:
        _check_times(self.starts_at, self.ends_at)

    @property
    def start(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.date, self.starts_at))

    @property
    def end(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.date, self.ends_at))


class Term(models.TextChoices):
    SPRING = "var", _("spring")
    AUTUMN = "host", _("autumn")


class Audience(models.TextChoices):
    EVERYONE = "alle", _("every leader")
    NEW_LEADERS = "nye", _("new leaders (under 12 months)")
    UNITS = "enheter", _("leaders in chosen units")
    LEVELS = "nivaer", _("leaders at chosen levels")


class ModuleStatus(models.TextChoices):
    DRAFT = "utkast", _("draft")
    PUBLISHED = "publisert", _("published")
    CANCELLED = "avlyst", _("module cancelled")


class ModuleQuerySet(OrganisationQuerySet):
    def with_seat_counts(self) -> ModuleQuerySet:
        """Annotate seated, talent-seated, waiting and requested counts in one join."""
        return self.annotate(
            seated_count=models.Count("enrollments", filter=Q(enrollments__status="plass")),
            talent_seated_count=models.Count(
                "enrollments", filter=Q(enrollments__status="plass",
                                        enrollments__talent_seat=True)),
            waiting_count=models.Count("enrollments",
                                       filter=Q(enrollments__status="venteliste")),
            requested_count=models.Count("enrollments", filter=Q(enrollments__status="sokt")),
        )


class Module(ChoiceLabels, models.Model):
    """A deepening module: usually three sessions of three hours over a semester.

    ``capacity`` counts every seat, the talent seats included; until
    ``talent_seats_release_on`` that many of them are kept for leaders flagged
    as talents.
    """

    organisation_path = "programme__organisation"

    uuid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE,
                                  related_name="modules", verbose_name=_("programme"))
    topic = models.CharField(_("topic"), max_length=200,
                             help_text=_("E.g. «Teamledelse» or «Endringsledelse»."))
    description = models.TextField(_("description"), blank=True)
    term = models.CharField(_("semester"), max_length=4, choices=Term.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(
        _("status"), max_length=10, choices=ModuleStatus.choices, default=ModuleStatus.DRAFT,
        help_text=_("Leaders see only published modules."))
    audience = models.CharField(_("audience"), max_length=10, choices=Audience.choices,
                                default=Audience.EVERYONE)
    audience_units = models.ManyToManyField(
        Unit, related_name="+", blank=True, verbose_name=_("units"),
        help_text=_("For «chosen units»: leaders in these units or anywhere below them."))
    audience_levels = models.JSONField(
        _("levels"), default=list, blank=True,
        help_text=_("For «chosen levels»: the leader levels the module is for."))
    capacity = models.PositiveIntegerField(_("seats"),
                                           help_text=_("All seats, talent seats included."))
    waiting_list_limit = models.PositiveIntegerField(
        _("waiting list places"), null=True, blank=True,
        help_text=_("How many approved leaders may wait for a seat. Empty: no limit."))
    talent_seats = models.PositiveIntegerField(
        _("talent seats"), default=5,
        help_text=_("Seats kept for leader talents until the release date."))
    talent_seats_release_on = models.DateField(
        _("talent seats released"), null=True, blank=True,
        help_text=_("From this day any leader may take a free talent seat. Empty: never released."))
    enrolment_opens_on = models.DateField(_("enrolment opens"))
    enrolment_closes_on = models.DateField(
        _("enrolment closes"), help_text=_("The last day a leader can ask for a place."))
    cancellation_cutoff_on = models.DateField(
        _("last day to cancel"), help_text=_("After this day a leader cannot cancel their place."))
    min_sessions_attended = models.PositiveSmallIntegerField(
        _("sessions needed to complete"), default=2,
        help_text=_("A leader has completed the module after attending this many sessions."))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ModuleQuerySet.as_manager()

    class Meta:
        verbose_name = _("module")
        verbose_name_plural = _("modules")
        ordering = ["year", "-term", "topic"]
        constraints = [
            models.CheckConstraint(condition=Q(talent_seats__lte=F("capacity")),
                                   name="module_talent_seats_within_capacity"),
            models.CheckConstraint(condition=Q(enrolment_closes_on__gte=F("enrolment_opens_on")),
                                   name="module_enrolment_window_ordered"),
            models.CheckConstraint(condition=Q(min_sessions_attended__gte=1),
                                   name="module_completion_needs_a_session"),
        ]

    def __str__(self) -> str:
        return f"{self.topic} ({self.get_term_display()} {self.year})"

    @property
    def semester_label(self) -> str:
        return f"{self.get_term_display()} {self.year}"

    @property
    def is_draft(self) -> bool:
        return self.status == ModuleStatus.DRAFT

    @property
    def is_cancelled(self) -> bool:
        return self.status == ModuleStatus.CANCELLED

    @property
    def is_for_chosen_units(self) -> bool:
        return self.audience == Audience.UNITS

    @property
    def is_for_new_leaders(self) -> bool:
        return self.audience == Audience.NEW_LEADERS

    @property
    def audience_unit_names(self) -> list[str]:
        return [unit.name for unit in self.audience_units.all()]

    @property
    def is_for_chosen_levels(self) -> bool:
        return self.audience == Audience.LEVELS

    def clean(self) -> None:
        errors: dict[str, object] = {}
        if self.capacity is not None and self.talent_seats is not None \
                and self.talent_seats > self.capacity:
            errors["talent_seats"] = ValidationError(
                _("There cannot be more talent seats than seats."),
                code="talent_seats_over_capacity")
        if self.enrolment_opens_on and self.enrolment_closes_on \
                and self.enrolment_closes_on < self.enrolment_opens_on:
            errors["enrolment_closes_on"] = ValidationError(
                _("Enrolment cannot close before it opens."), code="end_before_start")
        valid_levels = set(LeaderLevel.values)
        if not isinstance(self.audience_levels, list) or \
                any(level not in valid_levels for level in self.audience_levels):
            errors["audience_levels"] = ValidationError(
                _("Choose levels from the list."), code="invalid_level")
        elif self.audience == Audience.LEVELS and not self.audience_levels:
            errors["audience_levels"] = ValidationError(
                _("Choose at least one level."), code="required")
        if self.enrolment_opens_on and self.cancellation_cutoff_on \
                and self.cancellation_cutoff_on < self.enrolment_opens_on:
            errors["cancellation_cutoff_on"] = ValidationError(
                _("The last day to cancel cannot be before enrolment opens (%(date)s).")
                % {"date": format_date(self.enrolment_opens_on)}, code="cutoff_before_enrolment")
        errors.update(self._session_errors())
        if self.pk and self.capacity is not None:
            seated = self.enrollments.filter(status=EnrollmentStatus.SEATED).count()
            if seated > self.capacity:
                errors["capacity"] = ValidationError(_(
                    "%(seated)d leaders already have a seat; cancel places before lowering "
                    "the number of seats.") % {"seated": seated}, code="capacity_below_seated")
        if errors:
            raise ValidationError(errors)

    def semester_span(self) -> tuple[dt.date, dt.date] | None:
        """The first and last day a session of the module may fall on.

        Spring is January to June, autumn July to December (the modules start in
        February and September and run three to five months).
        """
        if not self.year or self.term not in Term.values:
            return None
        if self.term == Term.SPRING:
            return dt.date(self.year, 1, 1), dt.date(self.year, 6, 30)
        return dt.date(self.year, 7, 1), dt.date(self.year, 12, 31)

    def session_outside_semester(self, day: dt.date) -> str | None:
        """Why a session on ``day`` does not fit the module's semester, else None.

        Refused with the code ``session_outside_semester`` by ``Module.clean`` and
        ``ModuleSession.clean``.
        """
        span = self.semester_span()
        if span is None or span[0] <= day <= span[1]:
            return None
        return _("A %(semester)s module has its sessions between %(first)s and %(last)s; "
                 "%(date)s is outside it.") % {
            "semester": self.semester_label, "first": format_date(span[0]),
            "last": format_date(span[1]), "date": format_date(day)}

    def _session_errors(self) -> dict[str, ValidationError]:
        """Sessions against the semester and the completion rule.

        Reads the sessions being entered with the module when the admin hands
        them over (``pending_session_dates``), else the saved ones; a module
        without sessions yet is not judged.
        """
        pending = getattr(self, "pending_session_dates", None)
        if pending is not None:
            dates = list(pending())
        elif self.pk:
            dates = list(self.sessions.values_list("date", flat=True))
        else:
            dates = []
        errors: dict[str, ValidationError] = {}
        outside = [problem for day in sorted(dates)
                   if (problem := self.session_outside_semester(day)) is not None]
        if outside:
            errors["year"] = ValidationError(outside[0], code="session_outside_semester")
        if dates and self.min_sessions_attended and self.min_sessions_attended > len(dates):
            errors["min_sessions_attended"] = ValidationError(
                ngettext("A leader cannot attend %(needed)d sessions when the module has "
                         "%(count)d session.",
                         "A leader cannot attend %(needed)d sessions when the module has "
                         "%(count)d sessions.", len(dates))
                % {"needed": self.min_sessions_attended, "count": len(dates)},
                code="completion_over_sessions")
        return errors

    def opens_later(self, today: dt.date | None = None) -> bool:
        """Published, and its enrolment window has not opened yet."""
        today = today or timezone.localdate()
        return self.status == ModuleStatus.PUBLISHED and today < self.enrolment_opens_on

    def is_for(self, leader: Leader, today: dt.date | None = None) -> bool:
        """Whether the module's audience includes this leader.

        Reads ``audience_units`` (prefetch it when checking many modules); a
        chosen unit includes every unit below it.
        """
        if leader.organisation_id != self.programme.organisation_id:
            return False
        if self.audience == Audience.EVERYONE:
            return True
        if self.audience == Audience.NEW_LEADERS:
            return leader.is_new(today)
        if self.audience == Audience.LEVELS:
            return leader.level in self.audience_levels
        path = leader.unit.path
        return any(path.startswith(unit.path) for unit in self.audience_units.all())

    def audience_level_labels(self) -> list[str]:
        labels = dict(LeaderLevel.choices)
        return [str(labels[level]) for level in self.audience_levels if level in labels]

    def enrolment_is_open(self, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        return (self.status == ModuleStatus.PUBLISHED
                and self.enrolment_opens_on <= today <= self.enrolment_closes_on)

    def seat_state(self, today: dt.date | None = None) -> SeatState:
        """Seats now; needs ``with_seat_counts()`` or explicit counts set by a service."""
        return SeatState(capacity=self.capacity, reserved=self.talent_seats_reserved(today),
                         seated=self.seated_count,  # type: ignore[attr-defined]
                         talent_seated=self.talent_seated_count)  # type: ignore[attr-defined]

    def talent_seats_reserved(self, today: dt.date | None = None) -> int:
        """How many seats are still kept for talents today (0 once released)."""
        today = today or timezone.localdate()
        if self.talent_seats_release_on is not None and today >= self.talent_seats_release_on:
            return 0
        return self.talent_seats


class ModuleSession(models.Model):
    """One session of a module (usually three hours), with its facilitators."""

    organisation_path = "module__programme__organisation"

    uuid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="sessions",
                               verbose_name=_("module"))
    theme = models.CharField(_("theme"), max_length=200, blank=True)
    date = models.DateField(_("date"))
    starts_at = models.TimeField(_("starts at"))
    ends_at = models.TimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    video_url = models.URLField(
        _("video link"), blank=True,
        help_text=_("For sessions held on video instead of, or besides, a room."))
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="facilitated_sessions", blank=True,
        limit_choices_to={"is_facilitator": True}, verbose_name=_("facilitators"))

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("module session")
        verbose_name_plural = _("module sessions")
        ordering = ["date", "starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")),
                                   name="module_session_ends_after_start"),
        ]

    def __str__(self) -> str:
        label = self.theme or str(self.module.topic)
        return f"{label} ({self.date:%d.%m.%Y})"

    def clean(self) -> None:
        _check_times(self.starts_at, self.ends_at)
        if not self.place and not self.video_url:
            raise ValidationError(_("Give a place or a video link."), code="no_place")
        if self.date and (self.module_id is not None or self._module_given()):
            problem = self.module.session_outside_semester(self.date)
            if problem is not None:
                raise ValidationError({"date": ValidationError(
                    problem, code="session_outside_semester")})

    def _module_given(self) -> bool:
        # An inline row of a module being added has the (unsaved) module set already.
        return self._state.fields_cache.get("module") is not None

    @property
    def start(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.date, self.starts_at))

    @property
    def end(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.date, self.ends_at))

    @property
    def location(self) -> str:
        return ", ".join(part for part in (self.place, self.video_url) if part)


class EnrollmentStatus(models.TextChoices):
    REQUESTED = "sokt", _("place requested")
    WAITING = "venteliste", _("waiting list")
    SEATED = "plass", _("seated")
    DECLINED = "avslatt", _("request declined")
    CANCELLED = "avmeldt", _("enrolment cancelled")


ACTIVE_STATUSES = (EnrollmentStatus.REQUESTED, EnrollmentStatus.WAITING, EnrollmentStatus.SEATED)
# Shown instead of "seated" once the leader has attended enough sessions; never stored.
COMPLETED = "fullfort"


class EnrollmentQuerySet(OrganisationQuerySet):
    def with_attendance(self) -> EnrollmentQuerySet:
        """Annotate ``attended_count``, the sessions attended, which "completed" is made of."""
        return self.annotate(attended_count=models.Count(
            "attendances", filter=Q(attendances__attended=True)))

    def with_waiting_position(self) -> EnrollmentQuerySet:
        """Annotate ``waiting_position``: the place on the module's waiting list, else None.

        The one definition of the waiting-list number: the order of approval
        (``decided_at``, then id) among the module's waiting enrolments. A
        correlated count rather than a window function, so it stays right
        whatever else filters the rows (a search in the admin, one leader's rows).
        """
        waiting = EnrollmentStatus.WAITING
        ahead = (Enrollment.objects.filter(module=OuterRef("module"), status=waiting)
                 .filter(Q(decided_at__lt=OuterRef("decided_at"))
                         | Q(decided_at=OuterRef("decided_at"), pk__lte=OuterRef("pk")))
                 .order_by().values("module").annotate(n=models.Count("pk")).values("n"))
        return self.annotate(waiting_position=models.Case(
            models.When(status=waiting, then=models.Subquery(ahead)),
            default=None, output_field=models.IntegerField()))


class Enrollment(ChoiceLabels, models.Model):
    """A leader's place (or wish for one) in a module.

    The waiting-list position is not stored: it is the order of ``approved_at``
    among the module's waiting enrolments, so it cannot drift. "Completed" is
    derived from attendance and the module's completion rule.
    """

    organisation_path = "module__programme__organisation"

    uuid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    # A module with enrolments is cancelled (which tells its people), never deleted: the
    # delete would silently take the leaders' seats, requests and attendance with it.
    module = models.ForeignKey(Module, on_delete=models.RESTRICT, related_name="enrollments",
                               verbose_name=_("module"))
    leader = models.ForeignKey(Leader, on_delete=models.CASCADE, related_name="enrollments",
                               verbose_name=_("leader"))
    status = models.CharField(_("status"), max_length=12, choices=EnrollmentStatus.choices,
                              default=EnrollmentStatus.REQUESTED)
    note = models.TextField(_("why I want to take part"), blank=True, max_length=2000)
    requested_at = models.DateTimeField(_("requested on"), default=timezone.now)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("place requested by"))
    decided_at = models.DateTimeField(_("approved or declined"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("approved or declined by"))
    decision_note = models.TextField(_("reason given"), blank=True, max_length=2000)
    seated_at = models.DateTimeField(_("seat given"), null=True, blank=True)
    talent_seat = models.BooleanField(
        _("holds a talent seat"), default=False,
        help_text=_("Set by the seat rules when the leader took one of the reserved talent seats."))
    cancelled_at = models.DateTimeField(_("cancelled on"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("cancelled by"))
    cancel_reason = models.TextField(
        _("reason for cancelling"), blank=True, max_length=2000,
        help_text=_("Given by O&F when they cancel on the leader's behalf; sent to the leader."))

    objects = EnrollmentQuerySet.as_manager()
    # Audit trail of admin changes to enrolments (GDPR, issue 9); scoped in the admin.
    history = scoped_history(verbose_name=_("historical enrolment"))

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["requested_at"]
        constraints = [
            # One live enrolment per leader and module; a declined or cancelled
            # one may be followed by a new request.
            models.UniqueConstraint(
                fields=["module", "leader"],
                condition=Q(status__in=["sokt", "venteliste", "plass"]),
                name="enrollment_one_active_per_module"),
            models.CheckConstraint(
                condition=(~Q(status__in=["venteliste", "plass", "avslatt"])
                           | Q(decided_at__isnull=False)),
                name="enrollment_decided_has_time"),
            models.CheckConstraint(
                condition=~Q(status="plass") | Q(seated_at__isnull=False),
                name="enrollment_seated_has_time"),
            models.CheckConstraint(
                condition=~Q(status="avmeldt") | Q(cancelled_at__isnull=False),
                name="enrollment_cancelled_has_time"),
            models.CheckConstraint(
                condition=Q(talent_seat=False) | Q(status="plass"),
                name="enrollment_talent_seat_only_when_seated"),
        ]
        indexes = [
            models.Index(fields=["module", "status", "decided_at"]),
            models.Index(fields=["leader", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.leader} – {self.module}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def is_requested(self) -> bool:
        return self.status == EnrollmentStatus.REQUESTED

    @property
    def is_waiting(self) -> bool:
        return self.status == EnrollmentStatus.WAITING

    @property
    def is_seated(self) -> bool:
        return self.status == EnrollmentStatus.SEATED

    @property
    def attended(self) -> int:
        """Sessions attended: the ``with_attendance()`` annotation, else one query."""
        count = getattr(self, "attended_count", None)
        if count is None:
            count = self.attendances.filter(attended=True).count()
        return count

    @property
    def is_completed(self) -> bool:
        """The one rule for "completed": seated, and attended the module's minimum."""
        return self.is_seated and self.attended >= self.module.min_sessions_attended

    @property
    def shown_status(self) -> str:
        """The status code as people see it: :data:`COMPLETED` in place of a completed seat."""
        return COMPLETED if self.is_completed else self.status


class Attendance(models.Model):
    """Whether a seated leader attended one session."""

    organisation_path = "session__module__programme__organisation"

    session = models.ForeignKey(ModuleSession, on_delete=models.CASCADE,
                                related_name="attendances", verbose_name=_("session"))
    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE,
                                   related_name="attendances", verbose_name=_("enrolment"))
    attended = models.BooleanField(_("attended"), default=True)
    marked_at = models.DateTimeField(_("marked"), default=timezone.now)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("marked by"))

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["session", "enrollment"],
                                    name="attendance_once_per_session"),
        ]

    def __str__(self) -> str:
        return f"{self.enrollment.leader} – {self.session}"

    def clean(self) -> None:
        if (self.session_id and self.enrollment_id
                and self.session.module_id != self.enrollment.module_id):
            raise ValidationError(_("The session belongs to another module."), code="other_module")
