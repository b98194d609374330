"""Factories and helpers for survey tests; invented names only."""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any

import factory
from django.apps import apps as django_apps
from django.utils import timezone

from surveys import services
from surveys.bands import LEGACY_YEARS_BANDS
from surveys.models import Answer, Choice, Instrument, Item, ItemKind, Response, Round
from surveys.models.responses import week_start

_standard = importlib.import_module("surveys.migrations.0002_standard_instruments")


def standard_instruments() -> dict[str, Instrument]:
    """The three standard instruments, made by the data migration's own code if missing.

    Transactional tests empty every table afterwards, so tests do not rely on
    the migration having left them there.
    """
    if not Instrument.objects.filter(organisation=None, key="effect-standard").exists():
        _standard.create(django_apps, None)
        # …as migration 0005 left them: with the bands they were answered with.
        Instrument.objects.filter(organisation=None).update(years_bands=LEGACY_YEARS_BANDS)
    return {i.kind: i for i in Instrument.objects.filter(organisation=None)}


class InstrumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Instrument

    organisation = None
    kind = "needs"
    key = factory.Sequence(lambda n: f"prove-{n}")
    name_nb = factory.Sequence(lambda n: f"Prøveskjema {n}")
    name_nn = factory.Sequence(lambda n: f"Prøveskjema {n} (nn)")
    name_en = factory.Sequence(lambda n: f"Test instrument {n}")
    # The bands the tests' rows use ("1-3", "4-9"), as the standard instruments have.
    years_bands = LEGACY_YEARS_BANDS


def add_item(instrument: Instrument, kind: str, *, key: str, required: bool = True,
             scale_max: int | None = None, choices: list[str] | None = None,
             dimension: Any = None, order: int = 0) -> Item:
    item = Item.objects.create(instrument=instrument, kind=kind, key=key, required=required,
                               scale_max=scale_max if kind == ItemKind.SCALE else None,
                               dimension=dimension, order=order, text_nb=f"Spørsmål {key}",
                               text_nn=f"Spørsmål {key} (nn)", text_en=f"Question {key}")
    for index, label in enumerate(choices or []):
        Choice.objects.create(item=item, order=index, label_nb=label, label_nn=label,
                              label_en=label)
    return item


def make_round(*, organisation: Any, instrument: Instrument, today: dt.date | None = None,
               opens: int = -3, closes: int = 7, **target: Any) -> Round:
    """A round through the service, with dates relative to today (days)."""
    today = today or timezone.localdate()
    return services.round_create(organisation=organisation, instrument=instrument,
                                 opens_on=today + dt.timedelta(days=opens),
                                 closes_on=today + dt.timedelta(days=closes), **target)


def close(round: Round) -> Round:
    """Move a round's dates into the past (as if time had passed), bypassing the service."""
    today = timezone.localdate()
    Round.objects.filter(pk=round.pk).update(opens_on=today - dt.timedelta(days=20),
                                             closes_on=today - dt.timedelta(days=1))
    round.refresh_from_db()
    return round


def scale_answers(round: Round, value: int | Any) -> dict[str, int]:
    """An answers dict giving every scale item ``value`` (or value(item))."""
    return {str(i.pk): (value(i) if callable(value) else value)
            for i in Item.objects.filter(instrument=round.instrument, kind=ItemKind.SCALE)}


def bulk_responses(round: Round, bands: list[dict[str, Any]], value: Any = 3,
                   texts: dict[str, str] | None = None) -> list[Response]:
    """Anonymous responses written directly (fast), one per entry in ``bands``."""
    items = list(Item.objects.filter(instrument=round.instrument))
    responses = [Response(round=round, anonymous=True,
                          submitted_week=week_start(timezone.localdate()), **band)
                 for band in bands]
    Response.objects.bulk_create(responses)
    rows = []
    for index, response in enumerate(responses):
        for item in items:
            if item.kind == ItemKind.SCALE:
                v = value(index, item) if callable(value) else value
                if v is not None:
                    rows.append(Answer(response=response, item=item, value=v))
            elif item.kind == ItemKind.TEXT and texts and item.key in texts:
                rows.append(Answer(response=response, item=item,
                                   text=f"{texts[item.key]} {index}"))
    Answer.objects.bulk_create(rows)
    return responses
