"""The rules a network meeting's date must keep, checked in memory.

One :class:`PlanningContext` loads, in a fixed number of queries, everything
the rules need for a set of leaders and facilitators over a period: holidays,
the programme's gathering days, each person's other engagements (gatherings of
their programmes, module sessions they hold a seat in or facilitate, other
network meetings) and each facilitator's network meetings. The planner checks
hundreds of candidate dates against it without touching the database; the
manual services load a small one for a single meeting, under row locks, and
check the same rules. The database constraints on
:class:`~networks.models.NetworkMeeting` are the last line.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import User
from programs.models import Enrollment, EnrollmentStatus, Gathering, ModuleSession
from programs.models import ProgrammeParticipant as Participant

from .models import (
    ACTIVE_MEETING,
    MAX_MEETING_MINUTES,
    MIN_MEETING_MINUTES,
    NOON,
    NetworkHoliday,
    NetworkMeeting,
    NetworkMembership,
    NetworkPlan,
    Slot,
)


@dataclass(frozen=True)
class Candidate:
    """A date, slot and time for one group's meeting, to be checked."""

    group_id: int
    member_ids: tuple[int, ...]  # leader ids
    date: dt.date
    slot: str  # "" is "time to be agreed": the day's rules apply, no time can clash
    starts_at: dt.time | None
    ends_at: dt.time | None
    facilitator_id: int | None = None
    meeting_id: int | None = None  # the meeting being moved, ignored as a clash


def slot_key(slot: str, meeting_id: int | None) -> str:
    """A facilitator's day is counted by slot; a meeting without a slot still takes one of
    the day's meetings, under a key of its own."""
    return slot or f"?{meeting_id}"


@dataclass(frozen=True)
class Busy:
    starts_at: dt.time | None
    ends_at: dt.time | None
    what: str
    meeting_id: int | None = None


def _minutes(start: dt.time, end: dt.time) -> int:
    return (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)


def _day(value: dt.date) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


class PlanningContext:
    def __init__(self, plan: NetworkPlan, first: dt.date, last: dt.date) -> None:
        self.plan = plan
        self.programme = plan.programme
        self.first = first
        self.last = last
        self.holidays: dict[dt.date, str] = {}
        self.gathering_days: set[dt.date] = set()
        self.busy: dict[int, dict[dt.date, list[Busy]]] = defaultdict(lambda: defaultdict(list))
        self.facilitator_busy: dict[int, dict[dt.date, list[Busy]]] = defaultdict(
            lambda: defaultdict(list))
        # (facilitator, date) → {slot: meeting id} of active network meetings.
        self.facilitator_slots: dict[tuple[int, dt.date], dict[str, int | None]] = defaultdict(
            dict)
        self.names: dict[int, str] = {}

    # -- loading --------------------------------------------------------------------------
    @classmethod
    def load(cls, *, plan: NetworkPlan, leader_ids: Iterable[int],
             facilitator_ids: Iterable[int], first: dt.date, last: dt.date) -> PlanningContext:
        """Everything the rules need between ``first`` and ``last`` (ten queries at most)."""
        ctx = cls(plan, first, last)
        leader_ids = sorted(set(leader_ids))
        facilitator_ids = sorted({f for f in facilitator_ids if f})
        ctx._load_calendar()
        ctx._load_leaders(leader_ids)
        ctx._load_facilitators(facilitator_ids)
        return ctx

    def _load_calendar(self) -> None:
        holidays = (NetworkHoliday.objects
                    .filter(organisation_id=self.programme.organisation_id,
                            starts_on__lte=self.last, ends_on__gte=self.first)
                    .values_list("name", "starts_on", "ends_on"))
        for name, starts_on, ends_on in holidays:
            day = max(starts_on, self.first)
            while day <= min(ends_on, self.last):
                self.holidays.setdefault(day, name)
                day += dt.timedelta(days=1)
        self.gathering_days = set(Gathering.objects.filter(programme_id=self.programme.pk)
                                  .values_list("date", flat=True))

    def _load_leaders(self, leader_ids: list[int]) -> None:
        if not leader_ids:
            return
        in_range = Q(date__gte=self.first, date__lte=self.last)
        programmes: dict[int, list[int]] = defaultdict(list)
        for leader_id, programme_id in (Participant.objects.filter(leader_id__in=leader_ids)
                                        .values_list("leader_id", "programme_id")):
            programmes[programme_id].append(leader_id)
        for row in (Gathering.objects.filter(in_range, programme_id__in=list(programmes))
                    .values("programme_id", "date", "starts_at", "ends_at", "theme")):
            busy = Busy(row["starts_at"], row["ends_at"],
                        _("the gathering «%(theme)s»") % {"theme": row["theme"]})
            for leader_id in programmes[row["programme_id"]]:
                self.busy[leader_id][row["date"]].append(busy)
        modules: dict[int, list[int]] = defaultdict(list)
        for leader_id, module_id in (Enrollment.objects
                                     .filter(leader_id__in=leader_ids,
                                             status=EnrollmentStatus.SEATED)
                                     .values_list("leader_id", "module_id")):
            modules[module_id].append(leader_id)
        for row in (ModuleSession.objects.filter(in_range, module_id__in=list(modules))
                    .values("module_id", "date", "starts_at", "ends_at", "module__topic")):
            busy = Busy(row["starts_at"], row["ends_at"],
                        _("a session of «%(topic)s»") % {"topic": row["module__topic"]})
            for leader_id in modules[row["module_id"]]:
                self.busy[leader_id][row["date"]].append(busy)
        groups: dict[int, list[int]] = defaultdict(list)
        for leader_id, group_id in (NetworkMembership.objects.filter(leader_id__in=leader_ids)
                                    .values_list("leader_id", "group_id")):
            groups[group_id].append(leader_id)
        for row in (NetworkMeeting.objects.filter(ACTIVE_MEETING, in_range,
                                                  group_id__in=list(groups))
                    .values("pk", "group_id", "date", "starts_at", "ends_at", "group__name")):
            for leader_id in groups[row["group_id"]]:
                self.busy[leader_id][row["date"]].append(self._meeting_busy(row))

    def _meeting_busy(self, row: dict) -> Busy:
        return Busy(row["starts_at"], row["ends_at"],
                    _("a meeting of the network group «%(group)s»") % {"group": row["group__name"]},
                    row["pk"])

    def _load_facilitators(self, facilitator_ids: list[int]) -> None:
        if not facilitator_ids:
            return
        in_range = Q(date__gte=self.first, date__lte=self.last)
        self.names.update(User.objects.filter(pk__in=facilitator_ids)
                          .values_list("pk", "full_name"))
        for row in (NetworkMeeting.objects.filter(ACTIVE_MEETING, in_range,
                                                  facilitator_id__in=facilitator_ids)
                    .values("pk", "group_id", "date", "slot", "starts_at", "ends_at",
                            "facilitator_id", "group__name")):
            self.facilitator_slots[(row["facilitator_id"], row["date"])][
                slot_key(row["slot"], row["pk"])] = row["pk"]
            self.facilitator_busy[row["facilitator_id"]][row["date"]].append(
                self._meeting_busy(row))
        for row in (Gathering.objects.filter(in_range, advisers__in=facilitator_ids)
                    .values("advisers", "date", "starts_at", "ends_at", "theme")):
            self.facilitator_busy[row["advisers"]][row["date"]].append(Busy(
                row["starts_at"], row["ends_at"],
                _("the gathering «%(theme)s»") % {"theme": row["theme"]}))
        for row in (ModuleSession.objects.filter(in_range, facilitators__in=facilitator_ids)
                    .values("facilitators", "date", "starts_at", "ends_at", "module__topic")):
            self.facilitator_busy[row["facilitators"]][row["date"]].append(Busy(
                row["starts_at"], row["ends_at"],
                _("a session of «%(topic)s»") % {"topic": row["module__topic"]}))

    # -- checking -------------------------------------------------------------------------
    def calendar_problems(self, day: dt.date) -> list[str]:
        """Rules about the day itself, whoever meets."""
        programme = self.programme
        if not programme.starts_on <= day <= programme.ends_on:
            return [Problem(_("%(date)s is outside the programme period (%(start)s–%(end)s).") % {
                "date": _day(day), "start": _day(programme.starts_on),
                "end": _day(programme.ends_on)}, "outside_period")]
        problems = []
        if day.weekday() >= 5:
            problems.append(Problem(_("%(date)s is a weekend day; network meetings are held "
                                      "on weekdays.") % {"date": _day(day)}, "weekend"))
        if day in self.holidays:
            problems.append(Problem(_("%(date)s is a holiday (%(name)s).") % {
                "date": _day(day), "name": self.holidays[day]}, "holiday"))
        if day in self.gathering_days:
            problems.append(Problem(_("%(date)s is a gathering day of the programme.") % {
                "date": _day(day)}, "gathering_day"))
        return problems

    def problems(self, c: Candidate, *, names: dict[int, str] | None = None) -> list[str]:
        """Every rule the candidate breaks, as messages in the active language.

        ``names`` maps leader ids to names for the double-booking messages.
        """
        problems = self.calendar_problems(c.date)
        if problems and not self.programme.starts_on <= c.date <= self.programme.ends_on:
            return problems
        if c.slot or c.starts_at is not None:
            problems.extend(time_problems(c.slot, c.starts_at, c.ends_at))
        if c.facilitator_id:
            problems.extend(self._facilitator_problems(c))
        for leader_id in c.member_ids:
            clash = self._clash(self.busy[leader_id].get(c.date, ()), c)
            if clash is not None:
                name = (names or {}).get(leader_id, "")
                problems.append(Problem(_("%(name)s is busy at that time: %(what)s.") % {
                    "name": name, "what": clash.what}, "member_busy"))
                break  # one member is enough to say the time does not work
        return problems

    def _facilitator_problems(self, c: Candidate) -> list[str]:
        fid = c.facilitator_id
        assert fid is not None
        name = self.names.get(fid, "")
        taken = {slot: mid for slot, mid in self.facilitator_slots[(fid, c.date)].items()
                 if mid is None or mid != c.meeting_id}
        if c.slot and c.slot in taken:
            return [Problem(
                _("%(name)s already leads a network meeting in this slot on %(date)s.")
                % {"name": name, "date": _day(c.date)}, "facilitator_slot_taken")]
        if len(taken) >= self.plan.facilitator_daily_max:
            return [Problem(
                _("%(name)s already leads %(count)d network meetings on %(date)s; the most "
                  "is %(max)d a day.") % {"name": name, "count": len(taken),
                                          "date": _day(c.date),
                                          "max": self.plan.facilitator_daily_max},
                "facilitator_day_full")]
        clash = self._clash(self.facilitator_busy[fid].get(c.date, ()), c)
        if clash is not None:
            return [Problem(_("%(name)s is busy at that time: %(what)s.")
                            % {"name": name, "what": clash.what}, "facilitator_busy")]
        return []

    @staticmethod
    def _clash(busy: Iterable[Busy], c: Candidate) -> Busy | None:
        if c.starts_at is None or c.ends_at is None:
            return None  # time to be agreed: nothing to clash with yet
        for b in busy:
            if b.meeting_id is not None and b.meeting_id == c.meeting_id:
                continue
            if b.starts_at is None or b.ends_at is None:
                continue
            if c.starts_at < b.ends_at and b.starts_at < c.ends_at:
                return b
        return None

    # -- reserving (the planner) ----------------------------------------------------------
    def reserve(self, c: Candidate, group_name: str) -> None:
        """Count a planned meeting so later candidates see it (ids come after insert)."""
        busy = Busy(c.starts_at, c.ends_at,
                    _("a meeting of the network group «%(group)s»") % {"group": group_name})
        for leader_id in c.member_ids:
            self.busy[leader_id][c.date].append(busy)
        if c.facilitator_id:
            self.facilitator_slots[(c.facilitator_id, c.date)][
                slot_key(c.slot, c.meeting_id or -id(c))] = None
            self.facilitator_busy[c.facilitator_id][c.date].append(busy)


    def unreserve(self, c: Candidate) -> None:
        """Take back the latest :meth:`reserve` of ``c`` (a trial of the packing planner)."""
        for leader_id in c.member_ids:
            self.busy[leader_id][c.date].pop()
        if c.facilitator_id:
            self.facilitator_slots[(c.facilitator_id, c.date)].pop(
                slot_key(c.slot, c.meeting_id or -id(c)), None)
            self.facilitator_busy[c.facilitator_id][c.date].pop()


class Problem(str):
    """A broken planning rule: its message (in the active language) with a stable ``code``,
    which the services pass on as the refusal's code."""

    code: str

    def __new__(cls, message: str, code: str) -> Problem:
        problem = super().__new__(cls, message)
        problem.code = code
        return problem


def time_problems(slot: str, starts_at: dt.time | None,
                  ends_at: dt.time | None) -> list[str]:
    """Length 2.5–3 hours, and FL before noon / EL from noon."""
    problems: list[str] = []
    if starts_at is None or ends_at is None:
        return [Problem(_("Give the start and end time, or leave the slot empty when the time "
                          "is to be agreed."), "meeting_length")]
    minutes = _minutes(starts_at, ends_at)
    if not MIN_MEETING_MINUTES <= minutes <= MAX_MEETING_MINUTES:
        problems.append(Problem(_("A network meeting lasts between 2.5 and 3 hours."),
                                "meeting_length"))
    if (slot == Slot.MORNING) != (starts_at < NOON):
        problems.append(Problem(_("A morning meeting (FL) starts before 12:00 and an afternoon "
                                  "meeting (EL) at 12:00 or later."), "slot_time"))
    return problems
