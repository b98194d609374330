"""O&F's admin: standard instruments read-only, rounds through the services, scoped."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from lib.models import AuditEntry
from surveys import services
from surveys.models import AnonymitySettings, Instrument, Invitation, Round

from .factories import bulk_responses, make_round

pytestmark = pytest.mark.django_db


def test_admin_lists_load_for_oaf(client, personas, team):
    client.force_login(personas.alice)
    for model in ("instrument", "round", "invitation", "anonymitysettings", "item"):
        response = client.get(reverse(f"admin:surveys_{model}_changelist"))
        assert response.status_code == 200, model
    text = client.get(reverse("admin:surveys_round_changelist")).content.decode()
    assert "Ledergruppen i Helse" in text


def test_responses_and_answers_have_no_admin(client, personas):
    from django.contrib import admin

    from surveys.models import Answer, Draft, Response

    for model in (Response, Answer, Draft):
        assert not admin.site.is_registered(model)


def test_standard_instruments_are_read_only_for_oaf(client, personas, instruments):
    client.force_login(personas.alice)
    url = reverse("admin:surveys_instrument_change", args=[instruments["effect"].pk])
    page = client.get(url)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    response = client.post(url, {"name_nb": "Endret"})
    assert response.status_code == 403
    assert Instrument.objects.get(pk=instruments["effect"].pk).name_nb != "Endret"


def test_copy_action_makes_the_municipalitys_own(client, personas, instruments):
    client.force_login(personas.alice)
    response = client.post(reverse("admin:surveys_instrument_changelist"), {
        "action": "copy_to_municipality", "_selected_action": [instruments["needs"].pk]})
    assert response.status_code == 302
    copy = Instrument.objects.get(organisation=personas.org_a)
    assert copy.kind == "needs" and copy.items.count() == instruments["needs"].items.count()


def test_adding_a_round_in_the_admin_copies_thresholds_and_audits(client, personas, instruments,
                                                                   team):
    services.thresholds_set(organisation=personas.org_a, min_respondents=6,
                            min_text_respondents=12, min_group_respondents=4)
    client.force_login(personas.alice)
    today = timezone.localdate()
    response = client.post(reverse("admin:surveys_round_add"), {
        "instrument": instruments["effect"].pk, "title": "", "anonymous": "on",
        "group": team.group.pk, "phase": "after", "baseline": team.before.pk,
        "module_session": "", "gathering": "",
        "opens_on": str(today + dt.timedelta(days=30)),
        "closes_on": str(today + dt.timedelta(days=44)),
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    round = Round.objects.get(phase="after")
    assert round.organisation == personas.org_a and round.kind == "effect"
    # A leader-group round takes the group threshold; comments the municipality's.
    assert (round.min_respondents, round.min_text_respondents) == (4, 12)
    assert round.created_by == personas.alice
    assert AuditEntry.objects.filter(action="surveys.round.created", actor=personas.alice,
                                     object_id=str(round.pk)).exists()


def test_a_bad_round_in_the_admin_gets_a_clear_message(client, personas, instruments, team):
    client.force_login(personas.alice)
    today = timezone.localdate()
    response = client.post(reverse("admin:surveys_round_add"), {
        "instrument": instruments["needs"].pk, "anonymous": "on", "group": team.group.pk,
        "phase": "", "opens_on": str(today), "closes_on": str(today - dt.timedelta(days=1)),
    })
    assert response.status_code == 200
    text = response.content.decode()
    assert "Bare ledergrupperunder har en ledergruppe." in text
    assert "En runde kan ikke stenge før den åpner." in text
    assert not Round.objects.filter(kind="needs").exists()


def test_open_now_invites_and_emails(client, personas, instruments,
                                     django_capture_on_commit_callbacks):
    round = make_round(organisation=personas.org_a, instrument=instruments["needs"])
    client.force_login(personas.alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:surveys_round_changelist"), {
            "action": "open_now", "_selected_action": [round.pk]})
    assert response.status_code == 302
    invited = Invitation.objects.filter(round=round)
    assert invited.count() == 2  # Berit and Bob, the leaders of Askvik
    assert sorted(m.to[0] for m in mail.outbox) == ["berit@askvik.example", "bob@askvik.example"]
    assert all(i.emailed_at for i in invited)


def test_a_round_with_answers_cannot_be_deleted(client, personas, team):
    bulk_responses(team.before, [{}], value=3)
    client.force_login(personas.alice)
    response = client.get(reverse("admin:surveys_round_delete", args=[team.before.pk]))
    assert response.status_code == 403


def test_another_municipalitys_rounds_are_invisible(client, personas, team):
    client.force_login(personas.charlie)
    assert "Ledergruppen i Helse" not in client.get(
        reverse("admin:surveys_round_changelist")).content.decode()
    assert client.get(reverse("admin:surveys_round_change",
                              args=[team.before.pk])).status_code == 404  # not found


def test_thresholds_admin_refuses_below_three(client, personas):
    client.force_login(personas.alice)
    response = client.post(reverse("admin:surveys_anonymitysettings_add"),
                           {"min_respondents": "2", "min_text_respondents": "10",
                            "min_group_respondents": "3"})
    assert response.status_code == 200
    assert "En grense kan ikke være lavere enn 3." in response.content.decode()
    assert not AnonymitySettings.objects.exists()
    response = client.post(reverse("admin:surveys_anonymitysettings_add"),
                           {"min_respondents": "7", "min_text_respondents": "10",
                            "min_group_respondents": "3"})
    assert response.status_code == 302
    assert AnonymitySettings.objects.get().organisation == personas.org_a
