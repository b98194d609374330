"""Copying a module to a semester and a programme to a later year (issue 20).

What is kept (seats, talent seats, texts, audience, facilitators), what is left
(enrolments, attendance, participants), dates moved by whole weeks (weekday and
local time kept across summer time), the preview writes nothing, refusals by
code, another municipality's O&F reaches nothing.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from lib.models import AuditEntry
from lib.testing import assert_refused
from programs.models import (
    Attendance,
    Audience,
    Enrollment,
    EnrollmentStatus,
    Gathering,
    Module,
    ModuleSession,
    ModuleStatus,
    Programme,
    ProgrammeParticipant,
    Term,
)
from programs.services.copying import (
    module_copy,
    module_copy_plan,
    programme_copy,
    programme_copy_plan,
)
from programs.tests.factories import (
    EnrollmentFactory,
    GatheringFactory,
    ModuleFactory,
    ModuleSessionFactory,
    ProgrammeFactory,
)
from tests.factories import LeaderFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 6)
D = dt.date.fromisoformat


def _module(personas, *, term=Term.SPRING, year=2027, dates=("2027-02-09", "2027-03-09",
                                                              "2027-04-06"), programme=None):
    facilitator = UserFactory(organisation=personas.org_a, is_facilitator=True)
    programme = programme or ProgrammeFactory(organisation=personas.org_a)
    module = ModuleFactory(
        programme=programme, topic="Endringsledelse",
        description="Tre samlinger om endring.", term=term, year=year, capacity=18,
        talent_seats=4, talent_seats_release_on=D(dates[0]) - dt.timedelta(days=20),
        waiting_list_limit=6, audience=Audience.UNITS, audience_levels=["avdelingsleder"],
        enrolment_opens_on=D(dates[0]) - dt.timedelta(days=60),
        enrolment_closes_on=D(dates[0]) - dt.timedelta(days=14),
        cancellation_cutoff_on=D(dates[0]) - dt.timedelta(days=7), min_sessions_attended=2)
    module.audience_units.add(UnitFactory(organisation=personas.org_a, name="Oppvekst"))
    for n, day in enumerate(dates):
        session = ModuleSessionFactory(module=module, date=D(day), starts_at=dt.time(9),
                                       ends_at=dt.time(12), theme=f"Samling {n + 1}",
                                       video_url="https://video.example/rom")
        session.facilitators.add(facilitator)
    return module


def _seat_with_attendance(module, leader):
    now = timezone.now()
    enrollment = EnrollmentFactory(module=module, leader=leader,
                                   status=EnrollmentStatus.SEATED, decided_at=now, seated_at=now)
    Attendance.objects.create(session=module.sessions.first(), enrollment=enrollment)
    return enrollment


def test_module_copy_keeps_the_module_and_leaves_the_people(personas):
    module = _module(personas)
    _seat_with_attendance(module, personas.bob_leader)
    copy = module_copy(module=module, term=Term.SPRING, year=2028, actor=personas.alice,
                       today=TODAY)
    assert copy.pk != module.pk and copy.uuid != module.uuid
    assert copy.status == ModuleStatus.DRAFT and (copy.term, copy.year) == ("var", 2028)
    for name in ("topic", "description", "capacity", "talent_seats", "waiting_list_limit",
                 "audience", "audience_levels", "min_sessions_attended", "programme_id"):
        assert getattr(copy, name) == getattr(module, name), name
    assert list(copy.audience_units.all()) == list(module.audience_units.all())
    weeks52 = dt.timedelta(weeks=52)
    assert copy.talent_seats_release_on == module.talent_seats_release_on + weeks52
    assert copy.enrolment_opens_on == module.enrolment_opens_on + weeks52
    assert copy.cancellation_cutoff_on == module.cancellation_cutoff_on + weeks52
    old = list(module.sessions.order_by("date"))
    new = list(copy.sessions.order_by("date"))
    assert [s.date for s in new] == [D("2028-02-08"), D("2028-03-07"), D("2028-04-04")]
    for before, after in zip(old, new, strict=True):
        assert after.date.weekday() == before.date.weekday()
        assert (after.starts_at, after.ends_at, after.theme, after.place, after.video_url) == (
            before.starts_at, before.ends_at, before.theme, before.place, before.video_url)
        assert list(after.facilitators.all()) == list(before.facilitators.all())
    assert not Enrollment.objects.filter(module=copy).exists()
    assert not Attendance.objects.filter(session__module=copy).exists()
    assert Enrollment.objects.filter(module=module).count() == 1  # the original untouched
    entry = AuditEntry.objects.get(action="programs.module.copied")
    assert entry.object_id == str(copy.pk) and entry.data["weeks"] == 52


def test_sessions_keep_weekday_and_local_time_across_summer_time(personas):
    # Autumn 2026: 20 October in summer time (UTC+2), 3 November in winter time (UTC+1).
    module = _module(personas, term=Term.AUTUMN, year=2026, dates=("2026-10-20", "2026-11-03"))
    copy = module_copy(module=module, term=Term.SPRING, year=2027, actor=personas.alice,
                       today=dt.date(2026, 6, 1))
    new = list(copy.sessions.order_by("date"))
    assert [s.date for s in new] == [D("2027-04-20"), D("2027-05-04")]  # 26 weeks, Tuesdays
    assert new[1].date - new[0].date == dt.timedelta(days=14)
    for session in new:
        assert timezone.localtime(session.start).time() == dt.time(9)
        assert session.start.utcoffset() == dt.timedelta(hours=2)
    # Spring 2027 → autumn 2027: 23 March is winter time, 6 April summer time (28 March).
    spring = _module(personas, dates=("2027-03-23", "2027-04-06"))
    spring.topic = "Kommunikasjon"
    spring.save()
    autumn = module_copy(module=spring, term=Term.AUTUMN, year=2027, actor=personas.alice,
                         today=TODAY)
    assert [s.date for s in autumn.sessions.order_by("date")] == [D("2027-09-21"),
                                                                  D("2027-10-05")]
    assert {timezone.localtime(s.start).time() for s in autumn.sessions.all()} == {dt.time(9)}


def test_the_preview_lists_the_dates_flags_holidays_and_writes_nothing(personas):
    module = _module(personas, dates=("2027-02-10", "2027-05-19"))  # Wednesdays
    counts = (Module.objects.count(), ModuleSession.objects.count(), AuditEntry.objects.count())
    with translation.override("en"):
        plan = module_copy_plan(module=module, term=Term.SPRING, year=2028, today=TODAY)
        assert [(row.new, row.holiday) for row in plan.sessions] == [
            (D("2028-02-09"), None), (D("2028-05-17"), "Constitution Day")]
    assert plan.weeks == 52 and len(plan.holidays) == 1
    assert counts == (Module.objects.count(), ModuleSession.objects.count(),
                      AuditEntry.objects.count())


def test_refusals(personas):
    module = _module(personas)
    assert_refused("in_the_past", lambda: module_copy(
        module=module, term=Term.SPRING, year=2026, actor=personas.alice, today=TODAY))
    assert_refused("invalid_semester", lambda: module_copy(
        module=module, term=Term.SPRING, year=3000, actor=personas.alice, today=TODAY))
    assert_refused("invalid_semester", lambda: module_copy(
        module=module, term="sommer", year=2028, actor=personas.alice, today=TODAY))
    # The same module into the same programme and semester: refused, unless renamed.
    module_copy(module=module, term=Term.AUTUMN, year=2027, actor=personas.alice, today=TODAY)
    assert_refused("name_clash", lambda: module_copy(
        module=module, term=Term.AUTUMN, year=2027, actor=personas.alice, today=TODAY))
    second = module_copy(module=module, term=Term.AUTUMN, year=2027, actor=personas.alice,
                         topic="Endringsledelse – gruppe 2", today=TODAY)
    assert Module.objects.filter(term=Term.AUTUMN, year=2027).count() == 2
    assert second.topic == "Endringsledelse – gruppe 2"
    other = ProgrammeFactory(organisation=personas.org_b)
    assert_refused("other_municipality", lambda: module_copy(
        module=module, term=Term.SPRING, year=2028, programme=other, actor=personas.alice,
        today=TODAY))


def test_another_municipality_cannot_copy(personas):
    module = _module(personas)
    before = Module.objects.count()
    assert_refused("permission_denied", lambda: module_copy(
        module=module, term=Term.SPRING, year=2028, actor=personas.charlie, today=TODAY))
    assert_refused("permission_denied", lambda: programme_copy(
        programme=module.programme, year=2027, actor=personas.charlie, today=TODAY))
    assert Module.objects.count() == before


def _programme(personas):
    adviser = UserFactory(organisation=personas.org_a, is_facilitator=True)
    programme = ProgrammeFactory(organisation=personas.org_a, name="Fjordviklederen 2027",
                                 slug="fjordviklederen-2027", description="Hele året.",
                                 starts_on=D("2027-01-11"), ends_on=D("2027-12-17"))
    gathering = GatheringFactory(programme=programme, theme="Felles lederplattform",
                                 date=D("2027-01-14"), starts_at=dt.time(9),
                                 ends_at=dt.time(15))
    gathering.advisers.add(adviser)
    ProgrammeParticipant.objects.create(programme=programme, leader=personas.bob_leader)
    module = _module(personas, programme=programme)
    _seat_with_attendance(module, personas.bob_leader)
    cancelled = ModuleFactory(programme=programme, topic="Avlyst", year=2027,
                              status=ModuleStatus.CANCELLED)
    ModuleSessionFactory(module=cancelled, date=D("2027-03-02"))
    return programme, module, gathering


def test_programme_copy_to_next_year(personas):
    programme, module, gathering = _programme(personas)
    copy = programme_copy(programme=programme, year=2028, actor=personas.alice, today=TODAY)
    assert (copy.name, copy.slug) == ("Fjordviklederen 2028", "fjordviklederen-2028")
    assert copy.description == programme.description
    assert (copy.starts_on, copy.ends_on) == (D("2028-01-10"), D("2027-12-17")
                                              + dt.timedelta(weeks=52))
    assert not ProgrammeParticipant.objects.filter(programme=copy).exists()
    new_gathering = Gathering.objects.get(programme=copy)
    assert new_gathering.date == D("2028-01-13") and new_gathering.uuid != gathering.uuid
    assert list(new_gathering.advisers.all()) == list(gathering.advisers.all())
    modules = list(Module.objects.filter(programme=copy))
    assert [(m.topic, m.year, m.status) for m in modules] == [
        ("Endringsledelse", 2028, ModuleStatus.DRAFT)]  # the cancelled module is left out
    assert [s.date for s in modules[0].sessions.order_by("date")] == [
        D("2028-02-08"), D("2028-03-07"), D("2028-04-04")]
    assert modules[0].talent_seats == 4 and modules[0].capacity == 18
    assert not Enrollment.objects.filter(module__programme=copy).exists()
    assert Module.objects.filter(programme=programme).count() == 2  # original untouched
    assert AuditEntry.objects.filter(action="programs.programme.copied",
                                     object_id=str(copy.pk)).exists()
    # Twice: a clear refusal; with another name, a second distinct copy.
    assert_refused("name_clash", lambda: programme_copy(
        programme=programme, year=2028, actor=personas.alice, today=TODAY))
    assert_refused("slug_taken", lambda: programme_copy(
        programme=programme, year=2028, name="Fjordviklederen 2028 B",
        slug="fjordviklederen-2028", actor=personas.alice, today=TODAY))
    again = programme_copy(programme=programme, year=2028, name="Fjordviklederen 2028 B",
                           actor=personas.alice, today=TODAY)
    assert again.pk != copy.pk and again.slug == "fjordviklederen-2028-b"


def test_programme_copy_refusals_and_preview(personas):
    programme, _module_, _gathering = _programme(personas)
    assert_refused("not_later", lambda: programme_copy_plan(programme=programme, year=2027,
                                                            today=TODAY))
    assert_refused("in_the_past", lambda: programme_copy_plan(
        programme=programme, year=2028, today=dt.date(2028, 3, 1)))
    counts = (Programme.objects.count(), Module.objects.count(), Gathering.objects.count())
    plan = programme_copy_plan(programme=programme, year=2029, today=TODAY)
    assert plan.weeks == 104 and plan.name == "Fjordviklederen 2029"
    assert [row.new for row in plan.gatherings] == [D("2029-01-11")]
    assert counts == (Programme.objects.count(), Module.objects.count(),
                      Gathering.objects.count())


# --- The admin -------------------------------------------------------------------------------

def _copy_url(module):
    return reverse("admin:programs_module_copy", args=[module.pk])


def test_admin_module_copy_preview_then_save(client, personas):
    today = timezone.localdate()
    next_year = today.year + 1
    module = _module(personas, year=next_year, dates=(f"{next_year}-02-09",
                                                      f"{next_year}-03-09"))
    client.force_login(personas.alice)
    changelist = reverse("admin:programs_module_changelist")
    response = client.post(changelist, {"action": "copy_module", "_selected_action": [module.pk]})
    assert response.status_code == 302 and response["Location"] == _copy_url(module)
    assert client.get(_copy_url(module)).status_code == 200
    form = {"semester": f"host-{next_year}", "topic": module.topic,
            "programme": module.programme_id}
    count = Module.objects.count()
    response = client.post(_copy_url(module), {**form, "preview": "1"})
    key = response.context["preview_key"]
    assert response.status_code == 200 and response.context["plan"] is not None
    assert len(response.context["plan"].sessions) == 2
    assert 'name="save"' in response.content.decode()
    assert Module.objects.count() == count  # the preview wrote nothing
    # A save of values other than those previewed is shown as a preview again.
    response = client.post(_copy_url(module), {**form, "topic": "Annet", "save": "1",
                                               "previewed": key})
    assert response.status_code == 200 and Module.objects.count() == count
    response = client.post(_copy_url(module), {**form, "save": "1", "previewed": key})
    copy = Module.objects.exclude(pk=module.pk).get(topic=module.topic)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:programs_module_change", args=[copy.pk])
    assert (copy.term, copy.year) == (Term.AUTUMN, next_year)


def test_admin_copy_pages_are_404_for_another_municipality(client, personas):
    module = _module(personas, year=timezone.localdate().year + 1,
                     dates=(f"{timezone.localdate().year + 1}-02-09",))
    client.force_login(personas.charlie)
    count = (Module.objects.count(), Programme.objects.count())
    programme_url = reverse("admin:programs_programme_copy", args=[module.programme_id])
    for url in (_copy_url(module), programme_url):
        assert client.get(url).status_code == 404
        assert client.post(url, {"semester": "var-2030", "topic": "x", "year": 2030,
                                 "save": "1"}).status_code == 404
    assert count == (Module.objects.count(), Programme.objects.count())
    # The leader has no admin at all.
    client.force_login(personas.bob)
    assert client.get(_copy_url(module)).status_code in {302, 403, 404}


def test_admin_programme_copy(client, personas):
    start = timezone.localdate() + dt.timedelta(days=30)
    programme = ProgrammeFactory(organisation=personas.org_a, name=f"Lederløftet {start.year}",
                                 slug="lederloftet", starts_on=start,
                                 ends_on=start + dt.timedelta(days=100))
    client.force_login(personas.alice)
    url = reverse("admin:programs_programme_copy", args=[programme.pk])
    response = client.post(url, {"year": start.year + 1, "preview": "1"})
    assert response.status_code == 200 and response.context["plan"].weeks == 52
    key = response.context["preview_key"]
    response = client.post(url, {"year": start.year + 1, "save": "1", "previewed": key})
    copy = Programme.objects.get(name=f"Lederløftet {start.year + 1}")
    assert response["Location"] == reverse("admin:programs_programme_change", args=[copy.pk])


def test_leaders_are_not_copied_even_when_many(personas):
    module = _module(personas)
    for _ in range(3):
        _seat_with_attendance(module, LeaderFactory(organisation=personas.org_a))
    copy = module_copy(module=module, term=Term.AUTUMN, year=2027, actor=personas.alice,
                       today=TODAY)
    assert copy.enrollments.count() == 0 and module.enrollments.count() == 3


def test_copies_keep_their_approval_steps(personas):
    from django.contrib.contenttypes.models import ContentType

    from accounts.models import ApprovalStep
    from accounts.models.approvals import StepKind

    programme, module, _gathering = _programme(personas)

    def step(obj, position, label):
        return ApprovalStep.objects.create(
            organisation=programme.organisation, position=position, label=label,
            content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk,
            kind=StepKind.OAF)

    step(module, 1, "O&F bekrefter talentplassene")
    step(programme, 1, "Kommunalsjefen godkjenner")
    module_copy_ = module_copy(module=module, term=Term.SPRING, year=2028, topic="Endring II",
                               actor=personas.alice, today=TODAY)
    copy = programme_copy(programme=programme, year=2028, actor=personas.alice, today=TODAY)

    def labels(obj):
        return list(ApprovalStep.objects.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk,
        ).values_list("label", flat=True))

    assert labels(module_copy_) == ["O&F bekrefter talentplassene"]
    assert labels(copy) == ["Kommunalsjefen godkjenner"]
    for copied in Module.objects.filter(programme=copy):  # both modules, with their steps
        assert labels(copied) == ["O&F bekrefter talentplassene"]
    assert labels(module) == ["O&F bekrefter talentplassene"]  # the original keeps its own
