"""The URL map: each app's urls.py, the auth views, admin and health check."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.templatetags.static import static as static_url
from django.urls import include, path
from django.views.generic import RedirectView

from accounts.urls import auth_urlpatterns
from lib.health import health_response

admin.site.site_header = "Lederutvikling"
admin.site.site_title = "Lederutvikling"


class FaviconRedirect(RedirectView):
    """/favicon.ico for browsers and tools that ask for it without reading the page's
    <link rel="icon">: the static SVG (hashed name in production, so not permanent)."""

    def get_redirect_url(self, *args: object, **kwargs: object) -> str:
        return static_url("favicon.svg")


urlpatterns = [
    path("", RedirectView.as_view(pattern_name="accounts:min_side", permanent=False)),
    path("", include("accounts.urls")),
    path("", include("lib.urls")),
    path("", include("privacy.urls")),
    path("fordypning/", include("programs.urls")),
    path("ledergrupper/", include("groups.urls")),
    path("undersokelser/", include("surveys.urls")),
    path("coaching/", include("coaching.urls")),
    path("nettverk/", include("networks.urls")),
    path("lederplattform/", include("leaderplatform.urls")),
    path("", include("cockpit.urls")),
    path("konto/", include(auth_urlpatterns)),
    path("konto/sso/", include("accounts.sso.urls")),
    # Two-factor sign-in (allauth.mfa; who must have it: accounts/mfa.py).
    path("konto/tofaktor/", include("allauth.mfa.urls")),
    # Answered by lib.health.HealthCheckMiddleware before the session is read; the
    # route names the address (reverse("healthz")) and answers if the middleware is left out.
    path("healthz", login_not_required(health_response), name="healthz"),
    path("favicon.ico", login_not_required(FaviconRedirect.as_view()), name="favicon"),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
