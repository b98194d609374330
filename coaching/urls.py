from django.urls import path

from . import views

app_name = "coaching"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("sok/", views.apply, name="apply"),
    path("lop/<uuid:course_uuid>/", views.course_detail, name="course_detail"),
    path("lop/<uuid:course_uuid>/prosjekt/", views.project_edit, name="project_edit"),
    path("lop/<uuid:course_uuid>/refleksjon/", views.reflection_add, name="reflection_add"),
    path("lop/<uuid:course_uuid>/trekk/", views.course_withdraw, name="course_withdraw"),
    path("lop/<uuid:course_uuid>/velg-coach/", views.coach_choose, name="coach_choose"),
    path("lop/<uuid:course_uuid>/bestill/", views.booking_create, name="booking_create"),
    path("lop/<uuid:course_uuid>/godkjenning/", views.course_decide, name="course_decide"),
    path("timer/<uuid:booking_uuid>/flytt/", views.booking_reschedule,
         name="booking_reschedule"),
    path("timer/<uuid:booking_uuid>/avbestill/", views.booking_cancel, name="booking_cancel"),
    path("timer/<uuid:booking_uuid>/merk/", views.booking_mark, name="booking_mark"),
    path("timer/<uuid:booking_uuid>/kalender.ics", views.booking_ics, name="booking_ics"),
    path("coach/", views.coach_home, name="coach_home"),
    path("coach/<uuid:coach_uuid>/", views.coach_calendar, name="coach_calendar"),
    path("coach/<uuid:coach_uuid>/sperr/", views.block_create, name="block_create"),
    path("sperret-tid/<uuid:block_uuid>/slett/", views.block_delete, name="block_delete"),
]
