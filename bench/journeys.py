"""The leaders a benchmark plays and the pages each of them may open (scale-10 demo data).

Shared by ``bench/load.py`` (realistic profile: each simulated user a different
leader) and ``bench/page_cpu.py`` (cold CPU per page). Run inside Django
(``django.setup()`` done). As a script it writes the people to a JSON file:

    .venv/bin/python bench/journeys.py N people.json [--sessions]

Each person is a dict: ``email``, ``user_id`` and one URL per kind of page that
leader may open (``None`` where the leader has nothing of that kind): Min side
and the module list for everyone; a survey to answer, a published purpose poster
of one of their leader groups, their group's progress page, a coaching course,
a network group and a network meeting with a date poll where they have one.
With ``--sessions`` each gets a session made directly (the password hash is not
what is measured).
"""

from __future__ import annotations

import json
import os
import random
import sys
from pathlib import Path
from typing import Any

ORG = "fjordvik"
ROOT = Path(__file__).resolve().parent.parent


def bench_django() -> None:
    """Set Django up as the benchmarks run it: ``bench.load_settings`` (DEBUG off,
    Redis cache and sessions, persistent connections) on the demo data's database."""
    if "postgres" not in os.environ.get("DATABASE_URL", "") or not os.environ.get("REDIS_URL"):
        sys.exit("set DATABASE_URL (PostgreSQL with the demo data) and REDIS_URL")
    sys.path.insert(0, str(ROOT))
    os.environ.update({"DEBUG": "false", "LEDERUTVIKLING_BENCH": "true",
                       "DATABASE_CONN_MAX_AGE": "60", "LOG_LEVEL": "WARNING",
                       "DJANGO_SETTINGS_MODULE": "bench.load_settings"})
    import django

    django.setup()
KINDS = ("survey", "poster", "progress", "coaching", "network", "meeting")


def people(limit: int, *, seed: int = 23) -> list[dict[str, Any]]:
    """Up to ``limit`` distinct active leaders of the large municipality.

    Picked round robin from those with a network poll, a network group, a coaching
    course, a poster, a group and a survey, so every kind of journey is played
    even where it is rare; then leaders with none of them (Min side only).
    """
    from django.db.models import Q
    from django.utils import timezone

    from accounts.models import Leader
    from coaching.models import CoachingCourse
    from groups.models import LeaderGroupMembership
    from networks.models import MeetingStatus, NetworkMeeting, NetworkMembership
    from surveys.models import Invitation, Round
    from surveys.services import AnswerRefused
    from surveys.services.answering import answer_access

    today = timezone.localdate()
    by_leader: dict[int, dict[str, Any]] = {}

    def slot(leader_id: int) -> dict[str, Any]:
        return by_leader.setdefault(leader_id, dict.fromkeys(KINDS))

    rounds = Round.objects.filter(organisation__slug=ORG).open_on(today)
    for inv in (Invitation.objects.filter(round__in=rounds, submitted=False,
                                          leader__user__is_active=True)
                .select_related("round", "leader").order_by("pk")):
        here = slot(inv.leader_id)
        if here["survey"]:
            continue
        try:
            answer_access(round=inv.round, leader=inv.leader, invitation=inv)
        except AnswerRefused:
            continue
        here["survey"] = f"/undersokelser/{inv.round_id}/svar/"
    for m in (LeaderGroupMembership.objects.filter(group__organisation__slug=ORG)
              .select_related("group").order_by("pk")
              .values("leader_id", "group__public_id", "group__poster__published_version")):
        here = slot(m["leader_id"])
        group = m["group__public_id"]
        here["progress"] = here["progress"] or f"/ledergrupper/{group}/"
        if m["group__poster__published_version"] and not here["poster"]:
            here["poster"] = f"/ledergrupper/{group}/formalsplakat/"
    for course in (CoachingCourse.objects.filter(leader__organisation__slug=ORG)
                   .order_by("pk").values("leader_id", "uuid")):
        slot(course["leader_id"])["coaching"] = f"/coaching/lop/{course['uuid']}/"
    polls: dict[int, Any] = {}  # a network group's first meeting with a date poll open
    for group_id, meeting in (NetworkMeeting.objects
                              .filter(status=MeetingStatus.PROPOSED, options__isnull=False)
                              .order_by("-number").values_list("group_id", "uuid")):
        polls[group_id] = meeting
    for m in (NetworkMembership.objects.filter(plan__programme__organisation__slug=ORG,
                                               group__isnull=False)
              .order_by("pk").values("leader_id", "group_id", "group__uuid")):
        here = slot(m["leader_id"])
        here["network"] = f"/nettverk/grupper/{m['group__uuid']}/"
        if m["group_id"] in polls:
            here["meeting"] = f"/nettverk/moter/{polls[m['group_id']]}/"
    leaders = {leader.pk: leader for leader in Leader.objects.filter(
        Q(pk__in=by_leader) | Q(organisation__slug=ORG), user__is_active=True,
        organisation__slug=ORG).select_related("user").order_by("pk")}
    # Round robin over the kinds (the rarest first), then the leaders with none of them.
    rng = random.Random(seed)
    pools = []
    for kind in ("meeting", "network", "coaching", "poster", "progress", "survey"):
        pool = [pk for pk, urls in by_leader.items() if urls[kind] and pk in leaders]
        rng.shuffle(pool)
        pools.append(pool)
    chosen: list[int] = []
    taken: set[int] = set()
    while len(chosen) < limit and any(pools):
        for pool in pools:
            while pool and pool[-1] in taken:
                pool.pop()
            if pool and len(chosen) < limit:
                taken.add(pool[-1])
                chosen.append(pool.pop())
    plain = [pk for pk in leaders if pk not in taken]
    rng.shuffle(plain)
    chosen += plain[:limit - len(chosen)]
    rng.shuffle(chosen)
    result = []
    for pk in chosen:
        user = leaders[pk].user
        urls = by_leader.get(pk) or dict.fromkeys(KINDS)
        result.append({"email": user.email, "user_id": user.pk, **urls})
    return result


def with_sessions(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Give each person a logged-in session, made directly as a login would."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from accounts.models import User

    store = import_module(settings.SESSION_ENGINE).SessionStore
    users = User.objects.in_bulk([p["user_id"] for p in found])
    for person in found:
        user = users[person["user_id"]]
        session = store()
        session.update({SESSION_KEY: str(user.pk),
                        BACKEND_SESSION_KEY: "accounts.backends.RoleBackend",
                        HASH_SESSION_KEY: user.get_session_auth_hash()})
        session.create()
        person["session"] = session.session_key
    return found


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lederutvikling.settings")
    import django

    django.setup()
    limit, target = int(sys.argv[1]), Path(sys.argv[2])
    found = people(limit)
    if "--sessions" in sys.argv:
        found = with_sessions(found)
    target.write_text(json.dumps(found), encoding="utf-8")
    counts = {kind: sum(1 for p in found if p[kind]) for kind in KINDS}
    print(json.dumps({"people": len(found), **counts}))


if __name__ == "__main__":
    main()
