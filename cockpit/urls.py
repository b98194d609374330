from django.urls import path

from . import views

app_name = "cockpit"

urlpatterns = [
    path("kursbevis/<str:enrollment_uuid>/", views.certificate, name="certificate"),
]
