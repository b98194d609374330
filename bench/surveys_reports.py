"""Time the leader-group report and the needs report with 10,000+ answers each; prints figures.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lu_surveys \
        .venv/bin/python bench/surveys_reports.py

Runs on the configured database (migrating it first) inside one transaction
that is rolled back at the end, so it leaves nothing behind. Each page is
fetched through Django's test client as an O&F administrator: the first
request and the median of the next twenty. The needs survey's disclosure
check runs once per round when its results are released (beat,
``surveys.tasks.reports_prepare``); its time is printed on its own.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lederutvikling.settings")
os.environ.setdefault("DEBUG", "false")  # no query log: time what production would do

import django  # noqa: E402

django.setup()

from django.apps import apps  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import LeaderLevel, Organisation, User  # noqa: E402
from accounts.services import leader_create, unit_create  # noqa: E402
from groups.models import LeaderGroup  # noqa: E402
from surveys import services  # noqa: E402
from surveys.bands import band_choices  # noqa: E402
from surveys.models import Answer, Instrument, Item, ItemKind, Response  # noqa: E402
from surveys.models.responses import week_start  # noqa: E402
from surveys.reports.needs import needs_rounds_prepare  # noqa: E402

GROUP_RESPONSES = 250  # per round: 250 × 21 scale items ≈ 5,250 answers, twice
NEEDS_RESPONSES = 650  # 650 × 29 scale items ≈ 18,850 answers
RUNS = 20


def _instruments() -> dict[str, Instrument]:
    if not Instrument.objects.filter(organisation=None).exists():
        __import__("surveys.migrations.0002_standard_instruments",
                   fromlist=["create"]).create(apps, None)
    return {i.kind: i for i in Instrument.objects.filter(organisation=None)}


def _responses(round, count: int, rng: random.Random, bands=None) -> int:
    items = list(Item.objects.filter(instrument=round.instrument))
    responses = [Response(id=uuid.uuid4(), round=round, anonymous=True,
                          submitted_week=week_start(round.closes_on), **(bands(i) if bands else {}))
                 for i in range(count)]
    Response.objects.bulk_create(responses, batch_size=2000)
    answers = []
    for response in responses:
        for item in items:
            if item.kind == ItemKind.SCALE:
                answers.append(Answer(response=response, item=item,
                                      value=rng.randint(1, item.scale_max or 5)))
            elif item.kind == ItemKind.TEXT and rng.random() < 0.3:
                answers.append(Answer(response=response, item=item, text="Mer tid til strategi"))
    Answer.objects.bulk_create(answers, batch_size=5000)
    return len(answers)


def _time(client: Client, url: str) -> tuple[float, float]:
    def one() -> float:
        started = time.perf_counter()
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        return (time.perf_counter() - started) * 1000

    first = one()
    return first, statistics.median(one() for _ in range(RUNS))


def main() -> None:
    call_command("migrate", verbosity=0)
    rng = random.Random(5)
    today = timezone.localdate()
    with transaction.atomic():
        slug = f"bench-{uuid.uuid4().hex[:8]}"
        org = Organisation.objects.create(name=f"Benchvik kommune {slug}", slug=slug)
        areas = [unit_create(organisation=org, name=f"Område {n}", kind="tjenesteomrade")
                 for n in range(8)]
        head = leader_create(organisation=org, email=f"leder-{org.slug}@bench.example",
                             full_name="Benk Leder", title="Kommunalsjef",
                             level=LeaderLevel.MUNICIPAL_HEAD, unit=areas[0],
                             leader_since=today - dt.timedelta(days=2000))
        oaf = User.objects.create_user(email=f"oaf-{org.slug}@bench.example", full_name="Benk OF",
                                       organisation=org, is_oaf_admin=True)
        group = LeaderGroup.objects.create(organisation=org, name="Benkgruppa", unit=areas[0],
                                           head=head)
        instruments = _instruments()
        before = services.round_create(
            organisation=org, instrument=instruments["effect"], group=group, phase="before",
            opens_on=today - dt.timedelta(days=300), closes_on=today - dt.timedelta(days=280))
        after = services.round_create(
            organisation=org, instrument=instruments["effect"], group=group, phase="after",
            baseline=before, opens_on=today - dt.timedelta(days=30),
            closes_on=today - dt.timedelta(days=10))
        needs = services.round_create(
            organisation=org, instrument=instruments["needs"],
            opens_on=today - dt.timedelta(days=60), closes_on=today - dt.timedelta(days=40))
        group_answers = _responses(before, GROUP_RESPONSES, rng) + \
            _responses(after, GROUP_RESPONSES, rng)
        levels = LeaderLevel.values
        bands = [key for key, _label in band_choices(instruments["needs"].years_bands)]
        needs_answers = _responses(needs, NEEDS_RESPONSES, rng, bands=lambda i: {
            "area": areas[i % len(areas)],
            "level": levels[min(len(levels) - 1, int(rng.triangular(0, len(levels), 5)))],
            "years_band": rng.choice(bands)})
        if connection.vendor == "postgresql":
            connection.cursor().execute("ANALYZE surveys_answer, surveys_response")

        started = time.perf_counter()
        needs_rounds_prepare()
        print(f"needs survey disclosure check (once per round, beat): "
              f"{(time.perf_counter() - started) * 1000:.0f} ms")
        client = Client()
        client.force_login(oaf)
        engine = connection.vendor
        for label, url, answers in (
                ("group report (before/after)", f"/undersokelser/{after.pk}/rapport/",
                 group_answers),
                ("needs report, whole", f"/undersokelser/{needs.pk}/rapport/", needs_answers),
                ("needs report by area", f"/undersokelser/{needs.pk}/rapport/?by=area",
                 needs_answers),
                ("needs report, level filter by years",
                 f"/undersokelser/{needs.pk}/rapport/?level=teamleder&by=band", needs_answers)):
            first, median = _time(client, url)
            print(f"{label}: {answers:,} answers, first {first:.0f} ms, "
                  f"median of {RUNS} {median:.0f} ms ({engine})")
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
