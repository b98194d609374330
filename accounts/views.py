from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from . import services
from .dashboard import panels_for
from .forms import LanguageForm
from .health import health_check
from .selectors import min_side_get


def min_side(request: HttpRequest) -> HttpResponse:
    page = min_side_get(user=request.user)
    return render(request, "accounts/min_side.html", {
        "page": page, "panels": panels_for(request.user, page.leader),
    })


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
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For operators: is the database and the Celery broker reachable?"""
    result = health_check()
    return JsonResponse(result.as_dict(), status=200 if result.ok else 503)
