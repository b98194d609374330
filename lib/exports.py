"""Every spreadsheet the portal writes: safe cells, and admin exports by allow-list only.

Two walls, each written once:

* **Formula escaping** (OWASP "CSV injection"): a text cell that starts with
  ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading ``'``,
  so Excel and LibreOffice show it as text instead of running it. Numbers stay
  numbers — also a negative number already written as text (``-12,50``), since
  digits and separators cannot form a formula. The hand-written writers
  (participant lists, survey reports, the invoice basis, management reports)
  write through :func:`csv_bytes` / :func:`xlsx_bytes`; the admin's exports
  through :class:`SafeCSV` / :class:`SafeXLSX`.
* **Allow-listed admin exports** (django-import-export): an admin exports only
  through resources derived from :class:`AllowListResource` that name their
  columns in ``Meta.fields``. Without one, :class:`AllowListExportMixin` offers
  no export at all (no button, the export URL answers 403) instead of the
  library's default of every model field — which for users meant password
  hashes and calendar tokens. A name that looks like a secret, or a path
  through a model that keeps private words (a leader's reflections, a network
  group's meeting notes, survey answers), is refused by :func:`resource_problems`,
  which the system check ``lib.E001`` and the tests run for every admin.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from typing import Any

import tablib
from django.contrib import admin
from django.core import checks
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import models
from django.http import HttpRequest
from django.utils.text import capfirst
from import_export import fields as ie_fields
from import_export import resources
from import_export.admin import ExportMixin
from import_export.declarative import ModelDeclarativeMetaclass
from import_export.formats import base_formats
from import_export.forms import SelectableFieldsExportForm

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A (negative) number written as text, as Norwegian formats write it: "-12,50",
# "-1 234,50". Not "+47 912 34 567": a spreadsheet reads a leading "+" as a formula.
_NUMBER = re.compile(r"-?(?:\d+|\d{1,3}(?:[ \u00a0\u202f]\d{3})+)(?:[.,]\d+)?\Z")

# Column names and attribute paths no export may carry. "Session" alone is a word of
# the domain (coaching and module sessions); Django's session ids and data are not.
SECRET_NAME = re.compile(
    r"password|passwd|token|secret|session_?(key|id|data)|(^|_)(key|salt|hash)(_|$)",
    re.IGNORECASE)
# Models whose rows are someone's private words: no admin, no export, not even
# reached through a relation (labels, as lib imports no app).
PRIVATE_MODELS = frozenset({
    "coaching.developmentproject", "coaching.reflectionnote", "networks.meetingnote",
    "surveys.response", "surveys.answer", "surveys.draft", "sessions.session",
})


# --- Cells ---------------------------------------------------------------------------------


def escape_cell(value: Any) -> Any:
    """``value`` as a spreadsheet shows it as text; anything but risky text unchanged."""
    if (isinstance(value, str) and value.startswith(FORMULA_START)
            and not _NUMBER.match(value)):
        return "'" + value
    return value


def escape_row(row: Iterable[Any]) -> list[Any]:
    return [escape_cell(value) for value in row]


def csv_bytes(rows: Iterable[Sequence[Any]], *, delimiter: str = ";") -> bytes:
    """UTF-8 with a byte-order mark: what Norwegian Excel opens without an import dialog.

    ``rows`` includes the header row; every cell is escaped.
    """
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(escape_row(row) for row in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]], *, sheet: str) -> bytes:
    """One sheet (title cut to Excel's 31 characters), bold frozen header, escaped cells."""
    data = tablib.Dataset(headers=escape_row(header), title=sheet[:31])
    for row in rows:
        data.append(escape_row(row))
    return data.export("xlsx")


def escape_dataset(dataset: tablib.Dataset) -> None:
    """Escape every cell of a tablib dataset in place (idempotent)."""
    for index in range(len(dataset)):
        dataset[index] = escape_row(dataset[index])


# --- Admin export formats --------------------------------------------------------------------


class _EscapingFormat:
    """Escapes always; also replaces the library's own escaping (which only drops a
    leading "=", and turns every cell into text) for IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT."""

    def export_data(self, dataset: tablib.Dataset, **kwargs: Any) -> Any:
        escape_dataset(dataset)
        return super().export_data(dataset, **kwargs)  # type: ignore[misc]

    def _escape_formulae(self, dataset: tablib.Dataset) -> None:
        escape_dataset(dataset)


class SafeCSV(_EscapingFormat, base_formats.CSV):
    pass


class SafeXLSX(_EscapingFormat, base_formats.XLSX):
    pass


# --- Allow-listed resources ------------------------------------------------------------------


class AllowListResource(resources.ModelResource):
    """Base of every admin export: only the columns named in ``Meta.fields``.

    Model fields get their ``verbose_name`` as column header, in the reader's language.
    """

    @classmethod
    def field_from_django_field(cls, field_name: str, django_field: Any, readonly: bool) -> Any:
        field = super().field_from_django_field(field_name, django_field, readonly)
        if field.column_name == field_name and getattr(django_field, "verbose_name", None):
            field.column_name = django_field.verbose_name
        return field


Column = str | tuple[str, str] | tuple[str, str, Any]


def export_resource(model: type[models.Model], columns: Sequence[Column],
                    *, name: str | None = None) -> type[AllowListResource]:
    """An :class:`AllowListResource` for ``model`` exporting exactly ``columns``, in order.

    A column is a model field name (``"date"``), or ``(name, path)`` to follow a
    relation (``("programme", "programme__name")``; the header is the verbose name
    of the model field ``name``, else of the path's first step), or
    ``(name, path, header)``. A bare relation would export an id, so it is refused.
    """
    attrs: dict[str, Any] = {}
    names: list[str] = []
    for column in columns:
        if isinstance(column, str):
            field = model._meta.get_field(column)
            if field.is_relation:
                raise ImproperlyConfigured(
                    f"{model._meta.label}: export {column!r} through a path, e.g. "
                    f"({column!r}, '{column}__name')")
            names.append(column)
            continue
        column_name, path, *header = column
        if not header:
            step = column_name if _has_field(model, column_name) else path.split("__")[0]
            # A reverse relation has no verbose name of its own: head it with its name.
            header = [getattr(model._meta.get_field(step), "verbose_name", step)]
        attrs[column_name] = ie_fields.Field(attribute=path, column_name=header[0])
        names.append(column_name)
    attrs["Meta"] = type("Meta", (), {"model": model, "fields": tuple(names),
                                      "export_order": tuple(names)})
    class_name = name or f"{model.__name__}Resource"
    return ModelDeclarativeMetaclass(class_name, (AllowListResource,),
                                     {"__module__": model.__module__, **attrs})


def _has_field(model: type[models.Model], name: str) -> bool:
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


def _private_step(model: type[models.Model], path: str) -> str | None:
    """The private model a ``__`` path passes through, if any."""
    current: Any = model
    for step in path.split("__"):
        try:
            field = current._meta.get_field(step)
        except FieldDoesNotExist:
            return None  # a property or method: its own code decides what it shows
        current = field.related_model
        if current is None:
            return None
        if current._meta.label_lower in PRIVATE_MODELS:
            return current._meta.label
    return None


def resource_problems(resource: type[resources.Resource]) -> list[str]:
    """Why ``resource`` may not be offered as an export (empty if it may)."""
    label = resource.__name__
    if not (isinstance(resource, type) and issubclass(resource, AllowListResource)):
        return [f"{label} does not derive from lib.exports.AllowListResource"]
    opts = resource._meta
    if not opts.fields:
        return [f"{label} has no Meta.fields allow-list"]
    if opts.exclude:
        return [f"{label} uses Meta.exclude; name the columns in Meta.fields instead"]
    problems = []
    model = opts.model
    for field_name, field in resource().fields.items():
        for text in sorted({field_name, field.attribute or ""}):
            if SECRET_NAME.search(text):
                problems.append(f"{label}.{field_name} looks like a secret ({text!r})")
        if model is not None and field.attribute:
            private = _private_step(model, field.attribute)
            if private:
                problems.append(f"{label}.{field_name} reaches private {private}")
    if model is not None and model._meta.label_lower in PRIVATE_MODELS:
        problems.append(f"{label} exports private {model._meta.label}")
    return problems


class ExportFieldsForm(SelectableFieldsExportForm):
    """The library labels each column checkbox with its attribute name in English
    ("Leader Above (leader above)"); ours says the column header, in the reader's language."""

    def _get_field_label(self, resource: Any, field_name: str) -> str:
        field = resource.fields.get(field_name)
        return capfirst(field.column_name) if field else field_name


class AllowListExportMixin(ExportMixin):
    """django-import-export's admin export, offered only with allow-listed resources.

    Set ``resource_classes = [export_resource(Model, [...])]`` (or a subclass of
    :class:`AllowListResource`) to offer an export; without it the admin has none.
    """

    export_formats = [SafeCSV, SafeXLSX]  # formats whose cells are escaped
    export_form_class = ExportFieldsForm
    resource_classes: Sequence[type[AllowListResource]] = []

    def get_resource_classes(self, request: HttpRequest) -> list[type[AllowListResource]]:
        if getattr(self, "resource_class", None):
            raise ImproperlyConfigured(f"{type(self).__name__}: use resource_classes")
        for resource in self.resource_classes:
            problems = resource_problems(resource)
            if problems:
                raise ImproperlyConfigured("; ".join(problems))
        return list(self.resource_classes)

    def has_export_permission(self, request: HttpRequest) -> bool:
        return bool(self.resource_classes) and super().has_export_permission(request)


def exporting_admins(site: admin.AdminSite | None = None) -> list[admin.ModelAdmin]:
    """The registered ModelAdmins that have an export view."""
    site = site or admin.site
    return [model_admin for model_admin in site._registry.values()
            if isinstance(model_admin, ExportMixin)]


def export_problems(site: admin.AdminSite | None = None) -> list[str]:
    """Every admin that could export anything but allow-listed columns, with the reason."""
    problems = []
    for model_admin in exporting_admins(site):
        name = f"{model_admin.model._meta.label} ({type(model_admin).__name__})"
        if not isinstance(model_admin, AllowListExportMixin):
            problems.append(f"{name} exports without lib.exports.AllowListExportMixin")
            continue
        if getattr(model_admin, "resource_class", None):
            problems.append(f"{name} sets resource_class; use resource_classes")
        for resource in model_admin.resource_classes:
            problems += [f"{name}: {problem}" for problem in resource_problems(resource)]
    return problems


@checks.register(checks.Tags.admin)
def check_admin_exports(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    return [checks.Error(problem, id="lib.E001") for problem in export_problems()]
