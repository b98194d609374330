"""What needs O&F's action now: one selector per rule, each one query.

Every rule takes the municipalities it looks at (``None``: all, for a system
administrator) and the moment, and answers an :class:`Item` — how many rows
fire and the admin list where O&F acts on them — or ``None`` when nothing
fires. The admin's start page shows the items that fire; the number of
queries is one for the thresholds plus the number of rules, whatever the
amount of data.

The thresholds (N days, the shares, "two weeks ahead") are each municipality's
own ``CockpitSettings`` (defaults: the values the rules had before they could be
set), read through :class:`cockpit.thresholds.Limits`. A rule names the
thresholds it reads (``@uses``) and takes them as ``limits``; :func:`needs_action`
runs it once per group of municipalities that share them — once, unless a system
administrator looks at all municipalities and they set that rule differently,
then one item per group.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Count, F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from accounts.models import ApprovalEscalation
from coaching.models import USED, CoachingCourse
from coaching.models.courses import CourseStatus
from coaching.semesters import Semester
from lib.models import DocumentStatus, GeneratedDocument, ReminderStatus, SentReminder
from lib.rooms import room_clashes
from networks.models import MeetingStatus, NetworkMeeting
from programs.models import Enrollment, EnrollmentStatus, Module, ModuleStatus
from surveys.models import Round

from .models import DeliveryStatus, MessageDelivery
from .thresholds import LimitBook, Limits, Organisations

# Room clashes are looked for this far ahead (network meetings are planned a term ahead).
ROOM_CLASH_LOOKAHEAD_DAYS = 120

Rule = Callable[..., "Item | None"]


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


def uses(*names: str) -> Callable[[Rule], Rule]:
    """Name the thresholds a rule reads (:func:`needs_action` groups municipalities by them)."""
    def mark(rule: Rule) -> Rule:
        rule.thresholds = names  # type: ignore[attr-defined]
        return rule
    return mark


def _limits(names: tuple[str, ...], organisations: Organisations,
            limits: Limits | None) -> Limits:
    """The limits given, else those the municipalities share (one query: a rule run alone)."""
    if limits is not None:
        return limits
    return LimitBook(organisations).single(names)


def _waited_since(now: dt.datetime, days: int) -> dt.datetime:
    """Asked before the start of the day N days ago: the same cut-off (and link) all day."""
    day = timezone.localdate(now) - dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@uses("request_wait_days")
def requests_waiting(organisations: Organisations, now: dt.datetime,
                     limits: Limits | None = None) -> Item | None:
    """Module requests the leader above has left undecided for more than N days."""
    limits = _limits(("request_wait_days",), organisations, limits)
    before = _waited_since(now, limits.request_wait_days)
    count = _in(Enrollment.objects.filter(status=EnrollmentStatus.REQUESTED,
                                          requested_at__lt=before),
                "module__programme__organisation", organisations).count()
    if not count:
        return None
    text = ngettext(
        "%(count)d request waits for the leader above (more than %(days)d days)",
        "%(count)d requests wait for the leader above (more than %(days)d days)",
        count) % {"count": count, "days": limits.request_wait_days}
    return Item("requests_waiting", count, text, _changelist(
        "programs_enrollment", status__exact=EnrollmentStatus.REQUESTED,
        requested_at__lt=before.isoformat()))


@uses("request_wait_days")
def coaching_applications_waiting(organisations: Organisations, now: dt.datetime,
                                  limits: Limits | None = None) -> Item | None:
    """Coaching applications the leader above has left undecided for more than N days."""
    limits = _limits(("request_wait_days",), organisations, limits)
    before = _waited_since(now, limits.request_wait_days)
    count = _in(CoachingCourse.objects.filter(status=CourseStatus.SUBMITTED,
                                              applied_at__lt=before),
                "organisation", organisations).count()
    if not count:
        return None
    text = ngettext(
        "%(count)d coaching application waits for the leader above (more than %(days)d days)",
        "%(count)d coaching applications wait for the leader above (more than %(days)d days)",
        count) % {"count": count, "days": limits.request_wait_days}
    return Item("coaching_waiting", count, text, _changelist(
        "coaching_coachingcourse", status__exact=CourseStatus.SUBMITTED,
        applied_at__lt=before.isoformat()))


@uses("underfilled_percent", "underfilled_lookahead_days")
def modules_underfilled(organisations: Organisations, now: dt.datetime,
                        limits: Limits | None = None) -> Item | None:
    """Modules that have not begun, enrolment closing soon or closed, under P % (half) full.

    Seats taken and requests still waiting both count: a request is a seat on its way.
    """
    limits = _limits(("underfilled_percent", "underfilled_lookahead_days"), organisations,
                     limits)
    today = timezone.localdate(now)
    modules = (_in(Module.objects.filter(status=ModuleStatus.PUBLISHED),
                   "programme__organisation", organisations)
               .filter(enrolment_closes_on__lte=today + dt.timedelta(
                   days=limits.underfilled_lookahead_days))
               .exclude(sessions__date__lt=today)
               .filter(sessions__isnull=False)
               .annotate(taken_percent=100 * Count("enrollments", distinct=True, filter=Q(
                   enrollments__status__in=[EnrollmentStatus.SEATED,
                                            EnrollmentStatus.REQUESTED])))
               # In whole numbers: taken / capacity < P / 100.
               .filter(taken_percent__lt=F("capacity") * limits.underfilled_percent))
    ids = _ids(modules.distinct())
    if not ids:
        return None
    text = ngettext("%(count)d module has filled less than %(percent)d%% of its seats",
                    "%(count)d modules have filled less than %(percent)d%% of their seats",
                    len(ids)) % {"count": len(ids), "percent": limits.underfilled_percent}
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


@uses("talent_release_lookahead_days")
def talent_seats_releasing(organisations: Organisations, now: dt.datetime,
                           limits: Limits | None = None) -> Item | None:
    """Talent seats still empty that are released to everyone within N days (a week)."""
    days = _limits(("talent_release_lookahead_days",), organisations,
                   limits).talent_release_lookahead_days
    today = timezone.localdate(now)
    modules = (_in(Module.objects.filter(
        status=ModuleStatus.PUBLISHED, talent_seats__gt=0,
        talent_seats_release_on__gte=today,
        talent_seats_release_on__lte=today + dt.timedelta(days=days)),
        "programme__organisation", organisations)
        .with_seat_counts()  # type: ignore[attr-defined]
        .filter(talent_seated_count__lt=F("talent_seats")))
    ids = _ids(modules)
    if not ids:
        return None
    text = ngettext("%(count)d module releases empty talent seats within %(days)d days",
                    "%(count)d modules release empty talent seats within %(days)d days",
                    len(ids)) % {"count": len(ids), "days": days}
    return Item("talent_release", len(ids), text, _changelist("programs_module", id__in=ids))


@uses("survey_closing_days", "low_response_percent")
def surveys_low_response(organisations: Organisations, now: dt.datetime,
                         limits: Limits | None = None) -> Item | None:
    """Open survey rounds closing within N days (a week) that fewer than P % have answered."""
    limits = _limits(("survey_closing_days", "low_response_percent"), organisations, limits)
    days = limits.survey_closing_days
    today = timezone.localdate(now)
    rounds = (_in(Round.objects.filter(opened_at__isnull=False, completed=False,
                                       closes_on__gte=today,
                                       closes_on__lte=today + dt.timedelta(
                                           days=days)),
                  "organisation", organisations)
              .annotate(invited=Count("invitations"),
                        answered_percent=100 * Count("invitations",
                                                     filter=Q(invitations__submitted=True)))
              .filter(invited__gt=0,
                      answered_percent__lt=F("invited") * limits.low_response_percent))
    ids = [str(pk) for pk in _ids(rounds)]
    if not ids:
        return None
    text = ngettext("%(count)d survey closes within %(days)d days with less than "
                    "%(percent)d%% answered",
                    "%(count)d surveys close within %(days)d days with less than "
                    "%(percent)d%% answered", len(ids)) % {
        "count": len(ids), "days": days, "percent": limits.low_response_percent}
    return Item("surveys_low", len(ids), text, _changelist("surveys_round", id__in=ids))


@uses("meeting_confirm_days")
def meetings_unconfirmed(organisations: Organisations, now: dt.datetime,
                         limits: Limits | None = None) -> Item | None:
    """Network meetings still only proposed with N days (two weeks) or less to go."""
    days = _limits(("meeting_confirm_days",), organisations, limits).meeting_confirm_days
    today = timezone.localdate(now)
    last = today + dt.timedelta(days=days)
    count = _in(NetworkMeeting.objects.filter(status=MeetingStatus.PROPOSED, date__gte=today,
                                              date__lte=last),
                "group__plan__programme__organisation", organisations).count()
    if not count:
        return None
    text = ngettext("%(count)d network meeting in the next %(days)d days is not confirmed",
                    "%(count)d network meetings in the next %(days)d days are not confirmed",
                    count) % {"count": count, "days": days}
    return Item("meetings_unconfirmed", count, text, _changelist(
        "networks_networkmeeting", status__exact=MeetingStatus.PROPOSED,
        date__gte=today.isoformat(), date__lte=last.isoformat()))


@uses("coaching_unused_percent")
def coaching_unused(organisations: Organisations, now: dt.datetime,
                    limits: Limits | None = None) -> Item | None:
    """Coaching courses of this semester with no session booked, past P % (the middle) of it."""
    percent = _limits(("coaching_unused_percent",), organisations,
                      limits).coaching_unused_percent
    today = timezone.localdate(now)
    semester = Semester.current_or_next(today)
    middle = semester.starts_on + (semester.ends_on - semester.starts_on) * percent / 100
    if today < middle:
        return None
    courses = (_in(CoachingCourse.objects.filter(
        year=semester.year, term=semester.term,
        status__in=[CourseStatus.APPROVED, CourseStatus.ACTIVE]), "organisation", organisations)
        .exclude(bookings__status__in=USED))
    ids = _ids(courses)
    if not ids:
        return None
    text = ngettext("%(count)d coaching course is unused %(percent)d%% into the semester",
                    "%(count)d coaching courses are unused %(percent)d%% into the semester",
                    len(ids)) % {"count": len(ids), "percent": percent}
    return Item("coaching_unused", len(ids), text,
                _changelist("coaching_coachingcourse", id__in=ids))


@uses("failures_days")
def reports_failed(organisations: Organisations, now: dt.datetime,
                   limits: Limits | None = None) -> Item | None:
    """Report jobs (any generated file) that failed in the last month."""
    count = _in(GeneratedDocument.objects.filter(
        status=DocumentStatus.FAILED,
        created_at__gte=now - dt.timedelta(days=_limits(
            ("failures_days",), organisations, limits).failures_days)),
        "organisation", organisations).count()
    if not count:
        return None
    text = ngettext("%(count)d report job failed", "%(count)d report jobs failed",
                    count) % {"count": count}
    return Item("reports_failed", count, text,
                _changelist("reports_reportjob", status__exact=DocumentStatus.FAILED))


@uses("failures_days")
def reminders_undelivered(organisations: Organisations, now: dt.datetime,
                          limits: Limits | None = None) -> Item | None:
    """Reminders that could not be delivered (the mail server gave up, or no address)."""
    count = _in(SentReminder.objects.filter(
        status__in=[ReminderStatus.FAILED, ReminderStatus.SKIPPED],
        created_at__gte=now - dt.timedelta(days=_limits(
            ("failures_days",), organisations, limits).failures_days)),
        "organisation", organisations).count()
    if not count:
        return None
    text = ngettext("%(count)d reminder could not be delivered",
                    "%(count)d reminders could not be delivered", count) % {"count": count}
    return Item("reminders_undelivered", count, text, _changelist(
        "lib_sentreminder", status__in=[ReminderStatus.FAILED, ReminderStatus.SKIPPED]))


@uses("failures_days")
def messages_undelivered(organisations: Organisations, now: dt.datetime,
                         limits: Limits | None = None) -> Item | None:
    """Messages to participants that could not be delivered."""
    count = _in(MessageDelivery.objects.filter(
        status=DeliveryStatus.FAILED,
        message__created_at__gte=now - dt.timedelta(days=_limits(
            ("failures_days",), organisations, limits).failures_days)),
        "message__organisation", organisations).count()
    if not count:
        return None
    text = ngettext("%(count)d message to a participant could not be delivered",
                    "%(count)d messages to participants could not be delivered",
                    count) % {"count": count}
    return Item("messages_undelivered", count, text,
                _changelist("cockpit_messagedelivery", status__exact=DeliveryStatus.FAILED))


def rooms_double_booked(organisations: Organisations, now: dt.datetime) -> Item | None:
    """Events to come held in a room that another event uses at the same time (module
    sessions, gatherings, leader-group sessions, network meetings, on-site coaching).

    One query per room source (``lib.rooms``), not one: the events live in five tables."""
    found = room_clashes(organisations, now,
                         now + dt.timedelta(days=ROOM_CLASH_LOOKAHEAD_DAYS))
    if not found:
        return None
    count = len(found)
    text = ngettext("%(count)d event is in a room that is booked for another at the same time",
                    "%(count)d events are in a room that is booked for another at the same time",
                    count) % {"count": count}
    return Item("rooms_double_booked", count, text, reverse("admin:cockpit_room_clashes"))


def approvals_escalated(organisations: Organisations, now: dt.datetime) -> Item | None:
    """Seat requests and coaching applications offered higher up after waiting too many
    working days, or near their deadline (``accounts.tasks.approvals_escalate``), still
    undecided."""
    count = _in(ApprovalEscalation.objects.filter(resolved_at__isnull=True),
                "organisation", organisations).count()
    if not count:
        return None
    text = ngettext("%(count)d request waited too long and is offered higher up",
                    "%(count)d requests waited too long and are offered higher up",
                    count) % {"count": count}
    return Item("approvals_escalated", count, text,
                _changelist("accounts_approvalescalation", resolved_at__isempty=1))


RULES: tuple[Rule, ...] = (
    requests_waiting, coaching_applications_waiting, approvals_escalated, modules_underfilled,
    modules_waiting_while_seats_free, talent_seats_releasing, surveys_low_response,
    meetings_unconfirmed, rooms_double_booked, coaching_unused, reports_failed,
    reminders_undelivered, messages_undelivered,
)


def needs_action(organisations: Organisations, now: dt.datetime | None = None) -> list[Item]:
    """Every rule that fires now, in the order above.

    One query for the municipalities' thresholds, then one per rule — per group of
    municipalities that set the rule's thresholds differently (``@uses``); a rule
    without thresholds runs once.
    """
    now = now or timezone.now()
    book = LimitBook(organisations)
    items = []
    for rule in RULES:
        names = getattr(rule, "thresholds", None)
        if names is None:
            runs: list = [rule(organisations, now)]
        else:
            runs = [rule(group, now, limits) for group, limits in book.groups(names)]
        items += [item for item in runs if item is not None]
    return items
