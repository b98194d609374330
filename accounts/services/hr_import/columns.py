"""What the import reads from a file, and which column holds it (the mapping)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ...models import HRImportKind, HRImportMapping, Organisation


@dataclass(frozen=True)
class ImportField:
    key: str
    label: str | Promise
    required: bool
    # Headings HR systems use for it (Visma Enterprise, SAP HR, Excel by hand), lower case.
    synonyms: tuple[str, ...]


LEADER_FIELDS = (
    ImportField("employee_number", gettext_lazy("employee number"), True,
                ("ansattnr", "ansattnummer", "ansatt nr", "ansattnr.", "ressursnr",
                 "ressursnummer", "personalnr", "personalnummer", "employee number",
                 "employee id", "personnel number", "pernr")),
    ImportField("full_name", gettext_lazy("name"), False,
                ("navn", "fullt navn", "name", "full name", "ansattnavn")),
    ImportField("first_name", gettext_lazy("first name"), False,
                ("fornavn", "first name", "given name")),
    ImportField("last_name", gettext_lazy("last name"), False,
                ("etternavn", "last name", "surname", "family name")),
    ImportField("email", gettext_lazy("email"), True,
                ("e-post", "epost", "e-postadresse", "epostadresse", "email", "e-mail",
                 "email address", "mail")),
    ImportField("title", gettext_lazy("job title"), False,
                ("stilling", "stillingstittel", "tittel", "stillingsbetegnelse", "title",
                 "job title", "position")),
    ImportField("unit_code", gettext_lazy("unit code"), True,
                ("enhetskode", "enhetsnr", "enhetsnummer", "org.enhet", "orgenhet",
                 "org. enhet", "ansvar", "ansvarsnr", "unit code", "org unit", "orgeh")),
    ImportField("unit_name", gettext_lazy("unit name"), False,
                ("enhet", "enhetsnavn", "unit", "unit name", "org.enhet navn")),
    ImportField("leader_above", gettext_lazy("leader above (employee number or email)"), False,
                ("leder", "nærmeste leder", "naermeste leder", "overordnet",
                 "overordnet leder", "leders ansattnr", "leder ansattnr", "leders e-post",
                 "manager", "leader above", "manager id", "reports to")),
    ImportField("leader_since", gettext_lazy("leader since"), False,
                ("leder fra", "leder siden", "leder fra dato", "startdato leder",
                 "startdato", "leader since", "start date")),
    ImportField("level", gettext_lazy("leader level"), False,
                ("nivå", "nivaa", "ledernivå", "ledernivaa", "leader level", "level")),
)

UNIT_FIELDS = (
    ImportField("code", gettext_lazy("unit code"), True,
                ("enhetskode", "enhetsnr", "enhetsnummer", "kode", "code", "unit code",
                 "orgenhet", "org.enhet", "ansvar")),
    ImportField("name", gettext_lazy("name"), True,
                ("navn", "enhetsnavn", "enhet", "name", "unit name")),
    ImportField("kind", gettext_lazy("kind"), False,
                ("type", "nivå", "nivaa", "enhetstype", "kind", "unit type")),
    ImportField("parent_code", gettext_lazy("parent unit code"), False,
                ("overordnet", "overordnet enhet", "overordnet kode", "foreldrekode",
                 "parent", "parent code", "parent unit code")),
)


def fields_for(kind: str) -> tuple[ImportField, ...]:
    return LEADER_FIELDS if kind == HRImportKind.LEADERS else UNIT_FIELDS


def mapping_saved(*, organisation: Organisation, kind: str) -> dict[str, str]:
    mapping = HRImportMapping.objects.filter(organisation=organisation, kind=kind).first()
    return dict(mapping.columns) if mapping else {}


def mapping_save(*, organisation: Organisation, kind: str, columns: dict[str, str]) -> None:
    """Remember the municipality's choice for the next file of this kind."""
    known = {f.key for f in fields_for(kind)}
    clean = {key: value for key, value in columns.items() if key in known and value}
    HRImportMapping.objects.update_or_create(organisation=organisation, kind=kind,
                                             defaults={"columns": clean})


def mapping_guess(*, headers: tuple[str, ...], kind: str,
                  saved: dict[str, str]) -> dict[str, str]:
    """The saved choice where the file has that heading, else a heading HR systems use."""
    by_lower = {h.lower(): h for h in headers if h}
    guess: dict[str, str] = {}
    for field in fields_for(kind):
        chosen = saved.get(field.key)
        if chosen and chosen.lower() in by_lower:
            guess[field.key] = by_lower[chosen.lower()]
            continue
        for synonym in field.synonyms:
            if synonym in by_lower and by_lower[synonym] not in guess.values():
                guess[field.key] = by_lower[synonym]
                break
    return guess


def mapping_resolve(*, headers: tuple[str, ...], kind: str,
                    columns: dict[str, str]) -> dict[str, int]:
    """Field → column index; refuses a mapping that misses a required column."""
    index = {h.lower(): i for i, h in enumerate(headers) if h}
    resolved: dict[str, int] = {}
    errors = []
    for field in fields_for(kind):
        heading = (columns.get(field.key) or "").strip()
        if heading:
            if heading.lower() not in index:
                errors.append(ValidationError(
                    _("The file has no column «%(heading)s» (for %(field)s)."),
                    code="column_missing", params={"heading": heading, "field": field.label}))
                continue
            resolved[field.key] = index[heading.lower()]
        elif field.required:
            errors.append(ValidationError(_("Choose the column that holds %(field)s."),
                                          code="column_missing", params={"field": field.label}))
    if kind == HRImportKind.LEADERS and "full_name" not in resolved and not (
            "first_name" in resolved and "last_name" in resolved):
        errors.append(ValidationError(
            _("Choose the column that holds the name, or those for first and last name."),
            code="column_missing"))
    if errors:
        raise ValidationError(errors)
    return resolved
