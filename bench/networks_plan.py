"""Compose every Fjordvik leader (about 650) into network groups and plan a year of meetings.

    .venv/bin/python bench/networks_plan.py            # SQLite in a temp dir
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lederutvikling_bench \
        .venv/bin/python bench/networks_plan.py

Builds the demo data first (not timed), then times the same services O&F runs:
propose the groups, confirm them, plan the meetings (four gatherings, two
meetings between each pair, six facilitators, the municipality's holidays).
Target: under 5 s for the three together.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def prepare(env: dict[str, str]) -> None:
    for args in (["migrate", "--verbosity", "0"], ["seed_demo", "--reset"]):
        subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,  # noqa: S603
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def measure() -> None:
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    from django.utils import timezone

    from accounts.models import Leader, Organisation, User
    from networks import services
    from networks.models import MeetingOption, NetworkMeeting
    from programs.models import Gathering, Programme, ProgrammeParticipant

    org = Organisation.objects.get(slug="fjordvik")
    oaf = User.objects.get(email="oaf@fjordvik.example")
    today = timezone.localdate()
    programme = Programme.objects.create(organisation=org, name="Alle ledere i nettverk",
                                         slug=f"bench-{time.time_ns()}", starts_on=today,
                                         ends_on=today + dt.timedelta(days=364))
    facilitators = [User.objects.create(email=f"bench{i}-{time.time_ns()}@fjordvik.example",
                                        full_name=f"Benk Rådgiver {i}", organisation=org,
                                        is_facilitator=True) for i in range(6)]
    for index in range(4):
        Gathering.objects.create(programme=programme, theme=f"Samling {index + 1}",
                                 date=today + dt.timedelta(days=7 + 118 * index),
                                 starts_at=dt.time(9), ends_at=dt.time(15, 30), place="Rådhuset")
    leaders = list(Leader.objects.filter(organisation=org).values_list("pk", flat=True))
    ProgrammeParticipant.objects.bulk_create(
        [ProgrammeParticipant(programme=programme, leader_id=pk) for pk in leaders])
    plan = services.network_plan_create(programme=programme, actor=oaf)
    plan.facilitators.set(facilitators)

    started = time.perf_counter()
    proposal = services.network_groups_propose(programme=programme, actor=oaf, min_size=5,
                                               max_size=6)
    composed = time.perf_counter()
    services.network_groups_confirm(plan=plan, actor=oaf)
    confirmed = time.perf_counter()
    result = services.meetings_plan(plan=plan, actor=oaf)
    planned = time.perf_counter()

    groups = proposal.groups
    meetings = NetworkMeeting.objects.filter(group__plan=plan).count()
    options = MeetingOption.objects.filter(meeting__group__plan=plan).count()
    database = "postgresql" if "DATABASE_URL" in os.environ else "sqlite"
    print(f"leaders: {len(leaders)}, groups: {len(groups)} "
          f"(areas per group {sum(m.areas for _g, m in groups) / len(groups):.1f}, "
          f"levels {sum(m.levels for _g, m in groups) / len(groups):.1f}), "
          f"meetings: {meetings} with {options} poll dates, unplaced: {len(result.unplaced)}")
    print(f"compose {composed - started:.2f} s, confirm {confirmed - composed:.2f} s, "
          f"plan {planned - confirmed:.2f} s; total {planned - started:.2f} s "
          f"(database: {database}; target < 5 s)")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "LEDERUTVIKLING_VAR_DIR": tmp,
               "DJANGO_SETTINGS_MODULE": "lederutvikling.settings"}
        prepare(env)
        os.environ.update({"LEDERUTVIKLING_VAR_DIR": tmp,
                           "DJANGO_SETTINGS_MODULE": "lederutvikling.settings"})
        measure()


if __name__ == "__main__":
    main()
