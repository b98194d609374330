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

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext, gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from .dates import validate_sane_date
from .exports import AllowListExportMixin
from .scoping import is_scoped, organisation_lookup, scope_queryset


class OrganisationScopedMixin:
    """Shared by ModelAdmin and InlineModelAdmin."""

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        qs = super().get_queryset(request)  # type: ignore[misc]
        return scope_queryset(qs, request.user)

    def _scope_field(self, db_field: models.ForeignKey[Any, Any] | models.ManyToManyField[Any, Any],
                     request: HttpRequest, kwargs: dict[str, Any]) -> None:
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
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]
        return with_permission_labels(formfield)

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)  # type: ignore[misc]
        if formfield is not None and isinstance(db_field, models.DateField):
            # Year 9999 is a valid date until something adds a session's length to it.
            formfield.validators = [*formfield.validators, validate_sane_date]
        return formfield

    def action_checkbox(self, obj: Any) -> SafeString:
        """The list's select box, written directly: Django renders a CheckboxInput
        through the form renderer's three templates for every row — a fifth of a
        100-row list's CPU (issue 23). Same markup, same escaping."""
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" '
            'aria-label="{}">', ACTION_CHECKBOX_NAME, str(obj.pk),
            format_html(gettext("Select this object for an action - {}"), str(obj)))

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

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False,
                 **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)  # type: ignore[misc]
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


def _organisation_id(request: HttpRequest) -> int | None:
    """The signed-in administrator's municipality (the admin site lets only staff in)."""
    return request.user.organisation_id if request.user.is_authenticated else None


def _has_direct_organisation(model: type[models.Model]) -> bool:
    return getattr(model, "organisation_path", None) == "organisation"


def _with_organisation(form: Any, request: HttpRequest, model: type[models.Model]) -> Any:
    """Give a new row the administrator's municipality before validation runs.

    Model.clean() compares related objects' municipalities with the row's own,
    so the value must be there before ``full_clean``, not only at save time.
    """
    if request.user.is_superuser or not _has_direct_organisation(model):
        return form
    organisation_id = _organisation_id(request)

    class ScopedForm(form):
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
            return qs.filter(**{pk_name: _organisation_id(request)})
        return qs.filter(**{lookup.removesuffix("__pk"): _organisation_id(request)})

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


def permission_label(permission: Any) -> str:
    """A permission as "Programmes | Can view module" in the reader's language.

    Django stores permission names in English when it migrates ("Can add leader");
    the four built-in ones are named again here from the model's verbose name.
    """
    from django.utils.text import capfirst

    model = permission.content_type.model_class()
    if model is None:
        return str(permission)
    action, _sep, model_name = permission.codename.partition("_")
    actions = {"add": gettext_lazy("Can add %(model)s"),
               "change": gettext_lazy("Can change %(model)s"),
               "delete": gettext_lazy("Can delete %(model)s"),
               "view": gettext_lazy("Can view %(model)s")}
    if action in actions and model_name == model._meta.model_name:
        name = str(actions[action]) % {"model": model._meta.verbose_name}
    else:
        name = gettext(permission.name)
    return f"{capfirst(model._meta.app_config.verbose_name)} | {name}"


def with_permission_labels(formfield: Any) -> Any:
    """Label a permission choice field's options with :func:`permission_label`."""
    from django.contrib.auth.models import Permission

    if formfield is not None and getattr(formfield, "queryset", None) is not None \
            and formfield.queryset.model is Permission:
        formfield.label_from_instance = permission_label
    return formfield


class ReadOnlyScopedAdmin(OrganisationScopedMixin, admin.ModelAdmin):
    """For records only the system writes (audit trail, generated files)."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def run_per_row(modeladmin: admin.ModelAdmin, request: HttpRequest, rows: Iterable[Any],
                call: Callable[[Any], Any], *, success: str | Callable[[int], str] | None = None,
                label: Callable[[Any], str] = str) -> int:
    """An admin action that calls a service once per selected row.

    Each refusal (``ValidationError`` or ``PermissionDenied``) is reported as
    an error message naming its row (``label``), and the other rows go on;
    the service's own transaction keeps each row all-or-nothing. ``success``
    (``"%(count)d … done."`` or a function of the count, for plurals) is shown
    when at least one row went through. Returns how many did.
    """
    from django.contrib import messages

    from .http import error_text

    done = 0
    for row in rows:
        try:
            call(row)
        except (ValidationError, PermissionDenied) as exc:
            modeladmin.message_user(request, f"{label(row)}: {error_text(exc)}", messages.ERROR)
        else:
            done += 1
    if done and success is not None:
        text = success(done) if callable(success) else success % {"count": done}
        modeladmin.message_user(request, text, messages.SUCCESS)
    return done


class DocumentKindFilter(admin.SimpleListFilter):
    """Filter generated files by kind, each kind by its name (not ``groups.poster_pdf``)."""

    title = gettext_lazy("kind")
    parameter_name = "kind"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        from .documents import kind_choices

        return kind_choices()

    def queryset(self, request: HttpRequest, queryset: models.QuerySet) -> models.QuerySet:
        return queryset.filter(kind=self.value()) if self.value() else queryset


class DocumentListAdmin(ReadOnlyScopedAdmin):
    """A list of generated files (lib's own, and reports' "Report jobs"): each kind by its name."""

    list_display = ["title", "kind_name", "status", "progress", "requested_by", "created_at",
                    "expires_at", "open_link"]
    list_filter = ["status", DocumentKindFilter, "organisation"]
    list_select_related = ["requested_by"]
    search_fields = ["title", "kind"]
    readonly_fields = ["kind_name"]

    @admin.display(description=gettext_lazy("kind"), ordering="kind")
    def kind_name(self, obj: Any) -> str:
        from .documents import kind_label

        return kind_label(obj.kind)

    @admin.display(description=gettext_lazy("file"))
    def open_link(self, obj: Any) -> str:
        from django.urls import reverse

        return format_html('<a href="{}">{}</a>', reverse("lib:document_detail", args=[obj.pk]),
                           gettext_lazy("open"))

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = super().get_fields(request, obj)
        return list(dict.fromkeys("kind_name" if name == "kind" else name for name in fields))


class AuditActionFilter(admin.SimpleListFilter):
    """Filter the audit trail by action, each by its name."""

    title = gettext_lazy("action")
    parameter_name = "action"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        from .audit import action_label

        codes = model_admin.get_queryset(request).order_by().values_list("action", flat=True)
        return sorted(((code, action_label(code)) for code in set(codes.distinct())),
                      key=lambda pair: pair[1])

    def queryset(self, request: HttpRequest, queryset: models.QuerySet) -> models.QuerySet:
        return queryset.filter(action=self.value()) if self.value() else queryset


def _register_lib_admin() -> None:
    from .audit import action_label, object_type_label
    from .models import AuditEntry, GeneratedDocument, SentReminder

    @admin.register(AuditEntry)
    class AuditEntryAdmin(ReadOnlyScopedAdmin):
        list_display = ["created_at", "actor", "action_name", "summary", "object_name",
                        "object_id"]
        list_filter = [AuditActionFilter, "organisation"]
        readonly_fields = ["action_name", "object_name"]
        list_select_related = ["actor"]
        search_fields = ["summary", "action", "object_id", "actor__full_name"]
        date_hierarchy = "created_at"

        def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
            return False

        @admin.display(description=gettext_lazy("action"), ordering="action")
        def action_name(self, obj: AuditEntry) -> str:
            return action_label(obj.action)

        @admin.display(description=gettext_lazy("object type"), ordering="object_type")
        def object_name(self, obj: AuditEntry) -> str:
            return object_type_label(obj.object_type)

        def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
            names = {"action": "action_name", "object_type": "object_name"}
            fields = super().get_fields(request, obj)
            return list(dict.fromkeys(names.get(name, name) if isinstance(name, str) else name
                                      for name in fields))

    @admin.register(GeneratedDocument)
    class GeneratedDocumentAdmin(DocumentListAdmin):
        pass

    @admin.register(SentReminder)
    class SentReminderAdmin(ReadOnlyScopedAdmin):
        list_display = ["created_at", "kind", "occasion", "recipient", "status", "attempts",
                        "sent_at", "last_error"]
        list_filter = ["status", "kind", "organisation"]
        list_select_related = ["recipient"]
        search_fields = ["occasion", "recipient__full_name", "recipient__email", "subject"]
        date_hierarchy = "created_at"


_register_lib_admin()


def _name_relation_rows() -> None:
    """Name the rows of Django's automatic many-to-many tables (a session's facilitators).

    The admin's delete page lists them; Django calls them "Modulesession-user
    relationship: ModuleSession_facilitators object (1)", in English and code names.
    Here they are "module session – user: <session> – <person>", in the reader's language.
    """
    from django.apps import apps
    from django.utils.text import format_lazy

    for model in apps.get_models(include_auto_created=True):
        opts = model._meta
        links = [field for field in opts.fields if field.is_relation]
        if not opts.auto_created or len(links) != 2:
            continue
        first, second = links
        first_model, second_model = first.related_model, second.related_model
        assert isinstance(first_model, type) and isinstance(second_model, type)  # resolved by now
        opts.verbose_name = format_lazy("{} – {}", first_model._meta.verbose_name,
                                        second_model._meta.verbose_name)
        opts.verbose_name_plural = opts.verbose_name

        def row_name(row: object, a: str = first.name, b: str = second.name) -> str:
            return f"{getattr(row, a)} – {getattr(row, b)}"

        model.__str__ = row_name  # type: ignore[method-assign]  # a name for Django's own rows


_name_relation_rows()
