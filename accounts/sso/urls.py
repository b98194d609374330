"""The sign-in addresses of the municipalities' identity providers (allauth reads these
through the provider's ``package``; lederutvikling/urls.py includes them under /konto/sso/)."""

from django.urls import path
from django.views.generic import RedirectView

from . import views

urlpatterns = [
    path("kommune/<str:provider_id>/login/", views.login, name="kommune_login"),
    path("kommune/<str:provider_id>/login/callback/", views.callback, name="kommune_callback"),
    # Names allauth reverses; the portal's own login page serves them.
    path("logg-inn/", RedirectView.as_view(pattern_name="login"), name="account_login"),
    path("registrer/", RedirectView.as_view(pattern_name="login"), name="account_signup"),
    path("inaktiv/", RedirectView.as_view(pattern_name="login"), name="account_inactive"),
]
