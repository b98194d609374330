"""Every view: the owner can, a read-only user of the municipality gets 403, another
municipality gets 404 (and the notes are a 404 to everyone outside the group)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from ..models import NetworkPlan
from .factories import ProgrammeFactory, weekday_after

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Case:
    view: str
    method: str
    obj: str  # plan / group / proposed / past / programme
    owner: str
    readonly: str
    data: tuple = ()


CASES = [
    Case("plan_start", "post", "programme", "alice", "bob"),
    Case("plan_compose", "get", "plan", "alice", "bob"),
    Case("groups_propose", "post", "plan", "alice", "bob", (("min_size", 5), ("max_size", 6))),
    Case("member_move", "post", "plan", "alice", "bob"),
    Case("group_create", "post", "plan", "alice", "bob", (("name", "Gygrene"),)),
    Case("groups_confirm", "post", "plan", "alice", "bob"),
    Case("meeting_plan", "get", "plan", "alice", "bob"),
    Case("meeting_plan", "get", "plan", "fia", "bob"),
    Case("meetings_plan_run", "post", "plan", "alice", "fia"),
    Case("poll_announce", "post", "plan", "alice", "fia"),
    Case("group_detail", "get", "group", "bob", "outsider"),
    Case("group_detail", "get", "group", "fia", "outsider"),
    Case("group_update", "post", "group", "alice", "bob", (("name", "Gygrene"),)),
    Case("group_delete", "post", "group", "alice", "bob"),
    Case("meeting_detail", "get", "proposed", "bob", "outsider"),
    Case("meeting_detail", "get", "proposed", "alice", "outsider"),
    Case("meeting_vote", "post", "proposed", "bob", "alice"),
    Case("meeting_confirm", "post", "proposed", "alice", "bob"),
    Case("meeting_edit", "get", "proposed", "alice", "bob"),
    Case("meeting_edit", "post", "proposed", "alice", "bob", (
        ("date", weekday_after(timezone.localdate(), 40).isoformat()), ("slot", "FL"),
        ("starts_at", "09:00"), ("ends_at", "11:30"), ("place", "Rådhuset"))),
    Case("meeting_cancel", "post", "proposed", "alice", "bob"),
    Case("meeting_option_add", "post", "proposed", "alice", "bob"),
    Case("meeting_note", "post", "past", "bob", "fia", (("case", "Ny leder"),)),
    Case("meeting_ics", "get", "proposed", "bob", "outsider"),
    # Issue 17: rounds by hand (O&F and the group's adviser), history, import, planner.
    Case("meeting_create", "post", "group", "alice", "bob", (("status", "ikke_satt"),)),
    Case("meeting_create", "post", "group", "fia", "bob", (("status", "ikke_satt"),)),
    Case("meeting_held", "post", "past", "alice", "bob"),
    Case("meeting_held", "post", "past", "fia", "bob"),
    Case("meeting_edit", "get", "proposed", "fia", "bob"),
    Case("plan_import", "get", "plan", "alice", "fia"),
    Case("plan_import", "post", "plan", "alice", "fia"),
    Case("meetings_plan_range", "post", "plan", "alice", "fia", (
        ("per_group", 1), ("first", weekday_after(timezone.localdate(), 5).isoformat()),
        ("last", weekday_after(timezone.localdate(), 60).isoformat()))),
]

# A plan file of one round not yet set, for the import's preview.
PLAN_FILE = "Gruppe;Runde;Dato;Tid;Rådgiver;Status\r\nBlåveis;3;;;;ikke satt\r\n".encode("cp1252")


@pytest.fixture
def users(net, personas):
    return {"alice": personas.alice, "bob": personas.bob, "charlie": personas.charlie,
            "fia": net.facilitator, "outsider": net.outsider_leader.user}


def _url(case: Case, net) -> str:
    if case.obj == "programme":
        programme = ProgrammeFactory(organisation=net.programme.organisation, slug="nytt")
        return reverse(f"networks:{case.view}", args=[programme.slug])
    target = {"plan": net.plan, "group": net.group, "proposed": net.proposed,
              "past": net.past}[case.obj]
    return reverse(f"networks:{case.view}", args=[target.uuid])


def _call(client, case: Case, url: str, net):
    data = dict(case.data)
    if case.view == "meeting_vote":
        data = {f"option_{o.pk}": "ja" for o in net.options}
    if case.view == "plan_import" and case.method == "post":
        data = {"file": SimpleUploadedFile("plan.csv", PLAN_FILE)}
    return getattr(client, case.method)(url, data)


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.view}-{c.method}-{c.owner}")
def test_owner_can(client, net, users, case):
    client.force_login(users[case.owner])
    response = _call(client, case, _url(case, net), net)
    assert response.status_code in (200, 302), response.status_code


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.view}-{c.method}-{c.readonly}")
def test_read_only_user_gets_403(client, net, users, case):
    client.force_login(users[case.readonly])
    response = _call(client, case, _url(case, net), net)
    assert response.status_code == 403


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.view}-{c.method}-charlie")
def test_other_municipality_gets_404(client, net, users, case):
    client.force_login(users["charlie"])
    response = _call(client, case, _url(case, net), net)
    assert response.status_code == 404


@pytest.mark.parametrize("who", ["alice", "outsider", "charlie"])
def test_the_note_is_a_404_outside_the_group(client, net, users, who):
    client.force_login(users[who])
    url = reverse("networks:meeting_note", args=[net.past.uuid])
    assert client.get(url).status_code == 404
    assert client.post(url, {"case": "Snok"}).status_code == 404


def test_group_and_facilitator_read_the_note(client, net, users):
    url = reverse("networks:meeting_note", args=[net.past.uuid])
    for who in ("bob", "fia"):
        client.force_login(users[who])
        assert client.get(url).status_code == 200


def test_members_of_a_draft_plan_do_not_see_their_group_yet(client, net, users):
    NetworkPlan.objects.filter(pk=net.plan.pk).update(status="utkast", confirmed_at=None)
    client.force_login(users["bob"])
    assert client.get(reverse("networks:group_detail", args=[net.group.uuid])).status_code == 403
    assert client.get(reverse("networks:meeting_detail",
                              args=[net.proposed.uuid])).status_code == 403


def test_index_shows_only_ones_own_municipality(client, net, users):
    client.force_login(users["charlie"])
    response = client.get(reverse("networks:index"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Askviklederen" not in text and "Blåveis" not in text
    client.force_login(users["alice"])
    assert "Askviklederen" in client.get(reverse("networks:index")).content.decode()


def test_a_malformed_id_is_a_404(client, users):
    client.force_login(users["alice"])
    assert client.get("/nettverk/moter/ikke-en-uuid/").status_code == 404


@pytest.mark.parametrize("view", ["meeting_vote", "meeting_confirm", "groups_confirm",
                                  "meeting_cancel"])
def test_state_changes_need_post(client, net, users, view):
    client.force_login(users["alice"])
    obj = net.plan if view == "groups_confirm" else net.proposed
    assert client.get(reverse(f"networks:{view}", args=[obj.uuid])).status_code == 405
