"""Admin base classes that keep an O&F administrator inside their municipality.

Every ModelAdmin and inline of the portal derives from these. They scope
three things through :func:`lib.scoping.scope_queryset`:

* the rows listed, shown, changed, deleted, exported and offered by
  autocomplete (Django's autocomplete and django-import-export both start from
  ``get_queryset``);
* the choices of every foreign key and many-to-many field whose target model is
  scoped, so a unit or leader of another municipality cannot be picked even by
  a tampered POST (ModelChoiceField validates against the queryset);
* the ``organisation`` field itself, which an O&F administrator never sees:
  new rows get the administrator's municipality.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from simple_history.admin import SimpleHistoryAdmin

from .dates import validate_sane_date
from .exports import AllowListExportMixin
from .scoping import is_scoped, organisation_lookup, scope_queryset


class OrganisationScopedMixin:
    """Shared by ModelAdmin and InlineModelAdmin."""

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        qs = super().get_queryset(request)  # type: ignore[misc]
        return scope_queryset(qs, request.user)

    def _scope_field(self, db_field: models.Field, request: HttpRequest, kwargs: dict) -> None:
        related = db_field.remote_field.model
        if is_scoped(related):
            base = kwargs.get("queryset")
            if base is None:
                base = related._default_manager.all()
            kwargs["queryset"] = scope_queryset(base, request.user)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        self._scope_field(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        self._scope_field(db_field, request, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)  # type: ignore[misc]
        if formfield is not None and isinstance(db_field, models.DateField):
            # Year 9999 is a valid date until something adds a session's length to it.
            formfield.validators = [*formfield.validators, validate_sane_date]
        return formfield

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> Any:
        exclude = list(super().get_exclude(request, obj) or [])  # type: ignore[misc]
        if not request.user.is_superuser and _has_direct_organisation(self.model):  # type: ignore[attr-defined]
            exclude.append("organisation")
        return exclude

    def get_list_filter(self, request: HttpRequest) -> Any:
        filters = list(super().get_list_filter(request))  # type: ignore[misc]
        if request.user.is_superuser:
            return filters
        # A plain related filter lists every row of the related model, other
        # municipalities' names included; offer only what the scoped rows use.
        scoped = []
        for entry in filters:
            if entry == "organisation":
                continue
            if isinstance(entry, str) and _is_relation(self.model, entry):  # type: ignore[attr-defined]
                entry = (entry, admin.RelatedOnlyFieldListFilter)
            scoped.append(entry)
        return scoped

    def _get_obj_does_not_exist_redirect(self, request: HttpRequest, opts: Any,
                                         object_id: str) -> Any:
        # Django redirects to the index with "… with ID 42 doesn't exist"; a row of
        # another municipality is simply not found, like every portal page says.
        raise Http404

    def get_form(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, **kwargs)  # type: ignore[misc]
        return _with_organisation(form, request, self.model)  # type: ignore[attr-defined]

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)  # type: ignore[misc]
        formset.form = _with_organisation(formset.form, request, self.model)  # type: ignore[attr-defined]
        return formset


def _is_relation(model: type[models.Model], path: str) -> bool:
    """True if ``path`` (``"unit"``, ``"module__programme"``) ends in a relation."""
    from django.contrib.admin.utils import get_fields_from_path
    from django.core.exceptions import FieldDoesNotExist

    try:
        field = get_fields_from_path(model, path)[-1]
    except (FieldDoesNotExist, Exception):  # a custom filter name, not a field path
        return False
    return bool(getattr(field, "is_relation", False))


def _has_direct_organisation(model: type[models.Model]) -> bool:
    return getattr(model, "organisation_path", None) == "organisation"


def _with_organisation(form: Any, request: HttpRequest, model: type[models.Model]) -> Any:
    """Give a new row the administrator's municipality before validation runs.

    Model.clean() compares related objects' municipalities with the row's own,
    so the value must be there before ``full_clean``, not only at save time.
    """
    if request.user.is_superuser or not _has_direct_organisation(model):
        return form
    organisation_id = request.user.organisation_id

    class ScopedForm(form):  # type: ignore[misc, valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            # Only new rows: an existing row without a municipality (a shared
            # default, e.g. a standard survey instrument) must stay shared.
            if self.instance._state.adding and not self.instance.organisation_id:
                self.instance.organisation_id = organisation_id

        def _get_validation_exclusions(self) -> set[str]:
            # The municipality is not a form field here, so Django would skip the
            # unique constraints that include it ("one name per municipality") and
            # the duplicate would surface as an IntegrityError (500) at save.
            exclude = set(super()._get_validation_exclusions())
            if self.instance.organisation_id:
                exclude.discard("organisation")
            return exclude

        def _update_errors(self, errors: ValidationError) -> None:
            # Errors on the hidden municipality (a duplicate row) belong to the whole form.
            if hasattr(errors, "error_dict") and "organisation" in errors.error_dict \
                    and "organisation" not in self.fields:
                error_dict = dict(errors.error_dict)
                moved = error_dict.pop("organisation")
                error_dict[NON_FIELD_ERRORS] = [*error_dict.get(NON_FIELD_ERRORS, []), *moved]
                errors = ValidationError(error_dict)
            super()._update_errors(errors)

    ScopedForm.__name__ = form.__name__
    return ScopedForm


class OrganisationScopedAdmin(OrganisationScopedMixin, AllowListExportMixin, admin.ModelAdmin):
    """Base ModelAdmin: scoped to the user's municipality; CSV/XLSX export of the
    columns its ``resource_classes`` allow-list (none declared: no export)."""


class OrganisationScopedTabularInline(OrganisationScopedMixin, admin.TabularInline):
    pass


class ScopedHistoryMixin(SimpleHistoryAdmin):
    """The audit trail (django-simple-history) of a scoped model, scoped too.

    simple-history falls back to the history rows when the object is not in
    ``get_queryset`` (to show deleted objects), which would let an O&F
    administrator read another municipality's history by id; the history rows
    are filtered by the same municipality lookup as the live rows.
    """

    def get_history_queryset(self, request: HttpRequest, history_manager: Any, pk_name: str,
                             object_id: Any) -> models.QuerySet:
        qs = super().get_history_queryset(request, history_manager, pk_name, object_id)
        lookup = organisation_lookup(self.model)
        if lookup is None or request.user.is_superuser:
            return qs
        if lookup == "pk":
            return qs.filter(**{pk_name: request.user.organisation_id})
        return qs.filter(**{lookup.removesuffix("__pk"): request.user.organisation_id})

    def history_form_view(self, request: HttpRequest, object_id: str, version_id: str,
                          extra_context: dict | None = None) -> HttpResponse:
        """One version of a row, read-only and only within the municipality.

        simple-history looks the version up by bare ids and, on POST, saves
        the form over the live row — even with revert switched off in
        settings, which only hides the button. The version must be one of the
        rows :meth:`get_history_queryset` shows (same municipality), and the
        page never writes: reverting is off in this portal.
        """
        if request.method not in {"GET", "HEAD"}:
            return HttpResponseNotAllowed(["GET", "HEAD"])
        history = getattr(self.model, self.model._meta.simple_history_manager_attribute)
        pk_name = self.model._meta.pk.attname
        try:
            versions = self.get_history_queryset(request, history, pk_name, object_id)
            exists = versions.filter(history_id=version_id).exists()
        except (ValueError, ValidationError):  # a version id that is not a number
            exists = False
        if not exists:
            raise Http404
        return super().history_form_view(request, object_id, version_id, extra_context)


class ReadOnlyScopedAdmin(OrganisationScopedMixin, admin.ModelAdmin):
    """For records only the system writes (audit trail, generated files)."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _register_lib_admin() -> None:
    from django.urls import reverse
    from django.utils.html import format_html
    from django.utils.translation import gettext_lazy as _

    from .models import AuditEntry, GeneratedDocument, SentReminder

    @admin.register(AuditEntry)
    class AuditEntryAdmin(ReadOnlyScopedAdmin):
        list_display = ["created_at", "actor", "action", "summary", "object_type", "object_id"]
        list_filter = ["action", "organisation"]
        list_select_related = ["actor"]
        search_fields = ["summary", "action", "object_id", "actor__full_name"]
        date_hierarchy = "created_at"

        def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
            return False

    @admin.register(GeneratedDocument)
    class GeneratedDocumentAdmin(ReadOnlyScopedAdmin):
        list_display = ["title", "kind", "status", "progress", "requested_by", "created_at",
                        "expires_at", "open_link"]
        list_filter = ["status", "kind", "organisation"]
        list_select_related = ["requested_by"]
        search_fields = ["title", "kind"]

        @admin.display(description=_("file"))
        def open_link(self, obj: GeneratedDocument) -> str:
            return format_html('<a href="{}">{}</a>',
                               reverse("lib:document_detail", args=[obj.pk]), _("open"))

    @admin.register(SentReminder)
    class SentReminderAdmin(ReadOnlyScopedAdmin):
        list_display = ["created_at", "kind", "occasion", "recipient", "status", "attempts",
                        "sent_at", "last_error"]
        list_filter = ["status", "kind", "organisation"]
        list_select_related = ["recipient"]
        search_fields = ["occasion", "recipient__full_name", "recipient__email", "subject"]
        date_hierarchy = "created_at"


_register_lib_admin()
