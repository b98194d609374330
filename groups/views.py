"""Leader-facing pages of the groups app. Thin: access helper, form, service, redirect."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lib.http import add_error_to_form, messages_from_error

from . import selectors, services
from .access import (
    get_group_for_edit,
    get_group_for_reader,
    get_group_for_user,
)
from .forms import (
    CommentForm,
    PdfForm,
    PosterForm,
    SessionForm,
    TaskForm,
    commitment_formset,
    commitments_from,
)
from .models import COMMITMENT_MAX_LENGTH, LEAD_MAX_LENGTH, PosterVersion
from .timeline import session_labels


def index(request: HttpRequest) -> HttpResponse:
    page = selectors.index_get(user=request.user)
    return render(request, "groups/index.html", {"page": page})


def progress(request: HttpRequest, public_id: UUID) -> HttpResponse:
    access = get_group_for_user(request.user, public_id)
    page = selectors.progress_get(access=access)
    return render(request, "groups/progress.html", {"page": page, "access": access,
                                                    "group": access.group})


@require_POST
def task_toggle(request: HttpRequest, public_id: UUID, task_id: int) -> HttpResponse:
    access = get_group_for_edit(request.user, public_id, permission="can_do_tasks")
    process = access.process
    task = process.tasks.filter(pk=task_id).first() if process else None
    if task is None:
        raise Http404
    done = request.POST.get("done") == "1"
    services.task_mark_done(task=task, leader=request.user.leader, done=done)
    if done:
        messages.success(request, _("«%(task)s» is marked as done.") % {"task": task.title})
    else:
        messages.info(request, _("«%(task)s» is no longer marked as done.") % {"task": task.title})
    return redirect(reverse("groups:progress", args=[public_id]) + "#tasks")


@require_http_methods(["GET", "POST"])
def session_edit(request: HttpRequest, public_id: UUID, number: int) -> HttpResponse:
    access = get_group_for_edit(request.user, public_id, permission="can_run_sessions")
    process = access.process
    session = process.sessions.filter(number=number).first() if process else None
    if session is None:
        raise Http404
    form = SessionForm(request.POST or None, instance=session)
    if request.method == "POST" and form.is_valid():
        try:
            services.session_record(session=session, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_error_to_form(form, exc)
        else:
            messages.success(request, _("The session is saved."))
            return redirect(reverse("groups:progress", args=[public_id]) + "#sessions")
    session.refresh_from_db()  # the heading shows the stored session, not the rejected input
    series = list(process.sessions.order_by("number").values_list("number", "kind"))
    labels = dict(zip([n for n, _kind in series], session_labels(series), strict=True))
    return render(request, "groups/session_form.html", {
        "group": access.group, "session": session, "label": labels[session.number],
        "form": form, "task_form": TaskForm()})


@require_POST
def task_create(request: HttpRequest, public_id: UUID, number: int) -> HttpResponse:
    access = get_group_for_edit(request.user, public_id, permission="can_run_sessions")
    process = access.process
    session = process.sessions.filter(number=number).first() if process else None
    if session is None:
        raise Http404
    form = TaskForm(request.POST)
    if form.is_valid():
        try:
            services.task_create(process=process, actor=request.user, after_session=session,
                                 **form.cleaned_data)
        except ValidationError as exc:
            add_error_to_form(form, exc)
        else:
            messages.success(request, _("The training task is given to the group."))
            return redirect(reverse("groups:progress", args=[public_id]) + "#tasks")
    return render(request, "groups/session_form.html", {
        "group": access.group, "session": session, "form": SessionForm(instance=session),
        "task_form": form})


def poster(request: HttpRequest, public_id: UUID) -> HttpResponse:
    access = get_group_for_reader(request.user, public_id)
    page = selectors.poster_page_get(access=access)
    return render(request, "groups/poster.html", {
        "page": page, "access": access, "group": access.group, "pdf_form": PdfForm(),
        "comment_form": CommentForm()})


@require_http_methods(["GET", "POST"])
def poster_edit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    access = get_group_for_edit(request.user, public_id, permission="can_draft")
    group = access.group
    if request.method == "POST":
        form = PosterForm(request.POST)
        formset = commitment_formset(data=request.POST)
        if form.is_valid() and formset.is_valid():
            try:
                saved = services.poster_version_save(
                    group=group, author=request.user,
                    base_number=form.cleaned_data["base_version"],
                    lead=form.cleaned_data["lead"], commitments=commitments_from(formset))
            except ValidationError as exc:
                add_error_to_form(form, exc)
            else:
                return _after_save(request, group.public_id, saved)
    else:
        latest = (PosterVersion.objects.filter(poster__group=group)
                  .prefetch_related("commitments").order_by("-number").first())
        form = PosterForm(initial={
            "lead": latest.lead if latest else _(
                "Our leader group will create ADDED VALUE for the organisation and for each "
                "member of the group by:"),
            "base_version": latest.number if latest else None})
        formset = commitment_formset(initial=[
            {"text": c.text, "purpose": c.purpose} for c in latest.commitments.all()
        ] if latest else [])
    return render(request, "groups/poster_edit.html", {
        "group": group, "form": form, "formset": formset, "lead_max": LEAD_MAX_LENGTH,
        "commitment_max": COMMITMENT_MAX_LENGTH})


def _after_save(request: HttpRequest, public_id: UUID,
                saved: services.VersionSaved) -> HttpResponse:
    version = saved.version
    if saved.already_saved:
        messages.info(request, _("Nothing has changed: this is already saved as version "
                                 "%(number)s.") % {"number": version.number})
        return redirect("groups:poster", public_id)
    if not saved.conflict:
        messages.success(request, _("Saved as version %(number)s.") % {"number": version.number})
        return redirect("groups:poster", public_id)
    newest = saved.newer[-1]
    messages.warning(request, _(
        "A newer version exists: %(author)s saved version %(newer)s while you were editing. "
        "Nothing is lost — your changes are kept as version %(number)s. Compare the two and "
        "save a version that combines them.") % {
            "author": newest.author.full_name if newest.author else _("someone"),
            "newer": newest.number, "number": version.number})
    url = reverse("groups:poster_compare", args=[public_id])
    return redirect(f"{url}?fra={newest.number}&til={version.number}")


def poster_version(request: HttpRequest, public_id: UUID, number: int,
                   comment_form: CommentForm | None = None) -> HttpResponse:
    access = get_group_for_user(request.user, public_id)
    version, numbers = selectors.version_get(access=access, number=number)
    return render(request, "groups/poster_version.html", {
        "group": access.group, "access": access, "version": version, "numbers": numbers,
        "is_published": version.poster.published_version_id == version.pk,
        "comment_form": comment_form or CommentForm()})


@require_POST
def poster_comment(request: HttpRequest, public_id: UUID, number: int) -> HttpResponse:
    access = get_group_for_edit(request.user, public_id, permission="can_comment")
    version = PosterVersion.objects.filter(poster__group=access.group, number=number).first()
    if version is None:
        raise Http404
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.poster_comment_add(version=version, author=request.user,
                                        body=form.cleaned_data["body"])
        except ValidationError as exc:
            add_error_to_form(form, exc)
        else:
            messages.success(request, _("Your comment is added."))
            url = reverse("groups:poster_version", args=[public_id, number])
            return redirect(url + "#comments")
    return poster_version(request, public_id, number, comment_form=form)


@require_POST
def poster_publish(request: HttpRequest, public_id: UUID, number: int) -> HttpResponse:
    access = get_group_for_edit(request.user, public_id, permission="can_publish")
    version = PosterVersion.objects.filter(poster__group=access.group, number=number).first()
    if version is None:
        raise Http404
    try:
        services.poster_publish(version=version, actor=request.user)
    except ValidationError as exc:
        messages_from_error(request, exc)
        return redirect("groups:poster_version", public_id, number)
    messages.success(request, _("Version %(number)s is published. Every leader in the "
                                "municipality can now read it.") % {"number": number})
    return redirect("groups:poster", public_id)


def poster_compare(request: HttpRequest, public_id: UUID) -> HttpResponse:
    access = get_group_for_user(request.user, public_id)
    try:
        old_number, new_number = int(request.GET["fra"]), int(request.GET["til"])
    except (KeyError, ValueError):
        messages.error(request, _("Choose two versions to compare."))
        return redirect("groups:poster", public_id)
    comparison = selectors.comparison_get(access=access, old_number=old_number,
                                          new_number=new_number)
    return render(request, "groups/poster_compare.html", {
        "group": access.group, "access": access, "cmp": comparison})


@require_POST
def poster_pdf(request: HttpRequest, public_id: UUID) -> HttpResponse:
    access = get_group_for_reader(request.user, public_id)
    form = PdfForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose A4 or A3."))
        return redirect("groups:poster", public_id)
    try:
        document = services.poster_pdf_request(group=access.group, actor=request.user,
                                               page_size=form.cleaned_data["page_size"])
    except ValidationError as exc:
        messages_from_error(request, exc)
        return redirect("groups:poster", public_id)
    return redirect("lib:document_detail", document.pk)
