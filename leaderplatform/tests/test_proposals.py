"""Step 3: who submits proposals for a group, and what a proposal may be. Shown as the group's."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lib.testing import assert_refused

from .. import services
from ..models import Proposal, Step
from .conftest import at_step, in_english

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_version(lp):
    return at_step(lp.version, Step.BRAINSTORM)


def test_members_head_facilitator_and_oaf_submit_for_the_leader_group(lp, open_version):
    for actor in (lp.member.user, lp.head.user, lp.facilitator, lp.oaf):
        services.proposal_submit(version=open_version, actor=actor, leader_group=lp.group,
                                 text=f"Forslag fra {actor.pk}")
    assert Proposal.objects.filter(leader_group=lp.group).count() == 4


def test_network_members_and_facilitator_submit_for_the_network_group(lp, open_version):
    for actor in (lp.nina.user, lp.net_facilitator):
        services.proposal_submit(version=open_version, actor=actor, network_group=lp.net_group,
                                 text="Deler kunnskap på tvers")
    assert Proposal.objects.filter(network_group=lp.net_group).count() == 2


@pytest.mark.parametrize("who", ["other", "nina", "net_facilitator", "coach", "charlie"])
def test_anyone_outside_the_group_is_refused(lp, open_version, who):
    actor = {"other": lp.other.user, "nina": lp.nina.user, "net_facilitator": lp.net_facilitator,
             "coach": lp.coach, "charlie": lp.personas.charlie}[who]
    assert_refused("permission_denied", lambda: services.proposal_submit(
        version=open_version, actor=actor, leader_group=lp.group, text="Tydelig"))
    assert not Proposal.objects.exists()


def test_proposals_only_in_step_three(lp):
    for step in (Step.PURPOSE, Step.ANALYSE, Step.DECIDE):
        version = at_step(lp.version, step)
        assert_refused("wrong_step", lambda version=version: services.proposal_submit(
            version=version, actor=lp.member.user, leader_group=lp.group, text="Tydelig"))
    assert not Proposal.objects.exists()


def test_empty_too_long_and_no_group_are_refused_with_codes(lp, open_version):
    submit = lambda **kw: services.proposal_submit(version=open_version,  # noqa: E731
                                                   actor=lp.member.user, **kw)
    assert_refused("empty", lambda: submit(leader_group=lp.group, text="  \n\t "))
    assert_refused("too_long", lambda: submit(leader_group=lp.group, text="å" * 10_240))
    assert_refused("no_group", lambda: submit(text="Tydelig"))
    assert_refused("no_group", lambda: submit(text="Tydelig", leader_group=lp.group,
                                              network_group=lp.net_group))
    assert not Proposal.objects.exists()


def test_markup_is_kept_as_typed_and_escaped_on_the_page(client, lp, open_version):
    client.force_login(lp.member.user)
    url = reverse("leaderplatform:proposals", args=[open_version.uuid])
    response = client.post(url, {"group": f"lg:{lp.group.public_id}",
                                 "text": "<script>alert(1)</script> Ser <b>hver</b> enkelt"})
    assert response.status_code == 302
    assert Proposal.objects.get().text == "<script>alert(1)</script> Ser <b>hver</b> enkelt"
    page = client.get(url).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Ser &lt;b&gt;hver&lt;/b&gt; enkelt" in page


def test_a_10_kb_post_shows_the_reason_and_saves_nothing(client, lp, open_version):
    client.force_login(lp.member.user)
    url = reverse("leaderplatform:proposals", args=[open_version.uuid])
    response = client.post(url, {"group": f"lg:{lp.group.public_id}", "text": "x" * 10_240})
    assert response.status_code == 400
    assert "2000" in response.content.decode()
    response = client.post(url, {"group": f"lg:{lp.group.public_id}", "text": ""})
    assert response.status_code == 400
    assert not Proposal.objects.exists()


def test_a_group_of_two_sees_the_proposal_as_the_groups_never_the_persons(client, lp,
                                                                          open_version):
    services.proposal_submit(version=open_version, actor=lp.member.user, leader_group=lp.group,
                             text="Står i vanskelige beslutninger")
    client.force_login(lp.head.user)
    page = client.get(reverse("leaderplatform:proposals", args=[open_version.uuid]))
    text = page.content.decode()
    assert "Står i vanskelige beslutninger" in text
    assert "Ledergruppa Helse" in text
    assert lp.member.user.full_name not in text
    # Nor in the admin, the clustering page or the candidate's «proposed by».
    at_step(open_version, Step.ANALYSE)
    client.force_login(lp.oaf)
    for url in (reverse("leaderplatform:cluster", args=[open_version.uuid]),
                reverse("admin:leaderplatform_proposal_changelist"),
                reverse("admin:leaderplatform_proposal_change",
                        args=[Proposal.objects.get().pk])):
        response = client.get(url)
        assert response.status_code == 200, url
        assert lp.member.user.full_name not in response.content.decode(), url


def test_a_member_of_no_group_is_told_and_cannot_post(client, lp, open_version):
    client.force_login(in_english(lp.other.user))
    url = reverse("leaderplatform:proposals", args=[open_version.uuid])
    assert "no leader group or network group" in client.get(url).content.decode()
    assert client.post(url, {"group": f"lg:{lp.group.public_id}", "text": "x"}).status_code == 403
    client.force_login(lp.personas.charlie)
    assert client.get(url).status_code == 404
