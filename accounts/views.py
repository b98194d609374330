from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lib.http import add_error_to_form, messages_from_error
from lib.ical import calendar_publish, ics_response
from lib.ratelimit import client_ip

from . import services
from .calendar import (
    FEED_ROOM_CLASHES_SINCE,
    clashes,
    events_for,
    mark_clashes,
    room_clashes_for,
    week_of,
)
from .forms import LanguageForm, PasswordResetForm
from .models import User
from .password_reset import password_reset_request
from .privacy import personal_data_export
from .selectors import min_side_get


def min_side(request: HttpRequest) -> HttpResponse:
    page = min_side_get(user=request.user)
    return render(request, "accounts/min_side.html", {"page": page})


@login_not_required
@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """Switch language; remembered on the account, and in a cookie before login."""
    form = LanguageForm(request.POST)
    next_url = request.POST.get("next") or reverse("accounts:min_side")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        next_url = reverse("accounts:min_side")
    response = HttpResponseRedirect(next_url)
    if not form.is_valid():
        messages.error(request, _("Choose one of the languages in the list."))
        return response
    language = form.cleaned_data["language"]
    if request.user.is_authenticated:
        services.user_set_language(user=request.user, language=language)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE,
        secure=getattr(settings, "LANGUAGE_COOKIE_SECURE", False), httponly=True,
        samesite="Lax",
    )
    return response


@login_not_required
@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The personal .ics feed; the secret token in the address is the only key.

    Calendar programs fetch it without a login, so the page language would be the
    default: the feed speaks its owner's chosen language instead (clash marks, name)."""
    user = User.objects.filter(calendar_token=token, is_active=True).first()
    if user is None:
        raise Http404
    language = user.language or settings.LANGUAGE_CODE
    with translation.override(language):
        events = events_for(user)
        rooms = room_clashes_for(user, events,
                                 since=timezone.now() - FEED_ROOM_CLASHES_SINCE)
        body = calendar_publish(mark_clashes(events, rooms), name=_("Leadership development"))
    response = ics_response(body, attachment=False)
    response["Content-Language"] = language
    # A capability URL: no shared cache (or browser cache on a shared PC) keeps it.
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def calendar_week(request: HttpRequest) -> HttpResponse:
    """One week of the signed-in person's calendar (every registered source) with clashes
    marked: a facilitator's or coach's sessions, meetings, bookings and gatherings."""
    today = timezone.localdate()
    try:
        day = dt.date.fromisoformat(request.GET.get("uke", "")) if request.GET.get("uke") \
            else today
    except ValueError:
        day = today
    monday, sunday = week_of(day)
    start = timezone.make_aware(dt.datetime.combine(monday, dt.time(0)))
    end = start + dt.timedelta(days=7)
    events = [e for e in events_for(request.user) if e.start < end and e.end > start]
    found = clashes(events)
    rooms = room_clashes_for(request.user, events)
    days = [(monday + dt.timedelta(days=i),
             [(e, found.get(e.uid, []), rooms.get(e.uid, [])) for e in events
              if timezone.localtime(e.start).date() == monday + dt.timedelta(days=i)])
            for i in range(7)]
    return render(request, "accounts/calendar_week.html", {
        "days": days, "monday": monday, "sunday": sunday, "clash_count": len(found),
        "room_clash_count": len(rooms),
        "previous": monday - dt.timedelta(days=7), "next": monday + dt.timedelta(days=7),
        "this_week": week_of(today)[0], "is_this_week": monday == week_of(today)[0]})


@require_POST
def calendar_token_reset(request: HttpRequest) -> HttpResponse:
    services.user_reset_calendar_token(user=request.user)
    messages.success(request, _("Your calendar has a new address. The old one no longer works."))
    return redirect("accounts:min_side")


def locked_out(request: HttpRequest, response: HttpResponse | None = None,
               credentials: dict | None = None) -> HttpResponse:
    """Shown by django-axes after too many failed logins (portal and admin alike)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/locked_out.html", {"cooloff_minutes": minutes},
                  status=429)


class PasswordResetView(auth_views.PasswordResetView):
    """The "Forgot your password?" page: the same answer for every address (see
    :mod:`accounts.password_reset`); only a client over its IP limit is told so."""

    form_class = PasswordResetForm

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        try:
            password_reset_request(
                email=form.cleaned_data["email"], ip=client_ip(self.request),
                domain=get_current_site(self.request).domain,
                protocol="https" if self.request.is_secure() else "http",
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return HttpResponseRedirect(self.get_success_url())


@require_GET
def my_data(request: HttpRequest) -> JsonResponse:
    """The logged-in person's own data as a JSON file (GDPR art. 15 and 20)."""
    response = JsonResponse(personal_data_export(user=request.user),
                            json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = 'attachment; filename="mine-data.json"'
    return response




@require_http_methods(["GET", "POST"])
def deputies(request: HttpRequest) -> HttpResponse:
    """Min side: the leader names a deputy for a period, sees their periods and ends one.

    Anyone signed in with a leader profile; the rules are the service's
    (``accounts.services.approvals.deputy_set``), refusals shown on the form.
    """
    from .forms import DeputyForm
    from .models import Deputy
    from .services.approvals import deputy_end, deputy_set

    user = request.user
    if not hasattr(user, "leader"):
        raise PermissionDenied(_("Only leaders name a deputy."))
    today = timezone.localdate()
    form = DeputyForm(request.POST if request.method == "POST" and "end" not in request.POST
                      else None, user=user)
    if request.method == "POST" and "end" in request.POST:
        end = request.POST.get("end", "")
        row = Deputy.objects.filter(leader=user, pk=int(end)).first() \
            if end.isdigit() and len(end) < 12 else None
        if row is None:
            raise Http404
        try:
            deputy_end(row=row, actor=user, today=today)
        except (ValidationError, PermissionDenied) as exc:
            messages_from_error(request, exc)
        else:
            messages.success(request, _("The deputy period is ended."))
        return redirect("accounts:deputies")
    if request.method == "POST" and form.is_valid():
        try:
            deputy_set(leader=user, deputy=form.cleaned_data["deputy"],
                       starts_on=form.cleaned_data["starts_on"],
                       ends_on=form.cleaned_data["ends_on"], actor=user, today=today)
        except (ValidationError, PermissionDenied) as exc:
            add_error_to_form(form, exc)
        else:
            messages.success(request, _("%(name)s is your deputy for the period.")
                             % {"name": form.cleaned_data["deputy"].full_name})
            return redirect("accounts:deputies")
    rows = list(Deputy.objects.filter(leader=user, ends_on__gte=today)
                .select_related("deputy").order_by("starts_on"))
    standing_in = list(Deputy.objects.filter(deputy=user, ends_on__gte=today)
                       .select_related("leader").order_by("starts_on"))
    return render(request, "accounts/deputies.html", {
        "form": form, "rows": rows, "standing_in": standing_in, "today": today},
        status=400 if form.errors else 200)
