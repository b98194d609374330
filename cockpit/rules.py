"""What needs O&F's action now: one selector per rule, each one query.

Every rule takes the municipalities it looks at (``None``: all, for a system
administrator) and the moment, and answers an :class:`Item` — how many rows
fire and the admin list where O&F acts on them — or ``None`` when nothing
fires. The admin's start page shows the items that fire; the number of
queries is the number of rules, whatever the amount of data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Count, F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from coaching.models import USED, CoachingCourse
from coaching.models.courses import CourseStatus
from coaching.semesters import Semester
from lib.models import DocumentStatus, GeneratedDocument, ReminderStatus, SentReminder
from networks.models import MeetingStatus, NetworkMeeting
from programs.models import Enrollment, EnrollmentStatus, Module, ModuleStatus
from surveys.models import Round

from .models import DeliveryStatus, MessageDelivery

# How long a request may wait for the leader above before O&F steps in.
REQUEST_WAIT_DAYS = 7
# A module is under-filled when fewer than this share of its seats are taken …
UNDERFILLED_SHARE = 0.5
# … once its enrolment closes within this many days (or has closed) and it has not begun.
UNDERFILLED_LOOKAHEAD_DAYS = 14
TALENT_RELEASE_LOOKAHEAD_DAYS = 7
SURVEY_CLOSING_DAYS = 7
LOW_RESPONSE_SHARE = 0.5
MEETING_CONFIRM_DAYS = 14
RECENT_FAILURES_DAYS = 30

Organisations = Sequence[int] | None


@dataclass(frozen=True)
class Item:
    key: str
    count: int
    text: str
    url: str


def _in(qs: QuerySet, path: str, organisations: Organisations) -> QuerySet:
    return qs if organisations is None else qs.filter(**{f"{path}__in": list(organisations)})


def _changelist(name: str, **params: object) -> str:
    query = urlencode({key: (",".join(map(str, value)) if isinstance(value, list | tuple)
                             else value) for key, value in params.items()})
    return reverse(f"admin:{name}_changelist") + (f"?{query}" if query else "")


def _ids(qs: QuerySet) -> list:
    return list(qs.order_by("pk").values_list("pk", flat=True))


def _waited_since(now: dt.datetime) -> dt.datetime:
    """Asked before the start of the day N days ago: the same cut-off (and link) all day."""
    day = timezone.localdate(now) - dt.timedelta(days=REQUEST_WAIT_DAYS)
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def requests_waiting(organisations: Organisations, now: dt.datetime) -> Item | None:
    """Module requests the leader above has left undecided for more than N days."""
    before = _waited_since(now)
    count = _in(Enrollment.objects.filter(status=EnrollmentStatus.REQUESTED,
                                          requested_at__lt=before),
                "module__programme__organisation", organisations).count()
    if not count:
        return None
    text = ngettext(
        "%(count)d request waits for the leader above (more than %(days)d days)",
        "%(count)d requests wait for the leader above (more than %(days)d days)",
        count) % {"count": count, "days": REQUEST_WAIT_DAYS}
    return Item("requests_waiting", count, text, _changelist(
        "programs_enrollment", status__exact=EnrollmentStatus.REQUESTED,
        requested_at__lt=before.isoformat()))


def coaching_applications_waiting(organisations: Organisations,
                                  now: dt.datetime) -> Item | None:
    """Coaching applications the leader above has left undecided for more than N days."""
    before = _waited_since(now)
    count = _in(CoachingCourse.objects.filter(status=CourseStatus.SUBMITTED,
                                              applied_at__lt=before),
                "organisation", organisations).count()
    if not count:
        return None
    text = ngettext(
        "%(count)d coaching application waits for the leader above (more than %(days)d days)",
        "%(count)d coaching applications wait for the leader above (more than %(days)d days)",
        count) % {"count": count, "days": REQUEST_WAIT_DAYS}
    return Item("coaching_waiting", count, text, _changelist(
        "coaching_coachingcourse", status__exact=CourseStatus.SUBMITTED,
        applied_at__lt=before.isoformat()))


def _live_modules(organisations: Organisations, today: dt.date) -> QuerySet:
    """Published modules whose last session is still to come."""
    return _in(Module.objects.filter(status=ModuleStatus.PUBLISHED)
               .filter(sessions__date__gte=today).distinct(),
               "programme__organisation", organisations)


def modules_underfilled(organisations: Organisations, now: dt.datetime) -> Item | None:
    """Modules that have not begun, enrolment closing soon or closed, under half full.

    Seats taken and requests still waiting both count: a request is a seat on its way.
    """
    today = timezone.localdate(now)
    modules = (_in(Module.objects.filter(status=ModuleStatus.PUBLISHED),
                   "programme__organisation", organisations)
               .filter(enrolment_closes_on__lte=today + dt.timedelta(
                   days=UNDERFILLED_LOOKAHEAD_DAYS))
               .exclude(sessions__date__lt=today)
               .filter(sessions__isnull=False)
               .annotate(taken=Count("enrollments", distinct=True, filter=Q(
                   enrollments__status__in=[EnrollmentStatus.SEATED,
                                            EnrollmentStatus.REQUESTED])))
               .filter(taken__lt=F("capacity") * UNDERFILLED_SHARE))
    ids = _ids(modules.distinct())
    if not ids:
        return None
    text = ngettext("%(count)d module has filled fewer than half its seats",
                    "%(count)d modules have filled fewer than half their seats",
                    len(ids)) % {"count": len(ids)}
    return Item("modules_underfilled", len(ids), text,
                _changelist("programs_module", id__in=ids))


def modules_waiting_while_seats_free(organisations: Organisations,
                                     now: dt.datetime) -> Item | None:
    """Modules with leaders on the waiting list while seats stand empty (free or held)."""
    modules = (_in(Module.objects.filter(status=ModuleStatus.PUBLISHED),
                   "programme__organisation", organisations)
               .with_seat_counts()  # type: ignore[attr-defined]
               .filter(waiting_count__gt=0, seated_count__lt=F("capacity")))
    ids = _ids(modules)
    if not ids:
        return None
    text = ngettext("%(count)d module has a waiting list while seats are held or free",
                    "%(count)d modules have a waiting list while seats are held or free",
                    len(ids)) % {"count": len(ids)}
    return Item("modules_waiting", len(ids), text, _changelist("programs_module", id__in=ids))


def talent_seats_releasing(organisations: Organisations, now: dt.datetime) -> Item | None:
    """Talent seats still empty that are released to everyone within a week."""
    today = timezone.localdate(now)
    modules = (_in(Module.objects.filter(
        status=ModuleStatus.PUBLISHED, talent_seats__gt=0,
        talent_seats_release_on__gte=today,
        talent_seats_release_on__lte=today + dt.timedelta(days=TALENT_RELEASE_LOOKAHEAD_DAYS)),
        "programme__organisation", organisations)
        .with_seat_counts()  # type: ignore[attr-defined]
        .filter(talent_seated_count__lt=F("talent_seats")))
    ids = _ids(modules)
    if not ids:
        return None
    text = ngettext("%(count)d module releases empty talent seats within %(days)d days",
                    "%(count)d modules release empty talent seats within %(days)d days",
                    len(ids)) % {"count": len(ids), "days": TALENT_RELEASE_LOOKAHEAD_DAYS}
    return Item("talent_release", len(ids), text, _changelist("programs_module", id__in=ids))


def surveys_low_response(organisations: Organisations, now: dt.datetime) -> Item | None:
    """Open survey rounds closing within a week that fewer than half have answered."""
    today = timezone.localdate(now)
    rounds = (_in(Round.objects.filter(opened_at__isnull=False, completed=False,
                                       closes_on__gte=today,
                                       closes_on__lte=today + dt.timedelta(
                                           days=SURVEY_CLOSING_DAYS)),
                  "organisation", organisations)
              .annotate(invited=Count("invitations"),
                        answered=Count("invitations", filter=Q(invitations__submitted=True)))
              .filter(invited__gt=0, answered__lt=F("invited") * LOW_RESPONSE_SHARE))
    ids = [str(pk) for pk in _ids(rounds)]
    if not ids:
        return None
    text = ngettext("%(count)d survey closes within %(days)d days with fewer than half "
                    "answered",
                    "%(count)d surveys close within %(days)d days with fewer than half "
                    "answered", len(ids)) % {"count": len(ids), "days": SURVEY_CLOSING_DAYS}
    return Item("surveys_low", len(ids), text, _changelist("surveys_round", id__in=ids))


def meetings_unconfirmed(organisations: Organisations, now: dt.datetime) -> Item | None:
    """Network meetings still only proposed with two weeks or less to go."""
    today = timezone.localdate(now)
    last = today + dt.timedelta(days=MEETING_CONFIRM_DAYS)
    count = _in(NetworkMeeting.objects.filter(status=MeetingStatus.PROPOSED, date__gte=today,
                                              date__lte=last),
                "group__plan__programme__organisation", organisations).count()
    if not count:
        return None
    text = ngettext("%(count)d network meeting in the next two weeks is not confirmed",
                    "%(count)d network meetings in the next two weeks are not confirmed",
                    count) % {"count": count}
    return Item("meetings_unconfirmed", count, text, _changelist(
        "networks_networkmeeting", status__exact=MeetingStatus.PROPOSED,
        date__gte=today.isoformat(), date__lte=last.isoformat()))


def coaching_unused(organisations: Organisations, now: dt.datetime) -> Item | None:
    """Coaching courses of this semester with no session booked, past the semester's middle."""
    today = timezone.localdate(now)
    semester = Semester.current_or_next(today)
    middle = semester.starts_on + (semester.ends_on - semester.starts_on) / 2
    if today < middle:
        return None
    courses = (_in(CoachingCourse.objects.filter(
        year=semester.year, term=semester.term,
        status__in=[CourseStatus.APPROVED, CourseStatus.ACTIVE]), "organisation", organisations)
        .exclude(bookings__status__in=USED))
    ids = _ids(courses)
    if not ids:
        return None
    text = ngettext("%(count)d coaching course is unused halfway through the semester",
                    "%(count)d coaching courses are unused halfway through the semester",
                    len(ids)) % {"count": len(ids)}
    return Item("coaching_unused", len(ids), text,
                _changelist("coaching_coachingcourse", id__in=ids))


def reports_failed(organisations: Organisations, now: dt.datetime) -> Item | None:
    """Report jobs (any generated file) that failed in the last month."""
    count = _in(GeneratedDocument.objects.filter(
        status=DocumentStatus.FAILED,
        created_at__gte=now - dt.timedelta(days=RECENT_FAILURES_DAYS)),
        "organisation", organisations).count()
    if not count:
        return None
    text = ngettext("%(count)d report job failed", "%(count)d report jobs failed",
                    count) % {"count": count}
    return Item("reports_failed", count, text,
                _changelist("reports_reportjob", status__exact=DocumentStatus.FAILED))


def reminders_undelivered(organisations: Organisations, now: dt.datetime) -> Item | None:
    """Reminders that could not be delivered (the mail server gave up, or no address)."""
    count = _in(SentReminder.objects.filter(
        status__in=[ReminderStatus.FAILED, ReminderStatus.SKIPPED],
        created_at__gte=now - dt.timedelta(days=RECENT_FAILURES_DAYS)),
        "organisation", organisations).count()
    if not count:
        return None
    text = ngettext("%(count)d reminder could not be delivered",
                    "%(count)d reminders could not be delivered", count) % {"count": count}
    return Item("reminders_undelivered", count, text, _changelist(
        "lib_sentreminder", status__in=[ReminderStatus.FAILED, ReminderStatus.SKIPPED]))


def messages_undelivered(organisations: Organisations, now: dt.datetime) -> Item | None:
    """Messages to participants that could not be delivered."""
    count = _in(MessageDelivery.objects.filter(
        status=DeliveryStatus.FAILED,
        message__created_at__gte=now - dt.timedelta(days=RECENT_FAILURES_DAYS)),
        "message__organisation", organisations).count()
    if not count:
        return None
    text = ngettext("%(count)d message to a participant could not be delivered",
                    "%(count)d messages to participants could not be delivered",
                    count) % {"count": count}
    return Item("messages_undelivered", count, text,
                _changelist("cockpit_messagedelivery", status__exact=DeliveryStatus.FAILED))


RULES: tuple[Callable[[Organisations, dt.datetime], Item | None], ...] = (
    requests_waiting, coaching_applications_waiting, modules_underfilled,
    modules_waiting_while_seats_free, talent_seats_releasing, surveys_low_response,
    meetings_unconfirmed, coaching_unused, reports_failed, reminders_undelivered,
    messages_undelivered,
)


def needs_action(organisations: Organisations, now: dt.datetime | None = None) -> list[Item]:
    """Every rule that fires now, in the order above (one query per rule)."""
    now = now or timezone.now()
    return [item for rule in RULES if (item := rule(organisations, now)) is not None]
