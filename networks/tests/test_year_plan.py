"""A whole year's plan for six groups, as a municipality makes it (issue 17).

Shaped like the seed table "Datoer nettverk": six groups, four rounds, FL/EL
slots, one date without a slot (time to be agreed), two rounds not yet set,
the first two rounds already held (entered afterwards as history), the third
confirmed, the fourth proposed. Dates sit around today so "past" and
"future" keep their meaning whenever the test runs. Names are invented.

With two advisers the plan keeps every rule. With one adviser the same plan
breaks exactly the rules it must: one meeting per adviser and slot, two a day.
Entered by hand and by import, the refusals are the same, with the same codes.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format

from tests.factories import LeaderFactory, UnitFactory

from ..imports import read_plan
from ..models import MeetingStatus, NetworkMeeting, Slot
from ..services import MeetingInput, meeting_record
from ..services.imports import meetings_import
from .factories import (
    FacilitatorFactory,
    GatheringFactory,
    MembershipFactory,
    NetworkGroupFactory,
    NetworkPlanFactory,
    ParticipantFactory,
    ProgrammeFactory,
    weekday_after,
)

pytestmark = pytest.mark.django_db

GROUPS = ["Ledergruppa sør", "Einingsleiarane", "Fjellrevane", "Måkeskrik", "Godt og grønt",
          "Kvitveis"]
FL, EL, NONE = Slot.MORNING, Slot.AFTERNOON, ""


def _days() -> dict[str, dt.date]:
    today = timezone.localdate()
    a = weekday_after(today, -140)
    b = weekday_after(a, 3)
    c = weekday_after(today, -100)
    d = weekday_after(c, 3)
    f = weekday_after(today, 30)
    g = weekday_after(today, 60)
    h = weekday_after(g, 4)
    return {"a": a, "b": b, "c": c, "d": d, "f": f, "g": g, "h": h}


# (round, group index, day key or None, slot, adviser "X"/"Y" or None, state)
HELD, CONF, PROP, NOTSET = (MeetingStatus.HELD, MeetingStatus.CONFIRMED,
                            MeetingStatus.PROPOSED, MeetingStatus.NOT_PROPOSED)
PLAN = [
    (1, 0, "b", FL, "X", HELD), (1, 1, "b", EL, "Y", HELD), (1, 2, "a", EL, "X", HELD),
    (1, 3, "a", EL, "Y", HELD), (1, 4, "a", FL, "X", HELD), (1, 5, "b", EL, "X", HELD),
    (2, 0, "c", FL, "X", HELD), (2, 1, "d", FL, "Y", HELD), (2, 2, "d", NONE, "X", HELD),
    (2, 3, "d", EL, "Y", HELD), (2, 4, "c", EL, "X", HELD), (2, 5, "c", EL, "Y", HELD),
    (3, 0, None, NONE, None, NOTSET), (3, 1, "f", FL, "Y", CONF), (3, 2, "f", FL, "X", CONF),
    (3, 3, "f", EL, "Y", CONF), (3, 4, "f", EL, "X", CONF), (3, 5, None, NONE, None, NOTSET),
    (4, 0, "g", EL, "X", PROP), (4, 1, "h", FL, "Y", PROP), (4, 2, "g", FL, "X", PROP),
    (4, 3, "g", FL, "Y", PROP), (4, 4, "h", FL, "X", PROP), (4, 5, "h", EL, "Y", PROP),
]
# With one adviser, in the order above: (round, group index) → the rule broken.
ONE_ADVISER_CLASHES = {
    (1, 3): "facilitator_slot_taken",  # a EL already taken by Fjellrevane
    (1, 5): "facilitator_slot_taken",  # b EL already taken by Einingsleiarane
    (2, 3): "facilitator_day_full",    # d: a morning and a meeting at a time to be agreed
    (2, 5): "facilitator_slot_taken",  # c EL already taken by Godt og grønt
    (3, 2): "facilitator_slot_taken",
    (3, 4): "facilitator_slot_taken",
    (4, 3): "facilitator_slot_taken",
    (4, 4): "facilitator_slot_taken",
}


@pytest.fixture
def year(personas):
    org = personas.org_a
    today = timezone.localdate()
    programme = ProgrammeFactory(organisation=org, name="Askviklederen 2026–27",
                                 slug="askviklederen-aar", starts_on=today - dt.timedelta(days=200),
                                 ends_on=today + dt.timedelta(days=200))
    # A gathering on none of the plan's days (those are refused for every group).
    GatheringFactory(programme=programme, theme="Felles plattform",
                     date=weekday_after(today, -180))
    plan = NetworkPlanFactory(programme=programme, default_place="Kommunestyresalen")
    x = FacilitatorFactory(organisation=org, full_name="Xenia Rådgiver",
                           email="xenia@askvik.example")
    y = FacilitatorFactory(organisation=org, full_name="Yngve Lederutvikler",
                           email="yngve@askvik.example")
    area = UnitFactory(organisation=org, name="Oppvekst og kultur", kind="tjenesteomrade")
    groups = []
    for position, name in enumerate(GROUPS):
        group = NetworkGroupFactory(plan=plan, name=name, position=position)
        for k in range(5):
            unit = UnitFactory(organisation=org, name=f"Avdeling {position}-{k}", parent=area)
            leader = LeaderFactory(organisation=org, unit=unit,
                                   user__full_name=f"Leiar {name.split()[0]} {k}")
            ParticipantFactory(programme=programme, leader=leader)
            MembershipFactory(group=group, leader=leader)
        groups.append(group)
    return plan, groups, {"X": x, "Y": y}


def _input(row, days, advisers, *, one_adviser: bool) -> MeetingInput:
    _round, _g, day, slot, adviser, state = row
    who = advisers["X"] if (adviser and one_adviser) else advisers.get(adviser or "")
    return MeetingInput(status=state, date=days[day] if day else None, slot=slot,
                        facilitator=who, place="Kommunestyresalen")


def _enter_by_hand(plan, groups, advisers, *, one_adviser: bool) -> dict:
    days, refused = _days(), {}
    for row in PLAN:
        number, index = row[0], row[1]
        try:
            meeting_record(group=groups[index], actor=None, number=number,
                           data=_input(row, days, advisers, one_adviser=one_adviser))
        except Exception as exc:  # noqa: BLE001 — collected and compared below
            refused[(number, index)] = exc
    return refused


def test_two_advisers_by_hand_hold_the_whole_year(year, english,
                                                  django_capture_on_commit_callbacks):
    plan, groups, advisers = year
    with django_capture_on_commit_callbacks(execute=True):
        refused = _enter_by_hand(plan, groups, advisers, one_adviser=False)
    assert refused == {}
    meetings = NetworkMeeting.objects.filter(group__plan=plan)
    counts = {s: meetings.filter(status=s).count() for s in MeetingStatus.values}
    assert counts == {NOTSET: 2, PROP: 6, CONF: 4, HELD: 12, MeetingStatus.CANCELLED: 0}
    assert all(m.hand_made for m in meetings)
    unslotted = meetings.get(group=groups[2], number=2)
    assert (unslotted.slot, unslotted.starts_at, unslotted.ends_at) == ("", None, None)
    morning = meetings.get(group=groups[1], number=3)
    assert (morning.starts_at, morning.ends_at) == (dt.time(9, 0), dt.time(11, 30))
    not_set = meetings.get(group=groups[0], number=3)
    assert not_set.date is None and not_set.is_not_proposed
    # Every proposed meeting's date is its poll's one option.
    for m in meetings.filter(status=PROP):
        assert [(o.date, o.slot) for o in m.options.all()] == [(m.date, m.slot)]


def test_one_adviser_by_hand_gives_exactly_the_clashes_of_the_rules(year, english):
    plan, groups, advisers = year
    refused = _enter_by_hand(plan, groups, advisers, one_adviser=True)
    assert set(refused) == set(ONE_ADVISER_CLASHES)
    for key, code in ONE_ADVISER_CLASHES.items():
        assert [e.code for e in refused[key].error_list] == [code], key
    # Each refusal carries exactly the rule's own message, naming the adviser and the day.
    days = _days()
    expected = {}
    for number, index, day, *_rest in PLAN:
        if (number, index) not in ONE_ADVISER_CLASHES:
            continue
        when = date_format(days[day], "SHORT_DATE_FORMAT")
        expected[(number, index)] = [
            f"Xenia Rådgiver already leads a network meeting in this slot on {when}."
            if ONE_ADVISER_CLASHES[(number, index)] == "facilitator_slot_taken" else
            f"Xenia Rådgiver already leads 2 network meetings on {when}; the most is 2 a day."]
    assert {key: exc.messages for key, exc in refused.items()} == expected
    # Nothing of the refused rows was stored; everything else was.
    assert NetworkMeeting.objects.filter(group__plan=plan).count() == len(PLAN) - 8


def _csv(advisers, *, one_adviser: bool, encoding: str = "cp1252") -> bytes:
    """The plan as Excel saves "CSV (semikolondelt)": Windows-1252, semicolons, dd.mm.yy."""
    days = _days()
    words = {HELD: "holdt", CONF: "bekreftet", PROP: "foreslått", NOTSET: "ikke satt"}
    lines = ["Gruppe;Runde;Dato;Tid;Rådgiver;Status"]
    for number, index, day, slot, adviser, state in PLAN:
        who = advisers["X" if one_adviser else adviser].email.upper() if adviser else ""
        date = f"{days[day]:%d.%m.%y}." if day else "?"
        lines.append(f"{GROUPS[index]};{number};{date};{slot};{who};{words[state]}")
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def test_import_preview_lists_every_clash_and_saves_nothing(year):
    plan, groups, advisers = year
    rows = read_plan(_csv(advisers, one_adviser=True))
    assert [r.problems for r in rows] == [[]] * len(PLAN)
    with translation.override("nn"):
        report = meetings_import(plan=plan, rows=rows, actor=None, dry_run=True)
    flagged = {(r.row.number, GROUPS.index(r.row.group)): r.codes for r in report.problems}
    assert flagged == {key: [code] for key, code in ONE_ADVISER_CLASHES.items()}
    # The same messages as by hand, in the reader's language (nynorsk here), naming the
    # adviser and the day; each refused row carries exactly its one message.
    days = _days()
    with translation.override("nn"):
        expected = {
            (number, index): (
                f"Xenia Rådgiver leier alt eit nettverksmøte i dette tidsrommet "
                f"{date_format(days[day], 'SHORT_DATE_FORMAT')}."
                if ONE_ADVISER_CLASHES[(number, index)] == "facilitator_slot_taken" else
                f"Xenia Rådgiver leier alt 2 nettverksmøte "
                f"{date_format(days[day], 'SHORT_DATE_FORMAT')}; det meste er 2 om dagen.")
            for number, index, day, *_rest in PLAN if (number, index) in ONE_ADVISER_CLASHES}
    assert {(r.row.number, GROUPS.index(r.row.group)): r.problems
            for r in report.problems} == {k: [v] for k, v in expected.items()}
    assert not report.saved
    assert NetworkMeeting.objects.filter(group__plan=plan).count() == 0
    # A real import of a plan with clashes saves nothing either.
    report = meetings_import(plan=plan, rows=rows, actor=None, dry_run=False)
    assert not report.saved and NetworkMeeting.objects.filter(group__plan=plan).count() == 0


def test_import_with_two_advisers_saves_the_same_year(year, english):
    plan, groups, advisers = year
    data = b"\xef\xbb\xbf" + _csv(advisers, one_adviser=False, encoding="utf-8")  # with BOM
    preview = meetings_import(plan=plan, rows=read_plan(data), actor=None, dry_run=True)
    assert preview.ok and NetworkMeeting.objects.count() == 0
    report = meetings_import(plan=plan, rows=read_plan(data), actor=None, dry_run=False)
    assert report.saved and [r.action for r in report.rows] == ["new"] * len(PLAN)
    meetings = NetworkMeeting.objects.filter(group__plan=plan)
    assert meetings.filter(status=HELD).count() == 12
    assert meetings.filter(status=NOTSET, date__isnull=True).count() == 2
    assert meetings.get(group=groups[2], number=2).slot == ""
    assert meetings.get(group=groups[3], number=1).facilitator == advisers["Y"]
    # Importing the same file again changes the rounds in place: no second copy.
    again = meetings_import(plan=plan, rows=read_plan(data), actor=None, dry_run=False)
    assert again.saved and {r.action for r in again.rows} == {"changed"}
    assert meetings.count() == len(PLAN)


def test_unreadable_rows_are_named_with_their_line(year, english):
    plan, groups, advisers = year
    data = ("Gruppe;Runde;Dato;Tid;Rådgiver;Status\r\n"
            "Fjellrevane;x;31.02.2027;natt;ukjent@askvik.example;kanskje\r\n"
            "Finnes ikke;1;03.11.2027;FL;;\r\n").encode("cp1252")
    rows = read_plan(data)
    report = meetings_import(plan=plan, rows=rows, actor=None, dry_run=True)
    first, second = report.rows
    assert first.row.line == 2 and len(first.problems) == 5
    assert "There is no group «Finnes ikke» in this plan." in second.problems
    assert NetworkMeeting.objects.count() == 0


def test_xlsx_with_real_dates_reads_like_csv(year, english):
    from io import BytesIO

    from openpyxl import Workbook

    plan, groups, advisers = year
    days = _days()
    book = Workbook()
    sheet = book.active
    sheet.append(["Group", "Round", "Date", "Slot", "Adviser", "State"])
    sheet.append(["Kvitveis", 1, dt.datetime.combine(days["b"], dt.time()), "ettermiddag",
                  "Xenia Rådgiver", "held"])
    buffer = BytesIO()
    book.save(buffer)
    rows = read_plan(buffer.getvalue())
    assert (rows[0].date, rows[0].slot, rows[0].state) == (days["b"], EL, HELD)
    report = meetings_import(plan=plan, rows=rows, actor=None, dry_run=False)
    assert report.saved
    assert NetworkMeeting.objects.get(group=groups[5]).facilitator == advisers["X"]
