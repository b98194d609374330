"""A whole portal to test access against: the demo data of both municipalities.

The demo seeder (``seed_demo``) already builds every kind of object of every
track app in two municipalities, with one account per role, so the access
matrix, the CSP walk and the form crawler test the same realistic world the
demo shows instead of a hand-built subset that silently misses new models.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.test import Client

from accounts.models import Leader, User
from demo.world import DEMO_ACCOUNTS, DEMO_PASSWORD, seed_all
from groups.models import LeaderGroupMembership

# Role → who plays it. The last two live in the small municipality (B).
ROLES = ["oaf_a", "facilitator", "coach", "leader_above", "group_head", "group_member",
         "leader", "oaf_b", "leader_b", "anonymous"]
OTHER_MUNICIPALITY = {"oaf_b", "leader_b"}


@dataclass
class World:
    users: dict[str, User | None]
    leaders: dict[str, Leader] = field(default_factory=dict)

    def client(self, role: str) -> Client:
        client = Client()
        user = self.users[role]
        if user is not None:
            client.force_login(user)
        return client

    def leader(self, role: str) -> Leader:
        return self.leaders[role]


def build_world() -> World:
    """Seed the demo data (both municipalities) and name one user per role."""
    seed_all(scale=1)
    by_email = {u.email: u for u in User.objects.filter(email__in=DEMO_ACCOUNTS.values())}
    users: dict[str, Any] = {
        "oaf_a": by_email[DEMO_ACCOUNTS["oaf"]],
        "facilitator": by_email[DEMO_ACCOUNTS["facilitator"]],
        "coach": by_email[DEMO_ACCOUNTS["coach"]],
        "leader_above": by_email[DEMO_ACCOUNTS["leader_above"]],
        "group_head": by_email[DEMO_ACCOUNTS["group_head"]],
        "leader": by_email[DEMO_ACCOUNTS["leader"]],
        "oaf_b": by_email[DEMO_ACCOUNTS["small_oaf"]],
        "anonymous": None,
    }
    head = Leader.objects.get(user=users["group_head"])
    member = (LeaderGroupMembership.objects.filter(group__head=head)
              .exclude(leader=head).select_related("leader__user").first())
    users["group_member"] = member.leader.user
    users["leader_b"] = (Leader.objects.filter(organisation=users["oaf_b"].organisation)
                         .select_related("user").first().user)
    leaders = {role: Leader.objects.get(user=user) for role, user in users.items()
               if user is not None and Leader.objects.filter(user=user).exists()}
    return World(users=users, leaders=leaders)


def login_password() -> str:
    return DEMO_PASSWORD
