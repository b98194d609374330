"""The sign-in addresses of the municipalities' identity providers (allauth reads these
through the provider's ``package``; lederutvikling/urls.py includes them under /konto/sso/)."""

from allauth.account import views as account_views
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
    # Confirming one's password before setting up two-factor sign-in (allauth's page).
    path("bekreft/", account_views.reauthenticate, name="account_reauthenticate"),
]
