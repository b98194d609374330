"""Published characteristics as items of the session evaluations.

O&F turns a published version into a session-evaluation instrument of their
municipality: the questions of the evaluation in use now (copied, so it stays as
it was), then one question group per adopted characteristic (key
``kjennetegn-<pk>``, the theme as its description, so reports group by
characteristic and theme) with one 1–5 item per behaviour (key ``atferd-<pk>``),
in every language O&F wrote. The survey engine does the rest: rounds, the
municipality's anonymity thresholds, reports.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from lib.audit import audit_log
from surveys.models import Dimension, Instrument, InstrumentKind, Item, ItemKind, Round
from surveys.selectors import default_instrument
from surveys.services.instruments import instrument_copy

from ..models import CharacteristicStatus, PlatformInstrument, PlatformVersion
from .process import _locked, _require_oaf

LANGUAGES = ("nb", "nn", "en")
DIMENSION_PREFIX, ITEM_PREFIX = "kjennetegn-", "atferd-"


def _in_each_language(message: str) -> dict[str, str]:
    result = {}
    for language in LANGUAGES:
        with translation.override(language):
            result[language] = _(message)
    return result


def _wanted(version: PlatformVersion) -> list[tuple[dict, list[dict]]]:
    """The question groups and items the version asks for, in order (three queries)."""
    from ..selectors import themes_with_content

    wanted = []
    for theme in themes_with_content(version):
        for characteristic in theme.characteristics.all():
            if characteristic.status != CharacteristicStatus.ADOPTED:
                continue
            dimension = {"key": f"{DIMENSION_PREFIX}{characteristic.pk}",
                         **{f"name_{lang}": getattr(characteristic, f"text_{lang}")[:200]
                            for lang in LANGUAGES},
                         **{f"description_{lang}": getattr(theme, f"name_{lang}")
                            for lang in LANGUAGES}}
            items = [{"key": f"{ITEM_PREFIX}{b.pk}",
                      **{f"text_{lang}": getattr(b, f"text_{lang}") for lang in LANGUAGES}}
                     for b in characteristic.behaviours.all()]
            wanted.append((dimension, items))
    return wanted


def _structure(instrument: Instrument) -> set[tuple[str, str]]:
    return {(item.dimension.key, item.key) for item in
            instrument.items.filter(key__startswith=ITEM_PREFIX).select_related("dimension")
            if item.dimension is not None}


def _fill(instrument: Instrument, wanted: list[tuple[dict, list[dict]]]) -> None:
    """Add or reword the platform's question groups and items; drop those it no longer has
    (only called on an instrument without rounds, or with the same structure)."""
    labels_low = _in_each_language(gettext_noop("not at all"))
    labels_high = _in_each_language(gettext_noop("very much"))
    dimensions = {d.key: d for d in instrument.dimensions.filter(
        key__startswith=DIMENSION_PREFIX)}
    items = {i.key: i for i in instrument.items.filter(key__startswith=ITEM_PREFIX)}
    order = (instrument.items.exclude(key__startswith=ITEM_PREFIX)
             .aggregate(m=Max("order"))["m"] or 0)
    dim_order = (instrument.dimensions.exclude(key__startswith=DIMENSION_PREFIX)
                 .aggregate(m=Max("order"))["m"] or 0)
    keep_dimensions, keep_items = set(), set()
    for dimension_data, item_rows in wanted:
        dim_order += 1
        dimension = dimensions.get(dimension_data["key"]) or Dimension(instrument=instrument)
        for name, value in dimension_data.items():
            setattr(dimension, name, value)
        dimension.order = dim_order
        dimension.save()
        keep_dimensions.add(dimension.key)
        for item_data in item_rows:
            order += 1
            item = items.get(item_data["key"]) or Item(
                instrument=instrument, kind=ItemKind.SCALE, scale_max=5, required=True)
            for name, value in item_data.items():
                setattr(item, name, value)
            for language in LANGUAGES:
                setattr(item, f"low_label_{language}", labels_low[language])
                setattr(item, f"high_label_{language}", labels_high[language])
            item.dimension = dimension
            item.order = order
            item.save()
            keep_items.add(item.key)
    instrument.items.filter(key__startswith=ITEM_PREFIX).exclude(key__in=keep_items).delete()
    (instrument.dimensions.filter(key__startswith=DIMENSION_PREFIX)
     .exclude(key__in=keep_dimensions).delete())


def _new_instrument(version: PlatformVersion, actor: User) -> Instrument:
    organisation = version.owner
    base = default_instrument(organisation.pk, InstrumentKind.EVALUATION)
    if base is not None:
        instrument = instrument_copy(instrument=base, organisation=organisation, actor=actor)
        # A copy of an earlier platform instrument keeps only its own questions.
        instrument.items.filter(key__startswith=ITEM_PREFIX).delete()
        instrument.dimensions.filter(key__startswith=DIMENSION_PREFIX).delete()
    else:
        instrument = Instrument(organisation=organisation, kind=InstrumentKind.EVALUATION)
    platform = version.platform
    names = {lang: getattr(platform, f"name_{lang}") or platform.name_nb for lang in LANGUAGES}
    for language in LANGUAGES:
        with translation.override(language):
            instrument_name = _("Session evaluation with %(platform)s, version %(number)s") % {
                "platform": names[language], "number": version.number}
            intro = _("The last questions are the behaviours of our leader platform: how "
                      "much did this session help you with each?")
        setattr(instrument, f"name_{language}", instrument_name[:200])
        base_intro = getattr(instrument, f"intro_{language}", "")
        if intro not in base_intro:  # a copy of an earlier platform instrument has it
            setattr(instrument, f"intro_{language}", f"{base_intro}\n\n{intro}".strip())
    instrument.key = _free_key(organisation.pk, f"lederplattform-v{version.number}")
    instrument.is_active = True
    instrument.save()
    return instrument


def _free_key(organisation_id: int, base: str) -> str:
    taken = set(Instrument.objects.filter(organisation_id=organisation_id,
                                          key__startswith=base).values_list("key", flat=True))
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    return key


@transaction.atomic
def evaluation_instrument_build(*, version: PlatformVersion, actor: User) -> Instrument:
    """Build, or bring up to date, the municipality's session evaluation with the published
    version's characteristics and behaviours.

    Guarantees: only O&F of the version's municipality (PermissionDenied), only a
    published version (``not_published``), never the standard platform
    (``standard``); an instrument that rounds already use keeps what it measures —
    new wording is applied, but a changed set of behaviours gives a new instrument,
    which (the newest in use) new session evaluations then use. Other instruments
    built from the platform are taken out of use.
    """
    version = _locked(version)
    if version.platform.organisation_id is None:
        raise ValidationError(_("The standard platform is not used in session evaluations; "
                                "publish your own."), code="standard")
    _require_oaf(actor, version.owner.pk)
    if not version.is_published:
        raise ValidationError(_("Only a published platform can be used in session "
                                "evaluations."), code="not_published")
    wanted = _wanted(version)
    if not wanted:
        raise ValidationError(_("The platform has no behaviours to ask about."), code="empty")
    link = (PlatformInstrument.objects.filter(version=version, instrument__is_active=True)
            .select_related("instrument").order_by("-created_at").first())
    instrument = link.instrument if link is not None else None
    wanted_structure = {(d["key"], i["key"]) for d, items in wanted for i in items}
    if instrument is not None and Round.objects.filter(instrument=instrument).exists() \
            and _structure(instrument) != wanted_structure:
        instrument = None  # what answered rounds measured stays as it was
    created = instrument is None
    if instrument is None:
        instrument = _new_instrument(version, actor)
        PlatformInstrument.objects.create(version=version, instrument=instrument)
    _fill(instrument, wanted)
    (Instrument.objects.filter(platform_link__version__platform=version.platform,
                               is_active=True).exclude(pk=instrument.pk)
     .update(is_active=False))
    audit_log(organisation=version.owner, actor=actor,
              action="leaderplatform.evaluation_instrument_built", obj=instrument,
              summary=f"v{version.number} → {instrument.key}", data={"created": created})
    return instrument
