from django.urls import path

from . import views

app_name = "lib"

urlpatterns = [
    path("dokumenter/<uuid:pk>/", views.document_detail, name="document_detail"),
    path("dokumenter/<uuid:pk>/status/", views.document_status, name="document_status"),
    path("dokumenter/<uuid:pk>/last-ned/", views.document_download, name="document_download"),
]
