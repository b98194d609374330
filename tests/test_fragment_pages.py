"""The cached pages of the load benchmark stay right: the module list, a survey's answer
page and a purpose poster show a change made through the portal at once, and two
objects' pages never share a cache entry."""

from __future__ import annotations

import html
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from groups import services as group_services
from lib import fragments
from surveys.models import Draft, Invitation, ItemKind
from tests.factories import LeaderGroupFactory, LeaderGroupMembershipFactory
from tests.keyboard import journey_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fragments_on():
    cache.clear()
    with override_settings(FRAGMENT_CACHE_SECONDS=60):
        yield
    cache.clear()


def test_module_list_shows_my_request_at_once(client, personas):
    data = journey_data(personas)
    client.force_login(personas.bob)
    url = reverse("programs:module_list")
    assert "Endringsleiing" in client.get(url).content.decode()
    assert "Du:" not in client.get(url).content.decode()  # cached
    response = client.post(reverse("programs:enrollment_request", args=[data.module.uuid]),
                           {"note": "Jeg vil lære å lede endring"})
    assert response.status_code == 302
    assert "Du:" in client.get(url).content.decode()


def test_survey_page_shows_the_saved_draft_at_once(client, personas):
    data = journey_data(personas)
    client.force_login(personas.bob)
    url = reverse("surveys:answer", args=[data.round.pk])
    item = data.round.instrument.items.filter(kind=ItemKind.SCALE).order_by("order").first()
    field = f"item_{item.pk}"
    checked = re.compile(rf'name="{field}" value="4"[^>]*checked')
    assert not checked.search(client.get(url).content.decode())
    client.get(url)  # from the cache
    response = client.post(url, {field: "4", "action": "save"})
    assert response.status_code == 302
    assert Draft.objects.filter(invitation__leader=personas.bob_leader).exists()
    page = client.get(url).content.decode()
    assert checked.search(page)
    assert "Carry on where you left off" in page or "Fortsett der du slapp" in page


def test_two_posters_never_share_a_cache_entry(client, personas):
    journey_data(personas, commitments=("Felles retning",))
    other = LeaderGroupFactory(organisation=personas.org_a, name="Andre leiargruppe",
                               head=personas.boss_leader, unit=personas.boss_leader.unit)
    LeaderGroupMembershipFactory(group=other, leader=personas.bob_leader)
    saved = group_services.poster_version_save(
        group=other, author=personas.boss_leader.user, base_number=None, lead="Vi skal:",
        commitments=[group_services.CommitmentInput("Lytte til brukerne")])
    group_services.poster_publish(version=saved.version, actor=personas.boss_leader.user)
    client.force_login(personas.bob)
    first = reverse("groups:poster", args=[journey_data_group(personas).public_id])
    second = reverse("groups:poster", args=[other.public_id])
    for _ in range(2):
        page = client.get(first).content.decode()
        assert "Felles retning" in page and "Lytte til brukerne" not in page
        page = client.get(second).content.decode()
        assert "Lytte til brukerne" in page and "Felles retning" not in page


def journey_data_group(personas):
    from groups.models import LeaderGroup

    return LeaderGroup.objects.get(organisation=personas.org_a,
                                   name="Leiargruppa i Helse og velferd")


def test_another_municipality_still_gets_404_for_a_cached_poster(client, personas):
    journey_data(personas)
    group = journey_data_group(personas)
    client.force_login(personas.bob)
    assert client.get(reverse("groups:poster", args=[group.public_id])).status_code == 200
    client.force_login(personas.dora_leader.user)
    assert client.get(reverse("groups:poster", args=[group.public_id])).status_code == 404


def test_another_municipality_gets_404_for_a_cached_survey_page(client, personas):
    data = journey_data(personas)
    Invitation.objects.create(round=data.round, leader=personas.bob_leader)
    # Even with an invitation of their own to it (made directly, as an import could).
    Invitation.objects.create(round=data.round, leader=personas.dora_leader)
    url = reverse("surveys:answer", args=[data.round.pk])
    client.force_login(personas.bob)
    assert client.get(url).status_code == 200
    client.force_login(personas.dora_leader.user)
    assert client.get(url).status_code == 404


def _title(page: str) -> str:
    return html.unescape(re.search(r"<title>(.*?)</title>", page, re.S).group(1))


def test_cached_survey_page_checks_access_in_one_query_and_keeps_its_title(client, personas):
    data = journey_data(personas)
    Invitation.objects.create(round=data.round, leader=personas.bob_leader)
    client.force_login(personas.bob)
    url = reverse("surveys:answer", args=[data.round.pk])
    first = client.get(url).content.decode()
    with CaptureQueriesContext(connection) as ctx:
        second = client.get(url).content.decode()
    # The session, the user and the invitation with its round and leader.
    assert len(ctx.captured_queries) == 3
    assert data.group.name in _title(first)  # an effect survey's title names the group
    assert _title(second) == _title(first)
    assert second.count('type="radio"') == first.count('type="radio"') > 0


def test_cached_survey_page_is_refused_once_answered_elsewhere(client, personas):
    data = journey_data(personas)
    Invitation.objects.create(round=data.round, leader=personas.bob_leader)
    client.force_login(personas.bob)
    url = reverse("surveys:answer", args=[data.round.pk])
    client.get(url)
    # Marked answered without a request through this portal (so nothing is invalidated):
    # the access check runs on every request, the cache only saves the rendering.
    Invitation.objects.filter(round=data.round, leader=personas.bob_leader).update(submitted=True)
    page = client.get(url).content.decode()
    assert 'type="radio"' not in page
    assert data.group.name in _title(page)


def test_cached_poster_checks_the_municipality_in_one_query_and_keeps_roles(personas):
    data = journey_data(personas)
    url = reverse("groups:poster", args=[data.group.public_id])
    edit = reverse("groups:poster_edit", args=[data.group.public_id])
    member, reader = Client(), Client()
    member.force_login(personas.bob)
    reader.force_login(personas.alice)  # O&F of the municipality: not a member
    for _ in range(2):
        with CaptureQueriesContext(connection) as ctx:
            mine = member.get(url).content.decode()
        queries = len(ctx.captured_queries)
        theirs = reader.get(url).content.decode()
        assert data.group.name in _title(mine) and data.group.name in _title(theirs)
        assert edit in mine and edit not in theirs  # only a member may draft
    assert queries == 3  # from the cache: session, user, the group by its public id


def test_a_page_reads_the_generation_stamps_once(client, personas, monkeypatch):
    calls = []
    real = fragments.cache.get_many
    monkeypatch.setattr(fragments.cache, "get_many",
                        lambda keys, *a, **kw: calls.append(keys) or real(keys, *a, **kw))
    data = journey_data(personas)
    client.force_login(personas.bob)
    url = reverse("groups:poster", args=[data.group.public_id])
    client.get(url)
    calls.clear()
    response = client.get(url)  # content, menu and footer: three fragments
    assert response.status_code == 200 and data.group.name in response.content.decode()
    assert len(calls) == 1
