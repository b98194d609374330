"""The portal's URLs plus a bare view doing one query: the ceiling of the load benchmark.

Only reachable through ``bench.load_settings`` (which needs ``LEDERUTVIKLING_BENCH=true``),
so production never serves it.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import include, path


@login_not_required
def ceiling(request: HttpRequest) -> HttpResponse:
    """One query and a tiny response: what Django on this machine does at best."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return HttpResponse("ok", content_type="text/plain")


def frame(request: HttpRequest) -> HttpResponse:
    """A signed-in page with nothing on it: the portal's frame (menu, footer) and the
    middleware a leader's request passes, what every leader page costs at least."""
    return render(request, "base.html")


urlpatterns = [
    path("bench/ceiling/", ceiling),
    path("bench/frame/", frame),
    path("", include("lederutvikling.urls")),
]
