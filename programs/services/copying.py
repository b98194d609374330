"""Copying a module to another semester, and a programme to a later year.

How dates move: **by whole weeks**, so every session keeps its weekday and its
start and end time (local time: a 09:00 session stays 09:00 across a change to
or from summer time, since a session is stored as a date and a wall-clock time).

- A module copied to a semester moves by the whole number of weeks closest to
  the distance between the two semesters' first days (1 January, 1 July), nudged
  by as few weeks as needed so that the first and the last session fall inside the
  chosen semester. Spring 2026 → spring 2027 is 52 weeks: Tuesday 10 February
  2026 becomes Tuesday 9 February 2027.
- A programme copied to a later year moves, with its gatherings, modules and
  their sessions, by the whole number of weeks closest to that many years (52
  for one year); each module keeps its term, in the year as many years later.

Every other date of a copied row (enrolment window, last day to cancel, talent
seats' release, the programme's start and end) moves by the same offset.

What is copied: every field the row holds for itself — texts as O&F wrote them,
seats, talent seats and their release, audience, waiting-list limit, completion
rule, places and video links — and the chosen people: session facilitators,
gathering advisers, the audience's units. What is left out: enrolments (and so
attendance), programme participants, evaluations and every other app's rows
(network plans, contract terms, surveys; those apps sit above programs). Times
at which something happened to the original (created, decided) are not copied,
and a fresh public id is made. The copy is a **draft**, so no leader sees it
before O&F publishes it. Cancelled modules are not copied with a programme.

Refusals (``ValidationError`` codes): ``invalid_semester``, ``not_later`` (a
programme to its own or an earlier year), ``in_the_past`` (a date of the copy
before today), ``sessions_do_not_fit`` (the sessions cannot all fall in the
semester), ``name_clash`` (a module with the same topic in that programme and
semester; a programme with the same name), ``slug_taken``, ``other_municipality``.
Copying the same thing twice to the same place is therefore refused with
``name_clash``; give the second copy another topic or name to keep both.

``*_copy_plan`` reads only; the preview shows it. ``*_copy`` writes, in one
transaction, after the same plan, and writes an audit entry.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.access import is_oaf_for
from accounts.models import User
from accounts.services.approvals import approval_steps_copy
from lib.audit import audit_log
from lib.dates import EARLIEST_YEAR, LATEST_YEAR, format_date
from lib.holidays import public_holiday

from ..models import Gathering, Module, ModuleSession, ModuleStatus, Programme, Term

WEEK = dt.timedelta(days=7)


@dataclass(frozen=True)
class PlannedDate:
    """One dated row of the copy: where it was and where it lands."""

    label: str
    old: dt.date
    new: dt.date
    starts_at: dt.time
    ends_at: dt.time
    holiday: str | None  # the public holiday the new date falls on


@dataclass(frozen=True)
class ModulePlan:
    module: Module
    programme: Programme
    topic: str
    term: str
    year: int
    weeks: int
    sessions: list[PlannedDate]

    @property
    def shift(self) -> dt.timedelta:
        return WEEK * self.weeks

    @property
    def semester_label(self) -> str:
        return f"{Term(self.term).label} {self.year}"

    @property
    def enrolment_opens_on(self) -> dt.date:
        return self.module.enrolment_opens_on + self.shift

    @property
    def enrolment_closes_on(self) -> dt.date:
        return self.module.enrolment_closes_on + self.shift

    @property
    def holidays(self) -> list[PlannedDate]:
        return [row for row in self.sessions if row.holiday]


@dataclass(frozen=True)
class ProgrammePlan:
    programme: Programme
    name: str
    slug: str
    years: int
    weeks: int
    gatherings: list[PlannedDate]
    modules: list[ModulePlan] = field(default_factory=list)

    @property
    def shift(self) -> dt.timedelta:
        return WEEK * self.weeks

    @property
    def starts_on(self) -> dt.date:
        return self.programme.starts_on + self.shift

    @property
    def ends_on(self) -> dt.date:
        return self.programme.ends_on + self.shift

    @property
    def holidays(self) -> list[PlannedDate]:
        rows = [*self.gatherings]
        for plan in self.modules:
            rows += plan.sessions
        return [row for row in rows if row.holiday]


def semester_span(term: str, year: int) -> tuple[dt.date, dt.date]:
    """The first and last day of a semester, as ``Module.semester_span`` has it."""
    span = Module(term=term, year=year).semester_span()
    if span is None or not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise ValidationError(_("Choose a semester from the list."), code="invalid_semester")
    return span


def _planned(label: str, day: dt.date, shift: dt.timedelta, starts_at: dt.time,
             ends_at: dt.time) -> PlannedDate:
    new = day + shift
    return PlannedDate(label=label, old=day, new=new, starts_at=starts_at, ends_at=ends_at,
                       holiday=public_holiday(new))


def _weeks_into(first: dt.date, last: dt.date, span: tuple[dt.date, dt.date],
                aim: int) -> int:
    """``aim`` weeks, nudged as little as needed so ``first``..``last`` lands inside ``span``."""
    weeks = aim
    if first + WEEK * weeks < span[0]:
        weeks = math.ceil((span[0] - first).days / 7)
    if last + WEEK * weeks > span[1]:
        weeks = math.floor((span[1] - last).days / 7)
    if first + WEEK * weeks < span[0]:
        raise ValidationError(_("The sessions span more than a semester and cannot all be "
                                "moved into it."), code="sessions_do_not_fit")
    return weeks


def _refuse_past(days: list[dt.date], today: dt.date) -> None:
    past = [day for day in days if day < today]
    if past:
        raise ValidationError(
            _("The copy would have a date in the past (%(date)s). Choose a later semester "
              "or year.") % {"date": format_date(min(past))}, code="in_the_past")


def module_copy_plan(*, module: Module, term: str, year: int, topic: str | None = None,
                     programme: Programme | None = None,
                     today: dt.date | None = None) -> ModulePlan:
    """Where a copy of ``module`` in the semester (``term``, ``year``) would put each session.

    Reads only. Refuses (with the codes above) what :func:`module_copy` would refuse.
    """
    today = today or timezone.localdate()
    programme = programme or module.programme
    topic = (topic or module.topic).strip()
    if programme.organisation_id != module.programme.organisation_id:
        raise ValidationError(_("The programme belongs to another municipality."),
                              code="other_municipality")
    target = semester_span(term, year)
    source = module.semester_span() or target
    aim = round((target[0] - source[0]).days / 7)
    sessions = list(module.sessions.order_by("date", "starts_at", "pk"))
    if sessions:
        weeks = _weeks_into(sessions[0].date, sessions[-1].date, target, aim)
        shift = WEEK * weeks
        _refuse_past([s.date + shift for s in sessions], today)
    else:
        weeks = aim
        if target[1] < today:
            _refuse_past([target[1]], today)
    if Module.objects.filter(programme=programme, term=term, year=year,
                             topic__iexact=topic).exists():
        raise ValidationError(
            _("%(programme)s already has a module «%(topic)s» in %(semester)s. Give the copy "
              "another topic.") % {"programme": programme.name, "topic": topic,
                                  "semester": f"{Term(term).label} {year}"},
            code="name_clash")
    shift = WEEK * weeks
    return ModulePlan(
        module=module, programme=programme, topic=topic, term=term, year=year, weeks=weeks,
        sessions=[_planned(s.theme or module.topic, s.date, shift, s.starts_at, s.ends_at)
                  for s in sessions])


def _renamed(name: str, years: int) -> str:
    """``"Fjordviklederen 2026–2027"`` → ``"Fjordviklederen 2027–2028"`` for one year on."""
    def later(match: re.Match[str]) -> str:
        year = int(match.group(0))
        return str(year + years) if EARLIEST_YEAR <= year <= LATEST_YEAR else match.group(0)

    renamed = re.sub(r"(?<!\d)\d{4}(?!\d)", later, name)
    return renamed if renamed != name else f"{name} {programme_year_label(years)}"


def programme_year_label(years: int) -> str:
    return _("(copy, %(years)d years on)") % {"years": years} if years != 1 \
        else _("(copy, one year on)")


def programme_copy_plan(*, programme: Programme, year: int, name: str | None = None,
                        slug: str | None = None, today: dt.date | None = None) -> ProgrammePlan:
    """Where a copy of ``programme`` starting in ``year`` would put every dated row. Reads only."""
    today = today or timezone.localdate()
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise ValidationError(_("Choose a year from the list."), code="invalid_semester")
    years = year - programme.starts_on.year
    if years < 1:
        raise ValidationError(_("A programme can only be copied to a later year."),
                              code="not_later")
    weeks = round((dt.date(year, 1, 1) - dt.date(programme.starts_on.year, 1, 1)).days / 7)
    shift = WEEK * weeks
    name = (name or _renamed(programme.name, years)).strip()
    slug = (slug or slugify(name)[:80]).strip()
    gatherings = [_planned(g.theme, g.date, shift, g.starts_at, g.ends_at)
                  for g in programme.gatherings.order_by("date", "starts_at", "pk")]
    modules = []
    for module in (programme.modules.exclude(status=ModuleStatus.CANCELLED)
                   .prefetch_related("sessions").order_by("year", "-term", "topic", "pk")):
        span = semester_span(module.term, module.year + years)
        sessions = sorted(module.sessions.all(), key=lambda s: (s.date, s.starts_at, s.pk))
        rows = [_planned(s.theme or module.topic, s.date, shift, s.starts_at, s.ends_at)
                for s in sessions]
        if any(not span[0] <= row.new <= span[1] for row in rows):
            raise ValidationError(
                _("The sessions of «%(topic)s» would leave their semester when moved "
                  "%(weeks)d weeks; move them within the semester first.")
                % {"topic": module.topic, "weeks": weeks}, code="sessions_do_not_fit")
        modules.append(ModulePlan(module=module, programme=programme, topic=module.topic,
                                  term=module.term, year=module.year + years, weeks=weeks,
                                  sessions=rows))
    _refuse_past([programme.starts_on + shift,
                  *(row.new for row in gatherings),
                  *(row.new for plan in modules for row in plan.sessions)], today)
    same = Programme.objects.filter(organisation_id=programme.organisation_id)
    if same.filter(name__iexact=name).exists():
        raise ValidationError(_("The municipality already has a programme named «%(name)s». "
                                "Give the copy another name.") % {"name": name},
                              code="name_clash")
    if not slug or same.filter(slug=slug).exists():
        raise ValidationError(_("The short name «%(slug)s» is taken. Choose another.")
                              % {"slug": slug}, code="slug_taken")
    return ProgrammePlan(programme=programme, name=name, slug=slug, years=years, weeks=weeks,
                         gatherings=gatherings, modules=modules)


# --- Writing --------------------------------------------------------------------------------

def _clone(obj: models.Model, shift: dt.timedelta, **overrides: object) -> models.Model:
    """An unsaved copy of ``obj``'s own fields, every date moved by ``shift``.

    Left out: the primary key, unique fields with a default (a fresh public id),
    ``auto_now``/``auto_now_add`` times and every other date-time (when something
    happened to the original). ``overrides`` win.
    """
    model = type(obj)
    values: dict[str, object] = {}
    for f in model._meta.concrete_fields:
        if f.primary_key or f.name in overrides or f.attname in overrides:
            continue
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            continue
        if f.unique and f.has_default():
            continue
        if isinstance(f, models.DateTimeField):
            continue
        value = getattr(obj, f.attname)
        if isinstance(f, models.DateField) and value is not None:
            value = value + shift
        values[f.attname] = value
    values.update(overrides)
    return model(**values)


def _copy_m2m(pairs: list[tuple[models.Model, models.Model]]) -> None:
    """Copy the plain many-to-many links (no through model of their own) from old to new rows.

    A many-to-many with its own through model (a programme's participants) holds
    people's participation and is left out.
    """
    if not pairs:
        return
    model = type(pairs[0][0])
    for m2m in model._meta.many_to_many:
        through: Any = m2m.remote_field.through  # a model class once the apps are loaded
        if not through._meta.auto_created:
            continue
        source = m2m.m2m_field_name()
        target = m2m.m2m_reverse_field_name()
        new_of = {old.pk: new.pk for old, new in pairs}
        links = through.objects.filter(**{f"{source}__in": list(new_of)}).values_list(
            f"{source}_id", f"{target}_id")
        through.objects.bulk_create([through(**{f"{source}_id": new_of[old],
                                                f"{target}_id": other})
                                     for old, other in links])


def _write_module(plan: ModulePlan) -> Module:
    module = plan.module
    copy = _clone(module, plan.shift, programme=plan.programme, topic=plan.topic,
                  term=plan.term, year=plan.year, status=ModuleStatus.DRAFT)
    assert isinstance(copy, Module)
    copy.save()
    _copy_m2m([(module, copy)])
    sessions = list(module.sessions.order_by("date", "starts_at", "pk"))
    copies = ModuleSession.objects.bulk_create(
        [_clone(s, plan.shift, module=copy) for s in sessions])  # type: ignore[misc]
    _copy_m2m(list(zip(sessions, copies, strict=True)))
    approval_steps_copy(pairs=[(module, copy)])
    return copy


def _refuse_unless_oaf(actor: User, organisation_id: int) -> None:
    if not is_oaf_for(actor, organisation_id):
        raise PermissionDenied(_("Only O&F of the municipality can copy modules and "
                                 "programmes."))


@transaction.atomic
def module_copy(*, module: Module, term: str, year: int, actor: User,
                topic: str | None = None, programme: Programme | None = None,
                today: dt.date | None = None) -> Module:
    """Copy ``module`` with its sessions into the semester (``term``, ``year``), as a draft.

    Guarantees: only O&F of the module's municipality; the same refusals as
    :func:`module_copy_plan`, checked under a lock on the target programme's
    row so two copies at once cannot both pass the name check; all or nothing;
    an audit entry naming the original and the weeks moved.
    """
    organisation_id = module.programme.organisation_id
    _refuse_unless_oaf(actor, organisation_id)
    target = programme or module.programme
    target = Programme.objects.select_for_update().get(pk=target.pk)
    plan = module_copy_plan(module=module, term=term, year=year, topic=topic,
                            programme=target, today=today)
    copy = _write_module(plan)
    audit_log(organisation=target.organisation, actor=actor, action="programs.module.copied",
              obj=copy, summary=f"{module} → {copy}",
              data={"from": str(module.uuid), "weeks": plan.weeks,
                    "sessions": len(plan.sessions)})
    return copy


@transaction.atomic
def programme_copy(*, programme: Programme, year: int, actor: User, name: str | None = None,
                   slug: str | None = None, today: dt.date | None = None) -> Programme:
    """Copy ``programme`` to start in ``year``: its gatherings, modules and their sessions.

    Guarantees: only O&F of the municipality; the refusals of
    :func:`programme_copy_plan`, checked under a lock on the original's row
    (and the database's unique short name); all or nothing; the modules are
    drafts; participants and enrolments are not copied; one audit entry.
    """
    _refuse_unless_oaf(actor, programme.organisation_id)
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    plan = programme_copy_plan(programme=programme, year=year, name=name, slug=slug,
                               today=today)
    copy = _clone(programme, plan.shift, name=plan.name, slug=plan.slug)
    assert isinstance(copy, Programme)
    try:
        with transaction.atomic():
            copy.save()
    except IntegrityError:
        raise ValidationError(_("The short name «%(slug)s» is taken. Choose another.")
                              % {"slug": plan.slug}, code="slug_taken") from None
    gatherings = list(programme.gatherings.order_by("date", "starts_at", "pk"))
    copies = Gathering.objects.bulk_create(
        [_clone(g, plan.shift, programme=copy) for g in gatherings])  # type: ignore[misc]
    _copy_m2m(list(zip(gatherings, copies, strict=True)))
    approval_steps_copy(pairs=[(programme, copy)])
    modules = [_write_module(ModulePlan(
        module=m.module, programme=copy, topic=m.topic, term=m.term, year=m.year,
        weeks=m.weeks, sessions=m.sessions)) for m in plan.modules]
    audit_log(organisation=programme.organisation, actor=actor,
              action="programs.programme.copied", obj=copy, summary=f"{programme} → {copy}",
              data={"from": programme.pk, "weeks": plan.weeks, "modules": len(modules),
                    "gatherings": len(copies)})
    return copy
