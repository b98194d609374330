"""The demo's platforms (Fjordvik mid-process, Lia published in nynorsk) and O&F's admin."""

from __future__ import annotations

import random

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from programs.tests.factories import ModuleFactory

from .. import demo
from ..models import (
    Characteristic,
    Platform,
    PlatformVersion,
    Proposal,
    SelfAssessment,
    Step,
    VersionStatus,
)
from .conftest import at_step, in_english, publish

pytestmark = pytest.mark.django_db


def test_the_demo_has_one_platform_mid_process_and_one_published_in_nynorsk(lp):
    # The fixture's own; the demo makes the municipality's (the standard platform stays).
    Platform.objects.filter(organisation__isnull=False).delete()
    module = ModuleFactory(programme__organisation=lp.org)
    counts = demo.seed_demo(large=lp.org, small=lp.personas.org_b, rng=random.Random(1),
                            today=timezone.localdate(), scale=1)
    assert counts["leader platforms"] == 2
    draft = PlatformVersion.objects.get(platform__organisation=lp.org,
                                        status=VersionStatus.DRAFT)
    assert draft.step == Step.ANALYSE
    proposals = Proposal.objects.filter(version=draft)
    assert proposals.filter(leader_group__isnull=False).exists()
    assert proposals.filter(network_group__isnull=False).exists()
    assert proposals.filter(characteristic__isnull=True).exists()  # some still to sort
    assert proposals.filter(characteristic__isnull=False).exists()
    assert draft.step_plans.count() == 6
    lia = PlatformVersion.objects.get(platform__organisation=lp.personas.org_b)
    assert lia.is_published
    with translation.override("nn"):
        assert lia.platform.name == "Leiarplattform for Lia"
        assert lia.themes.first().name == "Oppgåveorientert leiing"
    assert SelfAssessment.objects.filter(version__platform__organisation=lp.org).count() >= 5
    # Each published module builds a characteristic of the published version.
    assert module.platform_characteristics.get().version.is_published
    demo.delete_demo(organisations=type(lp.org).objects.filter(pk__in=[lp.org.pk,
                                                                      lp.personas.org_b.pk]))
    assert not Platform.objects.filter(organisation__isnull=False).exists()
    assert Platform.objects.get().is_standard  # the demo never touches the standard


def test_oaf_runs_the_steps_with_admin_actions(client, lp):
    client.force_login(in_english(lp.oaf))
    url = reverse("admin:leaderplatform_platformversion_changelist")
    response = client.post(url, {"action": "advance", "_selected_action": [lp.version.pk]})
    assert response.status_code == 302
    lp.version.refresh_from_db()
    assert lp.version.step == Step.GROUP_PURPOSE
    # Publishing now is refused with the reason, nothing changes.
    response = client.post(url, {"action": "publish", "_selected_action": [lp.version.pk]},
                           follow=True)
    assert "step 6" in response.content.decode()
    assert PlatformVersion.objects.get(pk=lp.version.pk).is_draft
    # Another draft cannot be started while one is under way.
    response = client.post(reverse("admin:leaderplatform_platform_changelist"),
                           {"action": "start_version",
                            "_selected_action": [lp.version.platform_id]}, follow=True)
    assert "already under way" in response.content.decode()
    assert PlatformVersion.objects.filter(platform=lp.version.platform).count() == 1


def test_a_characteristic_takes_only_a_theme_of_its_own_version(client, lp):
    version = publish(lp)
    characteristic = Characteristic.objects.filter(version=version).first()
    draft = PlatformVersion.objects.create(platform=version.platform, number=2)
    other_theme = draft.themes.create(name_nb="Endring")
    client.force_login(in_english(lp.oaf))
    url = reverse("admin:leaderplatform_characteristic_change", args=[characteristic.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"theme": other_theme.pk, "position": 1, "text_nb": "Tydelig",
                                 "behaviours-TOTAL_FORMS": 0, "behaviours-INITIAL_FORMS": 0})
    assert response.status_code == 200  # the form again, with the error
    assert "same platform version" in response.content.decode()


def test_the_admin_never_shows_who_typed_a_proposal_and_is_scoped(client, lp):
    version = at_step(lp.version, Step.BRAINSTORM)
    from .. import services

    proposal = services.proposal_submit(version=version, actor=lp.member.user,
                                        leader_group=lp.group, text="Ser den enkelte")
    client.force_login(lp.oaf)
    page = client.get(reverse("admin:leaderplatform_proposal_change", args=[proposal.pk]))
    assert "Ser den enkelte" in page.content.decode()
    assert "Bob Leder" not in page.content.decode()
    client.force_login(lp.personas.charlie)
    assert client.get(reverse("admin:leaderplatform_proposal_change",
                              args=[proposal.pk])).status_code == 404
    assert "Ser den enkelte" not in client.get(
        reverse("admin:leaderplatform_proposal_changelist")).content.decode()
