from __future__ import annotations

from django.urls import path

from . import views

app_name = "groups"

urlpatterns = [
    path("", views.index, name="index"),
    path("<uuid:public_id>/", views.progress, name="progress"),
    path("<uuid:public_id>/oppgaver/<int:task_id>/", views.task_toggle, name="task_toggle"),
    path("<uuid:public_id>/samlinger/<int:number>/", views.session_edit, name="session_edit"),
    path("<uuid:public_id>/samlinger/<int:number>/oppgave/", views.task_create,
         name="task_create"),
    path("<uuid:public_id>/formalsplakat/", views.poster, name="poster"),
    path("<uuid:public_id>/formalsplakat/rediger/", views.poster_edit, name="poster_edit"),
    path("<uuid:public_id>/formalsplakat/sammenlign/", views.poster_compare,
         name="poster_compare"),
    path("<uuid:public_id>/formalsplakat/utskrift/", views.poster_pdf, name="poster_pdf"),
    path("<uuid:public_id>/formalsplakat/versjoner/<int:number>/", views.poster_version,
         name="poster_version"),
    path("<uuid:public_id>/formalsplakat/versjoner/<int:number>/kommentar/",
         views.poster_comment, name="poster_comment"),
    path("<uuid:public_id>/formalsplakat/versjoner/<int:number>/publiser/",
         views.poster_publish, name="poster_publish"),
]
