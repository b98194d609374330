"""Messages to participants: the admin's form, preview, once-only sending, the history."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from cockpit.models import DeliveryStatus, Message, MessageDelivery
from cockpit.services import message_deliver, message_send
from cockpit.tasks import message_deliver as deliver_task
from lib.testing import assert_refused
from programs.tests.factories import ModuleFactory

pytestmark = pytest.mark.django_db


def _compose_url(module):
    return reverse("admin:cockpit_message_compose") + f"?kind=module&ids={module.pk}"


def test_the_admin_action_leads_to_the_form_with_the_recipients_count(client, personas, module,
                                                                      participants):
    client.force_login(personas.alice)
    response = client.post(reverse("admin:programs_module_changelist"),
                           {"action": "send_message", "_selected_action": [module.pk]})
    assert response.status_code == 302
    assert response["Location"] == _compose_url(module)
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert page.context["recipient_count"] == 3
    assert "Bob Leder" in page.content.decode()


def test_preview_then_send_goes_once_to_each_and_shows_on_min_side(
        client, personas, module, participants, django_capture_on_commit_callbacks):
    client.force_login(personas.alice)
    data = {"kind": "module", "ids": str(module.pk), "subject": "Rom endret",
            "body": "Første samling er flyttet til\nrådhuset, sal 2."}
    preview = client.post(reverse("admin:cockpit_message_compose"), {**data, "preview": "1"})
    assert preview.status_code == 200 and preview.context["preview"] is True
    assert not Message.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(reverse("admin:cockpit_message_compose"), {**data, "send": "1"})
    message = Message.objects.get()
    assert sent.status_code == 302
    assert sent["Location"] == reverse("admin:cockpit_message_change", args=[message.pk])
    assert message.recipient_count == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        e.leader.user.email for e in participants)
    assert set(MessageDelivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}
    nynorsk = next(m for m in mail.outbox if m.to[0] == participants[1].leader.user.email)
    assert "Hei" in nynorsk.body and "rådhuset, sal 2." in nynorsk.body
    assert nynorsk.subject == "Rom endret"
    # The history: O&F's admin page and the recipient's Min side.
    assert "Rom endret" in client.get(sent["Location"]).content.decode()
    client.force_login(personas.bob)
    min_side = client.get(reverse("accounts:min_side")).content.decode()
    assert "Rom endret" in min_side and "rådhuset, sal 2." in min_side


def test_a_task_run_twice_sends_once(personas, module, participants,
                                     django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        message = message_send(sender=personas.alice, organisation=personas.org_a,
                               kind="module", targets=[module], subject="Hei", body="Tekst")
    delivery = message.deliveries.order_by("pk").first()
    assert deliver_task.apply(args=[delivery.pk]).get() == DeliveryStatus.SENT
    assert deliver_task.apply(args=[delivery.pk]).get() == DeliveryStatus.SENT
    assert message_deliver(delivery.pk) == DeliveryStatus.SENT
    assert len(mail.outbox) == 1


def test_the_sent_log_allows_one_row_per_message_and_person(personas, module, participants,
                                                            django_capture_on_commit_callbacks):
    from django.db import IntegrityError, transaction

    with django_capture_on_commit_callbacks(execute=False):
        message = message_send(sender=personas.alice, organisation=personas.org_a,
                               kind="module", targets=[module], subject="Hei", body="Tekst")
    with pytest.raises(IntegrityError), transaction.atomic():
        MessageDelivery.objects.create(message=message, recipient=personas.bob)


def test_refusals_change_nothing(personas, module, participants):
    assert_refused("subject_required", lambda: message_send(
        sender=personas.alice, organisation=personas.org_a, kind="module", targets=[module],
        subject="  ", body="Tekst"))
    assert_refused("body_required", lambda: message_send(
        sender=personas.alice, organisation=personas.org_a, kind="module", targets=[module],
        subject="Emne", body="\n"))
    empty = ModuleFactory(programme=module.programme, topic="Tom modul")
    assert_refused("no_recipients", lambda: message_send(
        sender=personas.alice, organisation=personas.org_a, kind="module", targets=[empty],
        subject="Emne", body="Tekst"))
    assert not Message.objects.exists() and not MessageDelivery.objects.exists()


def test_an_empty_subject_is_shown_on_the_form(client, personas, module, participants):
    client.force_login(personas.alice)
    response = client.post(reverse("admin:cockpit_message_compose"),
                           {"kind": "module", "ids": str(module.pk), "subject": "",
                            "body": "Tekst", "preview": "1"})
    assert response.status_code == 200
    assert response.context["form"].errors["subject"]
    assert not Message.objects.exists()


def test_another_municipalitys_admin_cannot_write_to_a_module_of_a(client, personas, module,
                                                                  participants):
    client.force_login(personas.charlie)
    assert client.get(_compose_url(module)).status_code == 403
    response = client.post(reverse("admin:cockpit_message_compose"),
                           {"kind": "module", "ids": str(module.pk), "subject": "x",
                            "body": "y", "send": "1"})
    assert response.status_code == 403
    assert not Message.objects.exists()


def test_a_leader_cannot_open_the_form(client, personas, module):
    client.force_login(personas.bob)
    assert client.get(_compose_url(module)).status_code == 302  # to the admin's login


@pytest.mark.parametrize("kind", ["session", "leadergroup", "networkgroup", "programme"])
def test_every_kind_of_target_reaches_its_people(personas, module, participants, kind):
    from cockpit.services import recipients_for
    from networks.models import NetworkGroup, NetworkMembership, NetworkPlan
    from programs.models import ProgrammeParticipant
    from tests.factories import LeaderGroupFactory, LeaderGroupMembershipFactory

    bob = personas.bob_leader
    if kind == "session":
        ids = [module.sessions.first().pk]
        expected = {e.leader.user_id for e in participants}
    elif kind == "leadergroup":
        group = LeaderGroupFactory(organisation=personas.org_a, head=personas.boss_leader)
        LeaderGroupMembershipFactory(group=group, leader=bob)
        ids, expected = [group.pk], {bob.user_id, personas.boss_leader.user_id}
    elif kind == "networkgroup":
        plan = NetworkPlan.objects.create(programme=module.programme)
        group = NetworkGroup.objects.create(plan=plan, name="Stjernelaget")
        NetworkMembership.objects.create(plan=plan, group=group, leader=bob)
        ids, expected = [group.pk], {bob.user_id}
    else:
        ProgrammeParticipant.objects.create(programme=module.programme,
                                            leader=personas.boss_leader)
        ids = [module.programme.pk]
        expected = {e.leader.user_id for e in participants} | {personas.boss_leader.user_id}
    assert set(recipients_for(kind=kind, ids=ids).values_list("pk", flat=True)) == expected


@pytest.mark.parametrize("model_label", ["programs.module", "programs.modulesession",
                                         "groups.leadergroup", "networks.networkgroup",
                                         "programs.programme"])
def test_every_target_list_offers_the_action(rf, personas, model_label):
    from django.apps import apps
    from django.contrib import admin

    request = rf.get("/admin/")
    request.user = personas.alice
    model_admin = admin.site._registry[apps.get_model(model_label)]
    assert "send_message" in model_admin.get_actions(request)
