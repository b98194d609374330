from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Leader, Organisation, Unit, User
from demo.world import DEMO_ACCOUNTS, DEMO_PASSWORD
from groups.models import LeaderGroup

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(demo_world):
    """The demo world, seeded once for this module (root conftest)."""
    return Organisation.objects.get(slug="fjordvik"), Organisation.objects.get(slug="lia")


def test_large_municipality_is_believable(seeded):
    large, _ = seeded
    leaders = Leader.objects.filter(organisation=large)
    assert 600 <= leaders.count() <= 700
    assert 160 <= leaders.new_leaders().count() <= 200
    assert Unit.objects.filter(organisation=large, kind="tjenesteomrade").count() == 8
    assert Unit.objects.filter(organisation=large, kind="virksomhet").count() == 60
    assert 85 <= LeaderGroup.objects.filter(organisation=large).count() <= 95
    levels = Counter(leaders.values_list("level", flat=True))
    assert levels["kommunedirektor"] == 1 and levels["kommunalsjef"] == 8
    today = timezone.localdate()
    ages = [today.year - y for y in leaders.values_list("birth_year", flat=True)]
    fifties = sum(1 for a in ages if 50 <= a <= 59)
    assert fifties / len(ages) > 0.35  # the largest age band
    # Every leader but the director has a leader above in the same municipality.
    assert leaders.filter(leader_above__isnull=True).count() == 1
    assert not leaders.exclude(leader_above__organisation=large).exclude(
        leader_above__isnull=True).exists()
    # The unit tree is valid for treebeard.
    assert Unit.objects.find_problems() == ([], [], [], [], [])


def test_small_municipality_is_separate(seeded):
    large, small = seeded
    assert 15 <= Leader.objects.filter(organisation=small).count() <= 25
    assert not Leader.objects.filter(organisation=small, unit__organisation=large).exists()
    assert not Leader.objects.filter(organisation=small,
                                     leader_above__organisation=large).exists()


def test_demo_accounts_can_log_in_and_hold_their_roles(seeded, client):
    for key, email in DEMO_ACCOUNTS.items():
        assert client.login(username=email, password=DEMO_PASSWORD), key
        client.logout()
    group_head = Leader.objects.get(user__email=DEMO_ACCOUNTS["group_head"])
    assert group_head.headed_groups.exists()
    above = Leader.objects.get(user__email=DEMO_ACCOUNTS["leader_above"])
    assert above.reports.count() >= 5
    assert User.objects.get(email=DEMO_ACCOUNTS["oaf"]).is_staff


def test_seed_is_deterministic_and_refuses_to_run_twice(seeded):
    first = list(Leader.objects.order_by("user__email").values_list("user__email", "title"))
    with pytest.raises(SystemExit):
        call_command("seed_demo", verbosity=0)
    call_command("seed_demo", "--if-empty", verbosity=0)  # a no-op
    call_command("seed_demo", "--reset", verbosity=0)
    again = list(Leader.objects.order_by("user__email").values_list("user__email", "title"))
    assert first == again


def test_scale_multiplies_the_large_municipality():
    call_command("seed_demo", "--reset", "--scale", "2", verbosity=0)
    large = Organisation.objects.get(slug="fjordvik")
    assert Unit.objects.filter(organisation=large, kind="virksomhet").count() == 120
    assert 1200 <= Leader.objects.filter(organisation=large).count() <= 1400


def test_new_leader_is_derived_from_leader_since(seeded):
    leader = Leader.objects.filter(organisation__slug="fjordvik").first()
    leader.leader_since = timezone.localdate() - dt.timedelta(days=100)
    assert leader.is_new()
    leader.leader_since = timezone.localdate() - dt.timedelta(days=400)
    assert not leader.is_new()
