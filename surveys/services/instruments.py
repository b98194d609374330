"""Instruments and thresholds: O&F's own copies and the municipality's anonymity promise."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from lib.audit import audit_log

from ..models import AnonymitySettings, Choice, Dimension, Instrument, Item, ItemKind

# What an instrument sets for its items and reports, carried to a copy as it is.
INSTRUMENT_DEFAULT_FIELDS = [
    "years_bands", "default_scale_max",
    *[f"default_{end}_{lang}" for end in ("low_label", "high_label")
      for lang in ("nb", "nn", "en")]]


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
        intro_en=instrument.intro_en, is_active=True,
        **{name: getattr(instrument, name) for name in INSTRUMENT_DEFAULT_FIELDS})
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
                   min_text_respondents: int, min_group_respondents: int | None = None,
                   actor: User | None = None) -> AnonymitySettings:
    """Set the municipality's thresholds (never below 3, enforced by the database).

    ``min_group_respondents`` is the leader groups' own (Effect before/after);
    None keeps the one stored. Only rounds made afterwards use them: a round
    keeps the thresholds it was made with.
    """
    settings, _created = AnonymitySettings.objects.select_for_update().get_or_create(
        organisation=organisation)
    settings.min_respondents = min_respondents
    settings.min_text_respondents = min_text_respondents
    if min_group_respondents is not None:
        settings.min_group_respondents = min_group_respondents
    settings.full_clean()
    settings.save()
    audit_log(organisation=organisation, actor=actor, action="surveys.thresholds.changed",
              obj=settings, data={"min_respondents": min_respondents,
                                  "min_text_respondents": min_text_respondents,
                                  "min_group_respondents": settings.min_group_respondents})
    return settings


NORWEGIAN_LETTERS = str.maketrans({"æ": "ae", "ø": "o", "å": "a"})  # slugify drops them


def _unique_item_key(taken: set[str], text: str) -> str:
    base = slugify(text.lower().translate(NORWEGIAN_LETTERS))[:50].strip("-") or "sporsmal"
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    taken.add(key)
    return key


PASTE_MAX_ITEMS = 100


@transaction.atomic
def items_paste(*, dimension: Dimension, text: str, actor: User | None = None) -> list[Item]:
    """Add one scale item per non-empty line of ``text`` to a question group (bokmål
    wording), after its last item, with the group's or instrument's scale and end labels.

    Guarantees: all lines or none; keys unique within the instrument; a standard
    instrument is refused (only its copies are the municipality's to change).
    """
    instrument = Instrument.objects.select_for_update().get(pk=dimension.instrument_id)
    if instrument.is_standard:
        raise ValidationError(_("The standard instruments cannot be changed; copy one first."),
                              code="standard_instrument")
    lines = [" ".join(line.split()) for line in text.splitlines()]
    lines = [line for line in lines if line]
    if not lines:
        raise ValidationError(_("Paste at least one question, one per line."), code="empty")
    if len(lines) > PASTE_MAX_ITEMS:
        raise ValidationError(_("At most %(max)s questions at a time.") % {"max": PASTE_MAX_ITEMS},
                              code="too_many")
    taken = set(Item.objects.filter(instrument=instrument).values_list("key", flat=True))
    last = Item.objects.filter(instrument=instrument).aggregate(m=Max("order"))["m"] or 0
    items = []
    for n, line in enumerate(lines, start=1):
        item = Item(instrument=instrument, dimension=dimension, order=last + n,
                    key=_unique_item_key(taken, line), kind=ItemKind.SCALE, text_nb=line)
        item.full_clean()  # takes the question group's or instrument's scale and labels
        items.append(item)
    Item.objects.bulk_create(items)
    audit_log(organisation=instrument.organisation, actor=actor, action="surveys.items.pasted",
              obj=instrument, summary=f"{dimension.name}: {len(items)}",
              data={"dimension": dimension.pk, "items": len(items)})
    return items
