"""The admin's "Copy module…" and "Copy programme to next year" (issue 20).

Each is an action on the list that opens an intermediate page for one row
(``admin:programs_module_copy`` / ``admin:programs_programme_copy``): choose the
semester or year, see every new date (public holidays flagged) in a preview that
writes nothing, then save the copy through :mod:`programs.services.copying` and
land on the copy's change page. The row is fetched through the ModelAdmin's own
(municipality-scoped) queryset, so another municipality's id is a 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lib.http import add_error_to_form
from lib.scoping import scope_queryset

from .models import Module, Programme, Term
from .services.copying import (
    module_copy,
    module_copy_plan,
    programme_copy,
    programme_copy_plan,
)

SEMESTERS_AHEAD = 8
YEARS_AHEAD = 5


def semester_choices(today: dt.date) -> list[tuple[str, str]]:
    """This semester and the next few, as ``("var-2027", "spring 2027")``."""
    choices = []
    for year in range(today.year, today.year + SEMESTERS_AHEAD // 2 + 1):
        for term in (Term.SPRING, Term.AUTUMN):
            if (year, term == Term.AUTUMN) < (today.year, today.month > 6):
                continue
            choices.append((f"{term.value}-{year}", f"{term.label} {year}"))
    return choices[:SEMESTERS_AHEAD]


class ModuleCopyForm(forms.Form):
    semester = forms.ChoiceField(label=gettext_lazy("Semester of the copy"),
                                 help_text=gettext_lazy(
                                     "The sessions keep their weekday and times and move by "
                                     "whole weeks into this semester."))
    topic = forms.CharField(label=gettext_lazy("Topic of the copy"), max_length=200)
    programme = forms.ModelChoiceField(queryset=Programme.objects.none(),
                                       label=gettext_lazy("Programme of the copy"))

    def __init__(self, *args: Any, programmes: QuerySet, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["semester"].choices = semester_choices(today)
        self.fields["programme"].queryset = programmes

    def term_year(self) -> tuple[str, int]:
        term, year = self.cleaned_data["semester"].split("-")
        return term, int(year)


class ProgrammeCopyForm(forms.Form):
    year = forms.TypedChoiceField(coerce=int, label=gettext_lazy("Year the copy starts"),
                                  help_text=gettext_lazy(
                                      "Every date moves by whole weeks (52 for one year), so "
                                      "sessions and gatherings keep their weekday and times."))
    name = forms.CharField(label=gettext_lazy("Name of the copy"), max_length=200,
                           required=False,
                           help_text=gettext_lazy("Empty: the name with its years moved on."))
    slug = forms.SlugField(label=gettext_lazy("Short name of the copy"), max_length=80,
                           required=False,
                           help_text=gettext_lazy("Used in addresses. Empty: made from the name."))

    def __init__(self, *args: Any, first_year: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, str(y)) for y in
                                       range(first_year, first_year + YEARS_AHEAD)]


def _preview_key(form: forms.Form) -> str:
    """What the preview showed; a save with other values is shown as a preview first."""
    return "|".join(f"{name}={form.cleaned_data[name]!s}" for name in sorted(form.cleaned_data))


def _saving(request: HttpRequest, form: forms.Form) -> bool:
    return "save" in request.POST and request.POST.get("previewed") == _preview_key(form)


def _render(model_admin: admin.ModelAdmin, request: HttpRequest, obj: Any, form: forms.Form,
            plan: Any, title: str) -> HttpResponse:
    context = {**model_admin.admin_site.each_context(request), "opts": model_admin.model._meta,
               "original": obj, "form": form, "plan": plan, "title": title,
               "is_programme": isinstance(obj, Programme),
               "preview_key": _preview_key(form) if plan is not None else ""}
    return TemplateResponse(request, "admin/programs/copy.html", context)


def _one_row(model_admin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet,
             url_name: str) -> HttpResponse | None:
    rows = list(queryset.order_by("pk")[:2])
    if len(rows) != 1:
        model_admin.message_user(request, _("Choose exactly one row to copy."), messages.ERROR)
        return None
    return HttpResponseRedirect(reverse(f"admin:{url_name}", args=[rows[0].pk]))


class ModuleCopyMixin:
    """Adds "Copy module…" to ``ModuleAdmin``."""

    def get_urls(self) -> list:
        return [path("<path:object_id>/kopier/",
                     self.admin_site.admin_view(self.copy_view),  # type: ignore[attr-defined]
                     name="programs_module_copy"),
                *super().get_urls()]  # type: ignore[misc]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actions = [*(self.actions or []), "copy_module"]  # type: ignore[has-type]

    @admin.action(description=gettext_lazy("Copy the module…"), permissions=["add"])
    def copy_module(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        return _one_row(self, request, queryset, "programs_module_copy")  # type: ignore[arg-type]

    def copy_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        module = self.get_object(request, unquote(object_id))  # type: ignore[attr-defined]
        if module is None:
            raise Http404
        if not self.has_add_permission(request):  # type: ignore[attr-defined]
            raise PermissionDenied
        today = timezone.localdate()
        programmes = scope_queryset(Programme.objects.all(), request.user).order_by(
            "-starts_on", "name")
        choices = semester_choices(today)
        form = ModuleCopyForm(request.POST or None, programmes=programmes, today=today,
                              initial={"topic": module.topic, "programme": module.programme_id,
                                       "semester": _next_semester(module, choices)})
        plan = None
        if request.method == "POST" and form.is_valid():
            term, year = form.term_year()
            arguments = {"module": module, "term": term, "year": year,
                         "topic": form.cleaned_data["topic"],
                         "programme": form.cleaned_data["programme"]}
            try:
                if _saving(request, form):
                    copy = module_copy(**arguments, actor=request.user)
                    self.message_user(  # type: ignore[attr-defined]
                        request, _("The module was copied to %(semester)s as a draft; check it "
                                   "and publish it.") % {"semester": copy.semester_label},
                        messages.SUCCESS)
                    return HttpResponseRedirect(reverse("admin:programs_module_change",
                                                        args=[copy.pk]))
                plan = module_copy_plan(**arguments)
            except (ValidationError, PermissionDenied) as exc:
                add_error_to_form(form, exc)
        return _render(self, request, module, form, plan,  # type: ignore[arg-type]
                       _("Copy the module %(module)s") % {"module": module})


def _next_semester(module: Module, choices: list[tuple[str, str]]) -> str:
    """The same term a year on, if offered; else the first semester offered."""
    wanted = f"{module.term}-{module.year + 1}"
    values = [value for value, _label in choices]
    return wanted if wanted in values else (values[0] if values else "")


class ProgrammeCopyMixin:
    """Adds "Copy the programme to next year" to ``ProgrammeAdmin``."""

    def get_urls(self) -> list:
        return [path("<path:object_id>/kopier/",
                     self.admin_site.admin_view(self.copy_view),  # type: ignore[attr-defined]
                     name="programs_programme_copy"),
                *super().get_urls()]  # type: ignore[misc]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actions = [*(self.actions or []), "copy_programme"]  # type: ignore[has-type]

    @admin.action(description=gettext_lazy("Copy the programme to next year…"),
                  permissions=["add"])
    def copy_programme(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        return _one_row(self, request, queryset,  # type: ignore[arg-type]
                        "programs_programme_copy")

    def copy_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        programme = self.get_object(request, unquote(object_id))  # type: ignore[attr-defined]
        if programme is None:
            raise Http404
        if not self.has_add_permission(request):  # type: ignore[attr-defined]
            raise PermissionDenied
        first_year = max(programme.starts_on.year + 1, timezone.localdate().year)
        form = ProgrammeCopyForm(request.POST or None, first_year=first_year,
                                 initial={"year": programme.starts_on.year + 1})
        plan = None
        if request.method == "POST" and form.is_valid():
            arguments = {"programme": programme, "year": form.cleaned_data["year"],
                         "name": form.cleaned_data["name"] or None,
                         "slug": form.cleaned_data["slug"] or None}
            try:
                if _saving(request, form):
                    copy = programme_copy(**arguments, actor=request.user)
                    self.message_user(  # type: ignore[attr-defined]
                        request, _("The programme was copied as «%(name)s»; its modules are "
                                   "drafts.") % {"name": copy.name}, messages.SUCCESS)
                    return HttpResponseRedirect(reverse("admin:programs_programme_change",
                                                        args=[copy.pk]))
                plan = programme_copy_plan(**arguments)
            except (ValidationError, PermissionDenied) as exc:
                add_error_to_form(form, exc)
        return _render(self, request, programme, form, plan,  # type: ignore[arg-type]
                       _("Copy the programme %(programme)s") % {"programme": programme})
