from django.urls import path

from . import views

app_name = "networks"

urlpatterns = [
    path("", views.index, name="index"),
    path("program/<slug:slug>/start/", views.plan_start, name="plan_start"),
    path("<uuid:plan_uuid>/", views.plan_compose, name="plan_compose"),
    path("<uuid:plan_uuid>/foresla/", views.groups_propose, name="groups_propose"),
    path("<uuid:plan_uuid>/flytt/", views.member_move, name="member_move"),
    path("<uuid:plan_uuid>/ny-gruppe/", views.group_create, name="group_create"),
    path("<uuid:plan_uuid>/bekreft/", views.groups_confirm, name="groups_confirm"),
    path("<uuid:plan_uuid>/moteplan/", views.meeting_plan, name="meeting_plan"),
    path("<uuid:plan_uuid>/moteplan/planlegg/", views.meetings_plan_run,
         name="meetings_plan_run"),
    path("<uuid:plan_uuid>/moteplan/varsle/", views.poll_announce, name="poll_announce"),
    path("<uuid:plan_uuid>/moteplan/importer/", views.plan_import, name="plan_import"),
    path("<uuid:plan_uuid>/moteplan/pakk/", views.meetings_plan_range,
         name="meetings_plan_range"),
    path("grupper/<uuid:group_uuid>/", views.group_detail, name="group_detail"),
    path("grupper/<uuid:group_uuid>/endre/", views.group_update, name="group_update"),
    path("grupper/<uuid:group_uuid>/slett/", views.group_delete, name="group_delete"),
    path("grupper/<uuid:group_uuid>/nytt-mote/", views.meeting_create, name="meeting_create"),
    path("moter/<uuid:meeting_uuid>/holdt/", views.meeting_held, name="meeting_held"),
    path("moter/<uuid:meeting_uuid>/", views.meeting_detail, name="meeting_detail"),
    path("moter/<uuid:meeting_uuid>/svar/", views.meeting_vote, name="meeting_vote"),
    path("moter/<uuid:meeting_uuid>/bekreft/", views.meeting_confirm, name="meeting_confirm"),
    path("moter/<uuid:meeting_uuid>/endre/", views.meeting_edit, name="meeting_edit"),
    path("moter/<uuid:meeting_uuid>/avlys/", views.meeting_cancel, name="meeting_cancel"),
    path("moter/<uuid:meeting_uuid>/ny-dato/", views.meeting_option_add, name="meeting_option_add"),
    path("moter/<uuid:meeting_uuid>/notat/", views.meeting_note, name="meeting_note"),
    path("moter/<uuid:meeting_uuid>/kalender.ics", views.meeting_ics, name="meeting_ics"),
]
