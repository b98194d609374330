from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import views
from .forms import EmailAuthenticationForm
from .sso import views as sso_views

app_name = "accounts"

urlpatterns = [
    path("min-side/", views.min_side, name="min_side"),
    path("min-side/mine-data.json", views.my_data, name="my_data"),
    path("min-side/stedfortreder/", views.deputies, name="deputies"),
    path("sprak/", views.language_set, name="language_set"),
    path("kalender/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("kalender/ny-adresse/", views.calendar_token_reset, name="calendar_token_reset"),
    path("kalender/uke/", views.calendar_week, name="calendar_week"),
]

# Django's own auth views, outside the namespace because they reverse their
# neighbours by bare name ("password_reset_done", …).
auth_urlpatterns = [
    path("logg-inn/", sso_views.LoginView.as_view(
        authentication_form=EmailAuthenticationForm, redirect_authenticated_user=True),
        name="login"),
    path("logg-ut/", auth_views.LogoutView.as_view(), name="logout"),
    path("passord/glemt/", views.PasswordResetView.as_view(), name="password_reset"),
    path("passord/glemt/sendt/", auth_views.PasswordResetDoneView.as_view(),
         name="password_reset_done"),
    path("passord/ny/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path("passord/ny/ferdig/", auth_views.PasswordResetCompleteView.as_view(),
         name="password_reset_complete"),
    path("passord/endre/", auth_views.PasswordChangeView.as_view(
        success_url=reverse_lazy("password_change_done")), name="password_change"),
    path("passord/endre/ferdig/", auth_views.PasswordChangeDoneView.as_view(),
         name="password_change_done"),
]
