"""Instruments and thresholds: O&F's own copies and the municipality's anonymity promise."""

from __future__ import annotations

from django.db import transaction

from accounts.models import Organisation, User
from lib.audit import audit_log

from ..models import AnonymitySettings, Choice, Dimension, Instrument


def _unique_key(organisation: Organisation, base: str) -> str:
    taken = set(Instrument.objects.filter(organisation=organisation,
                                          key__startswith=base).values_list("key", flat=True))
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


@transaction.atomic
def instrument_copy(*, instrument: Instrument, organisation: Organisation,
                    actor: User | None = None) -> Instrument:
    """Copy an instrument with its dimensions, items and choices into a municipality.

    The copy is the municipality's own to reword; rounds already using the
    original keep it. Guarantees every dimension of the copy's items is the
    copy's own dimension.
    """
    copy = Instrument.objects.create(
        organisation=organisation, kind=instrument.kind,
        key=_unique_key(organisation, instrument.key.removesuffix("-standard") or "instrument"),
        name_nb=instrument.name_nb, name_nn=instrument.name_nn, name_en=instrument.name_en,
        intro_nb=instrument.intro_nb, intro_nn=instrument.intro_nn,
        intro_en=instrument.intro_en, is_active=True)
    dimension_map: dict[int, Dimension] = {}
    for dimension in instrument.dimensions.all():
        old_pk = dimension.pk
        dimension.pk = None
        dimension.instrument = copy
        dimension.save()
        dimension_map[old_pk] = dimension
    items = list(instrument.items.prefetch_related("choices"))
    for item in items:
        choices = list(item.choices.all())
        item.pk = None
        item.instrument = copy
        item.dimension = dimension_map.get(item.dimension_id) if item.dimension_id else None
        item.save()
        Choice.objects.bulk_create([Choice(item=item, order=c.order, label_nb=c.label_nb,
                                           label_nn=c.label_nn, label_en=c.label_en)
                                    for c in choices])
    audit_log(organisation=organisation, actor=actor, action="surveys.instrument.copied",
              obj=copy, summary=f"{instrument.name_nb} → {copy.key}")
    return copy


@transaction.atomic
def thresholds_set(*, organisation: Organisation, min_respondents: int,
                   min_text_respondents: int, actor: User | None = None) -> AnonymitySettings:
    """Set the municipality's thresholds (never below 3, enforced by the database).

    Only rounds made afterwards use them: a round keeps the thresholds it was
    made with.
    """
    settings, _created = AnonymitySettings.objects.select_for_update().get_or_create(
        organisation=organisation)
    settings.min_respondents = min_respondents
    settings.min_text_respondents = min_text_respondents
    settings.full_clean()
    settings.save()
    audit_log(organisation=organisation, actor=actor, action="surveys.thresholds.changed",
              obj=settings, data={"min_respondents": min_respondents,
                                  "min_text_respondents": min_text_respondents})
    return settings
