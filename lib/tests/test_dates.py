"""Absurd dates are a form error with a code, in the portal's forms and in the admin."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from groups.forms import PlanSessionsForm, SessionForm
from lib.dates import OUT_OF_RANGE, aware_or_refuse, validate_sane_date
from programs.models import ModuleSession
from programs.tests.factories import ModuleFactory, ProgrammeFactory


@pytest.mark.parametrize(("value", "sane"), [
    (dt.date(2026, 10, 5), True), (dt.date(1975, 1, 1), True), (dt.date(2100, 12, 31), True),
    (dt.date(9999, 12, 31), False), (dt.date(1, 1, 1), False), (None, True),
    (dt.datetime(9999, 12, 31, 23, 59, tzinfo=dt.UTC), False),  # Oslo: the year 10000
    (dt.datetime(2026, 10, 5, 9, tzinfo=dt.UTC), True),
])
def test_the_sane_range(value, sane):
    if sane:
        validate_sane_date(value)
        return
    with pytest.raises(ValidationError) as refusal:
        validate_sane_date(value)
    assert refusal.value.code == OUT_OF_RANGE


def test_aware_or_refuse():
    assert aware_or_refuse(dt.datetime(2026, 10, 5, 9)) == timezone.make_aware(
        dt.datetime(2026, 10, 5, 9))
    for value in (dt.datetime(9999, 12, 31, 23, 59),
                  dt.datetime(9999, 12, 31, 23, 59, tzinfo=dt.timezone(dt.timedelta(hours=-12)))):
        with pytest.raises(ValidationError) as refusal:
            aware_or_refuse(value)
        assert refusal.value.code == OUT_OF_RANGE


def test_group_session_forms_refuse_the_year_9999():
    # planned_at + the session's length overflowed in every member's calendar feed.
    form = SessionForm({"planned_at": "9999-12-31T23:59", "held_on": "9999-12-31"})
    assert form.has_error("planned_at", OUT_OF_RANGE) and form.has_error("held_on", OUT_OF_RANGE)
    plan = PlanSessionsForm({"first_at": "9999-12-31T10:00", "development_sessions": "5",
                             "interval_days": "28", "duration_minutes": "180"})
    assert plan.has_error("first_at", OUT_OF_RANGE)


@pytest.mark.django_db
def test_the_admin_refuses_the_year_9999(client, personas):
    module = ModuleFactory(programme=ProgrammeFactory(organisation=personas.org_a))
    client.force_login(personas.alice)
    data = {"module": module.pk, "theme": "Tillit i team", "date": "9999-12-31",
            "starts_at": "09:00", "ends_at": "12:00", "place": "Rådhuset, Ålesund"}
    response = client.post(reverse("admin:programs_modulesession_add"), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.has_error("date", OUT_OF_RANGE)
    assert not ModuleSession.objects.exists()
    response = client.post(reverse("admin:programs_modulesession_add"),
                           {**data, "date": f"{module.year}-03-05"})
    assert response.status_code == 302
    assert ModuleSession.objects.get().date == dt.date(module.year, 3, 5)
