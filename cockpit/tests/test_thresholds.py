"""Each municipality sets when the needs-action rules fire (``CockpitSettings``).

Defaults are the rules' former constants; changing a threshold makes a rule fire
or clear; bounds are refused with a message per field (and by the database);
O&F edit only their own row; a system administrator's "all" keeps each
municipality's own thresholds.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from cockpit import rules
from cockpit.models import THRESHOLDS, CockpitSettings
from cockpit.thresholds import DEFAULT_LIMITS, LimitBook
from networks.tests.factories import MeetingFactory, NetworkGroupFactory, NetworkPlanFactory
from programs.tests.factories import EnrollmentFactory, ModuleFactory, ModuleSessionFactory
from tests.factories import LeaderFactory

from .conftest import seat

pytestmark = pytest.mark.django_db


def _module(org, **kwargs):
    module = ModuleFactory(programme__organisation=org, **kwargs)
    ModuleSessionFactory(module=module, date=timezone.localdate() + dt.timedelta(days=20))
    return module


def _set(org, **values):
    row, _created = CockpitSettings.objects.get_or_create(organisation=org)
    for name, value in values.items():
        setattr(row, name, value)
    row.save()
    return row


def test_the_defaults_are_the_former_constants(personas):
    row = CockpitSettings.objects.create(organisation=personas.org_a)
    assert {name: getattr(row, name) for name in THRESHOLDS} == {
        "request_wait_days": 7, "underfilled_percent": 50, "underfilled_lookahead_days": 14,
        "talent_release_lookahead_days": 7, "survey_closing_days": 7,
        "low_response_percent": 50, "meeting_confirm_days": 14,
        "coaching_unused_percent": 50, "failures_days": 30}
    assert LimitBook([personas.org_b.pk]).limits(personas.org_b.pk) == DEFAULT_LIMITS


def test_fewer_days_makes_a_waiting_request_fire_and_more_clears_it(personas):
    module = _module(personas.org_a)
    EnrollmentFactory(module=module, requested_at=timezone.now() - dt.timedelta(days=4))
    now = timezone.now()
    assert rules.requests_waiting([personas.org_a.pk], now) is None  # 7 days by default
    _set(personas.org_a, request_wait_days=3)
    item = rules.requests_waiting([personas.org_a.pk], now)
    assert item is not None and item.count == 1
    with translation.override("en"):
        assert "more than 3 days" in rules.requests_waiting([personas.org_a.pk], now).text
    _set(personas.org_a, request_wait_days=5)
    assert rules.requests_waiting([personas.org_a.pk], now) is None


def test_the_underfilled_share_is_the_municipalitys(personas):
    module = _module(personas.org_a, capacity=10,
                     enrolment_closes_on=timezone.localdate() + dt.timedelta(days=3))
    for _ in range(6):
        seat(module, LeaderFactory(organisation=personas.org_a))
    now = timezone.now()
    assert rules.modules_underfilled([personas.org_a.pk], now) is None  # 60 % ≥ 50 %
    _set(personas.org_a, underfilled_percent=70)
    assert rules.modules_underfilled([personas.org_a.pk], now).count == 1
    _set(personas.org_a, underfilled_percent=60)  # exactly 60 %: not under
    assert rules.modules_underfilled([personas.org_a.pk], now) is None
    _set(personas.org_a, underfilled_percent=70, underfilled_lookahead_days=1)
    assert rules.modules_underfilled([personas.org_a.pk], now) is None  # closes in 3 days


def test_meetings_to_confirm_look_as_far_ahead_as_set(personas):
    group = NetworkGroupFactory(plan=NetworkPlanFactory(programme__organisation=personas.org_a))
    MeetingFactory(group=group, date=timezone.localdate() + dt.timedelta(days=20))
    now = timezone.now()
    assert rules.meetings_unconfirmed([personas.org_a.pk], now) is None  # 14 days
    _set(personas.org_a, meeting_confirm_days=21)
    item = rules.meetings_unconfirmed([personas.org_a.pk], now)
    assert item.count == 1
    with translation.override("en"):
        assert "next 21 days" in rules.meetings_unconfirmed([personas.org_a.pk], now).text


def test_all_municipalities_keep_their_own_thresholds(personas):
    for org in (personas.org_a, personas.org_b):
        module = _module(org)
        EnrollmentFactory(module=module, requested_at=timezone.now() - dt.timedelta(days=4))
    _set(personas.org_a, request_wait_days=3)
    items = [i for i in rules.needs_action(None) if i.key == "requests_waiting"]
    assert [i.count for i in items] == [1]  # A's (3 days) fires; B's (7 days) does not
    _set(personas.org_b, request_wait_days=2)
    items = [i for i in rules.needs_action(None) if i.key == "requests_waiting"]
    assert sorted(i.count for i in items) == [1, 1]  # one item per group of thresholds
    _set(personas.org_b, request_wait_days=3)  # the same again: one group, one item
    items = [i for i in rules.needs_action(None) if i.key == "requests_waiting"]
    assert [i.count for i in items] == [2]


def test_out_of_range_is_refused_per_field_and_by_the_database(personas):
    row = CockpitSettings(organisation=personas.org_a, request_wait_days=0,
                          low_response_percent=101)
    with pytest.raises(ValidationError) as caught:
        row.full_clean()
    errors = caught.value.error_dict
    assert {e.code for e in errors["request_wait_days"]} == {"out_of_range"}
    assert {e.code for e in errors["low_response_percent"]} == {"out_of_range"}
    with translation.override("en"):
        with pytest.raises(ValidationError) as caught:
            row.full_clean()
        assert "Choose a number from 1 to 60." in caught.value.message_dict["request_wait_days"]
    with pytest.raises(IntegrityError), transaction.atomic():
        row.save()


def test_oaf_edit_their_own_thresholds_in_the_admin(client, personas):
    client.force_login(personas.alice)
    response = client.get(reverse("admin:cockpit_cockpitsettings_changelist"))
    row = CockpitSettings.objects.get(organisation=personas.org_a)
    url = reverse("admin:cockpit_cockpitsettings_change", args=[row.pk])
    assert response.status_code == 302 and response["Location"] == url
    data = {name: default for name, (default, _low, _high) in THRESHOLDS.items()}
    response = client.post(url, {**data, "meeting_confirm_days": 91})
    assert response.status_code == 200
    assert "Velg et tall fra 1 til 90." in response.content.decode()  # Alice reads bokmål
    response = client.post(url, {**data, "meeting_confirm_days": 21})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.meeting_confirm_days == 21
    client.force_login(personas.charlie)  # B's O&F: A's row does not exist for them
    assert client.get(url).status_code == 404
    assert client.post(url, {**data, "meeting_confirm_days": 30}).status_code == 404
    row.refresh_from_db()
    assert row.meeting_confirm_days == 21


def test_the_system_administrators_list_does_not_grow_in_queries(client, personas):
    """Session, user, count, rows with their municipality (select_related), the
    municipality filter's choices."""
    from lib.testing import assert_queries_stable
    from tests.factories import OrganisationFactory, UserFactory

    client.force_login(UserFactory(is_superuser=True, organisation=None,
                                   email="root@drift.example"))

    def grow(n):
        for _ in range(n):
            CockpitSettings.objects.create(organisation=OrganisationFactory())

    assert_queries_stable(
        lambda: client.get(reverse("admin:cockpit_cockpitsettings_changelist")), grow=grow)
