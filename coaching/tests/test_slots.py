"""The slot arithmetic and semesters, without the database."""

from __future__ import annotations

import datetime as dt

from coaching.semesters import Semester, Term
from coaching.slots import CoachTime, Problem, free_slots, slot_problem, working_slots

from .factories import at

MONDAY = dt.date(2030, 9, 2)
WEEKLY = [(0, dt.time(9), dt.time(12))]  # Mondays 09–12


def test_semesters_start_in_january_and_august():
    assert Semester(2027, Term.SPRING).starts_on == dt.date(2027, 1, 1)
    assert Semester(2026, Term.AUTUMN).starts_on == dt.date(2026, 8, 1)
    assert Semester(2026, Term.AUTUMN).next() == Semester(2027, Term.SPRING)
    assert Semester.current_or_next(dt.date(2026, 7, 10)) == Semester(2026, Term.AUTUMN)
    assert Semester.current_or_next(dt.date(2026, 3, 1)) == Semester(2026, Term.SPRING)
    assert [s.key for s in Semester.open_for_applications(dt.date(2026, 11, 23))] == [
        "host-2026", "var-2027"]
    assert Semester.from_key("host-2026") == Semester(2026, Term.AUTUMN)
    assert Semester.from_key("vinter-2026") is None and Semester.from_key("host-x") is None


def test_working_slots_follow_each_other_from_the_window_start():
    time = CoachTime(weekly=WEEKLY)
    starts = [s.start for s in working_slots(time, MONDAY, 60)]
    assert starts == [at(MONDAY, 9), at(MONDAY, 10), at(MONDAY, 11)]
    assert working_slots(time, MONDAY + dt.timedelta(days=1), 60) == []  # not a working day
    assert [s.start for s in working_slots(time, MONDAY, 90)] == [at(MONDAY, 9),
                                                                  at(MONDAY, 10, 30)]


def test_blocks_bookings_extra_time_and_the_past_shape_the_free_slots():
    time = CoachTime(weekly=WEEKLY,
                     blocked=[(at(MONDAY, 10, 30), at(MONDAY, 11))],
                     extra=[(at(MONDAY + dt.timedelta(days=1), 13),
                             at(MONDAY + dt.timedelta(days=1), 15))],
                     busy=[(at(MONDAY, 9), at(MONDAY, 10))])
    result = free_slots(time, first_day=MONDAY, last_day=MONDAY + dt.timedelta(days=1),
                        minutes=60, not_before=at(MONDAY, 8))
    assert [s.start for s in result[MONDAY]] == [at(MONDAY, 11)]
    tuesday = MONDAY + dt.timedelta(days=1)
    assert [s.start for s in result[tuesday]] == [at(tuesday, 13), at(tuesday, 14)]
    later = free_slots(time, first_day=MONDAY, last_day=MONDAY, minutes=60,
                       not_before=at(MONDAY, 11, 30))
    assert later[MONDAY] == []


def test_a_full_day_offers_nothing():
    time = CoachTime(weekly=WEEKLY, busy=[(at(MONDAY, 9), at(MONDAY, 10))], daily_capacity=1)
    assert free_slots(time, first_day=MONDAY, last_day=MONDAY, minutes=60,
                      not_before=at(MONDAY, 0))[MONDAY] == []


def test_slot_problem_names_the_reason():
    time = CoachTime(weekly=WEEKLY, busy=[(at(MONDAY, 9), at(MONDAY, 10))],
                     blocked=[(at(MONDAY, 11), at(MONDAY, 12))], daily_capacity=2)
    now = at(MONDAY, 8)
    assert slot_problem(time, start=at(MONDAY, 7), minutes=60, now=now) == Problem.PAST
    assert slot_problem(time, start=at(MONDAY, 13), minutes=60, now=now) == Problem.HOURS
    assert slot_problem(time, start=at(MONDAY, 9, 30), minutes=60, now=now) == Problem.HOURS
    assert slot_problem(time, start=at(MONDAY, 11), minutes=60, now=now) == Problem.HOURS
    assert slot_problem(time, start=at(MONDAY, 9), minutes=60, now=now) == Problem.TAKEN
    assert slot_problem(time, start=at(MONDAY, 10), minutes=60, now=now) is None
    full = CoachTime(weekly=WEEKLY, busy=[(at(MONDAY, 9), at(MONDAY, 10))], daily_capacity=1)
    assert slot_problem(full, start=at(MONDAY, 10), minutes=60, now=now) == Problem.FULL
