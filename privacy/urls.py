from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("tilgjengelighet/", views.accessibility, name="accessibility"),
    path("personvern/", views.privacy, name="privacy"),
    path("personvern/lest/", views.privacy_read, name="privacy_read"),
]
