"""The demo data gives every demo account something real to look at."""

from __future__ import annotations

from collections import Counter

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.demo import DEMO_ACCOUNTS
from accounts.models import User
from groups.models import GroupProcess, LeaderGroup, Phase, PurposePoster

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(demo_world):
    """The demo world, seeded once for this module (root conftest)."""
    return demo_world


def test_processes_in_several_waves_and_every_phase(seeded):
    processes = GroupProcess.objects.filter(group__organisation__slug="fjordvik")
    waves = Counter(processes.values_list("wave__number", flat=True))
    assert set(waves) == {1, 2, 3, 4}
    phases = set(processes.values_list("phase", flat=True))
    assert phases == set(Phase.values)
    assert LeaderGroup.objects.filter(organisation__slug="fjordvik",
                                      process__isnull=True).exists()  # still to be planned
    # Every process is consistent with what the services would have written.
    assert not processes.filter(started_on__gt=timezone.localdate()).exists()
    for p in processes.prefetch_related("sessions"):
        held = [s for s in p.sessions.all() if s.held_on]
        assert bool(held) <= p.is_started
    assert User.objects.filter(organisation__slug="fjordvik", is_facilitator=True).count() >= 4


def test_group_head_has_a_process_underway_with_a_poster(seeded, client):
    head = User.objects.get(email=DEMO_ACCOUNTS["group_head"])
    group = LeaderGroup.objects.get(head__user=head)
    process = group.process
    assert process.phase == Phase.DEVELOPMENT
    assert process.facilitator.email == DEMO_ACCOUNTS["facilitator"]
    assert process.sessions.filter(held_on__isnull=False).count() >= 3
    assert process.sessions.filter(held_on__isnull=True).exists()
    assert process.tasks.filter(completions__isnull=False).exists()
    poster = group.poster
    assert poster.versions.count() == 4 and poster.published_version.number == 3
    assert poster.versions.get(number=4).comments.exists()
    client.force_login(head)
    text = client.get(reverse("groups:poster", args=[group.public_id])).content.decode()
    assert "Publiser versjon 4" in text
    client.force_login(User.objects.get(email=DEMO_ACCOUNTS["leader"]))
    text = client.get(reverse("groups:poster", args=[group.public_id])).content.decode()
    assert "Publisert plakat" in text and "Nyeste utkast" not in text


def test_facilitator_and_small_municipality(seeded):
    facilitator = User.objects.get(email=DEMO_ACCOUNTS["facilitator"])
    assert facilitator.facilitated_processes.count() >= 5
    lia = PurposePoster.objects.filter(group__organisation__slug="lia",
                                       published_version__isnull=False).get()
    assert "MEIRVERDI" in lia.published_version.lead


def test_reset_removes_and_rebuilds(seeded):
    call_command("seed_demo", reset=True, verbosity=0)
    assert GroupProcess.objects.filter(group__organisation__slug="fjordvik").count() > 50
