"""The admin: scoped lists with the groups' mix, conflicts flagged, actions through the
services, the meeting plan per facilitator."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tests.factories import LeaderFactory, UnitFactory

from ..models import NetworkHoliday, NetworkMeeting, NetworkPlan
from .factories import (
    HolidayFactory,
    MembershipFactory,
    NetworkGroupFactory,
    NetworkPlanFactory,
    ParticipantFactory,
    ProgrammeFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def foreign(personas):
    plan = NetworkPlanFactory(programme__organisation=personas.org_b,
                              programme__name="Brattliprogrammet")
    group = NetworkGroupFactory(plan=plan, name="Brattlilaget")
    MembershipFactory(group=group, leader=personas.dora_leader)
    return plan


@pytest.mark.parametrize("model", ["networkplan", "networkgroup", "networkmeeting",
                                   "networkholiday"])
def test_changelists_are_scoped(client, personas, net, foreign, model):
    HolidayFactory(organisation=personas.org_b, name="Brattliferie")
    client.force_login(personas.alice)
    response = client.get(reverse(f"admin:networks_{model}_changelist"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Brattli" not in text


def test_group_list_shows_each_groups_mix(client, personas, net):
    client.force_login(personas.alice)
    response = client.get(reverse("admin:networks_networkgroup_changelist"))
    row = next(g for g in response.context["cl"].result_list if g.name == "Blåveis")
    # Bob's unit lies under «Helse og velferd», the four others under «Oppvekst».
    assert (row._members, row._areas, row._units, row._levels) == (5, 2, 5, 2)


def test_meeting_list_flags_conflicts(client, personas, net):
    HolidayFactory(organisation=personas.org_a, name="Planleggingsdag",
                   starts_on=net.proposed.date, ends_on=net.proposed.date)
    client.force_login(personas.alice)
    text = client.get(reverse("admin:networks_networkmeeting_changelist")).content.decode()
    assert "Konflikt:" in text and "Planleggingsdag" in text


def test_facilitator_filter_lists_only_own_facilitators(client, personas, net):
    from .factories import FacilitatorFactory

    FacilitatorFactory(organisation=personas.org_b, full_name="Fremmed Fasilitator")
    client.force_login(personas.alice)
    text = client.get(reverse("admin:networks_networkmeeting_changelist")).content.decode()
    assert "Fia Fasilitator" in text and "Fremmed Fasilitator" not in text


def test_calendar_per_facilitator(client, personas, net, foreign):
    client.force_login(personas.alice)
    url = reverse("admin:networks_networkplan_calendar", args=[net.plan.pk])
    text = client.get(url).content.decode()
    # Slots in full words (issue 21 item 6); "Formiddag" once the nb catalogue has the msgid.
    assert "Fia Fasilitator" in text and "Blåveis" in text
    assert "Formiddag" in text or "Morning" in text
    client.force_login(personas.charlie)
    assert client.get(url).status_code == 404
    client.force_login(personas.bob)
    assert client.get(url).status_code == 302  # not staff: to the admin login


def test_plan_actions_run_the_services(client, personas):
    programme = ProgrammeFactory(organisation=personas.org_a, name="Handlingsprogrammet")
    area = UnitFactory(organisation=personas.org_a, kind="tjenesteomrade")
    for _ in range(10):
        leader = LeaderFactory(organisation=personas.org_a,
                               unit=UnitFactory(organisation=personas.org_a, parent=area))
        ParticipantFactory(programme=programme, leader=leader)
    plan = NetworkPlanFactory(programme=programme, status="utkast", confirmed_at=None)
    client.force_login(personas.alice)
    url = reverse("admin:networks_networkplan_changelist")
    for action in ("propose_groups", "confirm_groups", "plan_meetings"):
        response = client.post(url, {"action": action, "_selected_action": [plan.pk]},
                               follow=True)
        assert response.status_code == 200
    plan.refresh_from_db()
    assert plan.status == "bekreftet" and plan.groups.count() == 2
    assert NetworkMeeting.objects.filter(group__plan=plan).exists()
    # Proposing again is refused by the service, with its message.
    response = client.post(url, {"action": "propose_groups", "_selected_action": [plan.pk]},
                           follow=True)
    assert "Gruppene er bekreftet og kan ikke foreslås på nytt." in response.content.decode()


def test_meeting_action_confirm_refuses_without_place(client, personas, net):
    NetworkMeeting.objects.filter(pk=net.proposed.pk).update(place="")
    client.force_login(personas.alice)
    response = client.post(reverse("admin:networks_networkmeeting_changelist"),
                           {"action": "confirm_meetings", "_selected_action": [net.proposed.pk]},
                           follow=True)
    assert "Oppgi sted eller videolenke før du bekrefter møtet." in response.content.decode()
    net.proposed.refresh_from_db()
    assert net.proposed.is_proposed


def test_meetings_and_groups_are_read_only_in_the_admin(client, personas, net):
    client.force_login(personas.alice)
    url = reverse("admin:networks_networkmeeting_change", args=[net.proposed.pk])
    response = client.post(url, {"date": "2030-01-01"})
    assert response.status_code == 403
    assert NetworkMeeting.objects.get(pk=net.proposed.pk).date == net.proposed.date


def test_holiday_is_added_in_the_own_municipality_and_checked(client, personas):
    client.force_login(personas.alice)
    url = reverse("admin:networks_networkholiday_add")
    response = client.post(url, {"name": "Baklengs", "starts_on": "2027-02-10",
                                 "ends_on": "2027-02-01"})
    assert response.status_code == 200
    assert "Siste dag kan ikke være før første dag." in response.content.decode()
    client.post(url, {"name": "Vinterferie", "starts_on": "2027-02-22",
                      "ends_on": "2027-02-26"})
    holiday = NetworkHoliday.objects.get()
    assert holiday.organisation == personas.org_a
    assert holiday.ends_on - holiday.starts_on == dt.timedelta(days=4)


def test_plan_settings_are_checked_in_the_admin(client, personas, net):
    client.force_login(personas.alice)
    url = reverse("admin:networks_networkplan_change", args=[net.plan.pk])
    response = client.get(url)
    assert response.status_code == 200
    data = {"min_size": 7, "max_size": 5, "meetings_per_interval": 2,
            "facilitated_meetings": 2, "facilitator_daily_max": 2,
            "morning_starts_at": "09:00", "afternoon_starts_at": "12:30",
            "meeting_minutes": 150, "default_place": ""}
    response = client.post(url, data)
    assert "Gruppestørrelser går fra 2 til 12" in response.content.decode()
    assert NetworkPlan.objects.get(pk=net.plan.pk).min_size == 5


def test_the_meeting_and_group_lists_count_each_filter_choice(client, personas, net):
    """'Show counts' hands the filters each choice's pk as a number, not as text."""
    client.force_login(personas.alice)
    for url in ("/admin/networks/networkgroup/?_facets=True",
                "/admin/networks/networkmeeting/?_facets=True"):
        assert client.get(url).status_code == 200, url
